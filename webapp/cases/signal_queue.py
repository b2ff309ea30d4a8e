"""Queueing the BPMN signals a step threw, in the step's own transaction (delivered later by the
``deliver_signals`` job, webapp.cases.signals)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import insert

from webapp.cases.models import QueuedSignal
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
