"""Settings for every environment.

This is the only module that reads the environment. Local use needs no variables at all
(SQLite under var/, emails written to var/mail/); production sets DATABASE_URL, SECRET_KEY,
ALLOWED_HOSTS and the EMAIL_* values. Real environment variables are the only source: there is
no .env file to drift.
"""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
import xstatic.pkg.jquery_ui
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false).")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def local_secret_key() -> str:
    """A key kept under var/ so local sessions survive restarts; production must set SECRET_KEY."""
    key_file = VAR_DIR / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


DEBUG = env_bool("DEBUG")
# PRODUCTION=1 turns on HTTPS-only cookies, HSTS and the HTTPS redirect, and makes SECRET_KEY
# mandatory: a missing key stops the process at start-up, not at the first request.
PRODUCTION = env_bool("PRODUCTION")
if PRODUCTION and not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("PRODUCTION=1 needs SECRET_KEY set to a long random value.")
SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret_key()
# Earlier keys, comma separated, still accepted when checking what they signed: rotating
# SECRET_KEY with the old one here keeps sessions, unsubscribe and email-change links working
# until they expire; remove it after a few weeks.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its admin classes can hook in.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_tasks_db",
    "axes",
    # Staff two-factor authentication: an app's codes (TOTP) and recovery codes (static).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "seminar",
    "registrations",
    "organiser",
    "organiser.sso",
    "nested_admin",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.PreferredLanguageMiddleware",
    "api.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the session's user as verified once they gave a second factor; the next one keeps
    # staff pages shut until they have (docs/staff-sign-in.md).
    "django_otp.middleware.OTPMiddleware",
    "organiser.two_factor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
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
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite under var/ is the embedded default; PostgreSQL (DATABASE_URL) is production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes writers queue for the lock at BEGIN instead of failing with "database is
    # locked" half-way through a booking; WAL lets readers carry on while one writer works.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hant", _("Traditional Chinese")),
    ("zh-hans", _("Simplified Chinese")),
]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Hong_Kong"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# The admin's per-language tabs need jQuery UI; serve it from its wheel rather than a CDN.
STATICFILES_DIRS = [BASE_DIR / "static", ("jquery-ui", xstatic.pkg.jquery_ui.BASE_DIR)]
JQUERY_UI_URL = "jquery-ui/jquery-ui.min.js"
# STATIC_COMPRESS=0 keeps the hashed names but skips WhiteNoise's gzip and Brotli copies, which
# take over a minute of CPU in `collectstatic`: only for the tests that start real servers
# (tests/test_multiprocess.py). Production leaves it on.
STATIC_COMPRESS = env_bool("STATIC_COMPRESS", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COMPRESS
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ----------------------------------------------------------------------------------
# Without EMAIL_HOST, messages are written as files under var/mail/ where a developer can read them.
_email_host = os.environ.get("EMAIL_HOST", "")
if _email_host:
    _email_port = int(os.environ.get("EMAIL_PORT", "587"))
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": _email_port,
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=_email_port == 587),
                "use_ssl": env_bool("EMAIL_USE_SSL", default=_email_port == 465),
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "20")),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "config.mail.ReadableFileEmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Seminar registration <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Announcements and change notices are spread so that no more than this many emails leave per
# minute (the SMTP provider's limit); 0 sends them as fast as the workers can.
EMAILS_PER_MINUTE = int(os.environ.get("EMAILS_PER_MINUTE", "600"))
# A worker sends up to this many of those emails over one SMTP connection; 1 sends each over its
# own connection, as before batching (the benchmark's comparison).
EMAIL_BATCH_SIZE = max(1, int(os.environ.get("EMAIL_BATCH_SIZE", "100")))
# Absolute links in emails (the manage link) are built on this.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Webhooks (docs/webhooks.md) -------------------------------------------------------------
# Endpoints on private, loopback or link-local addresses are refused when they are added and again
# at every send (a name can be made to point inside the network later): otherwise anyone who may
# add an endpoint could make the worker call the machines around it. Allowed outside production
# so a receiver on the same machine works in a demo and in the tests.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool(
    "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=not PRODUCTION
)
# Seconds the worker waits for a receiver to answer before it counts the attempt as failed.
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))

