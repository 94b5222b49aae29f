"""Settings for every environment, read from environment variables only.

The embedded default (no variables set) runs on SQLite with Huey on SQLite and e-mail to
files under ``XINAN_DATA_DIR``. Production sets ``XINAN_ENV=production``, which refuses to
start with ``DEBUG`` on or with a missing or default secret. See ``.env.example``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from xinan.config.huey import make_huey

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()

XINAN_ENV = env.str("XINAN_ENV", default="embedded")
IS_PRODUCTION = XINAN_ENV == "production"
DATA_DIR = Path(env.str("XINAN_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()

# The embedded default runs on one machine out of the box; this key is refused in production.
DEFAULT_SECRET_KEY = "embedded-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where people reach xinan, for the links in e-mails (alerts are read outside the browser).
PUBLIC_URL = env.str("PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")

if IS_PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (XINAN_ENV=production).")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters in production."
        )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "huey.contrib.djhuey",
    "axes",
    "xinan.core",
    "xinan.audit",
    "xinan.accounts",
    "xinan.tenants",
    "xinan.apikeys",
    "xinan.mail",
    "xinan.scanning",
    "xinan.webhooks",
    "xinan.moderation",
    "xinan.policies",
    "xinan.reports",
    "xinan.enforcement",
    "xinan.duty",
    "xinan.console",
    "xinan.portal",
]

MIDDLEWARE = [
    "xinan.core.middleware.RequestContextMiddleware",
    "xinan.core.middleware.ApiProblemMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Turns a sign-in refused for too many failures into the lockout page (ACC-2).
    "axes.middleware.AxesMiddleware",
]
# The chain of API calls made with an API key (config/wsgi.py): what they need of the above.
# No cookies, sessions, CSRF, messages, static files or HTML (CSP, htmx) on that path.
API_KEY_MIDDLEWARE = [
    "xinan.core.middleware.RequestContextMiddleware",
    "xinan.core.middleware.ApiProblemMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "xinan.config.urls"
WSGI_APPLICATION = "xinan.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xinan.tenants.context_processors.navigation",
            ],
        },
    },
]

# --- database --------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'xinan.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE makes writers queue for the lock at
    # BEGIN instead of failing mid-transaction, which also serialises audit-chain appends.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]  # Argon2id (ACC-1)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lockout check comes first: a locked-out sign-in never reaches the password check.
AUTHENTICATION_BACKENDS = [
    "xinan.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in lockout (ACC-2, django-axes): after LOGIN_FAILURE_LIMIT failures for one username
# from one address, that pair is refused for LOGIN_LOCKOUT_MINUTES; a success resets the count.
# Locking the pair, not the account, keeps a stranger from locking a user out from elsewhere.
AXES_ENABLED = env.bool("LOGIN_LOCKOUT_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts while locked out neither count nor extend the lockout: the page's "try again in N
# minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The address the audit trail records, which trusts only FORWARDED_ALLOW_IPS' X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "xinan.core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "xinan.accounts.views.locked_out"
# Successful sign-ins are in the audit trail already (accounts.user_logged_in).
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# --- i18n: zh-hans first, English second -----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_TZ = True

# --- static files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- security headers (Django's defaults stay on; production adds HTTPS-only ones) ------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
# Proxies whose X-Forwarded-For names the client for the audit trail (core.middleware); the
# same variable tells `xinan serve` (gunicorn) whose X-Forwarded-Proto to trust.
FORWARDED_ALLOW_IPS = frozenset(env.list("FORWARDED_ALLOW_IPS", default=[]))
if env.bool("BEHIND_TLS_PROXY", default=IS_PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere: every page works under this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- attachments (issue 5, CON-4): kept outside any served folder, scanned before publishing --
ATTACHMENTS_DIR = Path(env.str("ATTACHMENTS_DIR", default=str(DATA_DIR / "attachments")))
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=1024 * 1024)  # one file
ATTACHMENT_MAX_FILES = env.int("ATTACHMENT_MAX_FILES", default=4)  # files per submission
ATTACHMENT_MAX_TOTAL_BYTES = env.int("ATTACHMENT_MAX_TOTAL_BYTES", default=2 * 1024 * 1024)

# --- request limits: a body larger than this is refused before it is parsed ------------------
# The default fits the largest submission: attachments in base64 (4/3) plus the text as JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int(
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    default=max(1024 * 1024, ATTACHMENT_MAX_TOTAL_BYTES * 4 // 3 + 512 * 1024),
)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# --- background work -------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
HUEY = make_huey(redis_url=REDIS_URL, data_dir=DATA_DIR, immediate=False)

# --- cache: shared by every process, so rate limits (the public report form, CON-6) hold
# across web workers. Redis when REDIS_URL is set; otherwise a table in the database, created
# by the reports app's migrations (no extra service for the embedded default).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xinan",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "xinan_cache",
            "KEY_PREFIX": "xinan",
        }
    }

# --- e-mail: files in the embedded default, SMTP when EMAIL_URL is set ------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="xinan@localhost")
# Django's SMTP default is no timeout: a hung mail server would hold the worker (and the
# outbox row's transaction) forever.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)

# --- audit trail (REC-3) ---------------------------------------------------------------------
# Keyed hash for personal data referred to in the hashed audit bytes (IPs): deleting the
# plain value later never breaks the chain. Kept apart from SECRET_KEY so either can rotate.
AUDIT_PEPPER = env.str("AUDIT_PEPPER", default=SECRET_KEY)
# Ed25519 key that signs checkpoints; kept outside the database by design.
AUDIT_SIGNING_KEY_FILE = Path(
    env.str("AUDIT_SIGNING_KEY_FILE", default=str(DATA_DIR / "keys" / "audit-ed25519.pem"))
)
AUDIT_CHECKPOINT_DIR = Path(env.str("AUDIT_CHECKPOINT_DIR", default=str(DATA_DIR / "checkpoints")))

# --- webhooks (issue 5): signed, retried until acknowledged ----------------------------------
# Keys that encrypt endpoints' signing secrets at rest (AES-GCM). The first encrypts; every one
# decrypts, so a new key is put first and the old one kept until secrets are rotated.
WEBHOOK_SECRET_KEYS = env.list("WEBHOOK_SECRET_KEYS", default=[]) or [SECRET_KEY]
# Seconds for each network step of one delivery (connect, send, first byte of the answer).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
# Loopback, private and link-local targets are refused in production (no SSRF into the
# provider's own network); the embedded default and the tests deliver to loopback.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=not IS_PRODUCTION)

# --- duty roster (CON-3): an open escalation is mailed again after this many minutes ----------
DUTY_REALERT_MINUTES = env.int("DUTY_REALERT_MINUTES", default=30)

# --- antivirus (CON-4): clamd over its Unix socket, or TCP when CLAMD_HOST is set -------------
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="/var/run/clamav/clamd.ctl")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The Huey consumer installs its own handler; passing records up would print them twice.
    "loggers": {"huey": {"handlers": [], "propagate": False}},
}
