"""Queueing the BPMN signals a step threw, in the step's own transaction (delivered later by the
``deliver_signals`` job, webapp.cases.signals)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import insert, select

from webapp.cases.models import ProcessInstance, QueuedSignal
from webapp.cases.subjects import subject_kind
from webapp.extensions import db
from webapp.platform.timeutil import utcnow

# How many times a signal may set off signals in the cases it reaches, which pass them on in turn.
MAX_ROUNDS = 3


def signal_names(thrown: Iterable[Mapping[str, str]]) -> list[str]:
    """The distinct names of the BPMN signals among what a step threw (messages to outside partners left out)."""
    return list(dict.fromkeys(item["name"] for item in thrown if item.get("kind") == "signal"))


def queue_signals(
    origin_id: int,
    district_id: int | None,
    thrown: Iterable[Mapping[str, str]],
    actor_id: int | None,
    *,
    rounds: int = MAX_ROUNDS,
) -> int:
    """Queue the signals of ``thrown`` for the waiting cases of the district; return how many.

    Nothing is queued when ``rounds`` is spent (a signal set off by a signal set off by …)."""
    names = signal_names(thrown)
    if not names or rounds < 1:
        return 0
    now = utcnow()
    db.session.execute(
        insert(QueuedSignal.__table__),
        [
            {
                "name": name[:200],
                "origin_instance_id": origin_id,
                "district_id": district_id,
                "actor_id": actor_id,
                "rounds": rounds,
                "last_case_id": 0,
                "delivered": 0,
                "created_at": now,
            }
            for name in names
        ],
    )
    return len(names)


def queue_thrown(
    origin_id: int, thrown: Iterable[Mapping[str, str]], actor_id: int | None, *, rounds: int = MAX_ROUNDS
) -> int:
    """Queue what a step of any kind's case threw, for its subject's district (asked of the kind);
    a kind that cannot say where its subjects are throws to nobody."""
    if not signal_names(thrown) or rounds < 1:
        return 0
    row = db.session.execute(
        select(ProcessInstance.subject_kind, ProcessInstance.subject_id).where(ProcessInstance.id == origin_id)
    ).one_or_none()
    known = subject_kind(row.subject_kind) if row is not None else None
    if row is None or known is None or known.district_of is None:
        return 0
    return queue_signals(origin_id, known.district_of(row.subject_id), thrown, actor_id, rounds=rounds)
