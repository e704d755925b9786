"""Django settings for DigiGov.

Everything comes from environment variables with safe defaults:
  DATABASE_URL   default: SQLite file var/digigov.sqlite3 (WAL mode)
  REDIS_URL      optional: task queue and cache use Redis when set
  SECRET_KEY     default: generated once into var/secret_key
  DIGIGOV_DEBUG  default: off
  DIGIGOV_HTTPS  default: off (set on behind TLS: secure cookies, HSTS)
  DIGIGOV_TRUSTED_PROXIES  comma-separated IPs/CIDRs of our own reverse proxies, default empty
                 (trust none). X-Forwarded-For is read only when the peer is one of them, right to
                 left, skipping them; it decides the address login limits and the audit log use.
  PROMETHEUS_MULTIPROC_DIR  set (by scripts/serve.sh) when several worker processes serve:
                 /metrics then sums every worker's counters from that directory
  DIGIGOV_STAFF_OTP  "required" forces staff to enrol TOTP; default "enrolled"
                 (a staff member with a confirmed device must always give a code)
  DIGIGOV_AUDIT_KEY  hex key of the audit chain's HMAC-SM3 (≥ 32 bytes); default: generated once
                 into var/audit_key (0600). Keep it out of the database and its backups: whoever
                 holds it can rewrite the audit chain undetected.
  DIGIGOV_MASTER_KEY  the key store's master key, 32 hex digits (SM4, 128 bit); default: read from
                 DIGIGOV_MASTER_KEY_FILE (default var/keys/master.key, 0600), generated there once while
                 the database holds no data key. Never in the database: it wraps every data key
                 (personal fields, signing keys). A lost master key makes the server refuse to start.
  DIGIGOV_MASTER_KEY_FILE  where the file key store keeps the master key (default var/keys/master.key)
  DIGIGOV_KEY_STORE  dotted path of the key store class (default digigov.security.keys.store.FileKeyStore;
                 an HSM/密码机 adapter implements the same interface)
  DIGIGOV_AUDIT_CHECKPOINT_FILE    signed chain-head checkpoints, append-only; default var/audit/checkpoints.log
  DIGIGOV_AUDIT_CHECKPOINT_MIRROR  optional second copy of the checkpoints (another disk or host mount)
  DIGIGOV_AUDIT_CHECKPOINT_EVERY   1 (default): a checkpoint after every transaction that wrote audit entries;
                 N: only every N-th entry (for very write-heavy sites). Also one every 10 minutes.
  DIGIGOV_AUDIT_EXPORT_MAX_ROWS    rows one CSV export of the audit log may hold (default 50000)
  DIGIGOV_LOGIN_MAX_FAILURES / DIGIGOV_LOGIN_IP_MAX_FAILURES / DIGIGOV_LOGIN_WINDOW_SECONDS
                 consecutive failures per account / failures per address within the window lock it
                 (defaults 5 / 30 / 900 s); login and the old-password check share the counters
  DIGIGOV_API_USER_RATE  per-caller API rate ("N/s|m|h|d"; default 1200/m, off under tests)
  DIGIGOV_API_KEY_MAX_FAILURES  wrong API keys tolerated per address within the window (default 20)
  DIGIGOV_ALLOWED_HOSTS  comma-separated host names served (default 127.0.0.1,localhost,testserver)
  DIGIGOV_CSRF_TRUSTED_ORIGINS  comma-separated origins trusted for CSRF behind a proxy (default none)
  DIGIGOV_MAX_BODY_BYTES  largest request body (default 2 MiB; larger answers 413)
  DIGIGOV_AGGREGATION_MAX_FILE_BYTES  largest file one aggregation upload may be (default 512 MiB; larger is
                 refused with a 413 and a Chinese message before anything is read into the target table)
  DIGIGOV_LOG_LEVEL  default INFO (JSON lines, personal data masked)
  DIGIGOV_SCALE  the demo city's scale make run builds into an empty database (default 0.05)
  DIGIGOV_VAR_DIR  where the database, keys, checkpoints and static files live (default ./var)
  DIGIGOV_STATIC_ROOT  where collectstatic puts files (default var/static)
  DIGIGOV_TASKS_IMMEDIATE  run Huey tasks inline instead of in the consumer (default off; on under tests)
  DIGIGOV_TESTING  force the test settings outside pytest (default off)
  DIGIGOV_SITE_URL  the site's public origin, e.g. https://gov.example.cn (default http://127.0.0.1:8000, the
                 development server): the OpenID Connect issuer (``iss``) and the base of every endpoint the
                 discovery document names. Relying parties compare it byte for byte: no trailing slash.
  DIGIGOV_OUTBOX_DIR  where the development message sender writes each SMS/e-mail as one file (default var/outbox)
  DIGIGOV_SMTP_URL  e-mail through SMTP with Django's e-mail framework, e.g. smtps://user:pass@mail.example.cn:465
                 or smtp+tls://host:587 (default empty: e-mails go to the outbox)
  DIGIGOV_MAIL_FROM  sender address of e-mails (default DigiGov <noreply@localhost>)
  DIGIGOV_SMS_URL  an HTTP SMS gateway: each SMS is POSTed as JSON {"to", "text"} (default empty: SMS go to the outbox)
  DIGIGOV_SMS_TOKEN  bearer token sent to that gateway (default none)
  DIGIGOV_SMS_SENDER / DIGIGOV_EMAIL_SENDER  dotted path of another sender class (a provider adapter; see
                 digigov/core/notify), overriding the choice above
  DIGIGOV_OTP_KEY  hex key of the HMAC-SM3 under which one-time codes and their destinations are stored
                 (>= 16 bytes); default: generated once into var/otp_key (0600)
  DIGIGOV_OTP_DAILY_CAP  one-time codes per destination (phone/e-mail) and per account per day (default 10)
  DIGIGOV_OTP_IP_HOURLY_CAP  one-time codes requested from one address per hour (default 30)
  DIGIGOV_FACE_VERIFIER  dotted path of the face-verification adapter (default the development verifier,
                 which does not compare faces and says so on screen)
  DIGIGOV_SITE_OWNER  the portal footer's 主办单位 line (default 示范市人民政府办公室)
  DIGIGOV_SITE_OPERATOR  the footer's 承办单位 line (default 示范市营商环境建设局（大数据管理局）)
  DIGIGOV_ICP  the site's ICP filing number shown in the footer (default 辽ICP备2026010600号-1)
  DIGIGOV_PSB_RECORD  the site's 公安机关互联网站备案号 shown in the footer (default 辽公网安备21060202000106号)
  DIGIGOV_SITE_CODE  the 政府网站标识码 shown in the footer (default 2106000001)
  DIGIGOV_HOTLINE  the citizen service hotline the portal shows (default 12345)
  DIGIGOV_GATEWAY_PROCESSES  how many API-gateway processes share the configured rate limits (default 1; each
                 process's token bucket refills at rate / N)
  DIGIGOV_GATEWAY_DB_THREADS  database threads of one gateway process (default 4)
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DIGIGOV_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _var_secret(env: str, filename: str) -> str:
    """A hex key from ``env``, else generated once into ``var/<filename>`` (0600). Created with O_EXCL so two
    processes starting together agree on one key; a malformed key fails at start-up, not at first use."""
    if os.environ.get(env):
        value = os.environ[env].strip()
        if len(bytes.fromhex(value)) < 16:
            raise ValueError(f"{env} must be at least 16 bytes of hex")
        return value
    path = VAR_DIR / filename
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text().strip()


# The audit chain's MAC key. Not in the database: a database administrator who can rewrite rows cannot
# recompute the chain without it.
DIGIGOV_AUDIT_KEY = _var_secret("DIGIGOV_AUDIT_KEY", "audit_key")
# The key one-time codes (and the phone/e-mail they went to) are stored under, as HMAC-SM3: a copy of the
# database alone does not let anyone test the million possible codes.
DIGIGOV_OTP_KEY = _var_secret("DIGIGOV_OTP_KEY", "otp_key")
DIGIGOV_AUDIT_CHECKPOINT_FILE = os.environ.get("DIGIGOV_AUDIT_CHECKPOINT_FILE") or str(VAR_DIR / "audit" / "checkpoints.log")
DIGIGOV_AUDIT_CHECKPOINT_MIRROR = os.environ.get("DIGIGOV_AUDIT_CHECKPOINT_MIRROR", "")
DIGIGOV_AUDIT_CHECKPOINT_EVERY = max(1, int(os.environ.get("DIGIGOV_AUDIT_CHECKPOINT_EVERY", "1")))
# rows one CSV export of the audit page may hold (narrow the filters for more)
DIGIGOV_MASTER_KEY = os.environ.get("DIGIGOV_MASTER_KEY", "")
DIGIGOV_MASTER_KEY_FILE = os.environ.get("DIGIGOV_MASTER_KEY_FILE") or str(VAR_DIR / "keys" / "master.key")
DIGIGOV_KEY_STORE = os.environ.get("DIGIGOV_KEY_STORE", "digigov.security.keys.store.FileKeyStore")
DIGIGOV_AUDIT_EXPORT_MAX_ROWS = int(os.environ.get("DIGIGOV_AUDIT_EXPORT_MAX_ROWS", "50000"))
TESTING = "pytest" in sys.modules or _env_bool("DIGIGOV_TESTING")
DEBUG = _env_bool("DIGIGOV_DEBUG")
HTTPS = _env_bool("DIGIGOV_HTTPS")
ALLOWED_HOSTS = [h for h in os.environ.get("DIGIGOV_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DIGIGOV_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    "ninja",
    # core layer
    "digigov.core.web",
    "digigov.core.org",
    "digigov.core.accounts",
    "digigov.core.rbac",
    "digigov.core.audit",
    "digigov.core.kpi",
    "digigov.core.search",
    "digigov.core.notify",
    # security layer
    "digigov.security.keys",
    "digigov.security.assessment",
    # infrastructure layer
    "digigov.infra.cloud",
    "digigov.infra.network",
    "digigov.data.catalog",
    "digigov.data.grading",
    "digigov.data.aggregation",
    "digigov.data.quality",
    "digigov.data.linkage",
    "digigov.data.registries",
    "digigov.data.dregistries",
    "digigov.data.spatial",
    "digigov.data.themes",
    "digigov.data.sharing",
    "digigov.data.gateway",
    "digigov.data.exchange",
    "digigov.data.opendata",
    "digigov.data.ckan",
    "digigov.data.privacy",
    "digigov.data.federation",
    # application support layer
    "oauth2_provider",
    "digigov.support.identity",
    "digigov.support.realname",
    "digigov.support.forms",
    "digigov.support.workflow",
    "digigov.support.window",
    "digigov.support.seal",
    "digigov.support.license",
    "digigov.support.payment",
    "digigov.services.onestop",
    # synthetic city (imports every layer)
    "digigov.democity",
]

MIDDLEWARE = [
    "digigov.core.web.middleware.RequestIdMiddleware",
    "digigov.core.web.middleware.RejectNulMiddleware",
    "digigov.core.web.middleware.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "digigov.core.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "digigov.core.web.middleware.ActorContextMiddleware",
    "digigov.core.web.middleware.StaffOtpMiddleware",
    "digigov.core.web.middleware.ErrorPageMiddleware",
]

ROOT_URLCONF = "digigov.core.urls"
WSGI_APPLICATION = "digigov.core.wsgi.application"

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
                "digigov.core.web.context.navigation",
                "digigov.core.notify.context.inbox",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'digigov.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if DATABASE_URL.startswith("sqlite") else 60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: writers take the lock at BEGIN, so the audit chain head is never read stale.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=30000;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA cache_size=-65536;"
        ),
    }
    # tests use a file, not :memory:: the browser tests' live-server threads then open their own
    # connections as in production instead of sharing one in-memory connection across threads
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-digigov.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and task queue -------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "digigov",
        "url": REDIS_URL,
        "immediate": TESTING,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "digigov"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "digigov",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": TESTING or _env_bool("DIGIGOV_TASKS_IMMEDIATE"),
    }

# --- auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# lockout: this many failures for one account (or one IP) within the window locks it for the window
DIGIGOV_LOGIN_MAX_FAILURES = int(os.environ.get("DIGIGOV_LOGIN_MAX_FAILURES", "5"))
DIGIGOV_LOGIN_IP_MAX_FAILURES = int(os.environ.get("DIGIGOV_LOGIN_IP_MAX_FAILURES", "30"))
DIGIGOV_LOGIN_WINDOW_SECONDS = int(os.environ.get("DIGIGOV_LOGIN_WINDOW_SECONDS", "900"))
# X-Forwarded-For is believed only from these (IPs or CIDRs); a bad entry stops start-up
DIGIGOV_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("DIGIGOV_TRUSTED_PROXIES", "").split(",") if p.strip()]
for _proxy in DIGIGOV_TRUSTED_PROXIES:
    ipaddress.ip_network(_proxy, strict=False)
DIGIGOV_STAFF_OTP = os.environ.get("DIGIGOV_STAFF_OTP", "enrolled")
OTP_TOTP_ISSUER = "DigiGov"

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# the UI is Simplified Chinese; strings are marked for translation so other locales can be added
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "digigov" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DIGIGOV_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # tests render templates without collectstatic, so they need the plain storage too
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- limits and security headers ----------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DIGIGOV_MAX_BODY_BYTES", str(2 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# uploaded files are not part of the body limit above (Django streams them to a temporary file)
DIGIGOV_AGGREGATION_MAX_FILE_BYTES = int(os.environ.get("DIGIGOV_AGGREGATION_MAX_FILE_BYTES", str(512 * 1024 * 1024)))
# largest file a data admin may mount on a catalog entry (文件资源挂载); larger uploads get a 422
DIGIGOV_CATALOG_FILE_MAX_BYTES = 20 * 1024 * 1024
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "digigov.core.web.views.csrf_failure"  # Chinese page in the site layout; JSON under /api/
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'; object-src 'none'"
)

# --- API ------------------------------------------------------------------
# per-caller rate for authenticated API calls ("N/s|m|h|d"; empty = unlimited; off under tests unless a
# test sets it) and wrong API keys tolerated per address within the login window. Counters live in the cache.
DIGIGOV_API_USER_RATE = os.environ.get("DIGIGOV_API_USER_RATE", "" if TESTING else "1200/m")
DIGIGOV_API_KEY_MAX_FAILURES = int(os.environ.get("DIGIGOV_API_KEY_MAX_FAILURES", "20"))
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# --- logging: JSON lines with request ids, personal data masked ---------
LOG_LEVEL = os.environ.get("DIGIGOV_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "digigov.core.web.logging.RequestIdFilter"},
        "mask_pii": {"()": "digigov.core.web.logging.MaskPiiFilter"},
    },
    "formatters": {"json": {"()": "digigov.core.web.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "mask_pii"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "huey": {"level": "INFO"},
    },
}

# the demo city scale make run builds when the database is empty
DIGIGOV_DEFAULT_SCALE = float(os.environ.get("DIGIGOV_SCALE", "0.05"))

# --- OpenID Connect provider (digigov.support.identity on django-oauth-toolkit) -----------------------
DIGIGOV_SITE_URL = os.environ.get("DIGIGOV_SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": DIGIGOV_SITE_URL,
    "OAUTH2_VALIDATOR_CLASS": "digigov.support.identity.oidc.Validator",
    "OIDC_SERVER_CLASS": "digigov.support.identity.oidc.Server",
    # the authorization code flow only (with PKCE S256, see oidc.Server); no implicit, hybrid or password grants
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": "登录身份标识",
        "profile": "姓名",
        "realname": "实名信息（脱敏身份证号、实名等级）",
        "phone": "手机号码（脱敏）",
        "enterprise": "代办企业（法人）信息",
    },
    "DEFAULT_SCOPES": ["openid"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,  # a replayed (already rotated) refresh token revokes its family
    "REQUEST_APPROVAL_PROMPT": "force",  # the consent page every time: the user sees which enterprise they act for
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,  # a valid id_token_hint of the signed-in user logs out at once
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_JWKS_MAX_AGE_SECONDS": 600,
    # RFC 9700 (OAuth 2.0 Security BCP): tokens stored as digests only, no "plain" PKCE, iss in the response
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": False,  # http://127.0.0.1 callbacks are allowed for development apps
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}

# django-oauth-toolkit's models are swappable; its migrations name them through these settings
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_DEVICE_GRANT_MODEL = "oauth2_provider.DeviceGrant"
# --- notices (digigov.core.notify) and real-name verification (digigov.support.realname) ----------
DIGIGOV_OUTBOX_DIR = os.environ.get("DIGIGOV_OUTBOX_DIR") or str(VAR_DIR / "outbox")
DIGIGOV_SMTP_URL = os.environ.get("DIGIGOV_SMTP_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DIGIGOV_MAIL_FROM", "DigiGov <noreply@localhost>")

# the portal's compliance footer (政府网站 requirements: 主办/承办单位, ICP 备案, 公安备案, 网站标识码) and hotline
DIGIGOV_SITE_OWNER = os.environ.get("DIGIGOV_SITE_OWNER", "示范市人民政府办公室")
DIGIGOV_SITE_OPERATOR = os.environ.get("DIGIGOV_SITE_OPERATOR", "示范市营商环境建设局（大数据管理局）")
DIGIGOV_ICP = os.environ.get("DIGIGOV_ICP", "辽ICP备2026010600号-1")
DIGIGOV_PSB_RECORD = os.environ.get("DIGIGOV_PSB_RECORD", "辽公网安备21060202000106号")
DIGIGOV_SITE_CODE = os.environ.get("DIGIGOV_SITE_CODE", "2106000001")
DIGIGOV_HOTLINE = os.environ.get("DIGIGOV_HOTLINE", "12345")
if DIGIGOV_SMTP_URL:
    from urllib.parse import unquote, urlsplit

    _smtp = urlsplit(DIGIGOV_SMTP_URL)
    if _smtp.scheme not in {"smtp", "smtps", "smtp+tls"} or not _smtp.hostname:
        raise ValueError("DIGIGOV_SMTP_URL must look like smtp://host:25, smtp+tls://host:587 or smtps://user:pass@host:465")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _smtp.hostname
    EMAIL_PORT = _smtp.port or {"smtp": 25, "smtp+tls": 587, "smtps": 465}[_smtp.scheme]
    EMAIL_HOST_USER = unquote(_smtp.username or "")
    EMAIL_HOST_PASSWORD = unquote(_smtp.password or "")
    EMAIL_USE_SSL = _smtp.scheme == "smtps"
    EMAIL_USE_TLS = _smtp.scheme == "smtp+tls"
    EMAIL_TIMEOUT = 15
DIGIGOV_SMS_URL = os.environ.get("DIGIGOV_SMS_URL", "")
DIGIGOV_SMS_TOKEN = os.environ.get("DIGIGOV_SMS_TOKEN", "")
DIGIGOV_SMS_SENDER = os.environ.get("DIGIGOV_SMS_SENDER") or (
    "digigov.core.notify.senders.HttpSmsSender" if DIGIGOV_SMS_URL else "digigov.core.notify.senders.FileSender")
DIGIGOV_EMAIL_SENDER = os.environ.get("DIGIGOV_EMAIL_SENDER") or (
    "digigov.core.notify.senders.DjangoEmailSender" if DIGIGOV_SMTP_URL else "digigov.core.notify.senders.FileSender")
DIGIGOV_OTP_DAILY_CAP = int(os.environ.get("DIGIGOV_OTP_DAILY_CAP", "10"))
DIGIGOV_OTP_IP_HOURLY_CAP = int(os.environ.get("DIGIGOV_OTP_IP_HOURLY_CAP", "30"))
DIGIGOV_FACE_VERIFIER = os.environ.get("DIGIGOV_FACE_VERIFIER", "digigov.support.realname.face.DevelopmentFaceVerifier")
