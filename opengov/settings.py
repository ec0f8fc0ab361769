"""Django settings for opengov, read from environment variables with safe defaults.

The defaults run the platform on one machine with nothing else installed: SQLite under
`var/`, jobs in-process, cache in local memory, e-mail and SMS written to the outbox table.
Set `OPENGOV_ENV=production` to refuse the development secrets.
"""

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OPENGOV_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


OPENGOV_ENV = os.environ.get("OPENGOV_ENV", "development")
PRODUCTION = OPENGOV_ENV == "production"

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"
DEV_ID_HASH_KEY = "dev-insecure-id-hash-key-change-me"
DEV_ID_ENCRYPTION_KEY = "dev-insecure-id-encryption-key-change-me"

SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
# Key for the keyed hash (HMAC) of national ID numbers: matching without storing them.
ID_HASH_KEY = os.environ.get("ID_HASH_KEY", DEV_ID_HASH_KEY)
# Separate key for the few places where the law needs an ID number read again.
ID_ENCRYPTION_KEY = os.environ.get("ID_ENCRYPTION_KEY", DEV_ID_ENCRYPTION_KEY)

# Ed25519 seed (32 bytes, base64) signing the transparency logs' checkpoints (core.tlog).
# Anyone holding a published checkpoint can then detect a truncated, wiped or rewritten log.
DEV_TLOG_SIGNING_KEY = base64.b64encode(
    hashlib.sha256(b"dev-insecure-tlog-signing-key").digest()
).decode()
TLOG_SIGNING_KEY = os.environ.get("TLOG_SIGNING_KEY", DEV_TLOG_SIGNING_KEY)
# Origin (and key name) prefix of the logs: "<TLOG_ORIGIN>/audit"; default: SITE_URL's host.
TLOG_ORIGIN = os.environ.get("TLOG_ORIGIN", "")


def _tlog_seed_ok(value: str) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == 32
    except (ValueError, binascii.Error):
        return False


if not _tlog_seed_ok(TLOG_SIGNING_KEY):
    raise ImproperlyConfigured("TLOG_SIGNING_KEY must be a base64-encoded 32-byte Ed25519 seed.")

if PRODUCTION:
    for _name, _value, _dev in (
        ("SECRET_KEY", SECRET_KEY, DEV_SECRET_KEY),
        ("ID_HASH_KEY", ID_HASH_KEY, DEV_ID_HASH_KEY),
        ("ID_ENCRYPTION_KEY", ID_ENCRYPTION_KEY, DEV_ID_ENCRYPTION_KEY),
    ):
        if _value == _dev or len(_value) < 32:
            raise ImproperlyConfigured(
                f"{_name} must be set to a secret of at least 32 characters in production."
            )
    if TLOG_SIGNING_KEY in (DEV_TLOG_SIGNING_KEY, SECRET_KEY):
        raise ImproperlyConfigured(
            "TLOG_SIGNING_KEY must be set in production to its own key, not SECRET_KEY "
            '(generate one with: python -c "import os,base64;'
            'print(base64.b64encode(os.urandom(32)).decode())").'
        )

DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
if not PRODUCTION:
    ALLOWED_HOSTS += ["testserver", "[::1]"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "opengov.core",
    "opengov.accounts",
    "opengov.proposals",
    "opengov.consultations",
    "opengov.action_plans",
    "opengov.registry",
    "opengov.ownership",
    "opengov.procurement",
    "opengov.donations",
    "opengov.opinions",
    "opengov.referendums",
    "opengov.spaces",
    "opengov.open_data",
]

MIDDLEWARE = [
    "opengov.core.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "opengov.core.httpcache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "opengov.core.middleware.RefuseNulBytesMiddleware",
    "opengov.core.middleware.ApiMethodNotAllowedMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "opengov.core.middleware.SecurityHeadersMiddleware",
]
# Request rates, latencies and statuses by route for /metrics (core/metrics.py)
if env_bool("OPENGOV_REQUEST_METRICS", True):
    MIDDLEWARE.insert(0, "opengov.core.metrics.RequestMetricsMiddleware")

