"""Every API token and Open311 key, for the admins' access page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.intake.open311.models import Open311Client
from webapp.platform.auth.models import ApiToken
from webapp.platform.pagination import Page, paginate

TOKENS_PER_PAGE = 50


def active_tokens(page: int) -> Page:
    """One page of the active tokens, newest first (a national deployment has thousands)."""
    query = (
        select(ApiToken)
        .where(ApiToken.revoked_at.is_(None))
        .options(joinedload(ApiToken.user))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return paginate(query, page, TOKENS_PER_PAGE)


def token(token_id: int) -> ApiToken | None:
    return db.session.get(ApiToken, token_id)


def open311_clients() -> list[Open311Client]:
    return list(
        db.session.scalars(select(Open311Client).order_by(Open311Client.revoked_at.is_not(None), Open311Client.name))
    )


def open311_client(client_id: int) -> Open311Client | None:
    return db.session.get(Open311Client, client_id)
