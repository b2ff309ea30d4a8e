"""The demo that `make run` shows: it must build on the current diagrams, every time."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from devtools.demo.seed import seed
from webapp.cases.models import PendingTask, ProcessInstance, ProcessVersion
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.prevention.registry.models import PreventionPlan, SupervisedPerson

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
    instances = db.session.scalars(select(ProcessInstance.process_version_id))
    assert set(instances) == {versions[0].id}  # the demo cases run on the first version, ready to migrate
    plan_states = set(db.session.scalars(select(PreventionPlan.status)))
    assert plan_states == {"drafting", "awaiting_approval", "active", "completed"}
    assert set(db.session.scalars(select(SupervisedPerson.status))) == {"active", "removed"}
    assert seed() is False  # a second run changes nothing
    assert db.session.scalar(select(func.count()).select_from(Appeal)) == total
