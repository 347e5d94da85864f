"""One settings module for every environment.

Production differs from the demo only through environment variables (see docs/configuration.md).
The defaults are safe for a local demo: SQLite under var/, console e-mail, DEBUG off unless asked.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent  # src/faelles
PROJECT_DIR = Path(os.environ.get("FAELLES_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("FAELLES_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("FAELLES_PRODUCTION")
DEBUG = env_bool("DEBUG", default=False)
# Tests run tasks synchronously and hash passwords cheaply; pytest sets the variable (conftest.py).
TESTING = env_bool("FAELLES_TESTING") or "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when FAELLES_PRODUCTION is on.")
    # Demo and tests only: a fixed, clearly non-secret key keeps sessions valid across restarts.
    SECRET_KEY = "demo-only-insecure-key-change-me-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,.localhost")
if TESTING:
    ALLOWED_HOSTS += [".test", ".example"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "faelles.core.apps.CoreConfig",
    "faelles.accounts.apps.AccountsConfig",
    "faelles.sdg.apps.SdgConfig",
    "faelles.strategy.apps.StrategyConfig",
    "faelles.indicators.apps.IndicatorsConfig",
    "faelles.participation.apps.ParticipationConfig",
    "faelles.feedback.apps.FeedbackConfig",
    "faelles.reports.apps.ReportsConfig",
    "faelles.api.apps.ApiConfig",
    "faelles.search.apps.SearchConfig",
    "faelles.config.apps.FaellesAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rules.apps.AutodiscoverRulesConfig",
]

# The stack is paid on every request (see docs/decisions.md): keep it lean.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "faelles.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and auth: a cached anonymous page skips the rest of the stack.
    "faelles.core.pagecache.AnonymousPageCacheMiddleware",
    "faelles.core.middleware.MunicipalityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the URL alone (/en/ or not): see PathLocaleMiddleware.
    "faelles.core.middleware.PathLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "faelles.config.urls"
WSGI_APPLICATION = "faelles.config.wsgi.application"

TEMPLATES = [
    {
        # Our own pages: Jinja2 renders the same list page 30-40 % faster here
        # (reference/performance-anchors.md); see docs/decisions.md.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "faelles.config.jinja.environment",
            "autoescape": True,
            "context_processors": [
                "faelles.core.context_processors.site",
            ],
        },
    },
    {
        # Django's admin and form widgets keep their own template language.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'faelles.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default needs no set-up: its folder is made on first use.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and the worker run beside a writer; IMMEDIATE transactions plus a busy
    # timeout make concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = None if not TESTING else 0
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("FAELLES_TEST_SQLITE") or None}

# Streaming replicas of the primary (PostgreSQL), for reads of safe requests where reads
# dominate: see faelles.core.dbrouter and docs/deploy.md. Empty: every read on the primary.
for _n, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica{_n}"] = dj_database_url.parse(
        _url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"] or 0, conn_health_checks=True,
    )
    # In tests a replica is the default database under another name.
    DATABASES[f"replica{_n}"]["TEST"] = {"MIRROR": "default"}
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["faelles.core.dbrouter.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
                      "faelles.core.dbrouter.ReplicaReadsMiddleware")
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and TESTING and os.environ.get("PYTEST_XDIST_WORKER"):
    # Parallel test workers each get their own Redis database, so one worker's cache.clear()
    # cannot wipe another's rate-limit or lock-out state.
    _worker = int(os.environ["PYTEST_XDIST_WORKER"].lstrip("gw") or 0)
    REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + f"/{6 + _worker}"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "faelles"),
        }
    }
else:
    # One cache shared by all processes (web workers, task worker, scheduler).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "faelles_cache",
        }
    }

AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out login never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "faelles.accounts.backends.EmailBackend",
    # Extra backends, e.g. an OpenID Connect broker for MitID (docs/authentication.md).
    *env_list("FAELLES_EXTRA_AUTH_BACKENDS"),
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "strategy:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # OWASP ASVS 2.1.1
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]
)

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
MODELTRANSLATION_DEFAULT_LANGUAGE = "da"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("da", "en")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
FAELLES_UPLOAD_MAX_BYTES = int(os.environ.get("FAELLES_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))

# E-mail: console in the demo unless a file path or SMTP is configured.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Fælles <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if os.environ.get("EMAIL_FILE_PATH")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# Login throttling (django-axes): five failures lock the account from that address for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "faelles.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_CACHE = "default"
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"

# Security baseline. HSTS and secure cookies are on in production only, where TLS is guaranteed.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "faelles.core.views.csrf_failure"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
FAELLES_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Sessions live in the shared cache with a database fallback, so logins survive a cache flush.
MESSAGE_STORAGE = "faelles.core.message_storage.LazyFallbackStorage"
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Fælles' own settings.
FAELLES_PAGE_CACHE = env_bool("FAELLES_PAGE_CACHE", default=not TESTING)
FAELLES_DEFAULT_HOST = os.environ.get("FAELLES_DEFAULT_HOST", "")
FAELLES_STATBANK_URL = os.environ.get("FAELLES_STATBANK_URL", "https://api.statbank.dk/v1")
FAELLES_SITE_URL = os.environ.get("FAELLES_SITE_URL", "http://127.0.0.1:8000")
# Two-factor login for staff (TOTP, django-otp): the issuer shown in the code app.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Fælles")
FAELLES_EDIT_GRACE_MINUTES = int(os.environ.get("FAELLES_EDIT_GRACE_MINUTES", "30"))
# Public API: requests per client per period (second, minute, hour or day), counted in the
# shared cache. Production value; tests that need more lift it explicitly.
FAELLES_API_RATE_LIMIT = os.environ.get("FAELLES_API_RATE_LIMIT", "120/minute")
# Reverse proxies in front of the web processes that append to X-Forwarded-For (0: none).
FAELLES_API_PROXY_COUNT = int(os.environ.get("FAELLES_API_PROXY_COUNT", "0"))
