"""Checks on every signed-in page request: the session ends after ``SESSION_IDLE_MINUTES`` without a
request, and a user who must change their password (reset by an admin) sees nothing else first."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

# Pages a user who must change their password may still open.
OPEN_ENDPOINTS = frozenset({"static", "auth.login", "auth.logout", "auth.language", "account.password"})


def _guard() -> Any:
    if request.path.startswith(("/api/", "/open311/", "/static/")) or not current_user.is_authenticated:
        return None
    from flask import current_app

    now = time.time()
    seen = session.get("seen")
    idle = 60 * int(current_app.config["SESSION_IDLE_MINUTES"])
    if isinstance(seen, int | float) and now - seen > idle:
        logout_user()
        session.clear()
        flash(_("Your session ended after a period of inactivity. Please log in again."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    if not isinstance(seen, int | float) or now - seen > 60:  # rewrite the cookie at most once a minute
        session["seen"] = now
    if current_user.must_change_password and request.endpoint not in OPEN_ENDPOINTS:
        return redirect(url_for("account.password"))
    return None


def init_app(app: Flask) -> None:
    app.before_request(_guard)
