"""Settings for the Creative Labs portal: one module, read from the environment.

With nothing set, the portal runs on its embedded default: SQLite under `var/`, a
local-memory cache, e-mail printed to the console and Celery tasks run in-process.
Set DATABASE_URL, REDIS_URL (or CELERY_BROKER_URL) and EMAIL_URL to use real services.
A malformed value stops the process at start-up rather than half-working later.
"""

from email.utils import getaddresses
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

# The portal's public address, for links in e-mails sent by the worker.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The portal's name where allauth's e-mails name the site ("Hello from …"), instead of the request's host.
PORTAL_NAME = env.str("PORTAL_NAME", default="Creative Labs")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "creativelabs.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "django_countries",
    "csp",
    "simple_history",
    # The project package as an app: the outbox of tasks the broker did not take, the lookups.
    "creativelabs.apps.CreativeLabsConfig",
    # htmx partials (request.htmx) and /health/ (django-htmx, django-health-check)
    "django_htmx",
    "health_check",
    "accounts",
    "labs",
    "companies",
    "opportunities",
    "demo",
    # The public API (/api/v1/): it reads every app's public selectors, like demo/, and no app imports it.
    # ninja itself as an app so that its documentation page is served from its static files, not a CDN.
    "ninja",
    "api",
    # Exchanges (exchanges/): it reads labs, companies and opportunities, and no app imports it.
    "exchanges",
    # Theme networks (networks/): it reads labs, companies and opportunities (the engine, notifications), and
    # no app imports it.
    "networks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # request.htmx (creativelabs/htmx.py decides fragment or whole page).
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made a change: the history (creativelabs/history.py) reads the signed-in user from here.
    "simple_history.middleware.HistoryRequestMiddleware",
    # no cache keeps a page rendered for a logged-in person (creativelabs/headers.py).
    "creativelabs.headers.PrivatePagesMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "creativelabs.requests.RefuseControlCharactersMiddleware",
    # The API's CORS preflight (OPTIONS) is answered here, before any view (api/http.py).
    "api.http.CorsPreflightMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
]

# Small uploads stay in memory; larger ones go to a temporary file named without the client's file name.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "creativelabs.files.SafeTemporaryFileUploadHandler",
]

ROOT_URLCONF = "creativelabs.urls"
WSGI_APPLICATION = "creativelabs.wsgi.application"

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
                "accounts.context_processors.roles",
                "accounts.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if not USING_POSTGRES and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...) or SQLite.")
if USING_POSTGRES:
    # PostgreSQL's JIT spent 0.5-0.8 s compiling each of the dashboard's large aggregate queries at benchmark
    # scale, more than running them took (docs/performance.md); the portal's queries gain nothing from it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A web request's SQL statement that runs longer is cancelled and the request answered with a 503
# (creativelabs/statement_timeout.py); 0 turns it off. The worker and the commands are not limited.
WEB_STATEMENT_TIMEOUT_MS = env.int("WEB_STATEMENT_TIMEOUT_MS", default=5000 if USING_POSTGRES else 0)
# Addresses whose error answers (400, 403, 404, 429, 500, 503) are JSON, not the site's pages.
JSON_ERROR_PATH_PREFIXES = ["/api/"]
if WEB_STATEMENT_TIMEOUT_MS < 0:
    raise ImproperlyConfigured("WEB_STATEMENT_TIMEOUT_MS must be a number of milliseconds, 0 for none.")

