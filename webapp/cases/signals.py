"""Signals between cases: a BPMN signal one case throws reaches the waiting cases of its district.

A signal is a broadcast (BPMN 2.0), scoped here to the territory of the case that threw it: the
other running cases of the same district, of every subject kind (each kind tells which of its
subjects are in a district: ``SubjectKind.in_district``). The step that threw it queues it in its own
transaction (``webapp.cases.signal_queue``, called by the case runtime's writes); the
``deliver_signals`` job then gives it to each case of the district whose state waits for it (a
signal catch event, a boundary event, an event sub-process started by it), one transaction per
case, with a ``signal_received`` event. A case that changed meanwhile is tried once more; a case
whose step fails becomes an incident. Signals those cases throw in turn are queued with one round
less, a few rounds deep at most.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import false, or_, select, update

from engine import Instance
from webapp.cases.incidents import mark_incident
from webapp.cases.instances import Conflict, StepFailed, instance_by_id, log_subject_event, run_engine, save_state
from webapp.cases.models import CaseStatus, ProcessInstance, QueuedSignal
from webapp.cases.subjects import kinds, subject_kind
from webapp.cases.versions import library_by_hash
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import utcnow
from webapp.platform.transaction import transaction

LOG = logging.getLogger(__name__)


@dataclass
class SignalRun:
    """What one run of the job did: signals finished, cases that got one, cases that failed."""

    signals: int = 0
    delivered: list[int] = field(default_factory=list)
    incidents: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Signal:
    id: int
    name: str
    origin_id: int | None
    district_id: int | None
    actor_id: int | None
    rounds: int


class _Taken(Exception):
    """Another worker moved the signal's cursor: it delivers the rest."""


def deliver_signals(limit: int = 20) -> SignalRun:
    """Deliver up to ``limit`` queued signals, oldest first, committing after each case."""
    run = SignalRun()
    taken: set[int] = set()
    for _ in range(limit):
        with transaction() as tx:
            row = db.session.execute(
                select(
                    QueuedSignal.id,
                    QueuedSignal.name,
                    QueuedSignal.origin_instance_id,
                    QueuedSignal.district_id,
                    QueuedSignal.actor_id,
                    QueuedSignal.rounds,
                    QueuedSignal.last_case_id,
                )
                .where(QueuedSignal.delivered_at.is_(None), QueuedSignal.id.not_in(taken))
                .order_by(QueuedSignal.id)
                .limit(1)
            ).one_or_none()
            if row is None:
                tx.rollback()
                break
            signal = _Signal(*row[:6])
            try:
                cursor = _deliver_to_district(signal, int(row[6]), run)
            except _Taken:
                tx.rollback()
                taken.add(signal.id)
                continue
            db.session.execute(
                update(QueuedSignal.__table__)
                .where(QueuedSignal.id == signal.id, QueuedSignal.last_case_id == cursor)
                .values(delivered_at=utcnow())
            )
        run.signals += 1
    return run


def _in_district(district_id: int | None) -> Any:
    """The condition on ProcessInstance of the cases in the district: of each kind that tells its
    subjects' districts, the subjects it names."""
    if district_id is None:
        return false()
    parts = [
        (ProcessInstance.subject_kind == kind.kind) & ProcessInstance.subject_id.in_(kind.in_district(district_id))
        for kind in kinds()
        if kind.in_district is not None
    ]
    return or_(*parts) if parts else false()


def waiting_cases(district_id: int | None, after: int = 0, origin_id: int | None = None) -> list[int]:
    """The running cases of every subject kind in the district after the cursor (the thrower left out)."""
    query = (
        select(ProcessInstance.id)
        .where(
            ProcessInstance.is_completed.is_(False),
            ProcessInstance.status == CaseStatus.RUNNING,
            ProcessInstance.id > after,
            _in_district(district_id),
        )
        .order_by(ProcessInstance.id)
    )
    if origin_id is not None:
        query = query.where(ProcessInstance.id != origin_id)
    return list(db.session.scalars(query))


def _deliver_to_district(signal: _Signal, cursor: int, run: SignalRun) -> int:
    actor = db.session.get(User, signal.actor_id) if signal.actor_id is not None else None
    for case_id in waiting_cases(signal.district_id, cursor, signal.origin_id):
        for _attempt in range(2):  # a case changed meanwhile is read again once
            try:
                if _deliver(case_id, signal, cursor, actor):
                    cursor = case_id
                    run.delivered.append(case_id)
                break
            except Conflict as exc:  # _deliver's transaction was rolled back
                LOG.warning("signal %s: case %s changed meanwhile: %s", signal.name, case_id, exc)
            except StepFailed as failed:
                LOG.error("signal %s: case %s failed: %s", signal.name, case_id, failed)
                with transaction():
                    mark_incident(case_id, failed.failure)
                run.incidents.append(case_id)
                break
    return cursor


def _deliver(case_id: int, signal: _Signal, cursor: int, actor: User | None) -> bool:
    """The signal to one case and the cursor moved past it, in one transaction; False (nothing
    written) when the case does not wait for it. Raises Conflict, StepFailed or _Taken."""
    with transaction() as tx:
        kind_name = db.session.scalar(select(ProcessInstance.subject_kind).where(ProcessInstance.id == case_id))
        known = subject_kind(kind_name) if kind_name is not None else None
        if known is not None and known.deliver_signal is not None:
            delivered = known.deliver_signal(case_id, signal.name, actor, signal.rounds - 1)
        else:
            delivered = _deliver_generic(case_id, signal.name, actor, signal.rounds - 1)
        if not delivered:
            tx.rollback()
            return False
        moved = db.session.execute(
            update(QueuedSignal.__table__)
            .where(QueuedSignal.id == signal.id, QueuedSignal.last_case_id == cursor)
            .values(last_case_id=case_id, delivered=QueuedSignal.delivered + 1)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise _Taken
    return True


def _deliver_generic(case_id: int, name: str, actor: User | None, rounds: int) -> bool:
    """A signal to a case of a kind without its own delivery, written like the timer job's step:
    the guarded state (with the signals it set off, ``rounds`` more times), the event, and the
    subject's tasks and rows (its kind's ``advanced``)."""
    found = instance_by_id(case_id)
    if found is None:
        return False
    record, subject, digest = found
    instance = Instance.restore(library_by_hash(digest, record.process_version_id), record.state)
    if not instance.waits_for_signal(name):
        return False
    before = {ready.id for ready in instance.ready_user_tasks()}
    if not run_engine(lambda: instance.deliver_signal(name)):
        return False
    elements = instance.elements_completed(qualified=True)
    log_subject_event(subject, "signal_received", actor, data={"signal": name}, elements=elements)
    # Conflict if another step won
    save_state(record, instance, actor_id=actor.id if actor else None, signal_rounds=rounds)
    kind = subject_kind(subject.kind)
    if kind is not None and kind.advanced is not None:
        kind.advanced(subject.id, record.id, instance, before)
    return True
