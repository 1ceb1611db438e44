"""One settings module for every environment, driven by environment variables.

The embedded default needs no server: SQLite in the project folder, Celery tasks run eagerly
in-process, e-mails printed on the console. Production sets ``DEBUG=0``, ``SECRET_KEY``,
``ALLOWED_HOSTS``, ``DATABASE_URL`` (PostgreSQL) and ``CELERY_BROKER_URL`` (Redis); README.md and
docs/deployment.md list every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est désactivé.")
    SECRET_KEY = "django-insecure-local-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The portal's own public address, used in e-mails (links, never personal data).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Our apps first, so their templates win over the libraries' ones.
    "portail",
    "conventions",
    "orientations",
    "parcours",
    "rapports",
    "rgpd",
    "cms_pages",
    # Wagtail.
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Libraries.
    "django_fsm",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "bootstrap",
    # Django.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, then no-store and the relaxed policy of /cms/ (portail.security).
    "csp.middleware.CSPMiddleware",
    "portail.security.HardeningMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portail.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: signing a deactivated member out leaves them a message.
    "portail.middleware.CurrentMembershipMiddleware",
    "portail.middleware.CmsSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # AxesMiddleware must be the last one.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portail.urls"
WSGI_APPLICATION = "portail.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portail.context_processors.portal",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler pays off on long analytical queries only: on the portal's pages and
    # reports its compilation (20 to 150 ms) cost more than the queries it was meant to speed up.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests and the eager tasks share one file: wait for a lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portail.User"

# --- Accounts and sign-in -------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

# CNIL délibération 2022-100: at least 12 characters of four kinds, plus a common-password list.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portail.validators.CharacterClassesValidator"},
]

LOGIN_URL = "portail:login"
LOGIN_REDIRECT_URL = "portail:home"
LOGOUT_REDIRECT_URL = "portail:login"

# Sessions end after 30 minutes without a request: portail.middleware.IdleSessionMiddleware
# restarts the countdown, at most once a minute (not a session write on every page).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout after 5 failures for 15 minutes (django-axes).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Lockout is per account (CNIL 2022-100); an office behind one address must not lock out all its agents.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# The lock lasts 15 minutes from the 5th failure, as the lockout page says: attempts made while
# locked do not restart it (otherwise a user retrying every few minutes would never get back in).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "portail/lockout.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Parcours Petite Enfance"

# The embedded demo may switch the second factor off; the portal refuses that when DEBUG is off.
MFA_DISABLED_FOR_DEMO = env_bool("MFA_DISABLED_FOR_DEMO", False)
if MFA_DISABLED_FOR_DEMO and not DEBUG:
    raise ImproperlyConfigured(
        "MFA_DISABLED_FOR_DEMO n'est permis qu'en démonstration locale (DEBUG activé)."
    )

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Static and media files -------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded family documents never live under MEDIA_URL: they are served by a permission-checked view.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedStaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail -----------------------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Folder of Django's file-based backend (one file per message: the resilience run counts them).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Parcours Petite Enfance <ne-pas-repondre@localhost>")

# --- Celery -----------------------------------------------------------------------------------

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died without acknowledging it (SIGKILL, lost machine) is handed out again
# after this many seconds; it must exceed the longest task (a 100 000-row export takes minutes),
# or a running task would be started twice (docs/deployment.md, "Celery").
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "purge-expired-sessions": {
        "task": "portail.tasks.purge_expired_sessions",
        "schedule": crontab(hour=3, minute=10),
    },
    "parcours-daily-digest": {
        "task": "parcours.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    "orientations-echeances": {
        "task": "orientations.tasks.traiter_echeances",
        "schedule": crontab(hour=7, minute=0),
    },
    "rapports-mensuels": {
        "task": "rapports.tasks.send_monthly_reports",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    "rapports-purge-exports": {
        "task": "rapports.tasks.purge_expired_exports",
        "schedule": crontab(hour=3, minute=40),
    },
    "rgpd-anonymisation": {
        "task": "rgpd.tasks.anonymise_expired",
        "schedule": crontab(hour=2, minute=30),
    },
}

# --- Wagtail ----------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Parcours Petite Enfance"
WAGTAILADMIN_BASE_URL = PORTAL_BASE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx", "xlsx", "ods", "csv", "txt"]
# Whole-page cache of the public site for anonymous visitors (cms_pages.cache); 0 turns it off.
CMS_PAGE_CACHE_SECONDS = int(os.environ.get("CMS_PAGE_CACHE_SECONDS", "0"))

# --- Personal data retention (rgpd, docs/retention.md; seed 003 §3.2.2 and §4.3) --------------

# A pathway's family file: kept while care lasts and this many years after the last year of care.
RGPD_RETENTION_PARCOURS_YEARS = int(os.environ.get("RGPD_RETENTION_PARCOURS_YEARS", "6"))
# A referral that never led to care (refused, cancelled, expired): years after its last change.
RGPD_RETENTION_ORIENTATION_YEARS = int(os.environ.get("RGPD_RETENTION_ORIENTATION_YEARS", "2"))
# The attachments of such a referral: months after its closure.
RGPD_RETENTION_PIECES_MONTHS = int(os.environ.get("RGPD_RETENTION_PIECES_MONTHS", "3"))
# Coordinators are warned this many days before a file is anonymised.
RGPD_WARNING_DAYS = int(os.environ.get("RGPD_WARNING_DAYS", "30"))

# --- Security ---------------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): no inline script or style, nothing from a third party.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws its form icons with data: SVG images.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Wagtail's admin renders inline scripts: only there the policy allows them (portail.security).
CSP_RELAXED_PATH_PREFIXES = ["/cms/"]
# Pages that may show personal data are never stored by a browser or a proxy (portail.security).
NO_STORE_PATH_PREFIXES = ["/espace/", "/admin/", "/cms/"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# --- Logging: counts and identifiers only, never personal data --------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
