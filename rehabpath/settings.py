"""RehabPath settings: one code path for every environment.

Production differs from development only through environment variables (see the
configuration table in README.md). With DEBUG off every secret must be given.
"""

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import django_stubs_ext
import environ
from django.utils.csp import CSP

# Lets the code subscript Django's generic classes (ModelAdmin[Trainer], QuerySet[Event]...)
# at run time as the type checker reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env is read when present (never committed); real deployments use the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _strict_bool(name: str, default: bool) -> bool:
    """Parse a boolean refusing anything but true/false/1/0/yes/no/on/off."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise environ.ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


DEBUG = _strict_bool("DEBUG", False)

if DEBUG:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="dev-only-insecure-key-never-use-in-production-0123456789"
    )
else:
    # No default: importing the settings fails in production without a real key.
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Who the mails come from and whom people write to: every mail is signed with both.
SITE_NAME = env.str("SITE_NAME", default="RehabPath")
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support@rehabpath.example")

# Seeded demo accounts log in without MFA only when this is on; refused unless DEBUG.
DEMO_MODE = _strict_bool("DEMO_MODE", False)
if DEMO_MODE and not DEBUG:
    raise environ.ImproperlyConfigured("DEMO_MODE may only be enabled together with DEBUG.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # django-ninja (the clinics' API): listed for its templates and the Swagger UI it ships,
    # so that the API's docs page loads them from our static files, not from a CDN.
    "ninja",
    "rehabpath",
    "trainers",
    "qualifications",
    "mentorship",
    "programme",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view or CSRF check reads the body; after auth so the 413 page has its header.
    "rehabpath.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "rehabpath.middleware.UserSessionActivityMiddleware",
    "rehabpath.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "rehabpath.urls"
WSGI_APPLICATION = "rehabpath.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rehabpath.context_processors.navigation",
                "rehabpath.context_processors.brand",
            ],
        },
    },
    {
        # The plain-text parts and subjects of e-mails: the same templates, not HTML-escaped
        # ("O'Brien & Co", never "O&#x27;Brien &amp; Co"). rehabpath.mail renders them here.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'rehabpath.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: opening one costs PostgreSQL a new backend process, more than most
# pages' own queries (make bench: 3x the time of a request alone). Checked before reuse.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let web, worker and beat share the file under `make run`.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker ------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # A Redis outage degrades the cache to misses (logged) instead of failing every page;
    # the trade-off is in rehabpath/cache.py. Short timeouts: a page never waits long on it.
    CACHES = {
        "default": {
            "BACKEND": "rehabpath.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Sessions are read from Redis (written through to the database): no query a request.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # allauth counts failed logins (the lockout) and rate limits in this cache. A local-memory
    # cache is one per process: with gunicorn's workers each counting on its own, the lockout
    # after 5 wrong passwords lets through 5 per worker. Refused in production unless asked for
    # (a single process, or the build step that only collects static files).
    if not DEBUG and not _strict_bool("ALLOW_LOCAL_CACHE", False):
        raise environ.ImproperlyConfigured(
            "Set REDIS_URL: without it the cache is local to each web process, and the login "
            "lockout and rate limits would count per process. Set ALLOW_LOCAL_CACHE=true only "
            "for a single process or a build step."
        )
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A per-process cache would keep a signed-out session alive in the other workers.
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "rehabpath.User"
# Django's and allauth's backends, loading the signed-in user with their roles in one query.
AUTHENTICATION_BACKENDS = [
    "rehabpath.auth.ModelBackend",
    "rehabpath.auth.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "trainers.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "rehabpath.forms.SignupDetailsForm"
# allauth's sign-up form, answering a taken address as slowly as a new one (no timing oracle).
ACCOUNT_FORMS = {"signup": "rehabpath.signup.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Security notices (password changed or reset, e-mail address changed, a second factor added
# or removed), each saying when, from which address and browser.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Reauthentication (before adding a second factor, viewing recovery codes, changing email) asks
# for the password or a second factor; allauth's e-mailed one-time code is not offered.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_RATE_LIMITS = {
    # 5 wrong passwords for one account within 5 minutes lock it for the rest of the window.
    "login_failed": "10/m/ip,5/300s/key",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "RehabPath"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
USERSESSIONS_TRACK_ACTIVITY = True
# How many proxies in front of the app append to X-Forwarded-For (0: use the peer address).
# One setting decides the client IP for allauth's rate limits and for the audit log.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- Mail (Django 6.1 MAILERS) ------------------------------------------------------------


def _mailer_from_url(url: str) -> dict[str, Any]:
    """Translate MAIL_URL (smtp://, smtp+tls://, smtps://, console://, file:///path) to MAILERS."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        path = unquote(parts.path) or str(VAR_DIR / "mail")
        if parts.netloc:  # file://var/mail is a relative path
            path = str(BASE_DIR / (parts.netloc + parts.path))
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": path},
        }
    if scheme in {"smtp", "smtp+tls", "smtps"}:
        query = parse_qs(parts.query)
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port
                or (465 if scheme == "smtps" else 587 if scheme == "smtp+tls" else 25),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_tls": scheme == "smtp+tls",
                "use_ssl": scheme == "smtps",
                "timeout": int(query.get("timeout", ["10"])[0]),
            },
        }
    raise environ.ImproperlyConfigured(f"MAIL_URL has an unsupported scheme: {scheme!r}")


