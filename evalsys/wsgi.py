"""WSGI entry point."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsys.settings")
application = get_wsgi_application()
# Refuse to serve without a SECRET_KEY (required when DEBUG is off) rather than fail on each request.
settings.SECRET_KEY  # noqa: B018 - Django raises ImproperlyConfigured when it is empty
