"""CivicLoop settings, read from the environment with safe defaults.

`CIVICLOOP_ENV=production` switches to production defaults: DEBUG off, secrets required, secure cookies.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CIVICLOOP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    return default if raw is None else raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("CIVICLOOP_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)


def _local_secret(name: str, env_name: str) -> str:
    """A secret from the environment; outside production, generated once into var/ (git-ignored)."""
    value = os.environ.get(env_name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{env_name} must be set in production")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _local_secret("secret.key", "SECRET_KEY")
# Key for sensitive fields (phone, ID number, address, birth date, focus groups). Losing it loses those fields.
FIELD_ENCRYPTION_KEY = _local_secret("field.key", "FIELD_ENCRYPTION_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "csp",
    "django_tasks_db",
    "civicloop.core",
    "civicloop.network",
    "civicloop.people",
    "civicloop.audit",
    "civicloop.records",
    "civicloop.notify",
    "civicloop.orders",
    "civicloop.matching",
    "civicloop.activities",
    "civicloop.needs",
    "civicloop.garden",
    "civicloop.brands",
    "civicloop.stats",
    "civicloop.open311",
    "civicloop.contests",
    "civicloop.campaigns",
    "civicloop.plans",
    "civicloop.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "civicloop.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and auth, so every query of the request is routed (see civicloop.core.db_router).
    "civicloop.core.db_router.ReplicaRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "civicloop.core.middleware.LanguageMiddleware",
    "civicloop.core.middleware.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff-like accounts pass the second factor before any other page or API call (civicloop.people.mfa).
    "civicloop.people.mfa.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After MessageMiddleware: the idle sign-out leaves a message for the login page.
    "civicloop.core.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks, so it sees the outcome of the login view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "civicloop.urls"
WSGI_APPLICATION = "civicloop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "civicloop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "civicloop.core.context_processors.roles",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'civicloop.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL") or DEFAULT_SQLITE, conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # Production: synchronous=FULL, so a committed write survives a power cut too (WAL + NORMAL may lose the
        # last transactions); development keeps NORMAL for speed.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA busy_timeout=20000;"
        % ("FULL" if PRODUCTION else "NORMAL"),
    }
    # Tests use a file database (not :memory:) so that race tests get real concurrent connections.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("CIVICLOOP_TEST_SQLITE") or str(VAR_DIR / "test.sqlite3")
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# A streaming hot standby for read-only pages (PostgreSQL only). Without it every query goes to `default`.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Test databases are made on the primary; the standby receives them by replication.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Behind pgbouncer in transaction mode (DATABASE_TRANSACTION_POOLING=1) a connection's server changes between
# transactions, so nothing may outlive one: no server-side cursors (.iterator() would lose its cursor) and no
# prepared statements (psycopg prepares a query after 5 runs; prepare_threshold=None turns that off).
# The servers' timezone must be UTC so Django never issues a session-level SET TIME ZONE.
if env_bool("DATABASE_TRANSACTION_POOLING", False):
    for _db in DATABASES.values():
        if _db["ENGINE"] != "django.db.backends.sqlite3":
            _db["DISABLE_SERVER_SIDE_CURSORS"] = True
            _db.setdefault("OPTIONS", {})["prepare_threshold"] = None
REPLICA_READS = "replica" in DATABASES
DATABASE_ROUTERS = ["civicloop.core.db_router.ReplicaRouter"]
# Pages whose reads may be a few seconds stale: dashboards, big screen, reports, public pages, exports.
REPLICA_READ_VIEWS = frozenset(
    {
        "stats:dashboard",
        "stats:report",
        "stats:screen",
        "stats:public",
        "records:export",
        "needs:analysis",
        "needs:survey_results",
        "brands:compliance",
    }
)
REPLICA_READ_PATHS = ("/api/stats/",)
# After a write, its author reads the primary for this long (read-your-writes across the redirect).
REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", 15))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

# --- authentication -----------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "civicloop.people.backends.UsernameOrPhoneBackend",
]
# 等保 L3: ≥ 10 characters from ≥ 3 classes, not the username/mobile, not a common password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "civicloop.people.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "civicloop.people.passwords.NotNameOrPhoneValidator"},
]
# SMS codes (sign-in, registration, password reset) go out through an SMS channel with `send_text(phone, text)`
# (civicloop.notify.channels.SmsChannel); the development one logs the message with the number masked.
SMS_CHANNEL = os.environ.get("SMS_CHANNEL", "civicloop.notify.channels.LoggingSmsChannel")
PASSWORD_RESET_SMS_CHANNEL = os.environ.get("PASSWORD_RESET_SMS_CHANNEL", SMS_CHANNEL)
SMS_CODE_MINUTES = int(os.environ.get("SMS_CODE_MINUTES", 5))  # a code is valid this long, for one use
SMS_CODE_TRIES = int(os.environ.get("SMS_CODE_TRIES", 5))  # wrong codes before it is void
# Codes sent to one number: (at most N, within S seconds); and at least G seconds between two.
SMS_CODE_PER_PHONE = (int(os.environ.get("SMS_CODE_PER_PHONE", 5)), 3600)
SMS_CODE_GAP_SECONDS = int(os.environ.get("SMS_CODE_GAP_SECONDS", 60))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "home"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours: 30 minutes
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Count failures per account, however the login was spelled (mobile with +86, spaces, dashes).
AXES_USERNAME_CALLABLE = "civicloop.people.backends.account_key"
AXES_LOCKOUT_CALLABLE = "civicloop.people.auth.lockout_response"
# Never store the typed login (often a mobile number) or codes in axes' attempt rows.
AXES_SENSITIVE_PARAMETERS = ["username", "password", "otp", "code", "phone", "new_password1", "new_password2"]

# Per-IP and global limits on the doors (scope: (per IP, everyone together, window in seconds)).
RATE_LIMITS = {
    "signin": (
        int(os.environ.get("RATE_SIGNIN_PER_IP", 60)),
        int(os.environ.get("RATE_SIGNIN_GLOBAL", 1000)),
        600,
    ),
    "register": (
        int(os.environ.get("RATE_REGISTER_PER_IP", 20)),
        int(os.environ.get("RATE_REGISTER_GLOBAL", 300)),
        3600,
    ),
    "reset": (
        int(os.environ.get("RATE_RESET_PER_IP", 10)),
        int(os.environ.get("RATE_RESET_GLOBAL", 200)),
        3600,
    ),
    # Asking for an SMS code (each one costs money and lands on someone's phone).
    "sms": (
        int(os.environ.get("RATE_SMS_PER_IP", 20)),
        int(os.environ.get("RATE_SMS_GLOBAL", 1000)),
        3600,
    ),
    # Answers to a questionnaire without an account.
    "survey_answer": (
        int(os.environ.get("RATE_SURVEY_ANSWER_PER_IP", 30)),
        int(os.environ.get("RATE_SURVEY_ANSWER_GLOBAL", 5000)),
        3600,
    ),
}
CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "civicloop"),
    }
}

# API bearer tokens: a lifetime for everyone, and for staff-like roles the same idle limit as the session.
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", 30))

OTP_TOTP_ISSUER = "CivicLoop 文明实践"
OTP_TOTP_THROTTLE_FACTOR = 1  # after each wrong code, wait 1, 2, 4 … seconds before the next try counts

STAFF_IDLE_TIMEOUT_SECONDS = int(os.environ.get("STAFF_IDLE_TIMEOUT_SECONDS", 30 * 60))
SESSION_COOKIE_AGE = 14 * 24 * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; keep default behaviour

# --- i18n ---------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "civicloop" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static -------------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "civicloop" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/jsqr", BASE_DIR / "node_modules" / "jsqr" / "dist"),  # 扫一扫 reads QR codes in the page
    ("vendor/heroicons", BASE_DIR / "node_modules" / "heroicons" / "24" / "outline"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Files that may show residents (service-report photos) live outside MEDIA_ROOT and are only ever sent by a
# view that checks access; the web server must not serve this folder.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}


# --- background tasks, cache and sessions ------------------------------------------------------------------
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# With REDIS_URL (several app servers and workers): the task queue is RQ on Redis, the cache is Redis and
# sessions are cached there in front of the database (cached_db, so a Redis restart signs nobody out).
# Without it nothing changes: the database queue, a per-process memory cache and database sessions.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    from urllib.parse import urlsplit, urlunsplit

    _redis = urlsplit(REDIS_URL)
    # The cache gets its own Redis database (the next number), so clearing the cache never flushes the queue.
    _queue_db = int((_redis.path or "/0").strip("/") or 0)
    REDIS_CACHE_URL = os.environ.get(
        "REDIS_CACHE_URL", urlunsplit(_redis._replace(path=f"/{_queue_db + 1}"))
    )
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    CACHES = {
        "default": {
            # django-redis rather than Django's own backend: with IGNORE_EXCEPTIONS a Redis restart is a cache
            # miss (logged), not a 500 on every request that touches the cache or a cached session.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "civicloop",
            "TIMEOUT": 300,
            "OPTIONS": {"SOCKET_TIMEOUT": 2, "SOCKET_CONNECT_TIMEOUT": 2, "IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Dashboard figures cached per unit until its counters change (civicloop.core.hot); only on a shared cache.
STATS_CACHE_SECONDS = int(os.environ.get("STATS_CACHE_SECONDS", 300 if REDIS_URL else 0))
# Each person's unread-message count (the badge on every page) cached until their inbox changes; shared cache only.
INBOX_CACHE_SECONDS = int(os.environ.get("INBOX_CACHE_SECONDS", 600 if REDIS_URL else 0))
# A team's page of the order hall, cached until an order moves into or out of the hall under its units; a card's
# due colour and fit may be this old. Shared cache only.
HALL_CACHE_SECONDS = int(os.environ.get("HALL_CACHE_SECONDS", 60 if REDIS_URL else 0))

# --- mail (notification channel) ----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "civicloop@localhost")

# --- security (production) ----------------------------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp): only this site's own scripts and styles — no inline script, style
# element or style attribute, no eval — and no framing. Images may be data: URLs (QR codes, charts).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features the platform does not use are switched off; the location (check-in) and the camera (扫一扫,
# the organiser scanning a volunteer card) only for this site.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(self), geolocation=(self), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The development SMS channel writes its messages (number masked) here; a real gateway logs nothing.
    "loggers": {"civicloop.notify.channels": {"level": os.environ.get("SMS_LOG_LEVEL", "INFO")}},
}

# --- domain knobs -------------------------------------------------------------------------------------------
CIVICLOOP = {
    "DISTRICT_PREFIX": os.environ.get("CIVICLOOP_DISTRICT_PREFIX", "KD"),
    "AUTO_RATING_DAYS": int(os.environ.get("CIVICLOOP_AUTO_RATING_DAYS", 7)),
    # Honest attendance (civicloop/orders/attendance.py): check-in from 60 min before the service time until
    # 120 min after it, within 500 m of the order when both positions are known; check-out 10 min at the
    # earliest; a report credits at most the attended time plus half an hour.
    "CHECKIN_WINDOW_MINUTES": (
        int(os.environ.get("CIVICLOOP_CHECKIN_EARLY_MINUTES", -60)),
        int(os.environ.get("CIVICLOOP_CHECKIN_LATE_MINUTES", 120)),
    ),
    "CHECKIN_DISTANCE_M": int(os.environ.get("CIVICLOOP_CHECKIN_DISTANCE_M", 500)),
    "CHECKOUT_MIN_MINUTES": int(os.environ.get("CIVICLOOP_CHECKOUT_MIN_MINUTES", 10)),
    "HOURS_TOLERANCE": os.environ.get("CIVICLOOP_HOURS_TOLERANCE", "0.5"),
    "SITE_NAME": _("Civilization Practice Volunteer Service Platform"),
}

# Lockout is per account (5 failures → 30 minutes). Locking by IP would shut out a whole station whose
# residents share one connection, so axes' advice to add the IP is deliberately not taken.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# (dotted path of an idempotent job, run every N seconds) — see `manage.py worker`.
PERIODIC_JOBS: list[tuple[str, int]] = [
    ("civicloop.orders.services.orders_escalate_overdue", 300),
    ("civicloop.orders.whistle_workflow.whistles_escalate_overdue", 300),
    ("civicloop.matching.services.auto_dispatch_due", 60),
    ("civicloop.matching.services.team_index_refresh", 600),
    ("civicloop.orders.services.orders_auto_rate", 3600),
    ("civicloop.notify.services.notify_deliver_pending", 10),
    ("civicloop.stats.services.counters_fold", 30),
    ("civicloop.audit.services.audit_retain", 86400),
    ("civicloop.core.periodic.periodic_prune", 86400),
    ("civicloop.core.partitions.partitions_ensure", 86400),
    ("civicloop.campaigns.services.campaigns_escalate_overdue", 600),
    ("civicloop.contests.services.calls_close_due", 300),
]
# Audit rows are kept this many days (never fewer than 184: six months, 网络安全法 §21).
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", 365))
# Notification channels besides the in-app inbox; add "civicloop.notify.channels.LoggingSmsChannel" for the SMS stub.
NOTIFY_CHANNELS = env_list("NOTIFY_CHANNELS", "civicloop.notify.channels.EmailChannel")