# --- History of changes -------------------------------------------------------
# django-simple-history keeps a row per change of the tracked models (creativelabs/history.py).
# Restoring an old version from the admin would write around the services (no recompute queued,
# no workflow checks), so it is off; a change is made again through the portal or the admin form.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Cache and Redis ----------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis:// or rediss://.")
if REDIS_URL:
    CACHES = {
        "default": {
            # Rate-limit counters, locks and the public figures of /programme/ (counted again every few
            # minutes, opportunities/insights/public.py): while Redis is down or hanging the cache uses the
            # "outage" cache below instead of failing the request, after at most one timeout
            # (creativelabs/cache.py), so the limits on logins and two-factor codes still hold.
            "BACKEND": "creativelabs.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "FALLBACK": "outage"},
            "KEY_PREFIX": "cl",
        },
        # A table in the database (made by `migrate`, see accounts/apps.py), used only while Redis is
        # down. Many entries before culling: culling would forget rate-limit counters.
        "outage": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_during_redis_outage",
            "KEY_PREFIX": "cl",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# Without a broker the embedded default runs tasks in-process, right away.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# Only chords use a result backend (the sharded full recompute counts its shards there); tasks store no
# results unless they say so.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL) or None
# The queue tasks go to and workers read by default (a drill or a test with workers of its own sets another).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# A full recompute in this many shards over the workers (a chord, `opportunities.suggestions.sharded`);
# 1: in one process.
MATCHING_FULL_SHARDS = env.int("MATCHING_FULL_SHARDS", default=1)
if MATCHING_FULL_SHARDS < 1:
    raise ImproperlyConfigured("MATCHING_FULL_SHARDS must be 1 or more.")
# A task is acknowledged when it ends, not when it starts, so every task must be safe to run
# twice: a pool process killed mid-task puts its message back at once (reject on worker lost);
# a whole worker killed leaves it to be delivered again after the visibility timeout below
# (match recomputes don't wait for that: their queue entry stays and the sweeper re-sends it).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 10 * 60
CELERY_TASK_TIME_LIMIT = 12 * 60
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the hard time limit and the longest retry countdown, so a task that is
    # running or waiting for its countdown is never handed out twice.
    "visibility_timeout": 60 * 60,
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
}
# A web request that enqueues while Redis is down gives up at once (connection refused) or,
# when Redis hangs, after about three seconds: two attempts, the second to get past a pooled
# connection that went stale when Redis restarted. Then the process stops trying for a few
# seconds (enqueue_on_commit in creativelabs/celery.py) and sweepers pick up what was not sent.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE = {
    "expire-and-remind": {"task": "opportunities.tasks.expire_and_remind", "schedule": 60 * 60},
    "recompute-matches-nightly": {
        "task": "opportunities.tasks.recompute_full_task",
        "schedule": crontab(hour=2, minute=30),
    },
    "sweep-match-queue": {"task": "opportunities.tasks.sweep_match_queue", "schedule": 60},
    # What could not be queued (broker down) goes out within a minute of the broker's return, once.
    "requeue-unsent-tasks": {"task": "creativelabs.tasks.requeue_unsent_tasks", "schedule": 60},
    "send-unsent-notification-emails": {
        "task": "opportunities.tasks.send_unsent_notification_emails",
        "schedule": 15 * 60,
    },
    "remind-unanswered-interests": {"task": "opportunities.tasks.remind_unanswered_interests", "schedule": 60 * 60},
    # Hourly, but each person's daily or weekly digest is sent once per period (what was sent is recorded).
    "send-digests": {"task": "opportunities.tasks.send_digests", "schedule": 60 * 60},
    "send-match-alerts": {"task": "opportunities.tasks.send_match_alerts", "schedule": 5 * 60},
    # Saved searches: daily and weekly ones once per period (each object told is recorded), immediate
    # ones' leftovers; publishing an opportunity tells the immediate ones at once.
    "send-saved-search-alerts": {"task": "opportunities.tasks.send_saved_search_alerts", "schedule": 15 * 60},
    # Dashboard views too slow for a request (`opportunities.insights.summaries`), counted again when stale.
    "refresh-insight-summaries": {"task": "opportunities.tasks.refresh_insight_summaries", "schedule": 5 * 60},
    # Hourly; each exchange's 7-day and 1-day reminder is written once per person (dedupe keys).
    "send-exchange-reminders": {"task": "exchanges.tasks.send_exchange_reminders", "schedule": 60 * 60},
    # Suggested helpers of every open request for help, matched again (new members, changed profiles).
    "refresh-request-suggestions": {"task": "networks.tasks.refresh_request_suggestions", "schedule": 60 * 60},
    # /health/ reports the worker down when this has not run for HEALTH_HEARTBEAT_MAX_AGE; one
    # not picked up within a minute is dropped, so a worker coming back does not run a backlog.
    "record-worker-heartbeat": {
        "task": "creativelabs.health.record_worker_heartbeat",
        "schedule": 60,
        "options": {"expires": 60},
    },
}
CELERY_TIMEZONE = "Europe/Amsterdam"

# --- Programme insight ---------------------------------------------------------------
# A dashboard view is counted in the request when it fits in this many milliseconds; one that does not is
# counted by the worker and kept, refreshed by beat when older than INSIGHTS_SUMMARY_MAX_AGE seconds while
# someone looked at it in the last INSIGHTS_SUMMARY_KEEP_DAYS days (`opportunities.insights.summaries`).
INSIGHTS_LIVE_BUDGET_MS = env.int("INSIGHTS_LIVE_BUDGET_MS", default=1500)
INSIGHTS_SUMMARY_MAX_AGE = env.int("INSIGHTS_SUMMARY_MAX_AGE", default=15 * 60)
INSIGHTS_SUMMARY_KEEP_DAYS = env.int("INSIGHTS_SUMMARY_KEEP_DAYS", default=7)
# PostgreSQL's memory per sort or hash while the dashboard counts (set for that transaction only). With the
# default 4 MB, a Lab's "in scope" test over its hundreds of thousands of suggestions is no longer hashed and
# runs once per company: more than 40 s at 100 000 companies instead of under 2.
INSIGHTS_WORK_MEM = env.str("INSIGHTS_WORK_MEM", default="64MB")

