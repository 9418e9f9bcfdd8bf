"""Settings for the Liuwei work-safety system, read from the environment.

Every value that differs between a laptop, CI and the township's server comes
from an environment variable (or a `.env` file beside manage.py). Invalid values
stop the process at start-up with a message naming the variable.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable; anything but a clear yes/no is a start-up error."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default=str(default)).strip()
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from exc


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The township's deployment; reference data creates it (see units.reference).
TOWNSHIP_CODE = env.str("TOWNSHIP_CODE", default="341324106")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "simple_history",
    "axes",
    "csp",
    "core",
    "units",
    "hazards",
    "inspections",
    "reports",
    "readiness",
    "plan",
    "reminders",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise so that static files carry the Permissions-Policy too.
    "core.middleware.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The township a user of several acts in, settled before any scope is computed.
    "units.middleware.CurrentTownshipMiddleware",
    # Issue 14: a temporary password set by the office must be changed before anything else.
    "units.middleware.MustChangePasswordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Issue 10: NUL characters and lone surrogates answer 400 before any view reads them.
    "units.middleware.RefuseUnstorableInput",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Only with DEBUG (the quick start): the Chinese 404/403/500 pages instead of Django's debug page.
    "core.middleware.FriendlyErrorPagesMiddleware",
    # Must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "liuwei_safety.urls"
WSGI_APPLICATION = "liuwei_safety.wsgi.application"

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
                "core.context_processors.navigation",
                "units.context_processors.township_picker",
                "reminders.context_processors.unread_reminders",
            ],
        },
    },
]

# SQLite is the quick-start default (`make run`); production and CI run PostgreSQL. The quick start is still a
# real database for a few phones at once: WAL lets pages read while an answer is written, every transaction takes
# the write lock when it begins (IMMEDIATE: a transaction that read first can no longer fail with "database is
# locked" when it tries to write), and a writer waits up to 20 s for the lock instead of failing at once.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
# A reused connection is checked before each request: after a database restart on a quiet site the first request
# of every worker used to fail on its dead connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The covering indexes (INCLUDE) serve PostgreSQL; on the quick-start SQLite file they are plain indexes.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []

AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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

# Sessions end after a working day, or when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# django-axes: five failures for one account from one address lock it for 15 minutes; an address that fails
# LOGIN_FAILURES_PER_ADDRESS times over all accounts is locked for every account (core.login_limits).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = "core.login_limits.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)
if LOGIN_FAILURES_PER_ADDRESS < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(f"LOGIN_FAILURES_PER_ADDRESS={LOGIN_FAILURES_PER_ADDRESS} is below {AXES_FAILURE_LIMIT}")
# The number of reverse proxies in front of gunicorn; the client address is read from X-Forwarded-For by
# core.client_ip (django-ipware, which axes' own AXES_IPWARE_PROXY_COUNT needs, is not installed).
PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"AXES_PROXY_COUNT={PROXY_COUNT} must not be negative")
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip_address"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence lives here and is only ever served through views that check scope.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# HTTPS. On by default outside DEBUG; an intranet without TLS may set HTTPS=false knowingly.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="安全生产管理系统 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. Without REDIS_URL tasks run eagerly in the web process (quick start only).
REDIS_URL = env.str("REDIS_URL", default="")
# The cache is shared by every gunicorn worker and host through Redis, so that a limit counted in the cache (the
# public report form's, reports.limits) holds across processes; without REDIS_URL (the quick start's single process)
# it is local memory. It holds only short-lived counters under keyed hashes, never a client's address.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "cache"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A web request must never hang on an unreachable broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
# Seconds before a reminder task retries after a database or transport error, doubling each time (with jitter).
REMINDER_RETRY_BACKOFF = env_int("REMINDER_RETRY_BACKOFF", 30)

# SMS goes through one small interface; the shipped backend records messages instead of sending them.
SMS_BACKEND = env.str("SMS_BACKEND", default="reminders.sms.RecordingBackend")
# The address used in e-mail links to the system.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The public address of the site as the public reaches it (the report form on the village posters and their QR
# codes, e.g. https://aq.liuwei.gov.cn). Empty: the address the office's browser used to open the poster.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="").rstrip("/")
# The telephone lines the posters name for reports: 12345 (the service hotline) and 12350 where it still runs.
PUBLIC_REPORT_LINES = env.list("PUBLIC_REPORT_LINES", default=["12345", "12350"])

# §17/§18: hazards found before this date are stock (存量); after it, increment (增量).
STOCK_CUTOFF_DATE = env.str("STOCK_CUTOFF_DATE", default="2024-01-01")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Without Redis (the quick start) every task runs in-process and Celery would log each success at INFO.
        **({} if REDIS_URL else {"celery.app.trace": {"level": "WARNING"}}),
    },
}
