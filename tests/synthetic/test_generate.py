"""``mahalla generate``: realistic synthetic data whose open cases run on the real engine."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from devtools.demo.seed import _answer as demo_answer
from devtools.synthetic.service import Options, generate
from engine import Instance
from webapp.cases.models import CaseEvent, PendingTask, ProcessInstance
from webapp.cases.versions import current_version, library_for
from webapp.casework.appeals.models import Appeal, AppealNumberCounter, AppealRating
from webapp.casework.appeals.runtime import complete_task
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.timeutil import local_today

ALL_STATUSES = {"registered", "under_review", "forwarded", "resolved", "answered", "rejected"}


def _generate(appeals: int = 300, seed: int = 3) -> None:
    # A short history (about 10 weeks) so that a small run has open cases at every step.
    generate(Options(appeals=appeals, seed=seed, years=0.2, batch=120), echo=lambda _line: None)


def test_small_run_has_every_status_events_tasks_and_unique_numbers(app_context: None) -> None:
    _generate()
    # The seven real template cases come on top of the synthetic ones.
    assert db.session.scalar(select(func.count()).select_from(Appeal)) == 300 + 7
    statuses = set(db.session.scalars(select(Appeal.status).distinct()))
    assert statuses == ALL_STATUSES
    numbers = db.session.execute(select(func.count(Appeal.number), func.count(Appeal.number.distinct()))).one()
    assert numbers[0] == numbers[1]
    for year, last in db.session.execute(select(AppealNumberCounter.year, AppealNumberCounter.last_value)):
        assert last == db.session.scalar(select(func.max(Appeal.sequence)).where(Appeal.year == year))

    open_ids = set(db.session.scalars(select(Appeal.id).where(Appeal.is_open)))
    with_tasks = set(db.session.scalars(select(PendingTask.appeal_id).distinct()))
    assert open_ids and open_ids == with_tasks
    assert db.session.scalar(select(func.count()).where(PendingTask.is_overdue)) > 0
    closed = db.session.scalar(select(Appeal).where(Appeal.is_open.is_(False), Appeal.status == "answered"))
    assert closed is not None and closed.closed_at is not None
    kinds = [
        e.kind
        for e in db.session.scalars(
            select(CaseEvent).where(CaseEvent.appeal_id == closed.id).order_by(CaseEvent.occurred_at, CaseEvent.id)
        )
    ]
    assert kinds[:2] == ["registered", "process_started"] and kinds[-1] == "case_closed"
    assert kinds.count("task_completed") >= 5
    assert db.session.scalar(select(func.count()).select_from(AppealRating)) > 0
    assert db.session.scalar(select(func.count()).where(Appeal.is_repeated)) > 0

    # Territory and staff: Uzbek names, an inspector for every mahalla, a supervisor per district.
    assert db.session.scalar(select(func.count()).select_from(Mahalla)) == 6
    assert all(name.endswith("MFY") for name in db.session.scalars(select(Mahalla.name)))
    inspectors = db.session.scalar(select(func.count()).where(User.role == Role.INSPECTOR.value))
    assert inspectors == 6
    assert db.session.scalar(select(func.count()).select_from(District)) == db.session.scalar(
        select(func.count()).where(User.username.like("sup.%"))
    )


def test_a_second_run_adds_appeals_with_new_numbers(app_context: None) -> None:
    _generate(appeals=100, seed=1)
    _generate(appeals=100, seed=2)
    assert db.session.scalar(select(func.count()).select_from(Region)) == 1  # the territory is reused
    total, distinct = db.session.execute(select(func.count(Appeal.number), func.count(Appeal.number.distinct()))).one()
    assert total == distinct == 2 * (100 + 7)


def test_a_generated_open_case_completes_through_the_engine(app_context: None) -> None:
    _generate()
    template_ids = set(db.session.scalars(select(Appeal.id).order_by(Appeal.id).limit(7)))
    task = db.session.scalar(
        select(PendingTask)
        .where(PendingTask.name == "analyse_appeal", PendingTask.appeal_id.not_in(template_ids))
        .order_by(PendingTask.appeal_id)
    )
    assert task is not None
    appeal = db.session.get(Appeal, task.appeal_id)
    assert appeal is not None
    category, number, task_id = appeal.category, appeal.number, task.id
    inspector = db.session.get(User, task.assignee_id)
    assert inspector is not None
    state = db.session.scalar(select(ProcessInstance.state).where(ProcessInstance.appeal_id == appeal.id))
    assert number in state and task.id in state  # its own number and task ids, not the template's

    complete_task(task, inspector, demo_answer(task.name, appeal, {}, local_today()))

    db.session.expire_all()
    after = db.session.get(Appeal, appeal.id)
    assert after is not None and after.category == category and after.stage == 3
    names = set(db.session.scalars(select(PendingTask.name).where(PendingTask.appeal_id == appeal.id)))
    assert "take_measures" in names and "analyse_appeal" not in names
    done = db.session.scalar(select(CaseEvent).where(CaseEvent.task_id == task_id, CaseEvent.kind == "task_completed"))
    assert done is not None and done.actor_id == inspector.id


def test_every_generated_open_case_is_an_engine_state_of_its_own(app_context: None) -> None:
    _generate()
    library = library_for(current_version())
    template_ids = set(db.session.scalars(select(Appeal.id).order_by(Appeal.id).limit(7)))
    template_tasks = set(db.session.scalars(select(PendingTask.id).where(PendingTask.appeal_id.in_(template_ids))))
    rows = db.session.execute(
        select(Appeal, ProcessInstance.state)
        .join(ProcessInstance, ProcessInstance.appeal_id == Appeal.id)
        .where(Appeal.is_open, Appeal.id.not_in(template_ids))
    ).all()
    assert len(rows) > 20
    seen: set[str] = set()
    for appeal, state in rows:
        case = Instance.restore(library, state)
        ready = {task.id for task in case.ready_user_tasks()}
        pending = set(db.session.scalars(select(PendingTask.id).where(PendingTask.appeal_id == appeal.id)))
        assert ready == pending and ready
        assert not ready & seen and not ready & template_tasks  # task ids are the clone's own
        seen |= ready
        data = case.current_data()
        mahalla = db.session.get(Mahalla, appeal.mahalla_id)
        assert mahalla is not None
        assert (data["appeal_number"], data["category"], data["urgency"], data["channel"], data["mahalla"]) == (
            appeal.number,
            appeal.category,
            appeal.urgency,
            appeal.channel,
            mahalla.code,
        )


def test_default_mahalla_count_scales_with_the_appeals(app: Flask) -> None:
    assert Options(appeals=1_000_000).mahalla_count() == 2000
    assert Options(appeals=150_000).mahalla_count() == 1000
    assert Options(appeals=300).mahalla_count() == 6
    assert Options(appeals=300, mahallas=40).mahalla_count() == 40


def test_the_command_reports_what_it_generated(app: Flask, app_context: None) -> None:
    result = app.test_cli_runner().invoke(args=["generate", "--appeals", "40", "--years", "0.1", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "territory: 1 regions, 1 districts, 6 mahallas" in result.output
    assert "generated 40 appeals" in result.output
    assert app.test_cli_runner().invoke(args=["generate", "--appeals", "0"]).exit_code == 2  # a clear usage error