# --- Cache and rate limits ----------------------------------------------------------------
# Without REDIS_URL each process counts on its own (fine for one process, as under `make run`);
# with it, every app server shares the counters.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", default=True)
# Requests per client address per window: (count, seconds).
RATELIMITS = {
    # Registrations taken: an office of 200 behind one NAT address must all get through in a
    # rush, with room for a few going back to change their details.
    "register": (int(os.environ.get("RATELIMIT_REGISTER", "300")), 600),
    # Registration forms refused (errors, bot traps, seminar full): people make a few mistakes,
    # a script sending junk makes nothing else. Spent, it stops every registration post from
    # that address until the window ends.
    "register_refused": (int(os.environ.get("RATELIMIT_REGISTER_REFUSED", "60")), 600),
    "resend": (int(os.environ.get("RATELIMIT_RESEND", "5")), 600),
    # Private pages (/r/<token>/ and the pages under it). Their tokens are 256-bit random, so
    # guessing is hopeless whatever the limit; it only caps the load one address can make. After
    # a bulk approval an office of 200 behind one NAT address opens its links at once, each
    # person a few pages (their page, change details, save): about 1,000 requests.
    "manage": (int(os.environ.get("RATELIMIT_MANAGE", "1000")), 600),
    # Personal join links (/j/<token>/): an office behind one address joins at the start time.
    "join": (int(os.environ.get("RATELIMIT_JOIN", "1000")), 600),
    # "Tell me when registration opens": a person asks once or twice; an office forwarding the
    # announcement may ask from one address many times over.
    "opening_alert": (int(os.environ.get("RATELIMIT_OPENING_ALERT", "100")), 600),
    # Certificate checks (/certificates/<code>/). Codes are about 60 random bits, so guessing
    # is hopeless anyway; this caps what one address can try. An employer checking a pile of
    # certificates by hand does a few dozen.
    "certificate_verify": (int(os.environ.get("RATELIMIT_CERTIFICATE_VERIFY", "300")), 600),
    # Certificate downloads (/r/<token>/certificate.pdf). A PDF not yet in the cache takes
    # seconds to draw, so this is small: a person downloads theirs a few times, and each has the
    # PDF in their email too, so an office behind one address does not need them all at once.
    "certificate_download": (int(os.environ.get("RATELIMIT_CERTIFICATE_DOWNLOAD", "60")), 600),
    # The REST API, per token a minute: a CRM syncing pages of 100 registrations, or a check-in
    # app at a busy door, stays far below; a runaway loop is stopped (docs/api.md).
    "api": (int(os.environ.get("RATELIMIT_API", "600")), 60),
    # The API without a token (the public seminar list and programme), per address a minute.
    "api_anonymous": (int(os.environ.get("RATELIMIT_API_ANONYMOUS", "120")), 60),
    # Requests with a token the API refuses (unknown, revoked, expired...), per address a
    # minute: a misconfigured program retrying notices, and a guesser is held back. Spent, its
    # refusals become 429; valid tokens from the same address go on working.
    "api_bad_token": (int(os.environ.get("RATELIMIT_API_BAD_TOKEN", "30")), 60),
}

# --- REST API (api/, docs/api.md) ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RolePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Seminar registration API",
    "DESCRIPTION": "Seminars, registrations, check-in and attendance for your own systems. "
    "See docs/api.md for tokens, pagination, errors and webhooks.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Choice sets that share a field name get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "RegistrationStateEnum": "seminar.models.RegistrationState",
        "AnnouncementStateEnum": "registrations.models.Announcement.State",
        "SeminarStatusEnum": "seminar.models.Seminar.Status",
        "RegistrationStatusEnum": "registrations.models.Registration.Status",
    },
}
# How long before a seminar's start a personal join link (/j/<token>/) starts to open the
# meeting; before that it says when it opens (registrations/join_links.py).
JOIN_LINK_OPENS_MINUTES = int(os.environ.get("JOIN_LINK_OPENS_MINUTES", "60"))
# Hours after a seminar ends during which the door still checks people in and undoes mistakes;
# after that past attendance is left alone (registrations/checkin.py, checkin_closed).
CHECK_IN_GRACE_HOURS = float(os.environ.get("CHECK_IN_GRACE_HOURS", "2"))
# The header the proxy in front of the app sets to the client address, e.g. X-Forwarded-For.
# Only trust it when such a proxy really sits in front: otherwise anyone can set it.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
# Registration forms submitted faster than this (seconds after the page was served) are taken
# for bots and quietly dropped.
REGISTRATION_MIN_FILL_SECONDS = float(os.environ.get("REGISTRATION_MIN_FILL_SECONDS", "3"))

# --- Security -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin logins: 5 failures for one user name from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "errors/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    [CLIENT_IP_HEADER, "REMOTE_ADDR"] if CLIENT_IP_HEADER else ["REMOTE_ADDR"]
)

