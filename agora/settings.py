"""Agora settings: one module, configured from environment variables.

Every variable has a safe default for the embedded mode (`make run`): SQLite
in ``var/``, in-memory channel layer and cache, mail written to files, media
on the local disk. Production sets ``DATABASE_URL``, ``REDIS_URL``,
``SECRET_KEY``, ``ALLOWED_HOSTS``, ``EMAIL_URL`` and ``AGORA_MEDIA_*``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

env = environ.Env()


def _given(name: str) -> bool:
    """Return whether variable `name` is set to something (empty means unset).

    ``make test`` and shells often export ``DATABASE_URL=""``; that must mean
    the embedded default, not an empty URL.
    """
    return bool(os.environ.get(name, "").strip())


# --- Paths -------------------------------------------------------------------
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("AGORA_VAR_DIR")) if _given("AGORA_VAR_DIR") else BASE_DIR / "var"
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Core --------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
# Production mode turns on secure cookies, HSTS and SSL redirect. It is on
# whenever SECRET_KEY comes from the environment, unless AGORA_PRODUCTION=0.
PRODUCTION = env.bool("AGORA_PRODUCTION", default=_given("SECRET_KEY"))


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, or one kept under ``var/``.

    The key file is written owner-only (0600) under a temporary name, then
    linked into place: a second process starting at the same moment (server
    and worker) either finds no file or the whole key, never a partial one.
    """
    if _given("SECRET_KEY"):
        return env.str("SECRET_KEY")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        draft = VAR_DIR / f".secret_key.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            draft.unlink()
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_ID = 1
AGORA_SITE_NAME = env.str("AGORA_SITE_NAME", default="Agora")
# Absolute links in emails (invitations, verification) start with this.
AGORA_BASE_URL = env.str("AGORA_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "channels",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",
    "agora.core",
    "agora.accounts",
    "agora.spaces",
    "agora.discussions",
    "agora.courses",
    "agora.experts",
    "agora.notifications",
    "agora.search",
    "agora.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "agora.core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "agora.urls"
WSGI_APPLICATION = "agora.wsgi.application"
ASGI_APPLICATION = "agora.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "agora" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "agora.core.context_processors.site",
                "agora.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Form widgets through Jinja2, falling back to Django's engine (see the class).
FORM_RENDERER = "agora.core.forms.FormRenderer"

# --- Database ----------------------------------------------------------------
DATABASES = {
    "default": (
        env.db_url("DATABASE_URL")
        if _given("DATABASE_URL")
        else env.db_url_config(f"sqlite:///{VAR_DIR / 'agora.sqlite3'}")
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL prepares the statements of a few hot plain-SQL reads once per
# connection (agora.core.db.prepared_cursor). 0 behind a pooler in
# transaction mode that cannot keep them (PgBouncer before 1.21).
AGORA_DB_PREPARED_STATEMENTS = env.bool("AGORA_DB_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, channel layer ------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # A miss, not an error, while Redis is down (see core/cache.py).
            "BACKEND": "agora.core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Seconds between a live socket's checks of the channel layer (see core/live.py).
AGORA_LIVE_HEARTBEAT = env.float("AGORA_LIVE_HEARTBEAT", default=5.0)

# --- Background tasks ----------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env.str("AGORA_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# --- Accounts ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's, reading the person with their profile (agora/accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "agora.accounts.backends.ModelBackend",
    "agora.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "agora.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["name*", "email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "agora.accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{AGORA_SITE_NAME}] "
ACCOUNT_RATE_LIMITS = {
    # Per address (ip) and per account (key); allauth answers 429.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "confirm_email": "3/3m/key",
    "reset_password": "10/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
ACCOUNT_PREVENT_ENUMERATION = True
# Behind N reverse proxies, the client address for the per-address limits is
# the Nth entry from the right of X-Forwarded-For; with 0 it is REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("AGORA_TRUSTED_PROXY_COUNT", default=0)

# --- Email -------------------------------------------------------------------
MAIL_DIR = VAR_DIR / "mail"
if _given("EMAIL_URL"):
    # e.g. smtp+tls://user:password@smtp.example.com:587
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(MAIL_DIR)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Agora <agora@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start when it is missing
MEDIA_URL = env.str("AGORA_MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("AGORA_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env.str(
            "AGORA_MEDIA_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env.json("AGORA_MEDIA_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
# Embedded mode serves static files straight from the apps (no collectstatic
# needed); production serves the hashed, compressed copies in STATIC_ROOT.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
# Uploads above this size are refused before they reach storage.
AGORA_MAX_PHOTO_BYTES = env.int("AGORA_MAX_PHOTO_BYTES", default=5 * 1024 * 1024)
# One attachment of a thread or a reply (below the request limit, so the form
# can answer with a clear message and keep the text).
AGORA_MAX_ATTACHMENT_BYTES = env.int("AGORA_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024)
# No request body may carry more than this in files; read and refused early.
AGORA_MAX_UPLOAD_BYTES = env.int("AGORA_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "agora.core.uploads.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A video of a show-and-tell post or a lesson; only the routes that take one
# (core.uploads.VIDEO_UPLOAD_URL_NAMES) accept a body this large.
AGORA_MAX_VIDEO_BYTES = env.int("AGORA_MAX_VIDEO_BYTES", default=200 * 1024 * 1024)
AGORA_MAX_CAPTION_BYTES = env.int("AGORA_MAX_CAPTION_BYTES", default=512 * 1024)
# ffmpeg and ffprobe (Debian packages) check videos and take their posters
# when present; without them videos still work, with fewer checks and no poster.
AGORA_FFMPEG = env.str("AGORA_FFMPEG", default="ffmpeg")
AGORA_FFPROBE = env.str("AGORA_FFPROBE", default="ffprobe")
AGORA_FFMPEG_TIMEOUT = env.int("AGORA_FFMPEG_TIMEOUT", default=60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Internationalization -------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "agora" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security ----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "agora.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"agora": {"level": env.str("AGORA_LOG_LEVEL", default="INFO")}},
}

# --- Search --------------------------------------------------------------------
# The backend follows the database (SQLite FTS5, or PostgreSQL full text with a
# GIN index). A search ranks at most this many of the newest matches, so a very
# common word costs no more than a rare one.
AGORA_SEARCH_MAX_CANDIDATES = env.int("AGORA_SEARCH_MAX_CANDIDATES", default=500)

# --- API -----------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100
