"""SummitDesk settings, read from environment variables.

Every variable is listed in docs/configuration.md. Defaults suit a developer's machine;
a bad value fails loudly at start-up rather than misbehaving later.
"""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SUMMITDESK_VAR_DIR", PROJECT_DIR / "var"))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SUMMITDESK_BASE_URL = env_str("SUMMITDESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SUMMITDESK_BASE_URL)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's form templates, for FORM_RENDERER
    "django_tasks",
    "django_tasks_db",
    "summitdesk.core",
    "summitdesk.directory",
    "summitdesk.meetings",
    "summitdesk.correspondence",
    "summitdesk.admission",
    "summitdesk.delegations",
    "summitdesk.credentials",
    "summitdesk.accreditation",
    "summitdesk.venue",
    "summitdesk.onsite",
    "summitdesk.backoffice",
    "summitdesk.portal",
    "summitdesk.reports",
    "summitdesk.exports",
    "summitdesk.api",
    "summitdesk.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "summitdesk.core.middleware.content_security_policy",
    "summitdesk.core.middleware.no_store",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "summitdesk.core.middleware.second_factor",
    "summitdesk.core.middleware.PersonalSettings",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "summitdesk.urls"
# Every form marks its required fields the same way (lib/forms.py).
FORM_RENDERER = "summitdesk.lib.forms.FormRenderer"
WSGI_APPLICATION = "summitdesk.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'summitdesk.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
# Each test run gets its own database, so that runs side by side never collide.
DATABASES["default"]["TEST"] = {"NAME": f"test_summitdesk_{os.getpid()}"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, IMMEDIATE transactions and a busy timeout let the web server and several
    # workers write to one SQLite file without "database is locked" errors.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _generated_secret_key(path: Path) -> str:
    """The key kept in `path`, made (random, mode 0600) the first time; processes that
    start together all end up with the one key that won the race to the file."""
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)  # atomic, and refuses to replace a key already there
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} holds no usable key: delete it or set SECRET_KEY")
    return key


# Signs sessions, CSRF tokens and the codes printed on badges (accreditation/badges.py).
# It comes from the SECRET_KEY variable; no key is ever written in the source. Only an
# installation on the embedded SQLite database (the demo, a developer's machine) may run
# without it: a random key is then made once and kept in var/secret_key, and the start-up
# log names that file (core/apps.py). On PostgreSQL, start-up refuses without SECRET_KEY,
# and so does every installation with SUMMITDESK_REQUIRE_SECRET_KEY=true. A key that was
# replaced goes into SECRET_KEY_FALLBACKS (comma-separated) so that what it signed,
# printed badges above all, still verifies; docs/security.md describes rotation.
SECRET_KEY = env_str("SECRET_KEY", "").strip()
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
SECRET_KEY_FILE = VAR_DIR / "secret_key"
if not SECRET_KEY:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        raise ImproperlyConfigured(
            "SECRET_KEY must be set: a key is generated only for the embedded SQLite "
            "database, and DATABASE_URL names another."
        )
    if env_bool("SUMMITDESK_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (SUMMITDESK_REQUIRE_SECRET_KEY is true)."
        )
    SECRET_KEY = _generated_secret_key(SECRET_KEY_FILE)
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The cache holds figures and pages that may be recomputed. Rate limits, lockouts and the
# second-factor throttle do not live here but in the database (core/ratelimit.py), shared
# by every process whether Redis is configured or not.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Cookies and transport. Secure cookies follow the base URL's scheme, so plain-HTTP
# development on 127.0.0.1 works while production behind TLS gets them by default.
_https = SUMMITDESK_BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _https)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
# The largest form is a reply with its 200 delegates (delegations.services.MAX_DELEGATES)
# and the rows added beyond them: 10 fields a row on the back office's page, 8 on the
# portal's, about 30 more. Django's default of 1,000 refused a delegation of 100.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_500
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
# Behind a trusted proxy: HTTPS is told by X-Forwarded-Proto and the visitor's address
# (for rate limits) by the last hop of X-Forwarded-For.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Staff sign-in: every account may enrol a second factor; this makes it compulsory for all.
SUMMITDESK_REQUIRE_SECOND_FACTOR = env_bool("SUMMITDESK_REQUIRE_SECOND_FACTOR", False)
# Failed sign-ins in 15 minutes before sign-in is refused (core/ratelimit.py, counted in
# the database and so shared by every web process): per account from one address, per
# account from anywhere, and per address whatever the account (higher: an office
# signs in from one address).
SUMMITDESK_SIGNIN_ATTEMPTS = env_int("SUMMITDESK_SIGNIN_ATTEMPTS", 10)
SUMMITDESK_SIGNIN_ACCOUNT_ATTEMPTS = env_int("SUMMITDESK_SIGNIN_ACCOUNT_ATTEMPTS", 30)
SUMMITDESK_SIGNIN_ADDRESS_ATTEMPTS = env_int("SUMMITDESK_SIGNIN_ADDRESS_ATTEMPTS", 100)
# The portal (reply links): requests a minute per visitor, and failed link look-ups in
# ten minutes before that visitor must wait.
SUMMITDESK_PORTAL_REQUESTS_PER_MINUTE = env_int("SUMMITDESK_PORTAL_REQUESTS_PER_MINUTE", 60)
SUMMITDESK_PORTAL_FAILED_LINKS = env_int("SUMMITDESK_PORTAL_FAILED_LINKS", 20)
# The REST API: requests a minute per token.
SUMMITDESK_API_RATE_LIMIT = env_int("SUMMITDESK_API_RATE_LIMIT", 600)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("zh-hans", _("Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# Uploaded and generated files (photos, badges, letters, documents, exports): a directory
# every web server and worker of an installation must share (a network share, or a
# mounted S3-compatible bucket), whereas SUMMITDESK_VAR_DIR may be each process's own.
FILE_STORAGE_DIR = Path(os.environ.get("SUMMITDESK_FILE_STORAGE") or VAR_DIR / "files")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": FILE_STORAGE_DIR},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SummitDesk <no-reply@summitdesk.example.org>")

# --- Outgoing mail: circular letters and reminders (correspondence.sending) ---
# SMTP when EMAIL_HOST is set; otherwise every message is kept in the local outbox
# (correspondence.MailboxMessage), which staff read in the app: the demo sends nothing.
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "summitdesk.correspondence.mailbox.MailboxBackend"
)
# A silent SMTP server must not hold a letter for ever: the conversation gives up after
# this many seconds and the letter is retried. Keep it well under the lease below.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)