# --- E-mail -----------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Creative Labs <noreply@creativelabs.example>")
# the sender of error mails to ADMINS.
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Accounts and allauth -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Creative Labs] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_SESSION_REMEMBER = None
# allauth counts failed logins in the cache (the database while Redis is down). "key" is the address
# *and* the client (accounts/adapter.py): the sixth failure in a minute from one client gets 429 there,
# while the owner, from their own client, still logs in. A password reset request is counted the same
# way (accounts/allauth_urls.py), so an attacker cannot use up the owner's way back in either.
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,5/m/key", "reset_password": "20/m/ip,5/m/key"}
# The client's address for those limits. Behind a proxy every request comes from the proxy: trust
# this many proxies' entries in X-Forwarded-For (one when BEHIND_TLS_PROXY is on), or, when the proxy
# puts the client's address in a header of its own (CF-Connecting-IP, X-Real-IP), name that header.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_TLS_PROXY else 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
# The portal's own limits (creativelabs/ratelimits.py): per person when logged in ("user"), per
# address otherwise, "key" per link. Far above what a person does; there to stop scripts.
PORTAL_RATE_LIMITS = {
    "search": "120/m/user,2000/h/user",
    "download": "300/m/user,3000/h/user",  # thumbnails too: a page of work shows a few dozen
    "express_interest": "20/m/user,100/h/user",
    "unsubscribe": "300/m/ip,20/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
# The code forms that refuse a TOTP code of a time step already used, recorded in the database (accounts/mfa.py).
MFA_FORMS = {"authenticate": "accounts.mfa.AuthenticateForm", "reauthenticate": "accounts.mfa.ReauthenticateForm"}
MFA_TOTP_ISSUER = "Creative Labs"
# Invitations to a staff role stay valid this long.
ROLE_INVITATION_MAX_AGE = env.int("ROLE_INVITATION_MAX_AGE", default=7 * 24 * 3600)
TEAM_INVITATION_MAX_AGE = env.int("TEAM_INVITATION_MAX_AGE", default=7 * 24 * 3600)
TERMS_VERSION = "2026-11"
# Uploaded logos and portfolio files per company, in bytes.
COMPANY_STORAGE_QUOTA_BYTES = env.int("COMPANY_STORAGE_QUOTA_BYTES", default=200 * 1024 * 1024)

# --- Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
# In every country list: the Netherlands and the focus countries first (django-countries), then the rest.
COUNTRIES_FIRST = ["NL", "DE", "CN", "US"]
LOCALE_PATHS = [BASE_DIR / "creativelabs" / "locale"]
TIME_ZONE = "Europe/Amsterdam"

# The search box's query expansion (creativelabs/search_expansion.py) reads the matching engine's glossary.
SEARCH_GLOSSARY_FILES = [
    BASE_DIR / "opportunities" / "matching" / "data" / f"glossary.{language}.json" for language in ("en", "nl", "de")
]
USE_I18N = True
USE_TZ = True
# Dates, times and numbers per language (creativelabs/formats/): "3 December 2026" / "3 december 2026".
FORMAT_MODULE_PATH = ["creativelabs.formats"]

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# --- SameSite on every cookie the portal sets --------------------------------------
# Lax: sent when following a link to the portal (an e-mail's confirmation link stays logged in),
# never with a cross-site POST or an embedded request. The messages cookie follows the session's.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
# No script reads the language cookie (the switch is a form): keep it from scripts too.
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No inline scripts or styles anywhere: every script is a file under static/.
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
    },
}

# --- /health/ (creativelabs/health.py) ------------------------------------------------
# Disk holding MEDIA_ROOT this full (percent) fails the check; the worker's heartbeat this old (seconds).
HEALTH_DISK_MAX_PERCENT = env.float("HEALTH_DISK_MAX_PERCENT", default=90.0)
HEALTH_HEARTBEAT_MAX_AGE = env.int("HEALTH_HEARTBEAT_MAX_AGE", default=5 * 60)
# A load balancer probes over plain HTTP: answer it there instead of redirecting to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# --- logs and error reporting -----------------------------------------------------
# LOG_FORMAT=json writes one JSON object per line (python-json-logger) for a log collector.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be text or json.")
# Unhandled errors in a request (a 500) are mailed to ADMINS when DEBUG is off, as are failed tasks.
ADMINS = [(name, address) for name, address in getaddresses([env.str("ADMINS", default="")]) if name or address]
if any("@" not in address for _, address in ADMINS):
    raise ImproperlyConfigured("ADMINS must be e-mail addresses, comma-separated: Name <name@example.org>, ...")
EMAIL_SUBJECT_PREFIX = "[Creative Labs] "
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", **({"formatter": "json"} if LOG_FORMAT == "json" else {})},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own default would mail every "django" error too: one place decides, here.
        "django": {"handlers": [], "level": "INFO"},
        "django.request": {"handlers": ["mail_admins"]},
        # One line per task run is noise in the embedded default, where tasks run in-process.
        "celery.app.trace": {
            "handlers": ["mail_admins"],
            "level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO",
        },
    },
}
# The worker logs through the configuration above instead of Celery's own, so its lines are JSON too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

# Sentry, only when SENTRY_DSN is set: errors and failed tasks, without personal data (no user,
# cookies or request bodies; send_default_pii stays off).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