# The chain of a JSON API request that carries no cookie (opengov/core/handlers.py): without a
# cookie there is no session, CSRF cookie or flash message, and /api/v1/ serves no static file.
_PAGE_ONLY_MIDDLEWARE = {
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
}
API_MIDDLEWARE = [
    "opengov.core.handlers.CookielessUserMiddleware"
    if m == "django.contrib.sessions.middleware.SessionMiddleware"
    else m
    for m in MIDDLEWARE
    if m not in _PAGE_ONLY_MIDDLEWARE
]

# The writes a surge sends by the thousand, answered without the URL map, ninja and the walk
# of the chain above, exactly as it would answer them (opengov/core/hotpath.py)
HOT_ROUTES_ENABLED = env_bool("OPENGOV_HOT_ROUTES", True)
HOT_ROUTES = [
    "opengov.proposals.api.cosign_hot",
    "opengov.opinions.api.vote_hot",
]
# the API whose renderer and exception handlers answer for the hot routes
HOT_ROUTES_API = "opengov.api.api"

ROOT_URLCONF = "opengov.urls"
WSGI_APPLICATION = "opengov.wsgi.application"
ASGI_APPLICATION = "opengov.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "opengov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opengov.core.context_processors.platform",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'opengov.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("TEST", {})
    if os.environ.get("TEST_DATABASE_NAME"):
        DATABASES["default"]["TEST"]["NAME"] = os.environ["TEST_DATABASE_NAME"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, jobs, e-mail --------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "opengov",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "opengov",
        }
    }

# Without a broker, jobs run in-process (eagerly); "memory://" only keeps Celery from
# looking for a broker on localhost.
JOBS_IN_PROCESS = not os.environ.get("CELERY_BROKER_URL")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = JOBS_IN_PROCESS
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Taipei"
CELERY_BEAT_SCHEDULE: dict = {}
# Proposals: notices of failed proposals and missed threshold crossings (states are derived)
CELERY_BEAT_SCHEDULE["proposals-due-notices"] = {
    "task": "opengov.proposals.tasks.send_due_notices",
    "schedule": 900.0,
}
# Core: a signed checkpoint of the audit log whenever it has grown (pages issue them too)
CELERY_BEAT_SCHEDULE["core-audit-checkpoint"] = {
    "task": "opengov.core.tasks.audit_checkpoint",
    "schedule": 600.0,
}
# Accounts: API tokens' last uses kept in the (shared) cache are written to their rows
CELERY_BEAT_SCHEDULE["accounts-api-token-use"] = {
    "task": "opengov.accounts.tasks.api_token_use_flush",
    "schedule": 300.0,
}
# Opinions: maps of conversations whose votes changed and whose debounced job was lost
CELERY_BEAT_SCHEDULE["opinions-recompute-stale"] = {
    "task": "opengov.opinions.tasks.recompute_stale",
    "schedule": 60.0,
}

EMAIL_URL = os.environ.get("EMAIL_URL", "outbox:")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "opengov <no-reply@opengov.local>")


def _email_settings(url: str) -> dict:
    """Translate `EMAIL_URL` into Django's e-mail settings; the scheme chooses the security.

    - `smtp://host[:port]`: plain SMTP, no STARTTLS (port 25): a relay on this machine or a
      private network. It carries no password unless the host is the loopback.
    - `smtp+starttls://user:pass@host[:port]` (or `submission://`): STARTTLS required
      (port 587); a server that does not offer it is an error, never a silent downgrade.
    - `smtps://user:pass@host[:port]`: implicit TLS (port 465).
    - `outbox:`, `console:`, `locmem:`: no mail leaves (development, tests, staging).
    `?timeout=N` sets the connection timeout in seconds (default 10). Certificates are verified.
    """
    import ipaddress
    from urllib.parse import parse_qs, unquote, urlparse

    scheme = url.split(":", 1)[0]
    if scheme == "outbox":
        return {"EMAIL_BACKEND": "opengov.core.mail.OutboxEmailBackend"}
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    security = {"smtp": "none", "smtp+starttls": "starttls", "submission": "starttls"}
    security["smtps"] = "tls"
    if scheme in security:
        parsed = urlparse(url)
        mode = security[scheme]
        host = parsed.hostname or "localhost"
        user = unquote(parsed.username or "")
        if mode == "none" and user:
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                raise ImproperlyConfigured(
                    "EMAIL_URL: smtp:// sends the password unencrypted; use smtp+starttls:// "
                    "or smtps:// for a mail server that needs one."
                )
        query = parse_qs(parsed.query)
        try:
            timeout = float(query.get("timeout", ["10"])[0])
        except ValueError:
            raise ImproperlyConfigured("EMAIL_URL: timeout must be a number of seconds.") from None
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": host,
            "EMAIL_PORT": parsed.port or {"none": 25, "starttls": 587, "tls": 465}[mode],
            "EMAIL_HOST_USER": user,
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": mode == "tls",
            "EMAIL_USE_TLS": mode == "starttls",
            "EMAIL_TIMEOUT": timeout,
        }
    raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not supported.")


