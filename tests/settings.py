"""The test suite's settings: production's (DEBUG off) with a test-only key, over plain HTTP.

pyproject.toml points pytest-django here; `manage.py`, the benchmarks and the servers use
evalsys.settings, which has no key unless SECRET_KEY (or DEBUG=1) is set.
"""

import os

os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "tests-only-not-secret-" + "k" * 40)

from evalsys.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False  # the test client and live_server speak HTTP
# Templates render {% static %} without collectstatic; WhiteNoise finds files as in development.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A password hashed by PBKDF2 costs a third of a second: load_demo's four users were 80% of its time,
# and the tests create thousands of users. The tests check who may log in and what a user may do, not
# the hash's strength (production keeps Django's default, PBKDF2: evalsys.settings sets none).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
