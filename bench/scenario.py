"""Shared set-up for the benchmarks: a fresh schema (by migrations), a small world, cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import delete, select

# Dates answered on a task must fall within the ranges the diagrams name (not before registration).
TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=5))).date().isoformat()

ANSWERS: dict[str, dict[str, Any]] = {
    "check_registration": {
        "kind": "shikoyat",
        "category": "public_safety",
        "urgency": "normal",
        "anonymous": False,
        "within_competence": True,
    },
    "analyse_appeal": {
        "causes": "Joyida o'rganildi, sabablari aniqlandi.",
        "severity": "medium",
        "crime_related": False,
        "leave_as_repeated": False,
        "social_need": False,
        "extra_study_needed": False,
    },
    "take_measures": {
        "measures": "prevention_talk",
        "measures_description": "Profilaktik suhbat o'tkazildi.",
        "measures_date": TODAY,
        "problem_resolved": True,
    },
    "prepare_reply": {"reply_text": "Hurmatli fuqaro, murojaatingiz ko'rib chiqildi.", "reply_channel": "letter"},
    "approve_reply": {"reply_approved": False, "reply_comment": "Qayta ko'rib chiqing."},
}

# A complaint walked through every stage: registration, analysis, measures, the reply (approved by
# the supervisor, then the result recorded, which writes the reply letter) and the monitoring stage.
WALK_ANSWERS: dict[str, dict[str, Any]] = {
    **ANSWERS,
    "approve_reply": {"reply_approved": True, "reply_comment": ""},
    "record_result": {"result": "satisfied", "reply_date": TODAY, "result_note": ""},
    "evaluate_effectiveness": {
        "effective": True,
        "effectiveness_score": 4,
        "recurring_issue": False,
        "recommendation": "",
    },
}

START_DATA = {
    "kind": "shikoyat",
    "category": "other",
    "urgency": "normal",
    "anonymous": False,
    "representative_without_poa": False,
    "channel": "api",
    "mahalla": "BM",
    "appeal_number": "2026-000001",
    "deadline_term": "P15D",
    # Timer values the application keeps on every case (webapp/cases/timer_data.py); far ahead, so no
    # timer fires while the benchmark runs.
    "deadline_at": "2099-01-01T00:00:00+05:00",
    "reminder_at": "2098-12-30T00:00:00+05:00",
}
TEXT = "Ko'chamizdagi chiroqlar yonmaydi, kechqurun yurish xavfli bo'lib qoldi."


def build_world(database_url: str) -> Flask:
    """An app on a fresh schema built by the migrations, with one district, mahalla and two users."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.extensions import db
    from webapp.platform.auth.models import Role, User
    from webapp.platform.auth.service import hash_password
    from webapp.platform.territory.models import District, Mahalla, Region

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": _driver(database_url)})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        region = Region(code="BR", name="Bench region")
        district = District(code="BD", name="Bench district", region=region)
        mahalla = Mahalla(code="BM", name="Bench MFY", district=district)
        password = hash_password("bench")
        db.session.add_all(
            [
                region,
                district,
                mahalla,
                User(
                    username="bench_inspector",
                    full_name="Bench Inspector",
                    role=Role.INSPECTOR.value,
                    password_hash=password,
                    mahallas=[mahalla],
                ),
                User(
                    username="bench_supervisor",
                    full_name="Bench Supervisor",
                    role=Role.SUPERVISOR.value,
                    password_hash=password,
                    district=district,
                ),
            ]
        )
        db.session.commit()
    return app


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


def users() -> tuple[Any, Any]:
    from webapp.extensions import db
    from webapp.platform.auth.models import User

    inspector = db.session.scalar(select(User).where(User.username == "bench_inspector"))
    supervisor = db.session.scalar(select(User).where(User.username == "bench_supervisor"))
    return inspector, supervisor


def new_cases(count: int) -> list[int]:
    """Register ``count`` complaints; each waits at its first task (check_registration)."""
    from webapp.casework.appeals.service import NewAppeal, register_appeal
    from webapp.extensions import db
    from webapp.platform.territory.models import Mahalla

    inspector, _supervisor = users()
    mahalla = db.session.scalar(select(Mahalla).where(Mahalla.code == "BM"))
    ids = []
    for index in range(count):
        appeal = register_appeal(
            NewAppeal(mahalla=mahalla, kind="shikoyat", text=TEXT, channel="api", applicant_name=f"Fuqaro {index}"),
            inspector,
        )
        ids.append(appeal.id)
    return ids


def appeal_numbers(appeal_ids: list[int]) -> list[str]:
    from webapp.casework.appeals.models import Appeal
    from webapp.extensions import db

    numbers = dict(db.session.execute(select(Appeal.id, Appeal.number).where(Appeal.id.in_(appeal_ids))).all())
    return [numbers[appeal_id] for appeal_id in appeal_ids]


def complete_named(appeal_id: int, task_name: str) -> None:
    from webapp.cases.tasks.service import tasks_of_appeal
    from webapp.casework.appeals.runtime import complete_task

    inspector, supervisor = users()
    pending = next(t for t in tasks_of_appeal(appeal_id) if t.name == task_name)
    complete_task(pending, supervisor if pending.role == "supervisor" else inspector, ANSWERS[task_name])


def long_case_tasks(completed: int = 200) -> list[str]:
    """``completed`` (even, at least 4) user tasks ending with a drafted reply: the case waits at approve_reply."""
    rounds = max(completed - 4, 0) // 2
    return [
        "check_registration",
        "analyse_appeal",
        "take_measures",
        *["prepare_reply", "approve_reply"] * rounds,
        "prepare_reply",
    ]


def long_case(completed: int = 200) -> int:
    """A complaint with ``completed`` completed tasks (its reply sent back again and again), at approve_reply."""
    appeal_id = new_cases(1)[0]
    for name in long_case_tasks(completed):
        complete_named(appeal_id, name)
    return appeal_id


def instance_snapshot(appeal_id: int) -> tuple[str, int]:
    from webapp.cases.models import ProcessInstance
    from webapp.extensions import db

    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal_id))
    return record.state, record.version


def restore_snapshot(appeal_id: int, state: str) -> None:
    """Put a case back to an earlier state (and its pending tasks), outside any measurement."""
    from engine import Instance
    from webapp.analytics.bottlenecks.models import TaskTiming
    from webapp.cases.models import PendingTask, ProcessInstance
    from webapp.cases.versions import library_for
    from webapp.casework.appeals.models import Appeal
    from webapp.extensions import db

    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal_id))
    appeal = db.session.get(Appeal, appeal_id)
    record.state = state
    db.session.execute(delete(PendingTask).where(PendingTask.instance_id == record.id))
    instance = Instance.restore(library_for(record.process_version), state)
    ready = instance.ready_user_tasks()
    # The timing of a task completed in an earlier round goes too: the task is waiting again.
    db.session.execute(delete(TaskTiming).where(TaskTiming.task_id.in_([task.id for task in ready])))
    for task in ready:
        db.session.add(
            PendingTask(
                id=task.id,
                instance_id=record.id,
                appeal_id=appeal_id,
                name=task.name,
                title=task.title,
                role=task.lane or "",
                mahalla_id=appeal.mahalla_id,
                district_id=appeal.district_id,
                due_date=dt.date.today(),
            )
        )
    db.session.commit()


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends meanwhile (a SQLAlchemy event on the Engine class)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)
