"""Shared set-up for the benchmarks: a fresh schema (by migrations), a small world, cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from sqlalchemy import delete, select

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
        "social_need": False,
        "extra_study_needed": False,
    },
    "take_measures": {
        "measures": "prevention_talk",
        "measures_description": "Profilaktik suhbat o'tkazildi.",
        "measures_date": "2026-11-20",
        "problem_resolved": True,
    },
    "prepare_reply": {"reply_text": "Hurmatli fuqaro, murojaatingiz ko'rib chiqildi.", "reply_channel": "letter"},
    "approve_reply": {"reply_approved": False, "reply_comment": "Qayta ko'rib chiqing."},
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
}
# 200 completed user tasks: three to reach the reply, the reply sent back 98 times, then drafted again;
# the case then waits at approve_reply.
LONG_CASE_TASKS = [
    "check_registration",
    "analyse_appeal",
    "take_measures",
    *["prepare_reply", "approve_reply"] * 98,
    "prepare_reply",
]

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


def complete_named(appeal_id: int, task_name: str) -> None:
    from webapp.cases.service import complete_task
    from webapp.cases.tasks.service import tasks_of_appeal

    inspector, supervisor = users()
    pending = next(t for t in tasks_of_appeal(appeal_id) if t.name == task_name)
    complete_task(pending, supervisor if pending.role == "supervisor" else inspector, ANSWERS[task_name])


def long_case() -> int:
    """A complaint with 200 completed tasks (its reply sent back again and again), at approve_reply."""
    appeal_id = new_cases(1)[0]
    for name in LONG_CASE_TASKS:
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
    from webapp.cases.models import PendingTask, ProcessInstance
    from webapp.cases.service import library_for
    from webapp.casework.appeals.models import Appeal
    from webapp.extensions import db

    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal_id))
    appeal = db.session.get(Appeal, appeal_id)
    record.state = state
    db.session.execute(delete(PendingTask).where(PendingTask.instance_id == record.id))
    instance = Instance.restore(library_for(record.process_version), state)
    for task in instance.ready_user_tasks():
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
