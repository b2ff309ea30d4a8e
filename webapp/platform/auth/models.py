"""Users, their roles and territories, and API tokens."""

from __future__ import annotations

import datetime as dt
import enum

from flask_login import UserMixin
from sqlalchemy import Column, DateTime, ForeignKey, String, Table
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.timeutil import utcnow


class Role(enum.StrEnum):
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    METHODOLOGIST = "methodologist"
    ADMIN = "admin"
    # Youth affairs adviser (yoshlar masalalari bo'yicha maslahatchi): serves mahallas like an inspector.
    YOUTH_ADVISER = "youth_adviser"


# Lanes in the diagrams are named after these roles.
# "partner": staff of the partner organisation a referral goes to (webapp/cooperation/referrals).
PARTNER_LANE = "partner"
LANE_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, PARTNER_LANE)

user_mahallas = Table(
    "user_mahallas",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("mahalla_id", ForeignKey("mahallas.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Staff imported or reset by an admin sign in through a set-password link, then must change it.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Single sign-on: the identity provider's claim value mapped to this user (unique when set).
    sso_subject: Mapped[str | None] = mapped_column(String(200), unique=True)

    region: Mapped[Region | None] = relationship()
    district: Mapped[District | None] = relationship()
    mahallas: Mapped[list[Mahalla]] = relationship(secondary=user_mahallas, order_by="Mahalla.name")

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class ApiToken(db.Model):  # type: ignore[name-defined,misc]
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # "full" (everything the user may do) or "read" (GET only).
    scope: Mapped[str] = mapped_column(String(20), default="full")
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class PasswordLink(db.Model):  # type: ignore[name-defined,misc]
    """A one-time set-password link (only the hash of its token is stored)."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
