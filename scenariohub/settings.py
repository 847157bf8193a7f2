"""Settings, read from environment variables through small typed helpers.

Development defaults are safe and obvious; with SCENARIOHUB_ENV=production the process refuses to start
without a real SECRET_KEY or with DEBUG on. Every variable is listed in .env.example and the README.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from scenariohub.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("SCENARIOHUB_VAR_DIR", str(PROJECT_DIR / "var")))

ENVIRONMENT = env_str("SCENARIOHUB_ENV", "development", choices=("development", "production", "test"))
PRODUCTION = ENVIRONMENT == "production"

_DEV_SECRET = "dev-insecure-secret-key-do-not-use-in-production"  # noqa: S105 - refused in production
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

if PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")

# Personal data (phones, e-mails) is SM4-encrypted at rest under this key (scenariohub.core.crypto).
# Development derives one from SECRET_KEY; production refuses to start without its own. Changing it
# needs the old one in SCENARIOHUB_DATA_KEY_PREVIOUS until `scenariohub rotate_data_key` has rewritten every value.
SCENARIOHUB_DATA_KEY = env_str("SCENARIOHUB_DATA_KEY", "")
SCENARIOHUB_DATA_KEY_PREVIOUS = env_list("SCENARIOHUB_DATA_KEY_PREVIOUS", [])
if not SCENARIOHUB_DATA_KEY:
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SCENARIOHUB_DATA_KEY must be set in production (a random value of 32+ characters).")
    from scenariohub.core.crypto import development_key

    SCENARIOHUB_DATA_KEY = development_key(SECRET_KEY)
elif len(SCENARIOHUB_DATA_KEY) < 32 or SCENARIOHUB_DATA_KEY == SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SCENARIOHUB_DATA_KEY must be a random value of 32+ characters, not the SECRET_KEY.")

# The audit trail's hash chain is keyed (HMAC-SM3) with this secret, kept out of the database
# (scenariohub.core.audit). Development derives it from SECRET_KEY; production refuses to start without
# its own. Each record names its key's id; to change the key, move the old one to AUDIT_HMAC_KEY_PREVIOUS
# (kept as long as records sealed under it) and run `scenariohub audit_rotate_key` (docs/operations.md).
AUDIT_HMAC_KEY = env_str("AUDIT_HMAC_KEY", "")
AUDIT_HMAC_KEY_PREVIOUS = env_list("AUDIT_HMAC_KEY_PREVIOUS", [])
if PRODUCTION and len(AUDIT_HMAC_KEY) < 32:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("AUDIT_HMAC_KEY must be set in production (a random value of 32+ characters).")
# Reverse proxies in front of the app (nginx: 1); the client address is then read from X-Forwarded-For.
SCENARIOHUB_TRUSTED_PROXIES = env_int("SCENARIOHUB_TRUSTED_PROXIES", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "scenariohub.core",
    "scenariohub.reference",
    "scenariohub.accounts",
    "scenariohub.authn",
    "scenariohub.scenarios",
    "scenariohub.ai",
    "scenariohub.events",
    "scenariohub.plans",
    "scenariohub.dashboard",
    "scenariohub.exchange",
    "scenariohub.matching",
    "scenariohub.tracking",
    "scenariohub.publicity",
    "scenariohub.cases",
    "scenariohub.promotion",
    "scenariohub.zones",
    "scenariohub.support",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "scenariohub.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "scenariohub.core.middleware.AuditMiddleware",
    "scenariohub.core.ratelimit.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Session timeouts, the second factor, expired passwords (after messages, htmx and OTP).
    "scenariohub.authn.middleware.AuthPolicyMiddleware",
    "scenariohub.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "scenariohub.urls"
WSGI_APPLICATION = "scenariohub.wsgi.application"

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
                "scenariohub.accounts.context_processors.membership",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'scenariohub.sqlite3'}"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers proceed while one writer commits; IMMEDIATE avoids lock upgrades that deadlock.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")} if env_bool("SQLITE_TEST_FILE", False) else {}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "scenarios:workspace"
LOGOUT_REDIRECT_URL = "home"

# Authentication (GB/T 22239 §8.1.4.1; scenariohub/authn). Lockout and the hourly cap live in the backend.
AUTHENTICATION_BACKENDS = ["scenariohub.authn.backends.LockoutBackend"]
# argon2 first; the others still verify older hashes, which are upgraded to argon2 at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "scenariohub.authn.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "scenariohub.authn.validators.PasswordChangeRecorder"},
]
# Staff passwords (office, city, department, auditor, admin site) expire after this many days; 0: never.
SCENARIOHUB_PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
# After 5 consecutive wrong passwords an account waits this long (or is unlocked by the office).
SCENARIOHUB_LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30)
SCENARIOHUB_SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SCENARIOHUB_SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
if SCENARIOHUB_LOGIN_LOCKOUT_MINUTES < 1 or SCENARIOHUB_SESSION_IDLE_MINUTES < 1 or SCENARIOHUB_SESSION_ABSOLUTE_HOURS < 1:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("LOGIN_LOCKOUT_MINUTES, SESSION_IDLE_MINUTES and SESSION_ABSOLUTE_HOURS must be at least 1.")
OTP_TOTP_ISSUER = "场景通 ScenarioHub"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
try:  # WhiteNoise warns on every request when the directory is missing (before the first collectstatic).
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files are never served by URL directly; a view checks access and serves them as attachments.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
SCENARIOHUB_UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Import workbooks and their staged rows (contacts of every row) are kept this many days after the upload,
# then removed by `scenariohub purge_imports` (the batch itself, who imported what, stays).
SCENARIOHUB_IMPORT_RETENTION_DAYS = env_int("IMPORT_RETENTION_DAYS", 30)

# Rate limits (scenariohub.core.ratelimit): N/period per client (account, token, else IP); cache-based, so
# production's Redis makes them hold across app servers. Login counts per IP and per account name typed.
SCENARIOHUB_RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", True)
SCENARIOHUB_RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "20/m"),
    "login_account": env_str("RATE_LIMIT_LOGIN_ACCOUNT", "30/h"),
    "search": env_str("RATE_LIMIT_SEARCH", "120/m"),
    "export": env_str("RATE_LIMIT_EXPORT", "30/10m"),
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env_str("REDIS_URL", ""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL")}}
    # Sessions read from Redis and written through to the database: every app server sees the same ones,
    # and a Redis restart signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
if PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    # Several app servers share one database, one cache (lockout counters, rate limits) and one session store.
    if not env_str("REDIS_URL", ""):
        raise ImproperlyConfigured("REDIS_URL must be set in production (cache and sessions shared by every app server).")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL=postgres://user:pass@host:5432/db.")
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # persistent connections survive a database restart

SESSION_COOKIE_HTTPONLY = True
# The cookie lasts no longer than the absolute limit; the middleware ends idle sessions earlier.
SESSION_COOKIE_AGE = SCENARIOHUB_SESSION_ABSOLUTE_HOURS * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "scenariohub@localhost")

SCENARIOHUB_EMBEDDER = env_str("SCENARIOHUB_EMBEDDER", "use")
# Background work (indexing, imports, mail): "thread" runs it in-process off the request, "inline" at once.
SCENARIOHUB_TASKS = env_str("SCENARIOHUB_TASKS", "thread", choices=("thread", "inline", "celery"))
SCENARIOHUB_SITE_URL = env_str("SCENARIOHUB_SITE_URL", "")
# Search: "auto" = hybrid (words + meaning) for small indexes, words only above ~20k documents (latency).
SCENARIOHUB_SEARCH_MODE = env_str("SCENARIOHUB_SEARCH_MODE", "auto", choices=("auto", "hybrid", "lexical"))
SCENARIOHUB_PAGE_SIZE = 20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "scenariohub.core.audit.RequestIdLogFilter"},
        # No passwords, tokens or keys in any log line (scenariohub.core.logs).
        "redact_secrets": {"()": "scenariohub.core.logs.RedactSecretsFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

_ = _  # gettext_lazy kept importable for settings-level labels