globals().update(_email_settings(EMAIL_URL))
# Delivery of e-mail and SMS (core/tasks.py): a failing message is tried again after
# backoff_seconds, doubling up to backoff_max_seconds, max_retries times; then it is kept as
# a dead letter (status "failed", with the last error) that operators see at /operator/outbox/
# and can send again. Jobs run in-process (no broker) try once before keeping it.
OPENGOV_DELIVERY = {
    "max_retries": int(os.environ.get("MAIL_MAX_RETRIES", "5")),
    "backoff_seconds": float(os.environ.get("MAIL_RETRY_BACKOFF_SECONDS", "30")),
    "backoff_max_seconds": 3600.0,
}
# Pluggable SMS sender: a dotted path to a class with `send(phone, text)`.
SMS_SENDER = os.environ.get("SMS_SENDER", "opengov.core.sms.OutboxSmsSender")
# A staging site in production mode may keep its mail and SMS in the outbox (or print them):
# never on a public site, where operators would read other people's reset links and codes.
OPENGOV_STAGING_OUTBOX = env_bool("OPENGOV_STAGING_OUTBOX", False)
if PRODUCTION and not OPENGOV_STAGING_OUTBOX:
    if EMAIL_URL.split(":", 1)[0] in {"outbox", "console", "locmem"}:
        raise ImproperlyConfigured(
            "EMAIL_URL must name a mail server (smtp://, smtp+starttls://, smtps://) in "
            "production: with outbox:, console: or locmem: password-reset links and codes would "
            "be kept where others read them. A staging site may set OPENGOV_STAGING_OUTBOX=1."
        )
    if SMS_SENDER == "opengov.core.sms.OutboxSmsSender":
        raise ImproperlyConfigured(
            "SMS_SENDER must name a real SMS gateway in production: the outbox sender keeps "
            "codes where others read them. A staging site may set OPENGOV_STAGING_OUTBOX=1."
        )

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS in production: redirect, HSTS, and trust X-Forwarded-Proto from the proxy if told to.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks, comma
# separated): the client is the right-most hop that is not one of them (core/clientip.py).
# Empty: REMOTE_ADDR is the client and X-Forwarded-For is ignored.
# Anonymous public pages: how long a shared cache (the reverse proxy) may keep one, and how
# long after that it may still serve it while it asks again (core/httpcache.py).
PUBLIC_PAGE_S_MAXAGE = int(os.environ.get("PUBLIC_PAGE_S_MAXAGE", 5))
PUBLIC_PAGE_STALE_WHILE_REVALIDATE = int(os.environ.get("PUBLIC_PAGE_STALE_WHILE_REVALIDATE", 30))
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
from opengov.core.clientip import parse_networks as _parse_networks  # noqa: E402

