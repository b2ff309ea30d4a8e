"""The reasons a case cannot move to another version, in the user's language."""

from __future__ import annotations

from flask_babel import gettext as _

from engine import MigrationBlocker
from engine.migration import EVENTS_CHANGED, MISSING, MISSING_PROCESS, TYPE_CHANGED
from webapp.platform.engine_messages import step_failure_message
from webapp.studio.changes.service import MigrationFailure


def blocker_message(blocker: MigrationBlocker) -> str:
    details = {"name": _(blocker.name), "element": blocker.element_id, "process": blocker.process_id}
    if blocker.code == MISSING and not blocker.live:
        return _(
            "\u201c%(name)s\u201d (%(element)s), a step the case has passed and its state still refers to, "
            "no longer exists in the new version.",
            **details,
        )
    if blocker.code == MISSING and blocker.old_kind != "UserTask":
        return _(
            "\u201c%(name)s\u201d (%(element)s), which the case waits at, no longer exists in the new version.",
            **details,
        )
    if blocker.code == MISSING:
        return _("Current task \u201c%(name)s\u201d (%(element)s) no longer exists in the new version.", **details)
    if blocker.code == TYPE_CHANGED:
        return _(
            "The element type of \u201c%(name)s\u201d (%(element)s) changed: %(old)s \u2192 %(new)s.",
            old=blocker.old_kind,
            new=blocker.new_kind or "",
            **details,
        )
    if blocker.code == EVENTS_CHANGED:
        return _("The timers or messages attached to %(element)s changed.", **details)
    if blocker.code == MISSING_PROCESS:
        return _(
            "The process %(process)s, where the case is at \u201c%(name)s\u201d, is not in the new version.", **details
        )
    return _("\u201c%(name)s\u201d (%(element)s) cannot move.", **details)


def failure_message(failure: MigrationFailure) -> str:
    if failure.blockers:
        reasons = " ".join(blocker_message(b) for b in failure.blockers)
    elif failure.reason == "conflict":
        reasons = _("The case was changed by someone else meanwhile; try again.")
    elif failure.step is not None:
        reasons = step_failure_message(failure.step)
    else:
        reasons = failure.reason
    return _("%(number)s was not moved: %(reasons)s", number=failure.ref, reasons=reasons)
