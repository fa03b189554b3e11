"""Every setting in one place, read from SUMMIT_* environment variables."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
# A wheel carries templates/ and migrations/ inside the package (setup.py copies them there);
# a checkout (an editable install too) keeps them at the top of the repository.
INSTALLED = (PACKAGE_DIR / "migrations" / "env.py").is_file()


def resource_dir(name: str) -> Path:
    """templates/ or migrations/, wherever this copy of the application keeps them."""
    return PACKAGE_DIR / name if INSTALLED else PROJECT_DIR / name


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def instance_dir() -> Path:
    # An installed wheel must not write into site-packages: its default is ./instance.
    default = Path.cwd() / "instance" if INSTALLED else PROJECT_DIR / "instance"
    path = Path(os.environ.get("SUMMIT_INSTANCE_DIR") or default)
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(folder: Path) -> str:
    """SUMMIT_SECRET_KEY, or a key generated once and kept in the instance folder.

    Every worker and host that shares the instance folder then signs with the same key.
    """
    key = os.environ.get("SUMMIT_SECRET_KEY")
    if key:
        return key
    path = folder / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # another worker wrote it first: use theirs
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def from_env(overrides: dict | None = None) -> dict:
    folder = instance_dir()
    db_url = os.environ.get("SUMMIT_DATABASE_URL") or f"sqlite:///{folder / 'summit.db'}"
    redis_url = os.environ.get("SUMMIT_REDIS_URL")
    config = {
        "SECRET_KEY": secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Seconds. A database that refuses or hangs fails a request within the connect timeout
        # (a 503 page); a statement (or, on SQLite, the wait for another writer's lock) that
        # takes longer than the statement timeout is cancelled. 0: no statement timeout.
        "DB_CONNECT_TIMEOUT": float(os.environ.get("SUMMIT_DB_CONNECT_TIMEOUT") or 3),
        "DB_STATEMENT_TIMEOUT": float(os.environ.get("SUMMIT_DB_STATEMENT_TIMEOUT") or 10),
        "INSTANCE_DIR": str(folder),
        # The storage root (summit.core.storage): uploads, generated PDFs, import files. Hosts
        # share it as one volume. SUMMIT_UPLOAD_DIR is its older name.
        "UPLOAD_DIR": os.environ.get("SUMMIT_STORAGE_DIR") or os.environ.get("SUMMIT_UPLOAD_DIR")
        or str(folder / "uploads"),
        "REDIS_URL": redis_url,
        # Flask-Limiter keeps its counters in Redis when there is one, so that
        # two workers or two hosts share them.
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": _bool(os.environ.get("SUMMIT_RATELIMIT"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("SUMMIT_LOGIN_RATE_LIMIT", "10 per minute"),
        # Named limits for features: limiter.limit(summit.core.security.rate_limit("checkin")).
        # Per client address; a venue's Wi-Fi puts many phones behind one address.
        "REGISTRATION_RATE_LIMIT": os.environ.get("SUMMIT_RATE_LIMIT_REGISTRATION", "30 per minute"),
        "CHECKIN_RATE_LIMIT": os.environ.get("SUMMIT_RATE_LIMIT_CHECKIN", "600 per minute"),
        "SCORING_RATE_LIMIT": os.environ.get("SUMMIT_RATE_LIMIT_SCORING", "300 per minute"),
        "API_RATE_LIMIT": os.environ.get("SUMMIT_RATE_LIMIT_API", "300 per minute"),
        # Proxies (nginx) in front of the app: their X-Forwarded-For/-Proto are trusted, so
        # rate limits see the client's address and HSTS sees HTTPS.
        "PROXY_COUNT": int(os.environ.get("SUMMIT_PROXY_COUNT", "0")),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ["zh_CN", "en"],
        "BOOTSTRAP_SERVE_LOCAL": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SUMMIT_SECURE_COOKIES")),
        "REMEMBER_COOKIE_SECURE": _bool(os.environ.get("SUMMIT_SECURE_COOKIES")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("SUMMIT_MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "MAIL_SERVER": os.environ.get("SUMMIT_MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("SUMMIT_MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("SUMMIT_MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("SUMMIT_MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool(os.environ.get("SUMMIT_MAIL_USE_TLS")),
        # When queued mail goes out: "task" (a task for the workers as soon as the transaction
        # that queued it commits) or "off" (only the workers' retry round and `summit send-mail`).
        "MAIL_DISPATCH": os.environ.get("SUMMIT_MAIL_DISPATCH"),
        "MAIL_SENDER": os.environ.get("SUMMIT_MAIL_SENDER", "千山峰会组委会 <noreply@qianshan-summit.local>"),
        # Where links in mail and QR codes point. Unset: where each request came (summit.core.links).
        "PUBLIC_BASE_URL": os.environ.get("SUMMIT_PUBLIC_BASE_URL") or None,
        # Host names the app answers to (Flask refuses others with 400), so that a forged Host
        # header cannot put another site into the links of mail built during a request.
        "TRUSTED_HOSTS": [h.strip() for h in os.environ["SUMMIT_TRUSTED_HOSTS"].split(",") if h.strip()]
        if os.environ.get("SUMMIT_TRUSTED_HOSTS") else None,
        "LOG_FORMAT": os.environ.get("SUMMIT_LOG_FORMAT", "json"),
        "LOG_LEVEL": os.environ.get("SUMMIT_LOG_LEVEL", "INFO"),
        # Werkzeug's method for new password hashes. The test suite sets a cheap one: scrypt's
        # 0.15 s for each account made and each login added minutes to it.
        "PASSWORD_HASH_METHOD": os.environ.get("SUMMIT_PASSWORD_HASH_METHOD", "scrypt"),
        # The task queue (summit.core.queue): Redis when there is one, else a folder under the
        # instance directory that a worker on the same host reads (`make run` starts one).
        "BROKER_URL": os.environ.get("SUMMIT_BROKER_URL") or redis_url,
        # Seconds before Redis hands a task whose worker died (kill -9, a lost host) to another
        # worker. Every task is much shorter: batches run as chunks of a few seconds each.
        "TASK_VISIBILITY_TIMEOUT": int(os.environ.get("SUMMIT_TASK_VISIBILITY_TIMEOUT", "240")),
        # Run tasks at once in the caller (the test suite): no broker, no worker.
        "TASKS_EAGER": _bool(os.environ.get("SUMMIT_TASKS_EAGER")),
        # Badges per chunk of a batch: one task renders one chunk.
        "BATCH_CHUNK": int(os.environ.get("SUMMIT_BATCH_CHUNK", "50")),
        # A running job that no worker touched for this long is shown as waiting for one.
        "JOB_QUIET_SECONDS": int(os.environ.get("SUMMIT_JOB_QUIET_SECONDS", "60")),
        # A pool process that grew beyond this (WeasyPrint keeps fonts and caches) is replaced
        # after its task.
        "WORKER_MAX_MEMORY_KB": int(os.environ.get("SUMMIT_WORKER_MAX_MEMORY_MB", "600")) * 1024,
    }
    if overrides:
        config.update(overrides)
    return config