def _env_rate(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        rate = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None
    if not rate >= 0 or rate == float("inf"):
        raise ImproperlyConfigured(f"{name} must be zero or more, not {value!r}")
    return rate


# Messages per second that each sending worker hands to the SMTP server; 0: no limit.
SUMMITDESK_MAIL_RATE = _env_rate("SUMMITDESK_MAIL_RATE", 0.0)
# How long a worker holds a letter it claimed (render, then one SMTP conversation). A
# letter whose claim runs out is handed to another worker, or shown "in doubt" if its
# SMTP conversation had begun; so it must exceed EMAIL_TIMEOUT.
SUMMITDESK_MAIL_LEASE_SECONDS = env_int("SUMMITDESK_MAIL_LEASE_SECONDS", 120)
# Temporary SMTP failures (4xx, connection lost) are retried with growing pauses; after
# this many attempts the letter shows as failed with the server's message.
SUMMITDESK_MAIL_MAX_ATTEMPTS = env_int("SUMMITDESK_MAIL_MAX_ATTEMPTS", 5)
if SUMMITDESK_MAIL_LEASE_SECONDS < 1 or SUMMITDESK_MAIL_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(
        "SUMMITDESK_MAIL_LEASE_SECONDS and SUMMITDESK_MAIL_MAX_ATTEMPTS must be 1 or more"
    )
# --- end of outgoing mail ---

# Webhooks are never sent to loopback, private, link-local, multicast, unique-local,
# IPv4-mapped or carrier-grade NAT addresses (webhooks/outbound.py), checked on the
# address each connection is opened to; an administrator lists here, comma-separated,
# the networks of internal receivers that may be reached all the same (e.g.
# "10.20.0.0/16,192.168.5.7").
SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS = env_list("SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS", "")
for _network in SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS: {_network!r} is not an address or network"
        ) from None
# Seconds one delivery may take in all (connecting, sending, the answer), however slowly
# the receiver trickles its bytes.
SUMMITDESK_WEBHOOK_DEADLINE = _env_rate("SUMMITDESK_WEBHOOK_DEADLINE", 15.0)
if SUMMITDESK_WEBHOOK_DEADLINE <= 0:
    raise ImproperlyConfigured("SUMMITDESK_WEBHOOK_DEADLINE must be more than zero")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