MAIL_URL = env.str("MAIL_URL", default="file://var/mail" if DEBUG else "")
if not MAIL_URL:
    raise environ.ImproperlyConfigured("Set MAIL_URL (for example smtp+tls://user:pass@host:587).")
MAILERS = {"default": _mailer_from_url(MAIL_URL)}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="RehabPath <no-reply@rehabpath.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every subject starts with it: the project's mails, allauth's (trainers.adapters) and errors.
EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
# locale/en_GB: sentence case for allauth's Title Case pages and buttons (see its django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

# --- Static and evidence files ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Evidence lives outside the web root and is only ever served by a permission-checked view.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("EVIDENCE_ROOT", default=str(VAR_DIR / "evidence"))},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
EVIDENCE_MAX_FILES = env.int("EVIDENCE_MAX_FILES", default=5)
# The fields of a form other than its files: the longest text (a CPD reflection, a practice
# summary) is a few KB, so 512 KiB is generous; Django answers 400 beyond it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
# A whole request body, refused with a 413 page before anything reads it
# (rehabpath.middleware.RequestSizeLimitMiddleware). The largest legitimate one is a record's
# evidence, EVIDENCE_MAX_FILES files of EVIDENCE_MAX_BYTES, with the form's fields and the
# multipart framing. Set the proxy's limit (nginx: client_max_body_size) to the same.
MAX_REQUEST_BYTES = env.int(
    "MAX_REQUEST_BYTES",
    default=EVIDENCE_MAX_FILES * EVIDENCE_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE + 512 * 1024,
)
if MAX_REQUEST_BYTES < EVIDENCE_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE:
    raise environ.ImproperlyConfigured(
        "MAX_REQUEST_BYTES must leave room for one evidence file (EVIDENCE_MAX_BYTES) and a form."
    )
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Security -----------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _strict_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Health probes (the image's HEALTHCHECK, a load balancer) speak plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Celery -------------------------------------------------------------------------------
# Without REDIS_URL an embedded broker (kombu's SQLAlchemy transport on SQLite) lets a real
# worker and beat run with no server at all.
CELERY_BROKER_URL = REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task is killed after this; the soft limit a minute earlier lets it hand back what it has
# not done (rehabpath.ledger.release). The reliability tests run a worker with a short one.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=5 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 60, CELERY_TASK_TIME_LIMIT // 2)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = _strict_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Redis redelivers a task that a worker took but has not acknowledged (acks_late) after this
# long. It must outlast the longest countdown a task is retried with (15 min of backoff, or a
# mail's claim lease) plus its hard time limit, or a waiting retry would run twice. Said
# explicitly rather than left to kombu's default (1 hour), which can change. Redis only: the
# embedded SQLite broker has no such option.
CELERY_BROKER_VISIBILITY_TIMEOUT = 2 * 60 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT} if REDIS_URL else {}
)
# --- The delivery ledger and reminders (rehabpath.ledger, rehabpath.reminders) ----------------
# How long a worker's claim on a ledger row protects it: past the hard time limit, the worker
# is gone and the row is taken over.
DELIVERY_CLAIM_LEASE_SECONDS = env.int(
    "DELIVERY_CLAIM_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60
)
DELIVERY_BATCH_SIZE = env.int("DELIVERY_BATCH_SIZE", default=200)  # rows a worker claims at once
DELIVERY_MAX_PARALLEL_BATCHES = env.int("DELIVERY_MAX_PARALLEL_BATCHES", default=8)
LEDGER_TICK_SECONDS = env.int("LEDGER_TICK_SECONDS", default=30)
# Waits before a failed mail's 2nd, 3rd, ... attempt (seconds); then it fails for good.
MAIL_RETRY_DELAYS = env.list("MAIL_RETRY_DELAYS", cast=int, default=[30, 120, 600, 1800, 3600])
# Clinic webhooks (programme.webhooks): the waits before a failed delivery's 2nd, 3rd, ...
# attempt (seconds), as the Standard Webhooks guidance suggests: 5 s, 5 min, 30 min, 2 h, 5 h,
# 10 h, 10 h (eight tries over about 27 hours); then it fails for good and can be resent.
WEBHOOK_RETRY_DELAYS = env.list(
    "WEBHOOK_RETRY_DELAYS", cast=int, default=[5, 300, 1800, 7200, 18000, 36000, 36000]
)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Endpoints must be https:// on a public address. True allows http:// and loopback/private
# addresses (tests, `make run` with the dev receiver on 127.0.0.1); never in production.
WEBHOOKS_ALLOW_LOCAL = _strict_bool("WEBHOOKS_ALLOW_LOCAL", False)
REMINDER_TIME_ZONE = "Europe/London"
REMINDER_SWEEP_SECONDS = env.int("REMINDER_SWEEP_SECONDS", default=15 * 60)
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=1000)
# The programme's reminder rules (DESIGN.md, "Reminders"): days before an expiry (0: on the
# day), days before the CPD year ends, and how long something may wait before a reminder.
REMINDER_EXPIRY_DAYS = env.list("REMINDER_EXPIRY_DAYS", cast=int, default=[90, 30, 7, 0])
REMINDER_CPD_BEHIND_DAYS = env.list("REMINDER_CPD_BEHIND_DAYS", cast=int, default=[60, 30])
REMINDER_SUPERVISION_OVERDUE_DAYS = env.int("REMINDER_SUPERVISION_OVERDUE_DAYS", default=31)
REMINDER_SESSION_WAITING_DAYS = env.int("REMINDER_SESSION_WAITING_DAYS", default=7)
REMINDER_EVIDENCE_WAITING_DAYS = env.int("REMINDER_EVIDENCE_WAITING_DAYS", default=5)
# The weekly digest (mentors, clinic admins, and whatever a user moved to it): 0 is Monday.
REMINDER_DIGEST_WEEKDAY = env.int("REMINDER_DIGEST_WEEKDAY", default=0)

CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "rehabpath.tasks.clear_expired_sessions",
        "schedule": 24 * 60 * 60,
    },
    # Reminders: a plain UTC interval; the sweep works out the Europe/London day itself.
    # A sweep or tick still queued when the next is sent is dropped (expires): a busy worker
    # never works through a pile of them, and the next one does the same work.
    "reminder-sweep": {
        "task": "rehabpath.tasks.reminder_sweep",
        "schedule": REMINDER_SWEEP_SECONDS,
        "options": {"expires": REMINDER_SWEEP_SECONDS},
    },
    # Shared trainers' eligibility recomputed once a London day (the first run of the day
    # works, later ones find nobody): what dates alone change is told to their clinics.
    "eligibility-watch": {
        "task": "programme.eligibility.watch.eligibility_watch_daily_task",
        "schedule": REMINDER_SWEEP_SECONDS,
        "options": {"expires": REMINDER_SWEEP_SECONDS},
    },
    # The ledger: claims of dead workers taken back, due rows without a task started.
    "ledger-tick": {
        "task": "rehabpath.tasks.ledger_tick",
        "schedule": LEDGER_TICK_SECONDS,
        "options": {"expires": LEDGER_TICK_SECONDS},
    },
    # The compliance dashboard's counts by eligibility and stage (programme.compliance).
    "compliance-snapshot": {
        "task": "programme.tasks.refresh_compliance_snapshot",
        "schedule": 15 * 60,
    },
    # Certificates whose PDF task was lost (the broker away at issue) rendered after all.
    "certificate-render-pending": {
        "task": "programme.certificates.tasks.certificate_render_pending",
        "schedule": 10 * 60,
        "options": {"expires": 10 * 60},
    },
}

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every PDF at INFO; keep their warnings only.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Domain defaults (configurable, not code) ---------------------------------------------
# A DBS check without Update Service consent is treated as due for renewal after this.
DBS_RECHECK_MONTHS = env.int("DBS_RECHECK_MONTHS", default=36)
# The pathway's own figures (supervised sessions per complexity level, CPD hours, ...) are
# rule data that programme staff edit at /staff/pathway/ (programme.models.PathwayRules).

# --- The clinics' API (/api/v1/) ------------------------------------------------------------
# Requests one API token may make a minute (counted in the cache, across web processes).
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=120)

# --- Competency certificates (programme.certificates) ------------------------------------
# A certificate's validity: at most this many months, never beyond the scope declaration.
CERTIFICATE_MAX_MONTHS = env.int("CERTIFICATE_MAX_MONTHS", default=36)
# The Ed25519 key that signs the Open Badges 3.0 credentials and the status list, as a
# multibase private key (Multikey, `z3u2...`; `manage.py credential_key` makes one). Its public
# half is published at /.well-known/did.json. Development generates one into var/ on first
# use; production has no default: the settings refuse to load without it.
if DEBUG:
    CREDENTIAL_SIGNING_KEY = env.str("CREDENTIAL_SIGNING_KEY", default="")
else:
    CREDENTIAL_SIGNING_KEY = env.str("CREDENTIAL_SIGNING_KEY")
CREDENTIAL_DEV_KEY_FILE = VAR_DIR / "credential-signing-key"
# Entries in one Bitstring Status List: the spec's minimum (16 KiB), so that a certificate's
# random index says nothing about how many certificates there are.
STATUS_LIST_SIZE = 131_072
# Look-ups of /verify/ pages one client (IP address) may make a minute.
VERIFY_RATE_LIMIT_PER_MINUTE = env.int("VERIFY_RATE_LIMIT_PER_MINUTE", default=60)
