"""Suggest an appeal's category, urgency and route: the trained model estimates, the DMN decides.

The text model (engine.text_model) gives its best category, its confidence and the probability
that the appeal is urgent. Two decisions, both editable by a methodologist without code changes,
turn that into the suggestion:

* ``appeal_categorisation`` (hit policy COLLECT): inputs ``model_category``, ``confidence``,
  ``urgent_probability``, the text features of the appeal (``words``, see engine.text_features)
  and its ``channel``; each rule that fires adds its weight to its category (an output may name
  ``model_category``), any rule that says ``"urgent"`` makes the appeal urgent, and any rule that
  says ``"low_confidence"`` in its ``review`` output marks the suggestion as uncertain;
* ``appeal_routing`` (hit policy UNIQUE, optional): the first rule that fits the category,
  urgency and confidence gives the route.

Without a model (``prediction=None``) the model inputs are empty and only the rules decide (the
keyword baseline in data/categorisation/keyword_baseline.dmn works that way).

Parsing, checking and evaluating the tables is engine.decisions' job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.decisions import DecisionFailed, DecisionTables, decision_tables
from engine.errors import DiagramError, DiagramProblem, EngineError
from engine.text_features import features
from engine.text_model import Prediction

CATEGORISATION_DECISION = "appeal_categorisation"
ROUTING_DECISION = "appeal_routing"
FALLBACK_CATEGORY = "other"
FALLBACK_URGENCY = "normal"
FALLBACK_ROUTE = "inspector"
URGENT = "urgent"
LOW_CONFIDENCE = "low_confidence"


class CategorisationFailed(EngineError):
    """Evaluating the decision tables failed (an expression raised or ran too long)."""


@dataclass(frozen=True)
class Suggestion:
    category: str
    urgency: str
    route: str
    matched_rules: tuple[str, ...] = ()
    confidence: float = 0.0  # the model's probability of the suggested category (0 without a model)
    review: str = ""  # "low_confidence" when a rule says the inspector should decide
    urgent_probability: float = 0.0


class Categoriser:
    """Suggestions from the parsed decisions of one process version."""

    def __init__(self, tables: DecisionTables) -> None:
        self._tables = tables

    def _fired(self, decision_id: str, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        try:
            return [(rule.name, rule.outputs) for rule in self._tables.decide(decision_id, data)]
        except DecisionFailed as exc:
            raise CategorisationFailed(str(exc)) from None

    def suggest(self, text: str, channel: str, prediction: Prediction | None = None) -> Suggestion:
        urgent_probability = prediction.urgent_probability if prediction else 0.0
        words = features(text) if self._tables.tests_input(CATEGORISATION_DECISION, "words") else frozenset()
        data: dict[str, Any] = {
            "words": words,
            "channel": channel,
            "model_category": prediction.category if prediction else "",
            "confidence": prediction.confidence if prediction else 0.0,
            "urgent_probability": urgent_probability,
        }
        fired = self._fired(CATEGORISATION_DECISION, data)
        scores: dict[str, float] = {}
        urgent = False
        review = ""
        for _name, output in fired:
            category = str(output.get("category") or "")
            if category:
                scores[category] = scores.get(category, 0.0) + float(output.get("weight") or 0)
            urgent = urgent or output.get("urgency") == URGENT
            review = review or (LOW_CONFIDENCE if output.get("review") == LOW_CONFIDENCE else "")
        category = max(scores, key=lambda c: scores[c]) if scores else FALLBACK_CATEGORY
        urgency = URGENT if urgent else FALLBACK_URGENCY
        confidence = prediction.probabilities.get(category, 0.0) if prediction else 0.0
        route = FALLBACK_ROUTE
        if self._tables.has(ROUTING_DECISION):
            routes = self._fired(
                ROUTING_DECISION, {"category": category, "urgency": urgency, "confidence": data["confidence"]}
            )
            route = str(routes[0][1].get("route") or FALLBACK_ROUTE) if routes else FALLBACK_ROUTE
        return Suggestion(
            category,
            urgency,
            route,
            tuple(name for name, _ in fired),
            confidence=round(confidence, 4),
            review=review,
            urgent_probability=round(urgent_probability, 4),
        )


def load_categoriser(files: Mapping[str, bytes | str]) -> Categoriser:
    """Parse and check the DMN documents among ``files``; raise DiagramError when unusable."""
    tables = decision_tables(files)
    if not tables.has(CATEGORISATION_DECISION):
        raise DiagramError([DiagramProblem("decision.missing", {"ref": CATEGORISATION_DECISION})])
    return Categoriser(tables)


def suggest(
    files: Mapping[str, bytes | str], text: str, channel: str, prediction: Prediction | None = None
) -> Suggestion:
    """Suggest with the DMN documents of a process version (parsed once per content hash) and the
    model's prediction for the text (None: the rules alone)."""
    return load_categoriser(files).suggest(text, channel, prediction)
