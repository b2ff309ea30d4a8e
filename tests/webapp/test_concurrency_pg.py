"""Two completions of the same task at the same moment: exactly one wins, the other gets 409."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from tests.conftest import World, require_postgres
from webapp.cases.models import CaseEvent, PendingTask, ProcessInstance
from webapp.cases.tasks.service import tasks_of_appeal
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.extensions import db
from webapp.platform.auth.service import issue_token

ANSWER = {"kind": "ariza", "category": "other", "urgency": "normal", "anonymous": False, "within_competence": True}


def test_simultaneous_completions_one_wins(app: Flask, world: World) -> None:
    require_postgres(app)
    appeal = register_appeal(
        NewAppeal(
            mahalla=world.mahalla,
            kind="ariza",
            text="Ko'chada chiroq yo'q, iltimos yordam bering.",
            channel="walk_in",
            applicant_name="Test",
        ),
        world.inspector,
    )
    task_id = tasks_of_appeal(appeal.id)[0].id
    token = issue_token(world.inspector)
    version_before = db.session.scalar(select(ProcessInstance.version).where(ProcessInstance.appeal_id == appeal.id))

    racers = {"racer-1", "racer-2"}
    barrier = threading.Barrier(2, timeout=10)

    def hold_until_both_ready(session: Session, *_args: Any) -> None:
        if threading.current_thread().name in racers and any(isinstance(o, ProcessInstance) for o in session.dirty):
            barrier.wait()

    statuses: dict[str, int] = {}

    def complete() -> None:
        response = app.test_client().post(
            f"/api/v1/tasks/{task_id}/complete", json=ANSWER, headers={"Authorization": f"Bearer {token}"}
        )
        statuses[threading.current_thread().name] = response.status_code

    event.listen(Session, "before_flush", hold_until_both_ready)
    try:
        threads = [threading.Thread(target=complete, name=name) for name in sorted(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        event.remove(Session, "before_flush", hold_until_both_ready)

    assert sorted(statuses.values()) == [200, 409], statuses
    db.session.expire_all()
    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal.id))
    assert record.version == version_before + 1
    completed = db.session.scalar(
        select(func.count())
        .select_from(CaseEvent)
        .where(CaseEvent.kind == "task_completed", CaseEvent.task_id == task_id)
    )
    assert completed == 1
    pending = list(db.session.scalars(select(PendingTask.name).where(PendingTask.appeal_id == appeal.id)))
    assert pending == ["analyse_appeal"]
