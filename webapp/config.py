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
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "0") == "1",
        # Attachments: up to 25 MB per appeal (webapp.intake.attachments.files), plus the form fields.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(26 * 1024 * 1024))),
        "ATTACHMENTS_DIR": env.get("ATTACHMENTS_DIR", str(PROJECT_ROOT / "instance" / "attachments")),
        "MAHALLA_DEMO": demo,
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Legal time (webapp/casework/appeals/deadlines.py): office hours in Tashkent, movable holidays (hayit).
        "WORKING_HOURS": env.get("MAHALLA_WORKING_HOURS", "09:00-18:00"),
        "HOLIDAYS": env.get("MAHALLA_HOLIDAYS", ""),
        # Reply letters (webapp/replies) and the notification outbox (webapp/platform/notifications/sender.py).
        "PDF_FONT_PATH": env.get("PDF_FONT_PATH", str(_default_pdf_font())),
        "SMTP_HOST": env.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(env.get("SMTP_PORT", "25")),
        "SMTP_USER": env.get("SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": env.get("SMTP_STARTTLS", "0") == "1",
        "SMTP_TIMEOUT": float(env.get("SMTP_TIMEOUT", "10")),
        "MAIL_FROM": env.get("MAIL_FROM", "noreply@mahalla.uz"),
        "SMS_GATEWAY": env.get("SMS_GATEWAY", "log"),
        # Exports (webapp/exports): longer lists are written by a background job into this folder.
        "EXPORT_JOB_THRESHOLD": int(env.get("MAHALLA_EXPORT_JOB_THRESHOLD", "5000")),
        "EXPORTS_DIR": env.get("MAHALLA_EXPORTS_DIR", str(PROJECT_ROOT / "instance" / "exports")),
        # The prevention registry: days after removal until a record is anonymised (5 years).
        "PREVENTION_RETENTION_DAYS": int(env.get("PREVENTION_RETENTION_DAYS", str(5 * 365 + 1))),
    }
    return config
