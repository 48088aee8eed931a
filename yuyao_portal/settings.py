"""Settings of the Yuyao community governance portal, all read from the environment.

With nothing set, the portal runs on an embedded SQLite database under ``var/`` with
Celery tasks run eagerly; ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL
and Redis. ``DJANGO_DEBUG=1`` is the development mode; without it, the settings are
the production ones and ``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key-do-not-deploy")
else:
    SECRET_KEY = env_str("SECRET_KEY", required=True)

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Demo mode: the demo county and its accounts. `make run` turns it on; it is never on
# in production settings.
PORTAL_DEMO = DEBUG and env_bool("PORTAL_DEMO", False)
PORTAL_DEMO_ACCOUNTS_FILE = VAR_DIR / "demo-accounts.json"

# The county this deployment serves: (administrative code, name).
PORTAL_COUNTY_CODE = env_str("PORTAL_COUNTY_CODE", "330281")
PORTAL_COUNTY_NAME = env_str("PORTAL_COUNTY_NAME", "余姚市")
# The portal's public address, printed in certificates' QR codes (else the request's).
PORTAL_PUBLIC_BASE_URL = env_str("PORTAL_PUBLIC_BASE_URL", "")
# Seconds a rotating check-in code (core/checkin.py) stays on the organiser's screen.
CHECKIN_QR_PERIOD = env_int("CHECKIN_QR_PERIOD", 30)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core.rules",
    "core.workdays",
    "core.notify",
    "core.certificates",
    "grid",
    "volunteers",
    "negotiation",
    "funding",
    "training",
    "community",
    "yuyao_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yuyao_portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yuyao_portal.middleware.NoStoreMiddleware",
    "yuyao_portal.audit.AuditMiddleware",
    "yuyao_portal.middleware.StaffIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before any view, inside the middleware that set headers on its refusals.
    "core.inputguard.InputGuardMiddleware",
    "core.ratelimit.RateLimitMiddleware",
    "axes.middleware.AxesMiddleware",
    # After the rate limits (a 429 on too many codes), before every view and admin.
    "yuyao_portal.totp.SecondFactorMiddleware",
]

ROOT_URLCONF = "yuyao_portal.urls"
WSGI_APPLICATION = "yuyao_portal.wsgi.application"

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
                "yuyao_portal.context_processors.portal",
            ],
        },
    },
]

# Database: embedded SQLite by default, PostgreSQL with DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "portal.sqlite3",
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and Celery: Redis with REDIS_URL, in-process otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Fails open (yuyao_portal/cache.py): with Redis down, a miss after at most these
    # timeouts, never an error page.
    CACHES = {
        "default": {
            "BACKEND": "yuyao_portal.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "yuyao"),
            "OPTIONS": {
                "socket_connect_timeout": env_float("CACHE_CONNECT_TIMEOUT", 0.5),
                "socket_timeout": env_float("CACHE_SOCKET_TIMEOUT", 1.0),
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message taken by a worker that died with it (killed, its machine lost) goes back to
# the queue once its visibility timeout has passed (a worker looks when it starts and
# every 100 s or so): longer than any task runs (the drain and the sweeps take seconds;
# no task is scheduled ahead with an ETA), far shorter than the transport's default
# hour. Tasks are idempotent, so a redelivery never does anything twice
# (tests/faults/test_worker_killed.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600),
    "socket_connect_timeout": 3,
}
# Workers and beat wait for a Redis that is down (at start or later), however long. A
# task running when the worker loses Redis cannot be acknowledged: it is cancelled and
# redelivered (Celery 6's default).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING too
# Defaults, synced into django-celery-beat's tables where a county admin can edit them.
CELERY_BEAT_SCHEDULE = {
    # Reminders before the time limits, overdue flags and notices after them.
    "sweep-deadlines": {"task": "core.workdays.tasks.sweep_deadlines", "schedule": 300.0},
    # Notifications whose on-commit enqueue was lost (broker down) go out within a minute.
    "drain-outbox": {
        "task": "core.notify.tasks.drain_outbox",
        "schedule": float(env_int("OUTBOX_DRAIN_SECONDS", 60)),
    },
    "purge-audit-events": {"task": "yuyao_portal.tasks.purge_audit_events", "schedule": 86400.0},
    # The daily digest text of the users who chose it for some kinds of notice.
    "notify-digests": {"task": "core.notify.tasks.send_digests", "schedule": 86400.0},
}
# Text messages (core/notify/sms.py): the backend's dotted path; the default logs them.
PORTAL_SMS_BACKEND = env_str("PORTAL_SMS_BACKEND", "core.notify.sms.LogSMSBackend")

AUTH_USER_MODEL = "yuyao_portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "grid.scoping.ScopedPermissionBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in security: a username and address pair is locked after 5 failures for 15
# minutes; staff sessions end after 30 minutes without a request.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_address"
PORTAL_STAFF_IDLE_SECONDS = 30 * 60
# Second factor (TOTP, yuyao_portal/totp.py): street and county staff may turn it on;
# with this on, county admins must.
PORTAL_REQUIRE_TOTP_COUNTY_ADMIN = env_bool("PORTAL_REQUIRE_TOTP_COUNTY_ADMIN", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Yuyao portal")
SESSION_COOKIE_AGE = 14 * 24 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# guardian: object grants live in direct foreign-key tables (see grid/models).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files (photos of requests) live under var/media. MEDIA_URL is never routed:
# a photo is served only by its scoped view (grid/requests/photos.py), to users who may
# see its request.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("PORTAL_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads: a request carries up to 6 photos of 10 MB each (grid/services/photos.py
# checks them and answers with a message). Django does not limit file sizes itself;
# files over 2.5 MB stream to temporary files on disk instead of memory. Form fields
# (without files) stay limited to 2.5 MB, and a request to 20 files.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR") or None
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
DATA_UPLOAD_MAX_NUMBER_FILES = 20

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "yuyao_portal.openapi.PortalAutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "EXCEPTION_HANDLER": "grid.api.errors.exception_handler",
    # JSON bodies; the views that take photos add multipart/form-data themselves.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Yuyao community governance portal API",
    "DESCRIPTION": "The one net: streets, communities, grids, buildings, party organisations "
    "and posts, scoped to the caller's posts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "OAS_VERSION": "3.1.0",
    "ENUM_NAME_OVERRIDES": {
        "ResidentStateEnum": "grid.models.people.Resident.State",
        "VerificationStateEnum": "grid.models.people.VerificationRequest.State",
        "RequestStateEnum": "grid.models.requests.ServiceRequest.State",
        "RequestPhotoStageEnum": "grid.models.photos.RequestPhoto.Stage",
        # funding/
        "FundingAccountEnum": "funding.models.Account",
        "FundingSourceEnum": "funding.models.Source",
        "FundingCategoryEnum": "funding.models.Category",
        "FundingDeliverableEnum": "funding.models.Deliverable",
        "FundingEntryKindEnum": "funding.models.LedgerEntry.Kind",
        "FundingExpenditureStateEnum": "funding.models.Expenditure.State",
        "FundingProjectStateEnum": "funding.models.Project.State",
        "FundingDisclosureAreaEnum": "funding.models.Disclosure.Area",
        "FundingDisclosureCadenceEnum": "funding.models.Disclosure.Cadence",
        "FundingDisclosureStateEnum": "funding.models.Disclosure.State",
        "FundingAdmissionStateEnum": "funding.models.AdmissionApplication.State",
        "FundingAdmissionTrackEnum": "funding.models.AdmissionApplication.Track",
        "FundingAdmissionFrequencyEnum": "funding.models.AdmissionApplication.Frequency",
        "FundingTaskStateEnum": "funding.models.CommunityTask.State",
        "FundingCallStateEnum": "funding.models.VentureCall.State",
        "EmergencyKindEnum": "community.models.EmergencyKind",
        "RollCallStatusEnum": "community.models.RollCallAnswer.Status",
        # volunteers/
        "VolunteersTeamKindEnum": "volunteers.models.Team.Kind",
        "VolunteersTimeBankKindEnum": "volunteers.models.TimeBankEntry.Kind",
        "VolunteersMemberRoleEnum": "volunteers.models.Membership.Role",
        "VolunteersMembershipStateEnum": "volunteers.models.Membership.State",
        "VolunteersActivityStateEnum": "volunteers.models.Activity.State",
        "VolunteersSignUpStateEnum": "volunteers.models.SignUp.State",
        "VolunteersHourStateEnum": "volunteers.models.HourEntry.State",
        "VolunteersHourSourceEnum": "volunteers.models.HourEntry.Source",
        "VolunteersCorrectionStateEnum": "volunteers.models.Correction.State",
        "VolunteersTagEnum": "volunteers.models.Tag",
        "NegotiationStakeholderEnum": "negotiation.models.Stakeholder",
        "NegotiationAttendanceChannelEnum": "negotiation.models.Attendance.Channel",
        "NegotiationCastChannelEnum": [("online", "online"), ("meeting", "meeting")],
        "NegotiationTopicStateEnum": "negotiation.models.Topic.State",
        "NegotiationMeetingStateEnum": "negotiation.models.Meeting.State",
        "NegotiationMeetingModeEnum": "negotiation.models.Meeting.Mode",
        "NegotiationVoteStateEnum": "negotiation.models.Vote.State",
        "NegotiationVoteBasisEnum": "negotiation.models.Vote.Basis",
        "NegotiationResolutionStateEnum": "negotiation.models.Resolution.State",
        # training/ (and grid's request level, keeping its name beside the qualifications')
        "LevelEnum": "grid.models.requests.ServiceRequest.Level",
        "TrainingCourseKindEnum": "training.models.CourseKind",
        "TrainingCourseStateEnum": "training.models.Course.State",
        "TrainingSessionStateEnum": "training.models.Session.State",
        "TrainingEnrolmentStateEnum": "training.models.Enrolment.State",
        "TrainingAttendanceStatusEnum": "training.models.Attendance.Status",
        "TrainingComplianceStatusEnum": "training.models.Compliance.Status",
        "TrainingQualificationLevelEnum": "training.models.Qualification.Level",
        "TrainingNominationStateEnum": "training.models.Nomination.State",
        "TrainingCampaignStateEnum": "training.models.Campaign.State",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "yuyao_portal.openapi.add_refusals",
    ],
}

# Security headers (ASVS, MLPS). Content-Security-Policy allows only the portal itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
# Input limits (core.inputguard): bodies other than uploads, and whole uploads:
# six photos of 10 MB (the photo service refuses a larger one with its own message), a
# little more so that an 11 MB photo still reaches it, and the form around them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
PORTAL_MAX_UPLOAD_SIZE = env_int("PORTAL_MAX_UPLOAD_SIZE", 64 * 1024 * 1024)
# Rate limits (core.ratelimit): per scope, (hits, seconds) fixed windows.
PORTAL_RATE_LIMITS = {
    "verification-code:phone": [(1, 60), (5, 3600)],
    "verification-code:address": [(env_int("RATE_LIMIT_CODES_PER_ADDRESS", 20), 3600)],
    "request-submit": [(env_int("RATE_LIMIT_SUBMISSIONS_PER_HOUR", 20), 3600)],
    "open311-post": [(env_int("RATE_LIMIT_OPEN311_POSTS_PER_MINUTE", 60), 60)],
    "otp-code": [(5, 300), (20, 3600)],
    "checkin-code": [(10, 60), (60, 3600)],
}
# Trusted reverse proxies in front of the portal (nginx: 1): the client address is then
# taken from X-Forwarded-For, for rate limits and the audit trail.
PORTAL_PROXY_COUNT = env_int("PORTAL_PROXY_COUNT", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # a load balancer checks nodes over HTTP
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs go to stdout: plain lines in development, JSON lines in production (LOG_FORMAT).
LOG_FORMAT = env_str("LOG_FORMAT", "line" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "yuyao_portal.logfmt.JSONLineFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "line",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
