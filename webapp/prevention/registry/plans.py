"""Individual prevention plans run on the engine, one transaction per action.

A plan lives for years, so it never runs as one long engine instance. Each phase runs as a fresh
instance of ``processes/prevention/prevention_plan.bpmn`` ("continue as new"): the draft (drafting
and approval, with returns), then one instance per quarter (three monthly check-ins and the
supervisor's evaluation). When an instance ends, the service starts the next one with the plan's
data carried forward, so the live state and the cost of a step stay the same in year five as in
month one, and the engine's task tree never gets deep.

The plan is a subject of the case runtime (webapp.cases.instances): its state is the process
instance keyed (prevention_plan, id) and written under the same optimistic lock as an appeal's,
its tasks are pending tasks (the inbox, the API, reassignment and cover see them), its history is
case events, and a diagram failure makes it an incident like any case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import joinedload

from engine import (
    FieldError,
    FormDefinition,
    FormInvalid,
    Instance,
    ReadyTask,
    TaskNotReady,
    validate_submission,
)
from webapp.cases.cover.service import stand_in
from webapp.cases.events import EventLog
from webapp.cases.hooks import ANY_TASK, TaskCompletion, after_task, run_hooks
from webapp.cases.incidents import (
    BLOCKED,
    INCIDENT,
    clear_incident,
    failed_submission,
    json_safe,
    record_subject_incident,
)
from webapp.cases.instances import (
    CaseNotRunning,
    CaseRow,
    Conflict,
    StepFailed,
    Subject,
    add_instance,
    live_instance,
    log_subject_event,
    run_engine,
    save_state,
    subject_tasks,
    sync_tasks,
)
from webapp.cases.models import PREVENTION_PLAN, PendingTask, ProcessInstance, ProcessVersion
from webapp.cases.subjects import SubjectKind, districts, register_subject
from webapp.cases.timings import record_task_timing
from webapp.cases.versions import (
    latest_version,
    library_for,
    publish_files,
    read_process_directory,
    register_sample_start,
)
from webapp.casework.appeals.deadlines import add_months, add_term
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import District
from webapp.platform.timeutil import local_today, utcnow
from webapp.platform.transaction import transaction
from webapp.prevention.registry.journal import log_access, log_event
from webapp.prevention.registry.labels import MEASURES
from webapp.prevention.registry.models import PersonStatus, PlanStatus, PreventionPlan, SupervisedPerson
from webapp.prevention.registry.service import RUNNING_PLAN_STATUSES, link_writes, removal_writes

PLAN_PROCESS = "prevention_plan"
PLAN_NAME = "Yakka tartibdagi profilaktika rejasi"  # the process name in the diagram
PLAN_FOLDER = "prevention"
# What a new cycle carries forward from the one that ended: the approved plan itself.
CARRIED = (*MEASURES, "plan_goals", "plan_months")
DEFAULT_PERIOD_MONTHS = 12
# The data a plan's first phase starts with (also what the studio's sandbox offers for a test run).
FIRST_PHASE = {"phase": "draft", "cycle": 0, "checkins_in_cycle": 0}
register_sample_start(PLAN_PROCESS, FIRST_PHASE)


# A plan's conflicts and diagram failures are the runtime's own (kept under these names for callers).
PlanConflict = Conflict
PlanStepFailed = StepFailed


@dataclass(frozen=True)
class PlanStep:
    plan: PreventionPlan
    task_name: str
    outcome: str
    data: dict[str, Any]


def plan_version() -> ProcessVersion:
    """The newest published plan diagram; on an empty database, publish the bundled one."""
    version = latest_version(PLAN_PROCESS)
    if version is None:
        folder = Path(current_app.config["PROCESSES_DIR"]) / PLAN_FOLDER
        version = publish_files(PLAN_PROCESS, read_process_directory(folder), note="bundled prevention plan")
    return version


def subject(plan_id: int) -> Subject:
    return Subject(PREVENTION_PLAN, plan_id)


def _moment(day: dt.date | None) -> dt.datetime:
    """When a step happened: now, or noon of an explicitly given day (seeding, tests)."""
    if day is None:
        return utcnow()
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)


# --- reading ------------------------------------------------------------------------------------


_PLAN_TASK = PendingTask.subject_kind == PREVENTION_PLAN


def task_scope(user: User) -> ColumnElement[bool]:
    """Condition on PendingTask: the plan tasks the user does (inspector: assigned; supervisor: territory)."""
    if user.role == Role.INSPECTOR:
        return _PLAN_TASK & (PendingTask.role == Role.INSPECTOR.value) & (PendingTask.assignee_id == user.id)
    if user.role == Role.SUPERVISOR:
        in_role = _PLAN_TASK & (PendingTask.role == Role.SUPERVISOR.value)
        if user.district_id is not None:
            return in_role & (PendingTask.district_id == user.district_id)
        if user.region_id is not None:
            regional = select(District.id).where(District.region_id == user.region_id).scalar_subquery()
            return in_role & PendingTask.district_id.in_(regional)
    return false()


@dataclass(frozen=True)
class PlanTaskLine:
    """A plan task in the inbox's plan panel: the task and its plan (with person and mahalla)."""

    task: PendingTask
    plan: PreventionPlan


