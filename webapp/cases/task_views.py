"""Who read which tasks: an area that must account for the reading of its tasks registers an
observer here (the cooperation area logs every partner's view of a referral); the task page, the
inbox and the API call ``tasks_viewed``, which commits what the observers recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from webapp.cases.models import PendingTask
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.transaction import rolled_back_on_error

# (the reader, the tasks read, how: "browser" or "api", a list rather than one task's page) ->
# whether it recorded anything
Observer = Callable[[User, Sequence[PendingTask], str, bool], bool]
_OBSERVERS: list[Observer] = []


def on_task_view(observer: Observer) -> Observer:
    _OBSERVERS.append(observer)
    return observer


def tasks_viewed(user: User, tasks: Sequence[PendingTask], via: str, *, listed: bool = False) -> None:
    """Tell the observers; what they record is committed as one transaction, and when none
    records anything (most readers) the caller's transaction is left alone."""
    if not tasks:
        return
    with rolled_back_on_error():
        recorded = [observer(user, tasks, via, listed) for observer in _OBSERVERS]
        if any(recorded):
            db.session.commit()
