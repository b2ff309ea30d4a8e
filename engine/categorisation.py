"""Suggest an appeal's category, urgency and route with the DMN tables of a process version.

Two decisions, both editable by a methodologist without code changes:

* ``appeal_categorisation`` (hit policy COLLECT): rules test the text features of the appeal
  (see engine.text_features) and its channel; each rule that fires adds its weight to its
  category, and any rule that says ``"urgent"`` makes the appeal urgent;
* ``appeal_routing`` (hit policy UNIQUE, optional): the first rule that fits the category and
  urgency gives the route.

Parsing, checking and evaluating the tables is engine.decisions' job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.decisions import DecisionFailed, DecisionTables, decision_tables
from engine.errors import DiagramError, DiagramProblem, EngineError
from engine.text_features import features

CATEGORISATION_DECISION = "appeal_categorisation"
ROUTING_DECISION = "appeal_routing"
FALLBACK_CATEGORY = "other"
FALLBACK_URGENCY = "normal"
FALLBACK_ROUTE = "inspector"
URGENT = "urgent"


class CategorisationFailed(EngineError):
    """Evaluating the decision tables failed (an expression raised or ran too long)."""


@dataclass(frozen=True)
class Suggestion:
    category: str
    urgency: str
    route: str
    matched_rules: tuple[str, ...] = ()


class Categoriser:
    """Suggestions from the parsed decisions of one process version."""

    def __init__(self, tables: DecisionTables) -> None:
        self._tables = tables

    def _fired(self, decision_id: str, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        try:
            return [(rule.name, rule.outputs) for rule in self._tables.decide(decision_id, data)]
        except DecisionFailed as exc:
            raise CategorisationFailed(str(exc)) from None

    def suggest(self, text: str, channel: str) -> Suggestion:
        fired = self._fired(CATEGORISATION_DECISION, {"words": features(text), "channel": channel})
        scores: dict[str, float] = {}
        urgent = False
        for _name, output in fired:
            category = str(output.get("category") or "")
            if category:
                scores[category] = scores.get(category, 0.0) + float(output.get("weight") or 0)
            urgent = urgent or output.get("urgency") == URGENT
        category = max(scores, key=lambda c: scores[c]) if scores else FALLBACK_CATEGORY
        urgency = URGENT if urgent else FALLBACK_URGENCY
        route = FALLBACK_ROUTE
        if self._tables.has(ROUTING_DECISION):
            routes = self._fired(ROUTING_DECISION, {"category": category, "urgency": urgency})
            route = str(routes[0][1].get("route") or FALLBACK_ROUTE) if routes else FALLBACK_ROUTE
        return Suggestion(category, urgency, route, tuple(name for name, _ in fired))


def load_categoriser(files: Mapping[str, bytes | str]) -> Categoriser:
    """Parse and check the DMN documents among ``files``; raise DiagramError when unusable."""
    tables = decision_tables(files)
    if not tables.has(CATEGORISATION_DECISION):
        raise DiagramError([DiagramProblem("decision.missing", {"ref": CATEGORISATION_DECISION})])
    return Categoriser(tables)


def suggest(files: Mapping[str, bytes | str], text: str, channel: str) -> Suggestion:
    """Suggest with the DMN documents of a process version (parsed once per content hash)."""
    return load_categoriser(files).suggest(text, channel)
