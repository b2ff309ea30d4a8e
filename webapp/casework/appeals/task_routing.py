"""Which organisation a pending task is addressed to, decided by the area that owns its lane.

A task in the ``partner`` lane belongs to one partner organisation (the referral's); the
cooperation area registers a router for that lane, and the task projection stores what it
answers in ``pending_tasks.organisation_id`` so that a partner's inbox is one indexed query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from webapp.casework.appeals.models import Appeal

# (the appeal, the task's case variables) -> the organisation's id, or None when there is none
Router = Callable[[Appeal, Mapping[str, Any]], "int | None"]
_ROUTERS: dict[str, Router] = {}


def route_lane(lane: str) -> Callable[[Router], Router]:
    def register(router: Router) -> Router:
        _ROUTERS[lane] = router
        return router

    return register


def organisation_for(lane: str | None, appeal: Appeal, variables: Mapping[str, Any]) -> int | None:
    router = _ROUTERS.get(lane or "")
    return router(appeal, variables) if router is not None else None
