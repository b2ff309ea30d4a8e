"""Start-up refuses an unsafe production configuration, with a message naming the setting.

Production = MAHALLA_DEMO is not 1. Refused: no SECRET_KEY; SQLite while gunicorn runs more than
one worker (SQLite serves one process; gunicorn.conf.py tells the app its worker count in
MAHALLA_WEB_WORKERS); ``SESSION_COOKIE_SECURE=0`` set explicitly while PREFERRED_URL_SCHEME is
https (with https the cookie is Secure by default); the demo accounts with the demo password.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask


class UnsafeConfiguration(RuntimeError):
    """The configuration is not safe for production; the message names the setting to change."""


def configuration_problems(config: Mapping[str, Any], *, web_workers: int = 1) -> list[str]:
    """What is wrong without looking into the database."""
    if config.get("MAHALLA_DEMO") or config.get("TESTING"):
        return []
    problems = []
    if not config.get("SECRET_KEY"):
        problems.append("SECRET_KEY is not set: set it to a long random value (or MAHALLA_DEMO=1 for the demo)")
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite") and web_workers > 1:
        problems.append(
            f"DATABASE_URL is SQLite while gunicorn runs {web_workers} workers: SQLite serves one process; "
            "use PostgreSQL (DATABASE_URL=postgresql://…) or --workers 1"
        )
    if config.get("PREFERRED_URL_SCHEME") == "https" and config.get("SESSION_COOKIE_SECURE_SETTING") == "0":
        problems.append(
            "SESSION_COOKIE_SECURE=0 while PREFERRED_URL_SCHEME=https: the session cookie would also travel "
            "without TLS; remove SESSION_COOKIE_SECURE (https makes the cookie Secure) or set it to 1"
        )
    return problems


def demo_accounts_present() -> list[str]:
    """The demo users that exist with the demo password (none on a real deployment)."""
    from sqlalchemy import inspect, select
    from werkzeug.security import check_password_hash

    from devtools.demo.seed import DEMO_PASSWORD, USERS
    from webapp.extensions import db
    from webapp.platform.auth.models import User

    if not inspect(db.engine).has_table(User.__tablename__):
        return []
    names = [str(user["username"]) for user in USERS]
    try:
        rows = db.session.execute(select(User.username, User.password_hash).where(User.username.in_(names))).all()
    finally:
        db.session.remove()
    return sorted(name for name, digest in rows if check_password_hash(digest, DEMO_PASSWORD))


def refuse_unsafe_configuration(app: Flask, *, web_workers: int | None = None) -> None:
    """Raise UnsafeConfiguration naming every unsafe setting (nothing in the demo or in tests)."""
    workers = web_workers if web_workers is not None else int(os.environ.get("MAHALLA_WEB_WORKERS", "1") or 1)
    problems = configuration_problems(app.config, web_workers=workers)
    if not problems and not (app.config.get("MAHALLA_DEMO") or app.config.get("TESTING")):
        with app.app_context():
            present = demo_accounts_present()
        if present:
            problems.append(
                f"demo accounts with the demo password exist ({', '.join(present)}) while MAHALLA_DEMO is not 1: "
                "remove them or change their passwords, or set MAHALLA_DEMO=1 for a demo"
            )
    if problems:
        raise UnsafeConfiguration("refusing to start: " + "; ".join(problems))