def plan_tasks_for(user: User, limit: int = 100) -> list[PlanTaskLine]:
    rows = db.session.execute(
        select(PendingTask, PreventionPlan)
        .join(PreventionPlan, PreventionPlan.id == PendingTask.subject_id)
        .where(task_scope(user))
        .options(joinedload(PreventionPlan.person).joinedload(SupervisedPerson.mahalla))
        .order_by(PendingTask.due_date, PendingTask.created_at)
        .limit(limit)
    ).all()
    return [PlanTaskLine(task, plan) for task, plan in rows]


def plan_task_for(user: User, task_id: str) -> PendingTask | None:
    if len(task_id) > 36:
        return None
    return db.session.scalar(select(PendingTask).where(PendingTask.id == task_id, task_scope(user)))


def tasks_of_plan(plan_id: int) -> list[PendingTask]:
    return subject_tasks(subject(plan_id))


def plan_by_id(plan_id: int) -> PreventionPlan | None:
    return db.session.get(PreventionPlan, plan_id)


def running_plan(person_id: int) -> PreventionPlan | None:
    return db.session.scalar(
        select(PreventionPlan).where(
            PreventionPlan.person_id == person_id, PreventionPlan.status.in_(RUNNING_PLAN_STATUSES)
        )
    )


def _live(plan_id: int) -> tuple[CaseRow, Instance]:
    return live_instance(subject(plan_id))


def _restore(plan: PreventionPlan) -> Instance:
    return _live(plan.id)[1]


def plan_task_view(task: PendingTask) -> ReadyTask:
    """The live form and prefilled values of a plan task (TaskNotReady when it is gone)."""
    try:
        _record, instance = _live(task.subject_id)
    except Conflict:
        raise TaskNotReady(task.id) from None
    for ready in instance.ready_user_tasks():
        if ready.id == task.id:
            return ready
    raise TaskNotReady(task.id)


def plan_data(plan: PreventionPlan) -> dict[str, Any]:
    """The plan's current data (measures, goals, the last check-in) from its live instance."""
    return _restore(plan).current_data()


def _version_of(plan: PreventionPlan) -> ProcessVersion:
    version_id = db.session.scalar(
        select(ProcessInstance.process_version_id).where(
            ProcessInstance.subject_kind == PREVENTION_PLAN, ProcessInstance.subject_id == plan.id
        )
    )
    version = db.session.get(ProcessVersion, version_id) if version_id is not None else None
    return version if version is not None else plan_version()


def plan_forms(plan: PreventionPlan) -> dict[str, FormDefinition]:
    version = _version_of(plan)
    return {name: info.form for name, info in library_for(version).user_tasks.items()}


# --- writing ------------------------------------------------------------------------------------


def _due_date(task: ReadyTask, plan: PreventionPlan, day: dt.date) -> dt.date:
    if task.name == "monthly_checkin" and plan.starts_on is not None:
        return add_months(plan.starts_on, plan.checkins_done + 1)
    norm = task.properties.get("norm")
    try:
        return add_term(day, norm) if norm else day + dt.timedelta(days=7)
    except ValueError:
        return day + dt.timedelta(days=7)


