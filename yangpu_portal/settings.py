"""Settings for the Yangpu portal: one module, every difference between environments read from
environment variables (documented in .env.example and the README).

`make run` sets DJANGO_DEBUG=on and uses the embedded SQLite file; production and CI set
DATABASE_URL to PostgreSQL and leave DEBUG off, which makes DJANGO_SECRET_KEY mandatory.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from stations.maps import csp_img_sources
from yangpu_portal.envvars import (
    REDIS_SCHEMES,
    env_bool,
    env_cache,
    env_int,
    env_list,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DJANGO_DEBUG is off: "
            "set it to a long random value (see .env.example)."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # allauth's session list (/accounts/sessions/) loads the humanize tags.
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.usersessions",
    "allauth.mfa",
    # WeChat sign-in (issue 3): installed always, shown only when WEIXIN_APP_ID/SECRET are set.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.weixin",
    "import_export",
    # The ORM task queue (its table is created whatever DJANGO_TASKS_BACKEND says).
    "django_tasks_db",
    "treebeard",
    "audit",
    "yangpu_portal",
    "branches",
    "stations",
    "services",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that reads the session or the user: while the database is down it
    # answers 503 at once (static files above still served). See yangpu_portal/outage.py.
    "yangpu_portal.outage.DatabaseCircuitBreakerMiddleware",
    # After a request that may write, every cached page is stale (yangpu_portal/pagecache.py).
    "yangpu_portal.pagecache.PageCacheInvalidationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the signed-in user and their roles from the shared cache while nothing
    # has been written since (yangpu_portal/usercache.py).
    "yangpu_portal.usercache.CachedAuthenticationMiddleware",
    "audit.record.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "yangpu_portal.sessions.SessionPolicyMiddleware",
    "yangpu_portal.password_policy.PasswordChangeRequiredMiddleware",
    "yangpu_portal.mfa_policy.MFARequiredMiddleware",
    "yangpu_portal.middleware.NoStoreForSignedInMiddleware",
]

ROOT_URLCONF = "yangpu_portal.urls"
WSGI_APPLICATION = "yangpu_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yangpu_portal.navigation.navigation",
            ],
        },
    },
]

# Django's form renderer, with <select> options built in Python (same markup, no per-option
# template include): see yangpu_portal/form_renderer.py.
FORM_RENDERER = "yangpu_portal.form_renderer.FastSelectRenderer"

# --- Database ---------------------------------------------------------------------------------
# Unset DATABASE_URL: the embedded SQLite file, so `make run` needs nothing installed.
# Set (postgres://...): PostgreSQL through psycopg 3 with Django's connection pool. The pool
# replaces persistent connections (CONN_MAX_AGE must stay 0); CONN_HEALTH_CHECKS makes the pool
# check each connection on checkout, so a PostgreSQL restart costs no failed requests.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db.setdefault("OPTIONS", {})
        _db["OPTIONS"]["pool"] = {
            # Per process: size = gunicorn threads per worker, plus headroom.
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 8),
            # How long a request waits for a connection. With max_size >= threads a healthy
            # pool never makes anyone wait, so this only bounds a request while PostgreSQL is
            # down: it then gets the 503 page after this many seconds at most (and the circuit
            # breaker answers the others at once; yangpu_portal/outage.py).
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 3),
            # psycopg_pool retries a failed connection with exponential backoff (1, 2, 4, 8 s
            # ...) for 5 minutes by default, so after a restart of PostgreSQL the pool could
            # sit out a long backoff sleep. Giving up after 2 s lets the next request start a
            # fresh attempt at once: service is back within a few seconds of PostgreSQL.
            "reconnect_timeout": env_int("DATABASE_POOL_RECONNECT_TIMEOUT", 2),
        }
        # libpq's own bound on opening a connection (a host that drops packets).
        _db["OPTIONS"]["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 3)
        # Model choice fields read their options with .iterator(): on PostgreSQL that is a
        # WITH HOLD cursor (DECLARE, FETCH, CLOSE: three round trips, and the rows are
        # materialized at commit) for a select of 300 organizations. Fetch in one go.
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True
        # Short OLTP queries: the JIT costs more than it saves (STACK-NOTES.md).
        _db["OPTIONS"]["options"] = "-c jit=off"
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
DATABASES = {"default": _db}

# --- Authentication (django-allauth) ---------------------------------------------------------
AUTH_USER_MODEL = "yangpu_portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# At least 10 characters from 3 of 4 classes, not like the username, not a common password,
# at most 128 characters.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yangpu_portal.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "yangpu_portal.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# Staff sign in by username; self-registered workers by phone (password, or a code by SMS).
ACCOUNT_LOGIN_METHODS = {"username", "phone"}
# The only sign-up is a worker's: phone required and verified by code before the first sign-in
# (the form adds name, gender, occupation and street for the roster). No username/e-mail
# sign-up. allauth shows the password field on the login page only when sign-up asks for one.
# "phone" without "*": allauth would otherwise stop every account without a phone (staff) at
# its phone-verification login stage; WorkerSignupForm makes the field required itself.
# "username*" keeps allauth's consistency check (account.W001) satisfied and "email" is needed
# by allauth's social sign-up form; WorkerSignupForm removes both fields and the adapter
# generates the username.
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "phone", "password1*", "password2*"]
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Six digits, as SMS codes are in China (allauth's default is 8 letters); at most 3 tries per
# code and allauth's rate limits keep guessing hopeless.
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "yangpu_portal.accounts.AccountAdapter"  # phone-only worker sign-up
ACCOUNT_FORMS = {
    "change_password": "yangpu_portal.forms.ChangePasswordForm",
    "signup": "yangpu_portal.worker_signup.WorkerSignupForm",
}
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Per address only: the per-account limit is our lockout (account + address, 30 minutes), so
# nobody can lock a person out from everywhere. Counters live in the shared cache below.
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip"}
# Two-factor sign-in with an authenticator app (TOTP) and one-time recovery codes; required for
# the administrator roles (yangpu_portal.mfa_policy), optional for everyone else.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Yangpu Portal"
MFA_ADAPTER = "yangpu_portal.mfa_policy.MFAAdapter"
# WeChat sign-in through allauth's Weixin provider: off (no app, no button) until the district
# configures its WeChat Open Platform web app. A first WeChat sign-in asks for the phone and
# profile (WorkerSocialSignupForm) and verifies the phone by code, like the phone sign-up.
WEIXIN_APP_ID = env_str("WEIXIN_APP_ID", "")
WEIXIN_APP_SECRET = env_str("WEIXIN_APP_SECRET", "")
SOCIALACCOUNT_PROVIDERS = {
    "weixin": {
        "APPS": (
            [{"client_id": WEIXIN_APP_ID, "secret": WEIXIN_APP_SECRET}]
            if WEIXIN_APP_ID and WEIXIN_APP_SECRET
            else []
        ),
        "SCOPE": ["snsapi_login"],
    }
}
SOCIALACCOUNT_ADAPTER = "yangpu_portal.accounts.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_FORMS = {"signup": "yangpu_portal.worker_signup.WorkerSocialSignupForm"}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0)

# --- Cache, sessions and shared state -------------------------------------------------------
# Everything that several gunicorn workers or hosts must agree on (rate limits, the sign-in
# lockout, sessions, the import's file between dry run and confirm) lives in a shared store,
# never in process memory. CACHE_URL names the cache: redis://host:port/db (rediss://,
# unix:// too) or db://table (Django's database cache). Unset, it is REDIS_URL when that is
# set, else the database table `django_cache`.
REDIS_URL = env_url("REDIS_URL", schemes=REDIS_SCHEMES)
CACHES = {"default": env_cache("CACHE_URL", default=REDIS_URL or "db://django_cache")}
if REDIS_URL:
    # Sessions are read from Redis (no database query per request) and written through to the
    # database too, so an emptied or restarted Redis signs nobody out.
    CACHES["sessions"] = env_cache("REDIS_URL", default=REDIS_URL)
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"
# Read-mostly pages are kept whole in that cache for at most this many seconds, and dropped at
# once after any write (yangpu_portal/pagecache.py). 0 turns the page cache off; it is off by
# default with DEBUG on (`make run`), where an edited template must show at the next reload.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 60)

# --- Internationalisation ---------------------------------------------------------------------
# Source strings are Simplified Chinese; locale/en holds the English catalogue.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files and uploads ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Files only the portal may hand out (aid applications' documents): outside MEDIA_ROOT and with
# no URL, served by a view that checks who asks. With several hosts, point it at shared storage
# (an S3-compatible bucket without public access).
PRIVATE_MEDIA_ROOT = Path(env_str("DJANGO_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    # Hashed, compressed names served by WhiteNoise; `collectstatic` runs before gunicorn starts.
    # With DEBUG on (make run) the plain storage serves files straight from static/.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- E-mail (Django 6.1 MAILERS) ---------------------------------------------------------------
# The console prints password-reset mail unless SMTP is configured; `check --deploy` refuses the
# console mailer, so production must set DJANGO_SMTP_HOST.
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "portal@yangpu.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_smtp_host = env_str("DJANGO_SMTP_HOST")
if _smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": env_int("DJANGO_SMTP_PORT", 587),
                "username": env_str("DJANGO_SMTP_USER"),
                "password": env_str("DJANGO_SMTP_PASSWORD"),
                "use_tls": env_bool("DJANGO_SMTP_TLS", default=True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Station map --------------------------------------------------------------------------------
# Tile source of the station finder's map: "osm" (default), "tianditu" (needs
# STATIONS_TIANDITU_KEY), "amap" (GCJ-02: markers are converted for display), or empty for
# markers on a plain background with no request to another host. See stations/maps.py.
STATIONS_MAP_TILES = env_str("STATIONS_MAP_TILES", "osm").strip().lower()
STATIONS_TIANDITU_KEY = env_str("STATIONS_TIANDITU_KEY")
try:
    _tile_hosts = csp_img_sources(STATIONS_MAP_TILES)
except ValueError as exc:
    raise ImproperlyConfigured(f"STATIONS_MAP_TILES: {exc}") from None

# --- Security ----------------------------------------------------------------------------------
# Content Security Policy: nothing from another host, no inline scripts or styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Map tiles from the configured source only (none when STATIONS_MAP_TILES is empty).
    "img-src": [CSP.SELF, "data:", *_tile_hosts],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Behind a TLS-terminating reverse proxy (the production shape). DJANGO_HTTPS defaults to on
# whenever DEBUG is off; `make serve` on a laptop turns it off to be reachable over plain HTTP.
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Load-balancer probes speak plain HTTP to the app host.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("DJANGO_BEHIND_PROXY", default=False):
    # Only when the proxy strips a client-supplied X-Forwarded-Proto header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie (forms carry the token; the admin tree passes it in a data-
# attribute), so it need not be readable from JavaScript either.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- django-import-export ------------------------------------------------------------------------
# Only users holding the model's add/change (import) or view (export) permission may use them.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# The file waiting between dry run and confirm must be readable by every app host: in the
# shared cache when there is Redis (several hosts, no shared disk needed), otherwise through
# the media storage (one host, or a shared storage backend).
IMPORT_EXPORT_TMP_STORAGE_CLASS = (
    "import_export.tmp_storages.CacheStorage"
    if REDIS_URL
    else "import_export.tmp_storages.MediaStorage"
)
# An import file larger than this is refused before it is stored or parsed (yangpu_portal.imports).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)

# --- Cross-app hooks ---------------------------------------------------------------------------
# stations may not import services (dependencies point one way); it calls what this names.
STATIONS_ACTIVITY_PROVIDER = "services.integrations.station_activities"
# Called in the check-in's transaction for each new station check-in (the passport's stamp).
STATIONS_CHECKIN_HOOK = "services.passport.on_station_checkin"

# --- Dashboard (issue 8) -----------------------------------------------------------------------
# The figures are pre-aggregated (`manage.py refresh_dashboard`, cron-able). Writes that change
# them ask for a background rebuild at commit, at most one per this many seconds.
DASHBOARD_REFRESH_ON_WRITE = env_bool("DASHBOARD_REFRESH_ON_WRITE", True)
DASHBOARD_REFRESH_DEBOUNCE = env_int("DASHBOARD_REFRESH_DEBOUNCE", 300)

# branches may not import stations: its visit pages read visits to stations and outlets through
# this object (describe, coverage, create_url); empty turns place visits off there.
BRANCHES_PLACE_VISITS = "stations.visits.place_visits"

# --- Audit trail ---------------------------------------------------------------------------------
# Records younger than this are never pruned (MLPS level 3 asks for at least 180 days).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured(
        f"AUDIT_RETENTION_DAYS={AUDIT_RETENTION_DAYS} is below the 180-day minimum."
    )

# --- Personal data retention (PIPL; docs/data-inventory.md) ---------------------------------------
# Station check-ins (a location history) and visitor tallies older than this many days are
# deleted by `manage.py prune_personal_data` (run it daily from cron). 30 days to 10 years.
PERSONAL_DATA_RETENTION_RANGE = (30, 3650)
STATIONS_CHECKIN_RETENTION_DAYS = env_int("STATIONS_CHECKIN_RETENTION_DAYS", 365)
STATIONS_VISITOR_RETENTION_DAYS = env_int("STATIONS_VISITOR_RETENTION_DAYS", 730)
# A large roster file checked in the background but never confirmed is deleted this many days
# after its dry run (the same command). 1 to 90 days.
ROSTER_IMPORT_UNCONFIRMED_DAYS = env_int("ROSTER_IMPORT_UNCONFIRMED_DAYS", 7)
if not 1 <= ROSTER_IMPORT_UNCONFIRMED_DAYS <= 90:
    raise ImproperlyConfigured(
        f"ROSTER_IMPORT_UNCONFIRMED_DAYS={ROSTER_IMPORT_UNCONFIRMED_DAYS} is outside 1..90 days."
    )
for _name in ("STATIONS_CHECKIN_RETENTION_DAYS", "STATIONS_VISITOR_RETENTION_DAYS"):
    _low, _high = PERSONAL_DATA_RETENTION_RANGE
    if not _low <= globals()[_name] <= _high:
        raise ImproperlyConfigured(f"{_name}={globals()[_name]} is outside {_low}..{_high} days.")

# --- Database outages (yangpu_portal/outage.py) -----------------------------------------------
# After a request finds the database unreachable, each process answers 503 at once for this
# many seconds, then lets one request through to try again.
OUTAGE_RETRY_SECONDS = env_int("OUTAGE_RETRY_SECONDS", 1)

# --- Logging -----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# --- Notifications (issue 5) ------------------------------------------------------------------
# SMS go through this class (dotted path); the default writes them to the log. A gateway is a
# class with `send(*, phone, text)`, configured here, never imported by name in the code.
SERVICES_SMS_SENDER = env_str("SERVICES_SMS_SENDER", "services.senders.ConsoleSmsSender")
# Sign-up and sign-in codes (issue 3): same `send(*, phone, text)` interface; falls back to the
# notifications gateway when only SERVICES_SMS_SENDER is set.
SMS_SENDER = env_str(
    "SMS_SENDER", env_str("SERVICES_SMS_SENDER", "") or "yangpu_portal.sms.ConsoleSender"
)
# Django's Tasks API. The default, immediate backend runs tasks inline (notification delivery
# after commit; a large roster import within the request). Production sets
# DJANGO_TASKS_BACKEND=django_tasks_db.DatabaseBackend: PostgreSQL is then the queue, and
# `make worker` (manage.py db_worker) runs the tasks on any host that reaches the database.
TASKS = {
    "default": {
        "BACKEND": env_str("DJANGO_TASKS_BACKEND")
        or "django.tasks.backends.immediate.ImmediateBackend",
    }
}
# A roster file larger than this (bytes) is checked and imported by a background task, with a
# progress page in the admin, instead of within the request (issue 3/10).
ROSTER_IMPORT_BACKGROUND_BYTES = env_int("ROSTER_IMPORT_BACKGROUND_BYTES", 1024 * 1024)

# --- Benchmarks (issue 10) ---------------------------------------------------------------------
# `make bench` turns this on to expose /bench/floor, a view that touches nothing (the framework
# floor every page is compared with). Off everywhere else: the path answers 404.
BENCH = env_bool("DJANGO_BENCH", default=False)

SITE_NAME = _("杨浦区新就业群体党建服务平台")