# --- Staff sign-in: two-factor ---------------------------------------------------------------
# docs/staff-sign-in.md. When on, every staff session must give a code from an authenticator app
# (or a recovery code) after the password before it reaches the admin or the check-in pages;
# staff without one are sent to set it up. Off, staff may still set it up, and then must use it.
# Default: on with PRODUCTION=1, off otherwise.
STAFF_TWO_FACTOR_REQUIRED = env_bool("STAFF_TWO_FACTOR_REQUIRED", default=PRODUCTION)
# Sessions signed in through OTP_EXEMPT_AUTH_BACKENDS (single sign-on, below) count as verified.
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = "Seminar registration"
# Wrong codes in a row make the next try wait 1, 2, 4, 8... seconds times this factor (django-otp
# counts them per device, so a stolen password alone cannot try the million codes).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # form posts; attendance files are uploads, checked apart
# The seminar's admin page posts its whole programme: about 40 fields a session with its speakers
# in three languages, so 3,000 takes some 70 sessions. The memory limit above still bounds a post.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 3000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Scripts and styles only from our own origin; no inline script without the request's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Behind a proxy that ends TLS, it tells us the original scheme.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# --- Staff sign-in: single sign-on (OpenID Connect) -------------------------------------------
# docs/single-sign-on.md. Off unless OIDC_ISSUER and OIDC_CLIENT_ID are both set; then the admin's
# login page offers "Sign in with your department account" and the callback to register at the
# provider is https://<this site>/sso/callback/.
# The provider's issuer URL, e.g. https://login.example.gov.hk/realms/staff. Its discovery
# document (/.well-known/openid-configuration) is fetched at the first sign-in, never at start-up,
# and kept for an hour (organiser/sso/provider.py).
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
# The client (application) this site is registered as at the provider, and its secret.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
SSO_ENABLED = bool(OIDC_ISSUER and OIDC_RP_CLIENT_ID)
if SSO_ENABLED and not OIDC_RP_CLIENT_SECRET:
    raise ImproperlyConfigured("OIDC_ISSUER and OIDC_CLIENT_ID need OIDC_CLIENT_SECRET set too.")
# What the button calls the provider ("Sign in with <name>"); empty: "your department account".
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "")
# Endpoints that override the discovery document's, for a provider without one; empty: discovered.
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_JWKS_ENDPOINT", "")
# In production the provider is reached over HTTPS only: the client secret, the codes and the ID
# tokens travel on these addresses.
_plain_http = [
    address
    for address in (
        OIDC_ISSUER,
        OIDC_OP_AUTHORIZATION_ENDPOINT,
        OIDC_OP_TOKEN_ENDPOINT,
        OIDC_OP_USER_ENDPOINT,
        OIDC_OP_JWKS_ENDPOINT,
    )
    if address.startswith("http://")
]
if PRODUCTION and SSO_ENABLED and _plain_http:
    raise ImproperlyConfigured(
        "With PRODUCTION=1 the OpenID provider must be reached over https://, "
        f"not {_plain_http[0]}."
    )
# How the provider signs its ID tokens (RS256 for Keycloak, Entra ID and ADFS).
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGORITHM", "RS256")
# Scopes asked for; the roles claim must come back in the ID token or from the userinfo endpoint.
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10  # seconds for each call to the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
# The claim listing a person's groups or roles (Keycloak and Entra ID "groups", Entra ID app
# roles "roles", ADFS "role"), and which of its values give each of our roles (comma lists; a
# value is matched exactly). A person whose claim maps to none of them is refused.
OIDC_ROLES_CLAIM = os.environ.get("OIDC_ROLES_CLAIM", "groups")
OIDC_ORGANISER_GROUPS = env_list("OIDC_ORGANISER_GROUPS", "")
OIDC_VIEWER_GROUPS = env_list("OIDC_VIEWER_GROUPS", "")
OIDC_CHECK_IN_GROUPS = env_list("OIDC_CHECK_IN_GROUPS", "")
# A first sign-in is matched to an existing account only through the provider's subject (sub).
# With this on, it may also take over an existing non-superuser account with the same email
# when the provider says the email is verified: only for a provider whose emails nobody but IT
# can set (docs/single-sign-on.md). Off by default.
OIDC_LINK_BY_EMAIL = env_bool("OIDC_LINK_BY_EMAIL")
# Password sign-in for staff on the admin's login page (default on). Off needs single sign-on:
# the page then shows only the provider's button and refuses a password. Superusers then get in
# only through `manage.py sso_break_glass` on the server (docs/single-sign-on.md).
STAFF_PASSWORD_LOGIN = env_bool("STAFF_PASSWORD_LOGIN", default=True)
if not STAFF_PASSWORD_LOGIN and not SSO_ENABLED:
    raise ImproperlyConfigured(
        "STAFF_PASSWORD_LOGIN=0 needs single sign-on (OIDC_ISSUER, OIDC_CLIENT_ID) set up."
    )
