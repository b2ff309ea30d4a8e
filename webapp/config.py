"""Configuration read from the environment when the app is created (never at import time)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = f"sqlite:///{PROJECT_ROOT / 'instance' / 'mahalla.sqlite3'}"
DEMO_SECRET_KEY = "demo-only-secret-key-change-me"  # noqa: S105 - used only when MAHALLA_DEMO=1


def _default_pdf_font() -> Path:
    """DejaVu Sans from the npm package copied by `make assets`; Debian's copy when that is absent."""
    bundled = PROJECT_ROOT / "webapp" / "static" / "vendor" / "fonts" / "DejaVuSans.ttf"
    return bundled if bundled.exists() else Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _normalise_database_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    env = dict(os.environ if environ is None else environ)
    demo = env.get("MAHALLA_DEMO", "0") == "1"
    secret = env.get("SECRET_KEY") or (DEMO_SECRET_KEY if demo else None)
    database_url = _normalise_database_url(env.get("DATABASE_URL", DEFAULT_SQLITE))
    scheme = env.get("PREFERRED_URL_SCHEME", "http")
    config: dict[str, Any] = {
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Pre-ping costs a round trip per request; recycle connections instead (PostgreSQL drops
        # idle ones only after hours). Set DATABASE_PRE_PING=1 behind a proxy that kills idle links.
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": env.get("DATABASE_PRE_PING", "0") == "1",
            "pool_recycle": 3600,
        },
        "PROCESSES_DIR": env.get("MAHALLA_PROCESSES_DIR", str(PROJECT_ROOT / "processes")),
        "BABEL_DEFAULT_LOCALE": "uz",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Tashkent",
        "LANGUAGES": ("uz", "ru", "en"),
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Behind HTTPS (PREFERRED_URL_SCHEME=https) the session cookie is Secure unless set otherwise
        # (and an explicit SESSION_COOKIE_SECURE=0 with https is refused in production).
        "PREFERRED_URL_SCHEME": scheme,
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "1" if scheme == "https" else "0") == "1",
        "REMEMBER_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "1" if scheme == "https" else "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE_SETTING": env.get("SESSION_COOKIE_SECURE", ""),
        # Operations (webapp/platform/observability): logs, /metrics access, the broker /readyz checks.
        "LOG_FORMAT": env.get("LOG_FORMAT", ""),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        "METRICS_ALLOWED_NETWORKS": env.get("METRICS_ALLOWED_NETWORKS", ""),
        "CELERY_BROKER_URL": env.get("CELERY_BROKER_URL", ""),
        # Attachments: up to 25 MB per appeal (webapp.intake.attachments.files), plus the form fields.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(26 * 1024 * 1024))),
        "ATTACHMENTS_DIR": env.get("ATTACHMENTS_DIR", str(PROJECT_ROOT / "instance" / "attachments")),
        # A file in a task form's file field: at most this many MB, whatever its diagram allows (≤ 20).
        "FORM_FILE_MAX_MB": int(env.get("FORM_FILE_MAX_MB", "10")),
        "MAHALLA_DEMO": demo,
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", ""),
        # The key of the citizens' access-code hashes (HMAC); by default derived from SECRET_KEY.
        "ACCESS_CODE_KEY": env.get("ACCESS_CODE_KEY", ""),
        # Sign-in throttling (webapp/platform/auth/lockout.py): failures per account and per address.
        "LOGIN_ACCOUNT_LIMIT": env.get("LOGIN_ACCOUNT_LIMIT", "10 per 15 minutes"),
        "LOGIN_ADDRESS_LIMIT": env.get("LOGIN_ADDRESS_LIMIT", "10 per 15 minutes"),
        "PASSWORD_MIN_LENGTH": int(env.get("PASSWORD_MIN_LENGTH", "10")),
        # A signed-in session ends after this many idle minutes.
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "30")),
        # Single sign-on through OpenID Connect (webapp/platform/auth/oidc.py); off without an issuer.
        "OIDC_ISSUER": env.get("OIDC_ISSUER", ""),
        "OIDC_CLIENT_ID": env.get("OIDC_CLIENT_ID", ""),
        "OIDC_CLIENT_SECRET": env.get("OIDC_CLIENT_SECRET", ""),
        "OIDC_USER_CLAIM": env.get("OIDC_USER_CLAIM", "preferred_username"),
        "OIDC_SCOPE": env.get("OIDC_SCOPE", "openid profile email"),
        # Legal time (webapp/casework/appeals/deadlines.py): office hours in Tashkent, movable holidays (hayit).
        "WORKING_HOURS": env.get("MAHALLA_WORKING_HOURS", "09:00-18:00"),
        "HOLIDAYS": env.get("MAHALLA_HOLIDAYS", ""),
        # Reply letters (webapp/replies) and the notification outbox (webapp/platform/notifications/sender.py).
        "PDF_FONT_PATH": env.get("PDF_FONT_PATH", str(_default_pdf_font())),
        # E-mail goes over SMTP only when SMTP_HOST is set (or MAIL_BACKEND=smtp); otherwise, and SMS
        # with the default gateway, into the local mailbox folder MAIL_DIR (stored, not sent).
        "MAIL_BACKEND": env.get("MAIL_BACKEND", ""),
        "MAIL_DIR": env.get("MAIL_DIR", str(PROJECT_ROOT / "instance" / "mailbox")),
        "SMTP_HOST": env.get("SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("SMTP_PORT", "25")),
        "SMTP_USER": env.get("SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": env.get("SMTP_STARTTLS", "0") == "1",
        "SMTP_TIMEOUT": float(env.get("SMTP_TIMEOUT", "10")),
        "MAIL_FROM": env.get("MAIL_FROM", "noreply@mahalla.uz"),
        "SMS_GATEWAY": env.get("SMS_GATEWAY", "local"),
        # Exports (webapp/exports): longer lists are written by a background job into this folder.
        "EXPORT_JOB_THRESHOLD": int(env.get("MAHALLA_EXPORT_JOB_THRESHOLD", "5000")),
        "EXPORTS_DIR": env.get("MAHALLA_EXPORTS_DIR", str(PROJECT_ROOT / "instance" / "exports")),
        # Diagram code runs in isolated engine processes under these limits per step (engine.sandbox).
        "STEP_CPU_SECONDS": float(env.get("MAHALLA_STEP_CPU_SECONDS", "3")),
        "STEP_WALL_SECONDS": float(env.get("MAHALLA_STEP_WALL_SECONDS", "6")),
        "STEP_MEMORY_MB": int(env.get("MAHALLA_STEP_MEMORY_MB", "256")),
        "SCRIPT_SECONDS": float(env.get("MAHALLA_SCRIPT_SECONDS", "1")),
        "CASE_FIELD_KB": int(env.get("MAHALLA_CASE_FIELD_KB", "256")),
        "CASE_DATA_KB": int(env.get("MAHALLA_CASE_DATA_KB", "1024")),
        # Uploaded import files between the dry run and the import (webapp/admin/imports).
        # The address of the service as users reach it, for links sent outside a request (imports, jobs).
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", ""),
        "IMPORTS_DIR": env.get("MAHALLA_IMPORTS_DIR", str(PROJECT_ROOT / "instance" / "imports")),
        # The prevention registry: days after removal until a record is anonymised (5 years).
        "PREVENTION_RETENTION_DAYS": int(env.get("PREVENTION_RETENTION_DAYS", str(5 * 365 + 1))),
    }
    # Rate limits of the public pages (webapp.intake.public.limits has the defaults).
    for name in ("PUBLIC_APPEAL_LIMIT", "TRACKING_IP_LIMIT", "TRACKING_NUMBER_LIMIT"):
        if env.get(name):
            config[name] = env[name]
    return config