_parse_networks(TRUSTED_PROXIES)  # a typo fails at start-up, not on the first request

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hant"
# Shipped languages, each named in itself (the switcher shows these names as written here).
# Every app has a complete catalogue for each (opengov/core/tests/test_translations.py).
# Hakka and the Formosan languages are described in opengov/core/languages.py
# (EXTRA_LANG_INFO): to ship one, add its catalogues and a line here, e.g. ("hak", "客語");
# see docs/ARCHITECTURE.md, "Languages".
LANGUAGES = [
    ("zh-hant", "繁體中文"),
    ("en", "English"),
    ("vi", "Tiếng Việt"),
    ("id", "Bahasa Indonesia"),
    ("th", "ภาษาไทย"),
]
LOCALE_PATHS = [BASE_DIR / "opengov" / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hant"
MODELTRANSLATION_LANGUAGES = ("zh-hant", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("zh-hant", "en")
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Taipei"

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploads are never served from MEDIA_URL: views check permissions, then send the file
# (opengov/core/files.py). In production the web server can send the bytes:
# FILE_SERVE_HEADER=x-accel-redirect (nginx, with an `internal` location at FILE_ACCEL_PREFIX
# aliased to MEDIA_ROOT) or x-sendfile (Apache mod_xsendfile, lighttpd); empty: Django streams.
FILE_SERVE_HEADER = os.environ.get("FILE_SERVE_HEADER", "").strip().lower()
if FILE_SERVE_HEADER not in ("", "x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured(
        "FILE_SERVE_HEADER must be empty, x-accel-redirect or x-sendfile, "
        f"not {FILE_SERVE_HEADER!r}."
    )
FILE_ACCEL_PREFIX = os.environ.get("FILE_ACCEL_PREFIX", "/_protected_uploads/")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Jurisdiction ---------------------------------------------------------------------------
# Which legal profile the platform runs (see opengov/core/jurisdiction.py): "tw" or "uk".
OPENGOV_JURISDICTION = os.environ.get("OPENGOV_JURISDICTION", "tw")
# Per-deployment changes to single numbers of the profile, as JSON:
# {"proposals": {"cosign_threshold": 3}}.
OPENGOV_JURISDICTION_OVERRIDES = json.loads(
    os.environ.get("OPENGOV_JURISDICTION_OVERRIDES") or "{}"
)

# --- Rate limits (requests per window, per account and per address) -------------------------
OPENGOV_RATE_LIMITS = {
    # login: each failure doubles the wait before the next try (first_delay_seconds, 2x, 4x...,
    # at most max_delay_seconds for an account); after per_address failures within
    # window_seconds that address is locked for lock_seconds; after per_account failures the
    # account is locked for lock_seconds for browsers it never signed in from, and its owner
    # is e-mailed a one-time unlock link (accounts/throttle.py).
    "login": {
        "per_account": 5,
        "per_address": 20,
        "window_seconds": 900,
        "lock_seconds": 900,
        "first_delay_seconds": 1,
        "max_delay_seconds": 60,
    },
    "register": {"per_address": 10, "window_seconds": 3600},
    "verification_send": {"per_account": 5, "window_seconds": 3600},
    "proposal_create": {"per_account": 5, "per_address": 20, "window_seconds": 86400},
    "cosign": {"per_account": 60, "per_address": 300, "window_seconds": 3600},
    "comment": {"per_account": 30, "per_address": 120, "window_seconds": 3600},
    # seating a task-force member looks a person up by e-mail: bounded against address probing
    "task_force_seat": {"per_account": 30, "window_seconds": 3600},
}
OPENGOV_RATE_LIMITS_ENABLED = env_bool("OPENGOV_RATE_LIMITS_ENABLED", True)

# Logs: one line per record on standard error, with the request id (core/requestid.py) that
# also follows a request into its jobs; LOG_FORMAT=json for one JSON object per line.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "opengov.core.requestid.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
# the worker logs through the same configuration (request ids, JSON)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Metrics (core/metrics.py): who may read /metrics, and the Celery queues whose depth it shows.
METRICS_ALLOWED = [
    n.strip() for n in os.environ.get("METRICS_ALLOWED", "127.0.0.0/8,::1").split(",") if n.strip()
]
METRICS_JOB_QUEUES = ["celery"]

# Error reporting to a Sentry-compatible service, only when a DSN is given.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", os.environ.get("OPENGOV_ENV", "")),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
    )


# Referendum e-petitions: trusted roots of citizen certificates (PEM file paths, separated by
# ":"), the agencies whose officials run the cases, and an optional witness key (base64 Ed25519
# seed) co-signing the tally checkpoints.
REFERENDUM_TRUST_ROOTS = [p for p in os.environ.get("REFERENDUM_TRUST_ROOTS", "").split(":") if p]
REFERENDUM_AGENCY_CODES = tuple(
    c for c in os.environ.get("REFERENDUM_AGENCY_CODES", "cec").split(",") if c
)
REFERENDUM_WITNESS_KEY = os.environ.get("REFERENDUM_WITNESS_KEY", "")
REFERENDUM_WITNESS_NAME = os.environ.get("REFERENDUM_WITNESS_NAME", "witness.opengov.local")
# An external witness's public key (C2SP vkey); its co-signatures are accepted through the API.
REFERENDUM_WITNESS_VKEY = os.environ.get("REFERENDUM_WITNESS_VKEY", "")
