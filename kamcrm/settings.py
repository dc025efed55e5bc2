"""Settings for KAM CRM, read from the environment only.

With nothing set it runs on SQLite with Celery tasks executed eagerly, so a newcomer
needs nothing installed; `DATABASE_URL` and `REDIS_URL` switch it to PostgreSQL and a
real Celery worker and beat. Every variable is documented in `.env.example`.
"""

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import envbool, envint, envlist, envsecret

BASE_DIR = Path(__file__).resolve().parent.parent

# A local .env is a convenience for development; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


DEBUG = envbool("DJANGO_DEBUG", False)

SECRET_KEY = envsecret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "For local development set DJANGO_DEBUG=true (make run does)."
        )
    SECRET_KEY = "django-insecure-development-only"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "rules",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The audit trail (kamcrm/audit.py): history tables written by PostgreSQL triggers.
    "pgtrigger",
    "pghistory",
    "kamcrm",
    "accounts",
    "plans",
    "dashboards",
    "health",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "kamcrm.middleware.RefuseNulBytes",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page requires sign-in unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After sign-in is known: a signed-in user's own language wins over the browser's.
    "kamcrm.middleware.UserLanguage",
    # Tags every change a request makes with its user and path (the audit trail).
    "kamcrm.audit.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: it answers a locked-out sign-in (kamcrm/security.py).
    "axes.middleware.AxesMiddleware",
]

# The audit trail's events carry the time of the change itself, not of its transaction's
# start, so the changes one transaction makes are listed in the order they were made.
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"

ROOT_URLCONF = "kamcrm.urls"
WSGI_APPLICATION = "kamcrm.wsgi.application"

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
                "accounts.context_processors.money",
                "kamcrm.context_processors.notifications",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL names another one.
