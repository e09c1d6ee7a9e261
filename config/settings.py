"""PROUD settings. Everything that differs between machines comes from the environment.

Development defaults: SQLite in the project folder, e-mail printed to the console,
DEBUG on. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and the
EMAIL_* variables.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A development-only key; production refuses to start without its own.
    SECRET_KEY = "dev-only-insecure-key-not-for-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "config.apps.SignInConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    # The project's apps, in import order (DESIGN.md): each imports only from those above it.
    "mail",
    "awards",
    "nominations",
    "shortlisting",
    "events",
    "night",
    "dashboard",
    "data_protection",
    "demo",
]

MIDDLEWARE = [
    # First: /health/… answers load balancers before the host check and the redirect to HTTPS.
    "config.health.HealthCheckMiddleware",
    # One log line per request, with its id (config/logging.py).
    "config.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Django's, answering 503 "try again" when the database cannot save the session.
    "config.sessions.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication so its 413 page can show the usual layout; it reads no body.
    "config.security.RequestSizeMiddleware",
    # A NUL character in the address or a form field: 400 before any view looks it up.
    "config.security.NulCharacterMiddleware",
    "config.security.DatabaseErrorMiddleware",
    "config.security.ClearSiteDataOnLogoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out after SESSION_IDLE_MINUTES without a request or SESSION_COOKIE_AGE after sign-in.
    "config.sessions.SessionTimeoutMiddleware",
    # Organisers, staff and admin users go no further than the two-factor page until verified.
    "config.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page or JSON.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "config.context_processors.site",
                "shortlisting.context_processors.panel_nav",
                "events.context_processors.event_nav",
                "nominations.private_links.context_processor",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails the request (503) and the health check in seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "5")))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two requests writing together take turns, as on PostgreSQL: every transaction takes SQLite's
    # write lock when it begins (BEGIN IMMEDIATE), and a second waits up to 20 seconds for it. With
    # SQLite's default (the lock taken at the first write) two that had both read would fail at once,
    # "database is locked", and the second be told to try again instead of what really happened
    # (the last seat taken: tests/night/test_sqlite_writers.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache every process shares: rate limits and throttles must hold across
# several app processes, so the default is the database, not process memory.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "proud_cache",
        # Django's default of 300 entries culls a third of them whenever there are more: in a rush
        # of carers from many addresses, the rate limit of an address would be forgotten.
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PROUD_CACHE_MAX_ENTRIES", "50000"))},
    }
}

AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in of a username locked out from this address, right password or not.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `manage.py collectstatic` puts the files whitenoise serves with DEBUG off.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served by the app itself (whitenoise): nothing is loaded from outside the site.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# In development whitenoise serves straight from the app folders; in production from
# STATIC_ROOT, filled by `manage.py collectstatic` on deploy.
WHITENOISE_USE_FINDERS = DEBUG

# Content Security Policy (django-csp): everything from this site, no inline script or style,
# no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Widgets may have templates in templates/forms/widgets/ (the date of birth as day, month, year).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"  # dashboard.landing: where each role's work is
LOGOUT_REDIRECT_URL = "nominations:home"

# E-mail: the console in development, SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PROUD Awards <awards@example.org>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # Seconds any one step of an SMTP send may take; a mail server that stops answering fails the
    # attempt (retried later) instead of holding the worker and its claim.
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# How long a worker's claim on an e-mail it is sending holds (mail.delivery): a message claimed by a
# worker that died is taken again after this. Longer than the slowest send (8 × EMAIL_TIMEOUT).
PROUD_MAIL_CLAIM_SECONDS = int(os.environ.get("PROUD_MAIL_CLAIM_SECONDS", "300"))

# The public site's own address, used in links sent by e-mail.
# The base of links in e-mails: SITE_URL, else the address `make run` serves on (PROUD_ADDR).
SITE_URL = (os.environ.get("SITE_URL") or "http://" + os.environ.get("PROUD_ADDR", "127.0.0.1:8000")).rstrip("/")

# Upload limits: an import file larger than this is refused before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PROUD_IMPORT_MAX_BYTES = int(os.environ.get("PROUD_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
PROUD_IMPORT_MAX_ROWS = int(os.environ.get("PROUD_IMPORT_MAX_ROWS", "20000"))

# Public form: how many nominations one address may send.
PROUD_NOMINATION_RATE = os.environ.get("PROUD_NOMINATION_RATE", "20/h")
# Nominators' private links opened per client address (the page and the API, counted apart).
PROUD_NOMINATION_LINK_RATE = os.environ.get("PROUD_LINK_RATE", "60/h")
# Private RSVP links opened per client address, and how long the session a link opens lasts.
PROUD_RSVP_LINK_RATE = os.environ.get("PROUD_RSVP_LINK_RATE", "30/h")
PROUD_RSVP_SESSION_MINUTES = int(os.environ.get("PROUD_RSVP_SESSION_MINUTES", "120"))
# Retention (DESIGN.md rule 7): `manage.py apply_retention` anonymises a programme this many months after its event.
PROUD_RETENTION_MONTHS = int(os.environ.get("PROUD_RETENTION_MONTHS", "12"))

# Who runs the awards, as the privacy notice, the accessibility statement, the contact page and every
# page's footer say it (config.context_processors.site). The demo values are made up: set yours.
PROUD_COUNCIL_NAME = os.environ.get("PROUD_COUNCIL_NAME", "Example County Council")
PROUD_TEAM_NAME = os.environ.get("PROUD_TEAM_NAME", "the Participation Team")
PROUD_CONTACT_EMAIL = os.environ.get("PROUD_CONTACT_EMAIL", "awards@example.org")
PROUD_CONTACT_PHONE = os.environ.get("PROUD_CONTACT_PHONE", "01632 960 000")
PROUD_CONTACT_ADDRESS = os.environ.get("PROUD_CONTACT_ADDRESS", "County Hall, Example Street, Exampletown, EX1 1AA")
PROUD_DPO_EMAIL = os.environ.get("PROUD_DPO_EMAIL", "data.protection@example.org")
# When the accessibility statement was last reviewed (ISO date), as the public-sector template asks.
PROUD_ACCESSIBILITY_REVIEWED = os.environ.get("PROUD_ACCESSIBILITY_REVIEWED", "2026-12-02")
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
# Behind a proxy every request comes from the proxy's address: NUM_PROXIES says how many
# trusted proxies append to X-Forwarded-For, so limits apply to the real client. With none, the
# header is ignored. Every limit (pages, API throttles, the sign-in lockout) reads the address
# through this one function.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))
RATELIMIT_IP_META_KEY = "nominations.rate_limits.client_ip"
RATELIMIT_VIEW = "config.views.rate_limited"

# Background work: in process by default (development), a database queue with its own
# worker (`manage.py db_worker`) when TASKS_BACKEND=django_tasks_db.DatabaseBackend.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "proud-demo")

# The council's own on its certificates and letters: its name (PROUD_COUNCIL_NAME, above), its logo
# (a path under the static folders, or an absolute path to an SVG or PNG file) and who signs, as
# "Name|Title|signature image" separated by ";" (at most three). The defaults are made-up demo ones.
PROUD_LOGO = os.environ.get("PROUD_LOGO", "pdf/demo-logo.svg")
# Processes that lay out a long PDF (1,000 certificates, 5,000 badges) side by side; empty: one a core.
PROUD_PDF_PROCESSES = int(os.environ["PROUD_PDF_PROCESSES"]) if os.environ.get("PROUD_PDF_PROCESSES") else None
PROUD_SIGNATORIES = [
    dict(zip(("name", "title", "signature"), (part.strip() for part in entry.split("|")), strict=False))
    for entry in os.environ.get(
        "PROUD_SIGNATORIES",
        "Jo Example|Director of Children's Social Care (demo)|pdf/demo-signature-1.svg;"
        "Sam Sample|Chair, Children in Care Council (demo)|pdf/demo-signature-2.svg",
    ).split(";")
    if entry.strip()
][:3]
# How long a private link to a young person's certificate and letter works, in days.
PROUD_RECOGNITION_LINK_DAYS = int(os.environ.get("PROUD_RECOGNITION_LINK_DAYS", "90"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # DRF's parsers, refusing JSON nested too deeply and NUL characters with a 400 (awards.api.parsers).
    "DEFAULT_PARSER_CLASSES": ["awards.api.parsers.JSONParser", "awards.api.parsers.FormParser", "awards.api.parsers.MultiPartParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "nominate": os.environ.get("PROUD_NOMINATION_RATE", "20/h"),
        "token_login": os.environ.get("PROUD_TOKEN_LOGIN_RATE", "10/min"),
        "nomination_link": PROUD_NOMINATION_LINK_RATE,
        "rsvp": os.environ.get("PROUD_RSVP_API_RATE", "30/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # The throttles count by nominations.rate_limits.client_ip; this is DRF's own reading, kept
    # the same (None would make DRF trust any X-Forwarded-For).
    "NUM_PROXIES": NUM_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "PROUD Awards API",
    "DESCRIPTION": "Nominations, shortlisting, invitations and the event night of an awards "
    "programme for children in care and care leavers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package, served by the app (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every object the API answers with is closed: an undeclared field breaks the schema (config/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema.close_response_objects"],
    "ENUM_NAME_OVERRIDES": {
        "NominationStatusEnum": "nominations.enums.NominationStatus",
        "ProgrammeStatusEnum": "awards.enums.ProgrammeStatus",
        "CategoryCohortEnum": "awards.enums.Cohort",
        "NomineeCohortEnum": "nominations.api.serializers.YOUNG_PERSON_COHORTS",
        "ReviewStatusEnum": "shortlisting.enums.ReviewStatus",
        "ShortlistStateEnum": "shortlisting.enums.ShortlistState",
        "InvitationKindEnum": "events.enums.InvitationKind",
        "InvitationCreateKindEnum": "events.api.serializers.NON_FINALIST_KINDS",
        "EmailKindEnum": "mail.enums.EmailKind",
        "KindEnum": "nominations.enums.PersonKind",
        "ItemKindEnum": "events.enums.ItemKind",
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A signed-in session ends SESSION_COOKIE_AGE seconds after sign-in however busy (config/sessions.py),
# after SESSION_IDLE_MINUTES without a request, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

# Two-factor sign-in (config/two_factor.py): organisers, staff and admin users confirm each sign-in
# with a code from an authenticator app. Off by default only in development, so the demo stays easy.
PROUD_REQUIRE_2FA = env_bool("PROUD_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "PROUD Awards"
# The admin never shows a device's secret key or QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Failed sign-ins (django-axes): PROUD_LOGIN_FAILURE_LIMIT failures lock that username from that
# address only (so nobody can lock a whole team out) for PROUD_LOGIN_COOLOFF_MINUTES.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("PROUD_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PROUD_LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
# A try while locked out neither counts nor restarts the cool-off, so "try again in 15 minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "nominations.rate_limits.client_ip"
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
# Logs name no username, address or browser: axes masks these parameters wherever it writes them.
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "user_agent", "otp_token"]
# Successful sign-ins are not kept (Django keeps last_login); records of failures older than the
# cool-off are deleted at the next sign-in.
AXES_DISABLE_ACCESS_LOG = True

# Health checks (config/health.py): how long without a finished task, and how long a due e-mail may
# wait, before /health/ reports a failure.
PROUD_HEALTH_WORKER_SILENCE_SECONDS = int(os.environ.get("PROUD_HEALTH_WORKER_SILENCE_SECONDS", "300"))
PROUD_HEALTH_MAIL_DELAY_SECONDS = int(os.environ.get("PROUD_HEALTH_MAIL_DELAY_SECONDS", "900"))

# System checks an operator has reviewed and silenced, e.g. "security.W008" behind a proxy that
# itself redirects to HTTPS (`make serve` runs `check --deploy` and stops on any warning).
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", "")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the health checks over plain HTTP (config/health.py answers them first anyway).
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Logs (config/logging.py): plain text by default; LOG_FORMAT=json writes one JSON object a line (what
# `make serve` and the container use). Every handler drops private-link tokens; with DEBUG off (or
# LOG_REQUESTS=1) one line per request and per task, with the request id and the user id.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
LOGGING = logging_config(
    json=LOG_FORMAT == "json",
    debug=DEBUG,
    level=os.environ.get("LOG_LEVEL", "INFO"),
    # django-tasks logs every task's start and end at INFO (the proud.task line says the same in one).
    tasks_level=os.environ.get("TASKS_LOG_LEVEL", "WARNING"),
    requests=env_bool("LOG_REQUESTS", not DEBUG),
)