def _store(
    plan: PreventionPlan, person: SupervisedPerson, record_id: int, instance: Instance, before: set[str], day: dt.date
) -> None:
    """Bring the task projection in line with the READY tasks, and the plan's status with them."""
    ready = instance.ready_user_tasks()
    now = utcnow()

    def row(task: ReadyTask) -> dict[str, Any]:
        inspector = person.responsible_inspector_id
        # The responsible inspector's task, or their substitute's while a cover runs.
        assignee = stand_in(inspector) if task.lane == Role.INSPECTOR.value and inspector is not None else None
        return {
            "mahalla_id": person.mahalla_id,
            "district_id": person.district_id,
            "assignee_id": assignee,
            "assigned_at": now if assignee is not None else None,
            "due_date": _due_date(task, plan, day),
        }

    sync_tasks(record_id, subject(plan.id), ready, before, row)
    names = {task.name for task in ready}
    if "draft_plan" in names:
        plan.status = PlanStatus.DRAFTING
    elif "approve_plan" in names:
        plan.status = PlanStatus.AWAITING_APPROVAL
    elif names:
        plan.status = PlanStatus.ACTIVE
    plan.next_due_on = (
        db.session.scalar(
            select(func.min(PendingTask.due_date)).where(
                PendingTask.subject_kind == PREVENTION_PLAN, PendingTask.subject_id == plan.id
            )
        )
        if names
        else None
    )


def _start_instance(data: Mapping[str, Any]) -> tuple[ProcessVersion, Instance]:
    """A fresh engine state of the newest plan diagram (a new plan, or the plan's next phase)."""
    version = plan_version()
    instance = run_engine(lambda: Instance.start(library_for(version), data))
    return version, instance


def open_plan(
    person: SupervisedPerson, actor: User, *, appeal: Appeal | None = None, today: dt.date | None = None
) -> PreventionPlan:
    """Open a plan for a person on the registry (drafting starts); link the appeal, if any; commit.

    Raises PlanConflict when the person already has a running plan or is off the registry.
    """
    day = today or local_today()
    with transaction():
        if person.status != PersonStatus.ACTIVE:
            raise PlanConflict("the person is not on the registry")
        if running_plan(person.id) is not None:
            raise PlanConflict("the person already has a running plan")
        plan = PreventionPlan(
            person_id=person.id,
            appeal_id=appeal.id if appeal else None,
            mahalla_id=person.mahalla_id,
            district_id=person.district_id,
            cycle=0,
            status=PlanStatus.DRAFTING,
            extensions=0,
            checkins_done=0,
            created_by_id=actor.id,
        )
        version, instance = _start_instance(dict(FIRST_PHASE))
        db.session.add(plan)
        db.session.flush()
        record_id = add_instance(subject(plan.id), version.id, instance)
        _store(plan, person, record_id, instance, set(), day)
        log_event(
            person.id,
            "plan_opened",
            actor,
            plan_id=plan.id,
            data={"appeal": appeal.number} if appeal else {},
            occurred_at=_moment(today),
        )
        log_access(actor, [person.id], "open_plan", detail=appeal.number if appeal else "")
        if appeal is not None:
            link_writes(person, appeal, actor)
    return plan


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "on", "1"))


def _rule_errors(task_name: str, submitted: Mapping[str, Any]) -> list[FieldError]:
    """What the plan needs beyond single-field checks."""
    if task_name == "draft_plan" and not any(_truthy(submitted.get(name)) for name in MEASURES):
        return [FieldError(next(iter(MEASURES)), "choose_measure")]
    if (
        task_name == "evaluate_quarter"
        and submitted.get("evaluation_decision") == "remove"
        and not str(submitted.get("removal_grounds") or "").strip()
    ):
        return [FieldError("removal_grounds", "grounds_required")]
    return []


def _check(task: ReadyTask, submitted: Mapping[str, Any]) -> None:
    errors = _rule_errors(task.name, submitted)
    if errors:
        try:
            validate_submission(task.form, submitted)
        except FormInvalid as invalid:
            errors = invalid.errors + [e for e in errors if e.field not in {x.field for x in invalid.errors}]
        raise FormInvalid(errors)


