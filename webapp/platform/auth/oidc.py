"""Single sign-on through OpenID Connect (Authlib's Flask client): the identity provider of the
deployment (``OIDC_ISSUER``, discovered from its ``/.well-known/openid-configuration``) signs the
user in; the claim ``OIDC_USER_CLAIM`` (default ``preferred_username``) is mapped to the local
user whose ``sso_subject`` equals it, else whose username does. Unknown or deactivated users are
refused; every attempt goes to the audit log. Off while ``OIDC_ISSUER`` is empty."""

from __future__ import annotations

import time
from typing import Any

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, abort, current_app, flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import login_user
from sqlalchemy import or_, select

from webapp.extensions import db
from webapp.platform.audit.service import record_now
from webapp.platform.auth.models import User

blueprint = Blueprint("sso", __name__)
CLIENT = "sso"


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def _client() -> Any:
    """The OAuth client for the configured provider (registered on first use, per issuer)."""
    oauth: OAuth = current_app.extensions.setdefault("mahalla_oauth", OAuth(current_app))
    issuer = current_app.config["OIDC_ISSUER"].rstrip("/")
    name = f"{CLIENT}_{abs(hash((issuer, current_app.config['OIDC_CLIENT_ID'])))}"
    client = oauth.create_client(name)
    if client is None:
        client = oauth.register(
            name,
            client_id=current_app.config["OIDC_CLIENT_ID"],
            client_secret=current_app.config["OIDC_CLIENT_SECRET"],
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": current_app.config["OIDC_SCOPE"], "timeout": 10},
        )
    return client


def local_user(claims: dict[str, Any]) -> User | None:
    value = str(claims.get(current_app.config["OIDC_USER_CLAIM"]) or "").strip()
    if not value or len(value) > 200:
        return None
    query = select(User).where(or_(User.sso_subject == value, User.username == value.lower()))
    return db.session.scalars(query.order_by(User.sso_subject.is_(None))).first()


@blueprint.route("/login/sso")
def start() -> Any:
    if not enabled():
        abort(404)
    return _client().authorize_redirect(url_for("sso.callback", _external=True))


@blueprint.route("/login/sso/callback")
def callback() -> Any:
    if not enabled():
        abort(404)
    try:
        token = _client().authorize_access_token()
    except OAuthError:
        flash(_("Single sign-on failed. Try again or log in with your password."), "danger")
        return redirect(url_for("auth.login"))
    claims = dict(token.get("userinfo") or {})
    user = local_user(claims)
    subject = str(claims.get(current_app.config["OIDC_USER_CLAIM"]) or "")[:80]
    if user is None or not user.active:
        record_now("login_sso_refused", "user", subject, actor_id=user.id if user else None)
        flash(_("Your single sign-on account is not linked to an active user here. Ask an administrator."), "danger")
        return redirect(url_for("auth.login"))
    record_now("login_sso_succeeded", "user", user.username, actor_id=user.id)
    language = session.get("lang")
    session.clear()
    login_user(user)
    session["seen"] = time.time()
    if language:
        session["lang"] = language
    return redirect(url_for("tasks.inbox" if user.has_role("inspector", "supervisor") else "tasks.home"))
