"""The suggestion of category, urgency and route for a new appeal, and what it defaults.

The serving text model (webapp.casework.categoriser) estimates the category, its confidence and
the probability of urgency; the decision tables of the process version that will run the case
decide the suggestion from them (engine.categorisation), so a methodologist's edit takes effect
with the version they publish.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm.attributes import set_committed_value

from engine import EngineError, Suggestion, suggest_categorisation
from webapp.cases.hooks import TaskCompletion, after_task
from webapp.cases.models import APPEAL
from webapp.cases.versions import APPEAL_PROCESS, current_version
from webapp.casework.appeals.models import CATEGORIES, URGENCIES, Appeal
from webapp.casework.categoriser.service import predict
from webapp.platform.write_batch import update_row

logger = logging.getLogger(__name__)

NO_SUGGESTION = Suggestion(category="", urgency="", route="")


def suggestion_for(text: str, channel: str) -> tuple[Suggestion, int | None]:
    """The suggestion for an appeal's text and the model version behind it; NO_SUGGESTION when the
    tables are missing or fail."""
    files = current_version(APPEAL_PROCESS).files
    if not any(name.endswith(".dmn") for name in files):
        return NO_SUGGESTION, None
    version, prediction = predict(text)
    try:
        found = suggest_categorisation(files, text, channel, prediction)
    except EngineError as exc:
        logger.warning("categorisation failed, registering without a suggestion: %s", exc)
        return NO_SUGGESTION, None
    category = found.category if found.category in CATEGORIES else "other"
    urgency = found.urgency if found.urgency in URGENCIES else "normal"
    suggestion = Suggestion(
        category,
        urgency,
        found.route[:40],
        found.matched_rules,
        confidence=found.confidence,
        review=found.review[:20],
        urgent_probability=found.urgent_probability,
    )
    return suggestion, version if prediction is not None else None


def chosen_or_suggested(chosen: str, suggested: str, fallback: str) -> str:
    """The intake's explicit choice, else the suggestion, else the fallback."""
    return chosen or suggested or fallback


@after_task(APPEAL, "check_registration")
def record_override(completion: TaskCompletion) -> None:
    """When the inspector changes the suggested category or urgency, flag the appeal and log it.

    Runs in the completing transaction; the appeal object is detached there, so write a statement.
    """
    appeal = completion.record
    if not appeal.suggested_category:
        return
    suggested = {"category": appeal.suggested_category, "urgency": appeal.suggested_urgency}
    chosen = {name: str(completion.data.get(name) or getattr(appeal, name)) for name in suggested}
    if chosen == suggested:
        return
    update_row(Appeal.__table__, appeal.id, {"categorisation_overridden": True})
    set_committed_value(appeal, "categorisation_overridden", True)  # written above: no second UPDATE
    completion.events.add(
        appeal,
        "categorisation_overridden",
        completion.actor,
        data={"suggested": {**suggested, "route": appeal.suggested_route}, "chosen": chosen},
    )
