"""One env-driven settings module: SQLite by default, DATABASE_URL for PostgreSQL."""

from __future__ import annotations

import os
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes" mean True)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_addresses(name: str) -> list[tuple[str, str]]:
    """A variable such as `Name <a@b>, c@d` as Django's [(name, address), ...]."""
    pairs = getaddresses([os.environ.get(name, "")])
    return [(person or address, address) for person, address in pairs if address]


# Off unless asked for: `make run` sets DEBUG=1, the tests use tests/settings.py.
DEBUG = env_bool("DEBUG", False)
# Required whenever DEBUG is off: Django refuses to sign anything (sessions, CSRF, messages) with an
# empty key and evalsys/wsgi.py refuses to start, while commands that sign nothing (migrate,
# makemigrations, collectstatic, export_report ...) still run, as in a build or CI step.
SECRET_KEY = os.environ.get("SECRET_KEY", "") or ("insecure-dev-key-only-for-local-debug" if DEBUG else "")


def weak_secret_key(key: str) -> bool:
    """`check --deploy`'s rule (security.W009): under 50 characters, under 5 distinct ones, or
    Django's generated `django-insecure-` key."""
    return (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


# A weak key in production is refused at once, by every process (server, worker, commands), not only
# reported by `check --deploy`: whoever holds a guessable key forges sessions, so also logins.
if not DEBUG and SECRET_KEY and weak_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        f"SECRET_KEY is weak: use {SECRET_KEY_MIN_LENGTH}+ random characters (see .env.example), "
        f"not a short, repetitive or {SECRET_KEY_INSECURE_PREFIX}… key"
    )

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "evalsys.lib.adminsite.AdminConfig",  # django.contrib.admin: business tables first, 系统 apart
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "bootstrap",  # django-bootstrap-static: Bootstrap 5 CSS/JS served locally, no CDN
    "django_tasks",
    "simple_history",
    "evalsys.apps.AxesConfig",  # axes, named in Chinese in the admin
    "csp",
    "projects",
    "indicators",
    "library",  # 指标库: builds on indicators' vocabulary
    "scoring",
    "reports",
    "review",
    "targets",  # 绩效目标: the targets stage's review (88号)
    "monitoring",  # 运行监控: the mid-year stage (domain.md §8)
    "intake",
    "recheck",
    "accounts",  # after django.contrib.auth: its admin replaces auth's user admin
    # after reports: reports' `db_worker` (recovers batch exports, then runs django-tasks') wins
    "evalsys.apps.TasksDatabaseConfig",  # django_tasks_db, named in Chinese in the admin
]

MIDDLEWARE = [
    "evalsys.lib.requestid.RequestIdMiddleware",  # first: every log line of the request carries its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, also with DEBUG off
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "evalsys.lib.sessions.IdleSessionMiddleware",  # a used session lives SESSION_COOKIE_AGE more
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the 429 page
]

# Repeated failed logins are throttled (django-axes): 5 failures per user name and address lock
# that pair out for 15 minutes.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
# The client's address is REMOTE_ADDR unless TRUSTED_PROXY says how many proxies in front of the
# app append to X-Forwarded-For (evalsys/lib/clientip.py); otherwise a client could pick its own.
TRUSTED_PROXY = env_int("TRUSTED_PROXY", 0)
AXES_CLIENT_IP_CALLABLE = "evalsys.lib.clientip.client_ip"

ROOT_URLCONF = "evalsys.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.role",
                "projects.context_processors.todo",
            ],
        },
    },
]

# Django's form renderer, with its plain input, select and textarea templates written in Python
# (the same markup; the indicator editor has over a hundred inputs a page)
FORM_RENDERER = "evalsys.lib.form_renderer.FastRenderer"

WSGI_APPLICATION = "evalsys.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# A PostgreSQL read replica for lists and reports (evalsys.lib.replica): reads inside
# `from_replica()` go there; writes and every other read stay on `default`.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["evalsys.lib.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [d for d in [BASE_DIR / "static"] if d.is_dir()]  # the project's own assets, once it has any
# WhiteNoise serves STATIC_ROOT (`manage.py collectstatic`) with DEBUG off: compressed, with hashed
# names cached for ever. The manifest needs collectstatic first, so DEBUG and the tests use the plain storage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# fixed when the settings load (benchmarks turn DEBUG off later): files found anew on each request
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = DEBUG