# Sign-in backends whose sessions count as verified already, for two-factor (above): the
# provider asks for its own second factor. Dotted paths as in AUTHENTICATION_BACKENDS.
OTP_EXEMPT_AUTH_BACKENDS: list[str] = []
if SSO_ENABLED:
    AUTHENTICATION_BACKENDS.append("organiser.sso.backends.StaffOIDCBackend")
    OTP_EXEMPT_AUTH_BACKENDS.append("organiser.sso.backends.StaffOIDCBackend")
# The lockout counts wrong passwords; a refused single sign-on is not one (the provider checked
# the password), so it neither counts nor is blocked (organiser/sso/backends.py).
AXES_WHITELIST_CALLABLE = "organiser.sso.backends.axes_exempt"

# LOG_FORMAT=json writes one JSON object a line (for a log collector); the default is plain text.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.log_format.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Certificates cut their fonts per PDF (registrations/certificate_pdf.py); at INFO
        # fontTools and WeasyPrint log every table and every step of every certificate.
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
    },
}

# --- Monitoring (docs/operations.md, "Monitoring") ------------------------------------------
# /readyz answers 503 when the background work is behind: the scheduler not seen for this many
# seconds (it runs every 60), no task worker seen (the scheduler asks them every pass), or the
# oldest email or task that is due waiting longer than the queue's limit.
READINESS_SCHEDULER_MAX_AGE_SECONDS = int(
    os.environ.get("READINESS_SCHEDULER_MAX_AGE_SECONDS", "300")
)
READINESS_WORKER_MAX_AGE_SECONDS = int(os.environ.get("READINESS_WORKER_MAX_AGE_SECONDS", "300"))
READINESS_QUEUE_MAX_AGE_SECONDS = int(os.environ.get("READINESS_QUEUE_MAX_AGE_SECONDS", "600"))
# /metrics for Prometheus (docs/operations.md): off unless a token or an address list is set.
# Scrapers send "Authorization: Bearer <METRICS_TOKEN>", or come from METRICS_ALLOWED_IPS
# (addresses or networks, comma separated; the client address as CLIENT_IP_HEADER gives it).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "")
for _network in METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {error}") from None
# Under gunicorn with several workers each process counts its own requests; a directory here
# (writable, emptied at start, e.g. systemd's RuntimeDirectory) lets /metrics add them up.
# prometheus_client reads it from the environment itself.
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if METRICS_TOKEN or METRICS_ALLOWED_IPS:
    MIDDLEWARE = ["config.metrics.RequestMetricsMiddleware", *MIDDLEWARE]

# Errors to Sentry (or a compatible service such as GlitchTip) when SENTRY_DSN is set, with
# personal data removed before an event leaves (config/sentry.py).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "production" if PRODUCTION else "local")
# Share of requests traced for performance (0 to 1); 0 sends errors only.
SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0"))
if SENTRY_DSN:
    from config.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )

# --- Product settings -----------------------------------------------------------------------
# Version of the personal information collection statement shown on the form; stored with each
# consent so organisers can tell which wording a registrant agreed to.
PICS_VERSION = os.environ.get("PICS_VERSION", "2026-11")
# How each language names itself, for the switcher: a reader of one cannot read the others.
LANGUAGE_NATIVE_NAMES = {"en": "English", "zh-hant": "繁體中文", "zh-hans": "简体中文"}
# Public programme pages (home, seminar page) are served from the cache for this many seconds,
# so an organiser's edit or a seat count shows within that time. 0 turns the cache off.
PUBLIC_PAGE_CACHE_SECONDS = float(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "1"))

# Organisers' daily digests are sent at this hour, Hong Kong time (0-23).
DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "8"))

# Personal data of registrants is anonymised this many days after their seminar ends.
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "180"))

# Fixed password for the demo organiser that `load_demo` creates; random (and printed) when unset.
DEMO_ORGANISER_PASSWORD = os.environ.get("DEMO_ORGANISER_PASSWORD", "")
FORMAT_MODULE_PATH = ["config.formats"]
