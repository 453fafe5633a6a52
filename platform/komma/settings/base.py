"""Settings shared by every environment. Overlays: dev, test, production."""

import re
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from plugins.discovery import discover_plugin_apps

from .env import env_bool, env_int, env_list, env_str

# platform/komma/settings/base.py -> the repository root
BASE_DIR = Path(__file__).resolve().parents[3]
CORE_DIR = BASE_DIR / "platform" / "komma"
VAR_DIR = Path(env_str("KOMMA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")  # overlays decide what happens when it is missing
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
KOMMA_BASE_URL = env_str("KOMMA_BASE_URL", "http://127.0.0.1:8000")

# --- Plugins ---------------------------------------------------------------
# Built-in feature plugins (dotted AppConfig paths). Third-party plugins come
# from the "komma.plugins" entry-point group; KOMMA_PLUGINS_EXCLUDE removes any.
KOMMA_BUILTIN_PLUGINS: list[str] = [
    "exchange.forums.apps.ForumsConfig",
    "alliance.apps.AllianceConfig",
    "toolbox.apps.ToolboxConfig",
    "exchange.live.apps.LiveConfig",
]
KOMMA_PLUGINS_EXCLUDE = env_list("KOMMA_PLUGINS_EXCLUDE")
KOMMA_PLUGIN_APPS = discover_plugin_apps(KOMMA_BUILTIN_PLUGINS, KOMMA_PLUGINS_EXCLUDE)

INSTALLED_APPS = [
    "daphne",  # first, so runserver serves ASGI (HTTP and WebSockets)
    "komma.core",
    "komma.accounts",
    "komma.media",
    "komma.pages",
    "komma.review",
    "komma.events",
    "komma.conversations",
    "plugins",
    "search",
    *KOMMA_PLUGIN_APPS,
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
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
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "channels",
    "django_tasks",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",  # allauth's session list uses it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "komma.accounts.middleware.RequireMFAMiddleware",
    "komma.core.middleware.PrivateCacheMiddleware",
    "plugins.middleware.PluginGateMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "komma.urls"
WSGI_APPLICATION = "komma.wsgi.application"
ASGI_APPLICATION = "komma.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "komma.core.context_processors.site_chrome",
            ],
        },
    },
]

# --- Data ------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'komma.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite keeps no persistent connections worth health-checking; WAL lets the
    # dev server's ASGI threads read while one writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "komma"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # channels-redis blocks up to 5 s waiting for the next event; a read
                # timeout of the same length (redis-py's default here) would break
                # every idle connection, so reads may take longer.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "prefix": env_str("CHANNEL_LAYER_PREFIX", "komma"),
                # A live room's events reach each process through one hub channel
                # (exchange.live.fanout); it must hold a burst of a busy room. On
                # Redis the hub's channel is a process-specific one ("specific.…",
                # read by the layer's shared receive loop), so the pattern is theirs.
                "channel_capacity": {"specific.*": 10_000},
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            # The in-memory layer (unlike channels-redis) does not compile glob
            # patterns, so it gets the compiled (pattern, capacity) pairs.
            "CONFIG": {"channel_capacity": [(re.compile(r"live-hub\..*"), 10_000)]},
        }
    }

# Background work (django-tasks). The immediate backend runs a task in the
# calling process; production may point TASKS_BACKEND at a queue backend.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}

# --- Search ----------------------------------------------------------------
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
KOMMA_SEARCH = {
    "ELASTICSEARCH_URL": ELASTICSEARCH_URL,
    "INDEX_PREFIX": env_str("ELASTICSEARCH_INDEX_PREFIX", "komma"),
    "TIMEOUT": env_int("ELASTICSEARCH_TIMEOUT", 5),
}
# Wagtail's own admin search (page chooser, snippets) stays on the database.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Accounts ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "komma.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "komma.accounts.forms.PseudonymSignupForm"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[KomMA Netzwerk] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # allauth's defaults: a town hall behind one address is not locked out by a few
    # typos, while one account takes at most 5 wrong passwords per 5 minutes.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "reset_password": "5/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # no mail to addresses without an account
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "KomMA Netzwerk"
MFA_TOTP_TOLERANCE = 1  # accept the neighbouring 30-second window (clock drift, slow typing)
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
USERSESSIONS_TRACK_ACTIVITY = False
USERSESSIONS_ADAPTER = "komma.accounts.usersessions.UserSessionsAdapter"

KOMMA_INVITATION_VALID_DAYS = env_int("KOMMA_INVITATION_VALID_DAYS", 14)

# --- Internationalisation --------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# Our catalogue first; then formal-register ("Sie") overrides of allauth's German.
LOCALE_PATHS = [CORE_DIR / "locale", CORE_DIR / "locale_allauth"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = False  # production overlay sets it

# --- Static and media --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Wagtail -------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "KomMA Netzwerk"
WAGTAILADMIN_BASE_URL = KOMMA_BASE_URL
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no calls home from the admin
# Approval in the four-eyes workflow publishes, though reviewers may not publish
# directly (see komma.review.workflows).
WAGTAIL_FINISH_WORKFLOW_ACTION = "komma.review.workflows.publish_approved"
# No Gravatar: it is a third-party request and its URL carries a hash of the e-mail.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_USAGE_COUNT_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("de", "Deutsch"), ("en", "English")]
# Passwords and e-mail addresses change through allauth only (verification, rate limits).
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
# Random file names and no EXIF/GPS data (komma.media.models).
WAGTAILIMAGES_IMAGE_MODEL = "media.KommaImage"
WAGTAILDOCS_SERVE_METHOD = "serve_view"  # documents pass Django's permission checks
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt", "xlsx", "ods", "pptx", "odp"]
WAGTAILEMBEDS_FINDERS: list = []  # no oEmbed calls to third parties

# --- E-mail --------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "KomMA Netzwerk <netzwerk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers that hold everywhere --------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_email": {"()": "komma.core.logging.RedactEmailFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_email"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
