"""The demo that `make run` shows: it must build on the current diagrams, every time."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from devtools.demo.seed import DEMO_PASSWORD, seed
from webapp.cases.models import PendingTask, ProcessInstance, ProcessVersion
from webapp.casework.appeals.models import Appeal
from webapp.cooperation.chairs.service import chair_appeals
from webapp.cooperation.partners import service as partners
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.prevention.registry.models import PreventionPlan, SupervisedPerson


def organisation_name(username: str) -> str | None:
    user = db.session.scalar(select(User).where(User.username == username))
    assert user is not None and check_password_hash(user.password_hash, DEMO_PASSWORD)
    found = partners.organisation_id_of(user)
    return partners.organisation(found).name if found is not None else None  # type: ignore[union-attr]


LIVE = select(func.count()).select_from(Appeal).where(Appeal.id.in_(select(ProcessInstance.appeal_id)))


def test_seed_demo_builds_appeals_at_every_stage_once(app: Flask, app_context: None) -> None:
    assert seed() is True
    assert db.session.scalar(LIVE) == 44  # driven through the diagrams
    total = db.session.scalar(select(func.count()).select_from(Appeal))
    assert total is not None and total > 44 + 100  # plus the closed archive of the past months
    stages = set(db.session.scalars(select(Appeal.stage).where(Appeal.is_open.is_(True))))
    assert stages == {1, 2, 3, 4, 5}
    assert db.session.scalar(select(func.count()).select_from(Appeal).where(Appeal.is_open.is_(False))) >= 8
    assert db.session.scalar(select(func.count()).select_from(PendingTask)) > 20
    versions = list(
        db.session.scalars(
            select(ProcessVersion).where(ProcessVersion.process_id == "appeal_lifecycle").order_by(ProcessVersion.id)
        )
    )
    assert [v.note for v in versions][1:] == ["Tahlil muddati 2 kunga qisqartirildi"]  # the revision to compare
    instances = db.session.scalars(
        select(ProcessInstance.process_version_id).where(ProcessInstance.subject_kind == "appeal")
    )
    assert set(instances) == {versions[0].id}  # the demo cases run on the first version, ready to migrate
    plan_states = set(db.session.scalars(select(PreventionPlan.status)))
    assert plan_states == {"drafting", "awaiting_approval", "active", "completed"}
    assert set(db.session.scalars(select(SupervisedPerson.status))) == {"active", "removed"}
    chilonzor_partners = {u: organisation_name(u) for u in ("police1", "social1", "rais1")}
    assert chilonzor_partners == {
        "police1": "Chilonzor tumani IIB",
        "social1": "Chilonzor tumani ijtimoiy himoya bo'limi",
        "rais1": "Bunyodkor MFY fuqarolar yig'ini",
    }
    rais = db.session.scalar(select(User).where(User.username == "rais1"))
    assert rais is not None
    shown = chair_appeals(rais, limit=500)
    # The chair of Bunyodkor has something to read (2 appeals today), all in the default shared categories.
    assert shown and len({a.mahalla for a in shown}) == 1
    assert {a.category for a in shown} <= {"social_assistance", "utilities", "public_safety"}
    assert seed() is False  # a second run changes nothing
    assert db.session.scalar(select(func.count()).select_from(Appeal)) == total
