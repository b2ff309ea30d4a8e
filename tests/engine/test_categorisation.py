"""The categorisation decision: the model's estimate in, the DMN decides; methodologist edits; hostile DMN."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import DiagramError, Prediction, suggest_categorisation
from engine.categorisation import CategorisationFailed, load_categoriser
from tests.dmn_rules import add_rule

ROOT = Path(__file__).resolve().parents[2]
PROCESSES_DIR = ROOT / "processes"
BASELINE = ROOT / "data" / "categorisation" / "keyword_baseline.dmn"
TABLE = "appeal_categorisation.dmn"


@pytest.fixture(scope="module")
def dmn_files() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(PROCESSES_DIR.glob("*.dmn"))}


def model_says(category: str, confidence: float, urgent: float = 0.05) -> Prediction:
    rest = (1 - confidence) / 6
    probabilities = {c: rest for c in ("crime_prevention", "public_safety", "family_conflict", "minors_youth")}
    probabilities.update({c: rest for c in ("social_assistance", "utilities", "other")})
    probabilities[category] = confidence
    return Prediction(category, confidence, urgent, probabilities)


@pytest.mark.parametrize(
    ("category", "route"),
    [
        ("crime_prevention", "law_enforcement"),
        ("family_conflict", "inspector"),
        ("social_assistance", "mahalla_social_services"),
        ("utilities", "competent_body"),
        ("other", "inspector"),
    ],
)
def test_the_table_suggests_the_models_category_with_its_confidence(
    dmn_files: dict[str, str], category: str, route: str
) -> None:
    found = suggest_categorisation(dmn_files, "Assalomu alaykum", "app", model_says(category, 0.9))

    assert (found.category, found.urgency, found.route) == (category, "normal", route)
    assert found.confidence == pytest.approx(0.9)
    assert found.review == ""


def test_a_low_confidence_suggestion_keeps_the_best_category_and_says_so(dmn_files: dict[str, str]) -> None:
    found = suggest_categorisation(dmn_files, "Salom", "app", model_says("public_safety", 0.31))

    assert (found.category, found.review) == ("public_safety", "low_confidence")
    assert found.confidence == pytest.approx(0.31)


def test_the_urgency_probability_is_thresholded_by_the_table(dmn_files: dict[str, str]) -> None:
    urgent = suggest_categorisation(dmn_files, "Ёрдам беринг", "oral", model_says("family_conflict", 0.8, urgent=0.7))
    calm = suggest_categorisation(dmn_files, "Ёрдам беринг", "oral", model_says("family_conflict", 0.8, urgent=0.2))

    assert (urgent.urgency, urgent.route) == ("urgent", "law_enforcement")
    assert (calm.urgency, calm.route) == ("normal", "inspector")


def test_a_methodologist_rule_anything_mentioning_a_knife_is_urgent(dmn_files: dict[str, str]) -> None:
    text = "Qo'shnining o'g'li ko'chada pichoq ko'tarib yuribdi"
    calm_model = model_says("minors_youth", 0.9, urgent=0.1)
    assert suggest_categorisation(dmn_files, text, "app", calm_model).urgency == "normal"

    edited = dict(dmn_files)
    edited[TABLE] = add_rule(
        edited[TABLE], "rule_knife", words='{"pichoq*", "нож", "ножом"} &amp; ?', urgency='"urgent"'
    )

    assert suggest_categorisation(edited, text, "app", calm_model).urgency == "urgent"
    assert suggest_categorisation(edited, "Пьяный сосед с ножом", "app", calm_model).urgency == "urgent"
    assert suggest_categorisation(edited, "Chiroq yo'q", "app", calm_model).urgency == "normal"
    assert suggest_categorisation(dmn_files, text, "app", calm_model).urgency == "normal"  # cached per content


def test_a_rule_of_weight_two_overrides_the_models_category(dmn_files: dict[str, str]) -> None:
    edited = dict(dmn_files)
    edited[TABLE] = add_rule(edited[TABLE], "rule_open311", channel='"open311"', category='"utilities"', weight="2")
    model = model_says("public_safety", 0.6)

    assert suggest_categorisation(edited, "Yo'lda chuqur", "open311", model).category == "utilities"
    assert suggest_categorisation(edited, "Yo'lda chuqur", "app", model).category == "public_safety"


def test_the_threshold_of_low_confidence_is_the_methodologists(dmn_files: dict[str, str]) -> None:
    edited = dict(dmn_files)
    edited[TABLE] = edited[TABLE].replace("<text>? &lt; 0.5</text>", "<text>? &lt; 0.7</text>")
    model = model_says("other", 0.6)

    assert suggest_categorisation(dmn_files, "Rahmat", "app", model).review == ""
    assert suggest_categorisation(edited, "Rahmat", "app", model).review == "low_confidence"


def test_without_a_model_nothing_fires_and_other_is_suggested(dmn_files: dict[str, str]) -> None:
    found = suggest_categorisation(dmn_files, "Assalomu alaykum", "web")
    assert (found.category, found.urgency, found.route, found.confidence) == ("other", "normal", "inspector", 0.0)
    assert found.review == "low_confidence"


def test_the_keyword_baseline_still_runs_as_rules_alone(dmn_files: dict[str, str]) -> None:
    files = {TABLE: BASELINE.read_text(encoding="utf-8"), "appeal_routing.dmn": dmn_files["appeal_routing.dmn"]}
    found = suggest_categorisation(files, "Вчера из магазина украли телефоны", "walk_in")
    assert (found.category, found.route) == ("crime_prevention", "law_enforcement")


def test_routing_is_optional(dmn_files: dict[str, str]) -> None:
    only = {TABLE: dmn_files[TABLE]}
    found = suggest_categorisation(only, "Вчера украли велосипед", "web", model_says("crime_prevention", 0.9))
    assert found.route == "inspector"


def test_the_categorisation_decision_is_required(dmn_files: dict[str, str]) -> None:
    with pytest.raises(DiagramError, match="appeal_categorisation"):
        load_categoriser({"appeal_routing.dmn": dmn_files["appeal_routing.dmn"]})


def _with_model_output(dmn_files: dict[str, str], expression: str) -> dict[str, str]:
    table = dmn_files[TABLE]
    marker = '<outputEntry id="rule_model_out_category"><text>model_category</text>'
    assert marker in table
    replaced = table.replace(marker, f'<outputEntry id="rule_model_out_category"><text>{expression}</text>')
    return {TABLE: replaced}


def test_a_dmn_with_an_import_in_an_expression_is_refused(dmn_files: dict[str, str]) -> None:
    hostile = _with_model_output(dmn_files, "__import__('os').system('id')")
    with pytest.raises(DiagramError) as caught:
        load_categoriser(hostile)
    assert caught.value.problems[0].element_id == "rule_model_out_category"
    assert caught.value.problems[0].code == "script.forbidden_name"


def test_a_dmn_with_an_input_entry_reaching_for_dunders_is_refused(dmn_files: dict[str, str]) -> None:
    table = dmn_files[TABLE].replace("<text>words</text>", "<text>words.__class__.__mro__</text>", 1)
    with pytest.raises(DiagramError) as caught:
        load_categoriser({TABLE: table})
    assert {p.code for p in caught.value.problems} == {"script.forbidden_attribute"}


def test_a_dmn_with_an_external_entity_is_refused(dmn_files: dict[str, str]) -> None:
    table = dmn_files[TABLE].replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    )
    with pytest.raises(DiagramError, match="not allowed"):
        load_categoriser({TABLE: table})


def test_an_expression_failing_at_run_time_is_reported_not_raised_raw(dmn_files: dict[str, str]) -> None:
    categoriser = load_categoriser(_with_model_output(dmn_files, "1 / 0"))
    with pytest.raises(CategorisationFailed):
        categoriser.suggest("Velosiped o'g'irlandi", "web", model_says("crime_prevention", 0.9))
