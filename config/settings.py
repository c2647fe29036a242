"""Settings for the portal, read from the environment.

Production differs from development only by environment variables (see README). With none set,
the portal runs on a SQLite file and a file-system Celery broker under ``var/``.
"""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Commands that only read the code (models, migrations, message catalogues): they never sign,
# serve or store anything, so they run without a key, still in production mode.
CODE_ONLY_COMMANDS = {
    "makemigrations",
    "showmigrations",
    "sqlmigrate",
    "makemessages",
    "compilemessages",
}
if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-not-for-production")
elif "DJANGO_SECRET_KEY" in os.environ:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
elif (
    len(sys.argv) > 1
    and Path(sys.argv[0]).name == "manage.py"
    and sys.argv[1] in CODE_ONLY_COMMANDS
):
    # A throwaway key for this process only: nothing these commands do uses it.
    SECRET_KEY = secrets.token_urlsafe(50)
else:
    # Production is the default for every other command and for the web server and workers.
    raise ImproperlyConfigured(
        "Set the DJANGO_SECRET_KEY environment variable (production), or DJANGO_DEBUG=1 on a "
        "development machine, e.g. `DJANGO_DEBUG=1 python manage.py runserver` or `make run`."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "django_celery_beat",
    "axes",
    # The portal's apps, in dependency order: each may import only those above it.
    "core",
    "accounts",
    "banks",
    "enterprises",
    "matchmaking",
    "meetings",
    "leads",
    "office",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "core.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.portal",
            ],
        },
    },
]

# Database. Persistent connections matter: without them a simple page fell from thousands to a
# couple of hundred requests per second on PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=600))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # PostgreSQL's JIT compiles any query its planner thinks costly: on the office's pages
    # (EXISTS per need, grouped counts over a million rows) it spent 2 s compiling a query that
    # runs in 0.25 s. The portal's queries are short; they run uncompiled.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite cannot share a connection across threads of the dev server for long.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Login throttling (django-axes), on the portal's login and the admin's alike: after
# AXES_FAILURE_LIMIT wrong passwords for one user name from one address, that pair is refused
# until AXES_COOLOFF_TIME passes or an administrator lifts it (admin: Axes > access attempts).
# Unknown user names are counted the same way, so the lockout reveals nothing either.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# A password-reset link is valid for one hour (Django's default is three days).
PASSWORD_RESET_TIMEOUT = 3600
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Simplified Chinese by default, English available; Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
# A filter's empty choice reads 全部 (not Django's "---------"); an empty "yes/no" reads 不限.
FILTERS_EMPTY_CHOICE_LABEL = _("All")
FILTERS_NULL_LABEL = _("Any")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Cache: Redis when configured, local memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Mail: SMTP when EMAIL_HOST is set, otherwise messages are printed to the console.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if EMAIL_HOST
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="政银企对接平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute address of the portal, for links in e-mails.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Administrative division codes (GB/T 2260, six digits) of the district the portal serves; a
# credit code registered elsewhere is accepted but marked for the finance office. The default is
# the demo district's fictional division.
PORTAL_DIVISION_CODES = tuple(env.list("PORTAL_DIVISION_CODES", default=["510199"]))

# Celery: Redis in production; kombu's file-system transport when no broker is configured,
# so a real worker and beat run on a machine with no services at all.
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
BROKER_CONNECT_TIMEOUT_SECONDS = 1
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECT_TIMEOUT_SECONDS
# No publish retry inside a request: the outbox relay is the retry (core.outbox).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = CELERY_FILESYSTEM_DIR / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control", "results"):
        (CELERY_FILESYSTEM_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_RESULT_BACKEND = env.str(
        "CELERY_RESULT_BACKEND", default=f"file://{CELERY_FILESYSTEM_DIR / 'results'}"
    )
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        # A page publishes its tasks after commit (core.outbox): when Redis is unreachable it must
        # give up in about a second, not hang; the outbox relay publishes the rows later.
        "socket_connect_timeout": BROKER_CONNECT_TIMEOUT_SECONDS,
    }
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_CONNECT_TIMEOUT_SECONDS
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Days after which an agreement signed at a meeting with nothing paid out is followed up.
MEETING_FOLLOW_UP_DAYS = int(os.environ.get("MEETING_FOLLOW_UP_DAYS", "30"))
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Tasks whose publishing failed when their change committed (broker down) go out now.
    "relay-outbox": {"task": "core.tasks.relay_outbox", "schedule": 60},
    # Open needs changed since they were last scored get their rescore again.
    "rescore-stale-needs": {"task": "matchmaking.tasks.rescore_stale_needs", "schedule": 5 * 60},
    # Every morning: overdue leads to institution admins, a digest to the finance office.
    "send-overdue-reminders": {
        "task": "leads.tasks.send_overdue_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # Every morning: the day's new leads to officers who chose a daily digest.
    "send-new-lead-digests": {
        "task": "leads.tasks.send_new_lead_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    # Meeting reminders (a week, a day, two hours before) and nudges, each claimed exactly once.
    "send-due-meeting-reminders": {
        "task": "meetings.tasks.send_due_meeting_reminders",
        "schedule": 5 * 60,
    },
    # Every morning: agreements signed at meetings and still not paid out after
    # MEETING_FOLLOW_UP_DAYS days, to their institutions (履约跟踪).
    "send-meeting-follow-up-notices": {
        "task": "leads.tasks.send_meeting_follow_up_notices",
        "schedule": crontab(hour=9, minute=0),
    },
    "refresh-response-rates": {
        "task": "leads.tasks.refresh_response_rates",
        "schedule": crontab(minute=5),
    },
    # Every night: the dashboard's pre-aggregated totals checked against the agreements.
    "rebuild-agreement-summary": {
        "task": "office.tasks.rebuild_agreement_summary",
        "schedule": crontab(hour=2, minute=15),
    },
    # Keep the working-day table filled for the years the holiday library knows.
    "sync-working-day-calendar": {
        "task": "core.tasks.sync_working_day_calendar",
        "schedule": 7 * 24 * 3600,
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": True,
}

# Security: strict in production (DJANGO_DEBUG off), relaxed for local development.
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (Redis) and written through to the database: a signed-in page
# costs no session query, and a flushed cache loses no one's login.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# Portal defaults the finance office can change in the admin (see matchmaking.PortalSettings).
PORTAL_NAME = _("Government-Bank-Enterprise Financing Portal")

# Where the accessibility statement tells people to report a barrier.
PORTAL_ACCESSIBILITY_EMAIL = env.str(
    "PORTAL_ACCESSIBILITY_EMAIL", default="accessibility@localhost"
)