@after_task(PREVENTION_PLAN, ANY_TASK)
def _record_step(step: TaskCompletion) -> None:
    """The plan's journal records the step (a check-in counts); its outcome answers the completion."""
    plan: PreventionPlan = step.record
    clean = dict(step.data)
    at = {"occurred_at": _moment(step.day)}
    if step.task_name == "draft_plan":
        kind, outcome = "plan_drafted", "drafted"
    elif step.task_name == "approve_plan":
        kind = outcome = "plan_approved" if clean.get("plan_approved") else "plan_returned"
    elif step.task_name == "monthly_checkin":
        plan.checkins_done += 1
        kind, outcome = "checkin", "checkin"
        clean = {**clean, "number": plan.checkins_done}
    else:
        kind, outcome = "evaluation", str(clean.get("evaluation_decision"))
        clean = {**clean, "cycle": plan.cycle}
    _event(plan.person_id, kind, step.actor, plan.id, step.task_name, clean, **at)
    step.answers["outcome"] = outcome


def _event(
    person_id: int,
    kind: str,
    actor: User | None,
    plan_id: int,
    task_name: str | None = None,
    data: Mapping[str, Any] | None = None,
    *,
    occurred_at: dt.datetime,
) -> None:
    log_event(person_id, kind, actor, plan_id=plan_id, task_name=task_name, data=data, occurred_at=occurred_at)


@after_task(PREVENTION_PLAN, ANY_TASK)
def _next_phase(step: TaskCompletion) -> None:
    """When the step ended the plan's instance, its data decides what comes next: the first
    quarter, the next one, or the end. Answers ``next_phase``: the version and the instance of the
    new phase to store instead of the ended one (no answer at the end)."""
    if not step.case_completed:
        return
    plan: PreventionPlan = step.record
    person, actor = plan.person, step.actor
    data = step.case_data
    day = step.day or local_today()
    at = _moment(step.day)
    carried = {name: data.get(name) for name in CARRIED}
    if data.get("phase") == "draft":
        months = int(data.get("plan_months") or DEFAULT_PERIOD_MONTHS)
        plan.period_months = months
        plan.starts_on = day
        plan.ends_on = add_months(day, months)
    else:
        decision = data.get("evaluation_decision")
        if decision == "remove":
            plan.status = PlanStatus.COMPLETED
            plan.outcome = "removed"
            plan.ends_on = day
            _event(person.id, "plan_completed", actor, plan.id, occurred_at=at)
            removal_writes(person, actor, day, str(data.get("removal_grounds") or ""), at)
            return
        if decision == "extend":
            plan.extensions += 1
            plan.ends_on = add_months(plan.ends_on or day, plan.period_months or DEFAULT_PERIOD_MONTHS)
            _event(
                person.id,
                "plan_extended",
                actor,
                plan.id,
                data={"extensions": plan.extensions, "ends_on": plan.ends_on.isoformat()},
                occurred_at=at,
            )
    plan.cycle += 1
    _event(person.id, "cycle_started", None, plan.id, data={"cycle": plan.cycle}, occurred_at=at)
    version, instance = _start_instance({"phase": "cycle", "cycle": plan.cycle, "checkins_in_cycle": 0, **carried})
    step.answers["next_phase"] = (version.id, instance)


