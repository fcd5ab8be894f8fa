"""ASGI entry point."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsys.settings")
application = get_asgi_application()
# Refuse to serve without a SECRET_KEY (required when DEBUG is off), as evalsys/wsgi.py does.
settings.SECRET_KEY  # noqa: B018 - Django raises ImproperlyConfigured when it is empty