DATABASES = {
    "default": environ.Env.db_url_config(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's own psycopg pool replaces persistent connections (CONN_MAX_AGE must stay 0).
    # With health checks on, the pool checks each connection before handing it out, so
    # one the server dropped (a restart, a killed backend) is replaced instead of failing
    # a request; a server that does not answer fails a new connection in seconds.
    # JIT compilation off: the planner turns it on by estimated cost, and a dashboard's
    # sums over 100,000 accounts spent 0.4 s compiling to save a few ms (the nightly runs
    # took no longer without it).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    db_options = DATABASES["default"].setdefault("OPTIONS", {})
    db_options.update({"pool": {"timeout": 10}, "connect_timeout": 3})
    db_options["options"] = f"{db_options.get('options', '')} -c jit=off".strip()
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a management command writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "kamcrm.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its username or address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "kamcrm.permissions.PasswordBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: the users are in Thailand, Vietnam and Poland.
# The language of users who chose none, and of pages before sign-in when the browser
# asks for none we speak.
LANGUAGE_CODE = os.environ.get("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [
    ("en", _("English")),
    ("th", _("Thai")),
    ("vi", _("Vietnamese")),
    ("pl", _("Polish")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["kamcrm.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Cache, Celery broker and result backend: Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis that cannot be reached is a cache miss, never a 500 (kamcrm/cache.py).
            "BACKEND": "kamcrm.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kamcrm",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# No broker configured: run tasks in the calling process so nothing else is needed.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only when done, so a killed worker's task runs again;
# every task must therefore be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that queues a task answers quickly when the broker is down, rather than
# retrying the connection while the user waits.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "max_retries": 1}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "recompute-tiers-nightly": {
        "task": "accounts.tasks.recompute_tiers",
        "schedule": crontab(hour=2, minute=0),
    },
    "recompute-health-nightly": {
        "task": "health.tasks.recompute_health",
        "schedule": crontab(hour=2, minute=15),  # after tiering: it reads the new tiers
    },
    "refresh-dashboard-figures-nightly": {
        "task": "dashboards.tasks.refresh_figures",
        "schedule": crontab(hour=2, minute=30),
    },
    "sweep-abandoned-imports": {
        "task": "accounts.tasks.sweep_imports",
        "schedule": crontab(),  # every minute: a lost upload is re-queued within minutes
    },
    "send-plan-reminders-daily": {
        "task": "plans.tasks.send_plan_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}

# Email: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "KAM CRM <kamcrm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Company-wide business settings.
# Tier snapshots are kept day by day this long; before that, each month's last run.
KAMCRM_DAILY_SNAPSHOT_DAYS = envint("KAMCRM_DAILY_SNAPSHOT_DAYS", 90)
# Uploaded imports wait in the database for a worker that reads them whole; larger files
# belong to the import commands, which stream.
KAMCRM_IMPORT_MAX_BYTES = envint("KAMCRM_IMPORT_MAX_MB", 20) * 1024 * 1024
# An uploaded import running longer than this is stopped (nothing is imported).
KAMCRM_IMPORT_TIME_LIMIT = envint("KAMCRM_IMPORT_TIME_LIMIT", 30 * 60)
# A running import whose worker has not beaten for this long lost its worker.
KAMCRM_IMPORT_ABANDONED_SECONDS = envint("KAMCRM_IMPORT_ABANDONED_SECONDS", 60)
KAMCRM_BASE_CURRENCY = os.environ.get("KAMCRM_BASE_CURRENCY", "USD").upper()
if len(KAMCRM_BASE_CURRENCY) != 3 or not KAMCRM_BASE_CURRENCY.isalpha():
    raise ImproperlyConfigured(
        f"KAMCRM_BASE_CURRENCY must be a 3-letter ISO code, not {KAMCRM_BASE_CURRENCY!r}"
    )

# The REST API (api/): a personal token or the browser's session (with its CSRF check),
# the pages' own permission rules, JSON only, cursor pages, a rate per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerToken"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.Schema",
}
# Requests per token (or per signed-in user) and period: second, minute, hour or day.
KAMCRM_API_RATE = os.environ.get("KAMCRM_API_RATE", "1200/minute").strip()
if not re.fullmatch(r"\d+/(second|minute|hour|day)", KAMCRM_API_RATE):
    raise ImproperlyConfigured(
        f"KAMCRM_API_RATE must be a number per second, minute, hour or day (1200/minute), "
        f"not {KAMCRM_API_RATE!r}"
    )
# Revenue lines one bulk request may carry; a request body (not a file upload) may be
# this large, so that many lines fit (Django's default is 2.5 MB).
KAMCRM_API_MAX_LINES = envint("KAMCRM_API_MAX_LINES", 10_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("KAMCRM_REQUEST_MAX_MB", 10) * 1024 * 1024
SPECTACULAR_SETTINGS = {
    "TITLE": "KAM CRM API",
    "DESCRIPTION": "Accounts, people, deals, revenue, plans and tiers, as the pages show "
    "them to the same user. Send a personal token (your user menu, API tokens) as "
    "`Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The API's two PATCHes need every field they name: no "Patched" variant.
    "COMPONENT_SPLIT_PATCH": False,
    # Swagger UI from drf-spectacular-sidecar's files in static/, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TierStatusEnum": "accounts.models.tier_choices.Status",
        "PlanStatusEnum": "plans.models.PlanStatus",
        "BuyingRoleEnum": "accounts.models.people.BuyingRole",
        "TierBandEnum": "accounts.models.tier_choices.Band",
        "SeniorityEnum": "accounts.models.people.Seniority",
        "HealthBandEnum": "health.models.HealthBand",
    },
}

# Content-Security-Policy (django-csp): scripts, styles and everything else from this
# site only, no inline script or style attribute anywhere (behaviours are bound in
# static/js/kamcrm.js); data: images for Bootstrap's built-in icons. Chart data reaches
# the scripts as JSON (json_script), which is data, not script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failed attempts for one
# username, or from one address, that username or address is locked for the cool-off
# time; an admin unlocks a user from their page. Attempts live in the database.
AXES_FAILURE_LIMIT = envint("KAMCRM_SIGN_IN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=envint("KAMCRM_SIGN_IN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kamcrm.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "kamcrm.security.client_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

# HTTPS hardening, on by default in production. Turn DJANGO_HTTPS off only for plain-HTTP
# setups such as local tests; behind a TLS-terminating proxy set DJANGO_BEHIND_PROXY too.
HTTPS = envbool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = envbool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; lock-outs come as warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run in place: a line per task, and kombu's note that the in-memory broker
    # has no host, would only crowd the development server's output.
    LOGGING["loggers"].update(
        {
            "celery.app.trace": {"level": "WARNING"},
            "kombu.connection": {"level": "ERROR"},
        }
    )