def complete_plan_task(
    task: PendingTask, actor: User, submitted: Mapping[str, Any], *, today: dt.date | None = None
) -> PlanStep:
    """Complete one plan task and commit, or raise without changing anything.

    Raises FormInvalid (bad data), PlanConflict (done or changed meanwhile, or the case is
    suspended or cancelled) or PlanStepFailed (the plan is then an incident, with what was
    submitted, for a retry). The caller has checked role and territory (plan_task_for).
    ``today``: the day of the step (default: today in Tashkent); check-in due dates count from
    the plan's start.
    """
    day = today or local_today()
    plan_id = task.subject_id
    record: CaseRow | None = None
    try:
        with transaction():
            plan = db.session.get(PreventionPlan, plan_id)
            if plan is None or plan.status not in RUNNING_PLAN_STATUSES:
                raise PlanConflict("the plan is not running")
            record, instance = _live(plan.id)
            if record.status in BLOCKED:
                raise CaseNotRunning(record.status)
            person = plan.person
            ready = {ready.id: ready for ready in instance.ready_user_tasks()}
            view = ready.get(task.id)
            if view is None:
                raise PlanConflict("the task was already completed")
            _check(view, submitted)
            try:
                # A redraft answers the supervisor's comment: the next approval starts without it.
                extra = {"supervisor_comment": None} if view.name == "draft_plan" else None
                clean = run_engine(lambda: instance.complete(task.id, submitted, extra))
            except TaskNotReady:
                raise PlanConflict("the task was already completed") from None
            log_subject_event(
                subject(plan.id),
                "task_completed",
                actor,
                task=view,
                data=json_safe(clean),
                elements=instance.elements_completed(qualified=True),
                occurred_at=_moment(today),
            )
            with db.session.no_autoflush:  # the plan row is written once, at the end
                # The hooks record the step and, when the instance ended, start the next phase.
                events = EventLog()
                step = TaskCompletion(
                    subject(plan.id),
                    plan,
                    view.name,
                    actor,
                    clean,
                    instance.current_data(),
                    events,
                    case_completed=instance.is_completed,
                    day=today,
                )
                run_hooks(step)
                events.write()
                outcome = str(step.answers.get("outcome", ""))
                version_id, instance = step.answers.get("next_phase", (None, instance))
                # Conflict if another step won
                save_state(record, instance, process_version_id=version_id, actor_id=actor.id)
                record_task_timing(task, record.process_version_id, actor)
                _store(plan, person, record.id, instance, set(ready), day)
                log_access(actor, [person.id], "plan_task", detail=task.name)
            if record.status == INCIDENT:
                clear_incident(record.id)
    except StepFailed as failed:
        if record is not None:
            record_subject_incident(record.id, subject(plan_id), actor, task, submitted, failed.failure)
        raise
    return PlanStep(plan=plan, task_name=view.name, outcome=outcome, data=clean)


def current_forms() -> dict[str, FormDefinition]:
    """The forms of the newest plan diagram, by task name (labels for the timeline)."""
    return {name: info.form for name, info in library_for(plan_version()).user_tasks.items()}


def plan_diagram(plan: PreventionPlan) -> str | None:
    """The BPMN document the plan's current instance runs on."""
    files = _version_of(plan).files
    documents = [text for name, text in sorted((files or {}).items()) if name.endswith(".bpmn")]
    return documents[0] if documents else None


def _complete_from_api(user: User, task: PendingTask, submitted: Mapping[str, Any]) -> bool:
    """A plan task completed through the API: only by whom the plan page would let (False: not theirs)."""
    mine = plan_task_for(user, task.id)
    if mine is None:
        return False
    complete_plan_task(mine, user, submitted)
    return True


def retry_plan(plan_id: int, actor: User) -> PlanStep:
    """Run a plan in incident on: complete the failed task again with what its user submitted
    (the incident event kept it), after a methodologist fixed the diagram and moved the plan onto
    the corrected version. Raises PlanConflict when the plan is not an incident; PlanStepFailed
    when it fails again (the incident stays)."""
    pending, submitted, submitter = failed_submission(subject(plan_id))
    return complete_plan_task(pending, submitter or actor, submitted)


def _advanced(plan_id: int, record_id: int, instance: Instance, before: set[str]) -> None:
    """The runtime moved the plan on (fired timers, a signal): its tasks, status and next due date follow."""
    plan = db.session.get(PreventionPlan, plan_id)
    if plan is not None:
        with db.session.no_autoflush:
            _store(plan, plan.person, record_id, instance, before, local_today())


register_subject(
    SubjectKind(
        kind=PREVENTION_PLAN,
        prefix="plan",
        endpoint="prevention.plan",
        id_argument="plan_id",
        task_endpoint="prevention.task",
        complete=_complete_from_api,
        retry=retry_plan,
        advanced=_advanced,
        **districts(PreventionPlan.id, PreventionPlan.district_id),
    )
)
