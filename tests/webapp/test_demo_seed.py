"""The demo that `make run` shows: it must build on the current diagrams, every time."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from webapp.appeals.models import Appeal
from webapp.demo.seed import seed
from webapp.extensions import db
from webapp.workflow.models import PendingTask, ProcessInstance

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
    assert seed() is False  # a second run changes nothing
    assert db.session.scalar(select(func.count()).select_from(Appeal)) == total
