"""Settings, all from environment variables (12-factor). Defaults give a working demo on SQLite."""

from datetime import timedelta
from pathlib import Path

import environ
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The insecure default only exists so `make run` (DEBUG=true) works with nothing configured;
# a site running with DEBUG off must have its own key, or sessions and tokens are forgeable.
SECRET_KEY = env(
    "SECRET_KEY",
    default="insecure-dev-key-change-me-in-production-0123456789abcdef" if DEBUG else "",
)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. With DEBUG off the helpdesk needs its own secret key: set "
        'SECRET_KEY in the environment or in .env (e.g. the output of `python -c "import '
        'secrets; print(secrets.token_urlsafe(50))"`), or set DEBUG=true for development.'
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "helpdesk",
    "customers",
    "contracts",
    "tickets",
    "dashboards",
    "portal",
    "mailgate",
    "devtools",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "helpdesk.i18n.LocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so it turns a lock-out raised by the login views into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

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
            ],
        },
    },
]

# Form widgets render from the project's templates first (templates/django/forms/): the select
# writes its options in its own loop instead of including a template per option.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server, a worker and tests share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Every <select> of model choices iterates its queryset with `.iterator()`, which on
    # PostgreSQL is a server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a
    # short list. Plain cursors also work behind PgBouncer in transaction mode.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    if join_limit := env.int("PG_JOIN_COLLAPSE_LIMIT", default=4):
        # The ticket lists join up to eight tables; a narrow window for the planner's join-order
        # search keeps their plans and saves most of their planning time (docs/performance.md).
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c join_collapse_limit={join_limit}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "helpdesk.password_validation.NotBlankValidator"},
    {"NAME": "helpdesk.password_validation.CharacterVarietyValidator"},
]

# Axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
# English, and every language with a catalogue under locale/: a new language is a new catalogue.
LANGUAGES = [
    (code, LANG_INFO[code]["name_local"])
    for code in sorted(
        {"en"} | {p.parts[-3] for p in BASE_DIR.glob("locale/*/LC_MESSAGES/django.po")}
    )
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["helpdesk.formats"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Only the built files of the npm packages are exposed, never all of node_modules.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
    ("vendor/uplot", NODE_MODULES / "uplot" / "dist"),
    ("vendor/tom-select", NODE_MODULES / "tom-select" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploads live outside the web root and are only served through permission-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# No URL serves this path: files go out only through permission-checked views. (None breaks
# Django's live-server media handler.)
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: EMAIL_URL (e.g. smtp://user:pass@host:587) or the console backend.
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
    EMAIL_HOST = env("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))
# Seconds an SMTP connection may stall: a delivery holds its outbox row while it talks.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="helpdesk@example.com")

# Celery: no broker configured means every task runs eagerly in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task is acknowledged after it ran, and handed to another worker when its worker dies;
# each worker reserves one task at a time, so a killed worker strands no others.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Publishing happens after a request's commit: one short try, no retry loop. What could not
# be published waits in the outbox for the sweeper (helpdesk/outbox.py).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 1}
HELPDESK_BEAT_SECONDS = env.int("HELPDESK_BEAT_SECONDS", default=60)
# The agent dashboard's ticket stats are recounted this often (dashboards/stats.py).
HELPDESK_STATS_SECONDS = env.int("HELPDESK_STATS_SECONDS", default=300)
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {
        "task": "helpdesk.tasks.sweep_outbox",
        "schedule": timedelta(minutes=1),
    },
    "send-reminders": {
        "task": "tickets.tasks.send_reminders",
        "schedule": timedelta(seconds=HELPDESK_BEAT_SECONDS),
    },
    "auto-close-pending": {
        "task": "tickets.tasks.auto_close_pending",
        "schedule": timedelta(seconds=HELPDESK_BEAT_SECONDS),
    },
    "check-escalations": {
        "task": "tickets.tasks.check_escalations",
        "schedule": timedelta(seconds=HELPDESK_BEAT_SECONDS),
    },
    "auto-close-resolved": {
        "task": "tickets.tasks.auto_close_resolved",
        "schedule": timedelta(seconds=HELPDESK_BEAT_SECONDS),
    },
    "fetch-mail": {
        "task": "mailgate.tasks.fetch_mail",
        "schedule": timedelta(seconds=HELPDESK_BEAT_SECONDS),
    },
    "refresh-ticket-stats": {
        "task": "dashboards.tasks.refresh_ticket_stats",
        "schedule": timedelta(seconds=HELPDESK_STATS_SECONDS),
    },
}

# Product rules (DESIGN §5, §7).
HELPDESK_REMINDER_WINDOW = env.int("HELPDESK_REMINDER_WINDOW", default=60)  # minutes
HELPDESK_AUTO_CLOSE_DAYS = env.int("HELPDESK_AUTO_CLOSE_DAYS", default=7)
HELPDESK_MAX_ATTACHMENT_SIZE = env.int("HELPDESK_MAX_ATTACHMENT_SIZE", default=10 * 1024 * 1024)
HELPDESK_MAX_ATTACHMENTS = env.int("HELPDESK_MAX_ATTACHMENTS", default=10)
# Email channel (DESIGN §10): at most this many auto-replies per sender and hour.
HELPDESK_AUTO_REPLY_PER_HOUR = env.int("HELPDESK_AUTO_REPLY_PER_HOUR", default=3)
# Absolute address of the site for links in emails, e.g. https://helpdesk.example.com
HELPDESK_BASE_URL = env("HELPDESK_BASE_URL", default="")
# Ticket search counts at most this many matches ("More than 10,000 tickets"), see
# helpdesk/pagination.py.
LIST_COUNT_CAP = env.int("LIST_COUNT_CAP", default=1000)
# The portal's lists count at most this many requests ("1,000+"): a customer user reads the
# first pages and narrows the search; each counted request is an index entry read.
PORTAL_COUNT_CAP = env.int("PORTAL_COUNT_CAP", default=1_000)
HELPDESK_PAGE_SIZES = (5, 10, 15, 20, 25, 50)
HELPDESK_DEFAULT_PAGE_SIZE = 10
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- security ------------------------------------------------------------------------------
# Safe by default whenever DEBUG is off; `make run` (DEBUG=true on http://127.0.0.1) relaxes them.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS is only sent on HTTPS responses, so it is harmless on plain-HTTP development servers.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Usually the TLS proxy redirects HTTP to HTTPS; set true when Django itself sees the scheme
# (directly, or through SECURE_PROXY_SSL_HEADER=true behind a proxy that sets X-Forwarded-Proto).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): no inline script or style anywhere; htmx is configured
# for it in both layouts (`htmx-config` meta: no indicator <style>, no eval).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],  # the zoom's sandboxed HTML view of an email
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Login throttling (django-axes, helpdesk/login_throttle.py): a username is locked out from one
# address after AXES_FAILURE_LIMIT failed logins, and an address after
# HELPDESK_ADDRESS_FAILURE_LIMIT failed logins whatever the usernames, for AXES_COOLOFF_MINUTES;
# both login pages show registration/locked_out.html with status 429.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
HELPDESK_ADDRESS_FAILURE_LIMIT = env.int("HELPDESK_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "helpdesk.login_throttle.LoginThrottle"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The address is REMOTE_ADDR (never a client-supplied header): behind a proxy the lock-out is
# effectively per username, which is still what stops guessing one account's password.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