# Content-Security-Policy (django-csp): only this site's own files. No inline scripts, no eval
# (htmx runs with allowEval off), no inline styles or style attributes; `data:` images are
# Bootstrap's SVG icons inside its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Error pages in Chinese (evalsys/lib/errors.py; handler400 ... handler500 in evalsys/urls.py).
CSRF_FAILURE_VIEW = "evalsys.lib.errors.csrf_failure"

# Logs go to stderr, each line with its request id; errors mail ADMINS ("Name <a@b>,...") when set.
ADMINS = env_addresses("ADMINS")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "root@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "evalsys.lib.requestid.RequestIdFilter"},
        # a 403 (or any 4xx) is one line with its reason; tracebacks are for crashes
        "client_errors": {"()": "evalsys.lib.errors.ClientErrorsInOneLine"},
    },
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "filters": ["client_errors", "request_id"], "formatter": "line"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["client_errors", "request_id"],
        },
    },
    "root": {"handlers": ["stderr", *(["mail_admins"] if ADMINS else [])], "level": LOG_LEVEL},
    "loggers": {
        # Django's own (requests, runserver) go to the same handlers, without their defaults
        **{name: {"handlers": [], "level": "INFO", "propagate": True} for name in ("django", "django.server")},
        # chatty at INFO: a line per process start (axes), per PDF step and font subset (WeasyPrint)
        **{name: {"level": "WARNING"} for name in ("axes", "weasyprint", "fontTools")},
    },
}

# Sessions end after a working day without a request (8 hours by default), however long ago the login
# was: evalsys.lib.sessions renews a session in use every few minutes, not on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 8 * 60) * 60

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "projects:list"
LOGOUT_REDIRECT_URL = "login"

# Background work (batch exports): the database worker runs queued tasks, `manage.py db_worker`.
# Tests use the immediate backend only where a test says so; see README "Workers".
# Batch exports are split into chunks spread round robin over these queues; every `db_worker`
# (any machine, against the same database) takes the queues it is started with (--queue-name).
EVALSYS_EXPORT_QUEUES = [q.strip() for q in os.environ.get("EVALSYS_EXPORT_QUEUES", "default").split(",") if q.strip()]
EVALSYS_EXPORT_CHUNK = int(os.environ.get("EVALSYS_EXPORT_CHUNK", "50"))  # projects per chunk
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": sorted({"default", *EVALSYS_EXPORT_QUEUES}),
    }
}

# Production hardening: on whenever DEBUG is off (`manage.py check --deploy` stays clean).
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Only a proxy we trust may say the request came over HTTPS.
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Submissions are overdue after this day ("MM-DD") of the year after the fiscal year.
EVALSYS_SUBMISSION_DEADLINE = os.environ.get("EVALSYS_SUBMISSION_DEADLINE", "03-31")

# Scoring scheme used when a project or an import names none.
EVALSYS_DEFAULT_SCHEME = os.environ.get("EVALSYS_DEFAULT_SCHEME", "national")

# Rows one workbook upload may hold (the page answers within seconds; larger tables: import_workbook).
EVALSYS_UPLOAD_MAX_ROWS = int(os.environ.get("EVALSYS_UPLOAD_MAX_ROWS", "10000"))
# Rows up to which an upload is dry-run in the web request; a larger table is dry-run and imported
# by the task worker (`manage.py db_worker`), its page showing the progress (intake.jobs).
EVALSYS_UPLOAD_INLINE_ROWS = int(os.environ.get("EVALSYS_UPLOAD_INLINE_ROWS", "2000"))

# A batch export with no progress for this long is failed with a reason (its worker died).
EVALSYS_EXPORT_STALE_MINUTES = int(os.environ.get("EVALSYS_EXPORT_STALE_MINUTES", "15"))
