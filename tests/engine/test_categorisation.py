"""The DMN categorisation: examples per category in three scripts, methodologist edits, hostile DMN."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import DiagramError, Suggestion, suggest_categorisation
from engine.categorisation import CategorisationFailed, load_categoriser

PROCESSES_DIR = Path(__file__).resolve().parents[2] / "processes"


@pytest.fixture(scope="module")
def dmn_files() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(PROCESSES_DIR.glob("*.dmn"))}


EXAMPLES = [
    # (text, channel, category, urgency, route)
    ("Kecha do'konimdan telefonlar o'g'irlandi", "walk_in", "crime_prevention", "normal", "law_enforcement"),
    ("Кеча дўконимдан телефонлар ўғирланди", "walk_in", "crime_prevention", "normal", "law_enforcement"),
    ("Вчера из магазина украли телефоны", "walk_in", "crime_prevention", "normal", "law_enforcement"),
    ("Qoʻshni toʻyxonadan kechasi shovqin tinmaydi", "written", "public_safety", "normal", "inspector"),
    ("Қўшни тўйхонадан кечаси шовқин тинмайди", "written", "public_safety", "normal", "inspector"),
    ("Из соседнего кафе ночью громкая музыка", "written", "public_safety", "normal", "inspector"),
    ("Erim hozir meni kaltaklamoqda", "oral", "family_conflict", "urgent", "law_enforcement"),
    ("Эрим ҳозир мени калтакламоқда", "oral", "family_conflict", "urgent", "law_enforcement"),
    ("Муж сейчас избивает меня", "oral", "family_conflict", "urgent", "law_enforcement"),
    ("O‘g‘lim maktabga bormay, kompyuter klubida o‘tiradi", "web", "minors_youth", "normal", "inspector"),
    ("Ўғлим мактабга бормай, компьютер клубида ўтиради", "web", "minors_youth", "normal", "inspector"),
    ("Сын-подросток прогуливает школу", "web", "minors_youth", "normal", "inspector"),
    (
        "Nogironlik nafaqasini olishga yordam bering",
        "walk_in",
        "social_assistance",
        "normal",
        "mahalla_social_services",
    ),
    ("Ногиронлик нафақасини олишга ёрдам беринг", "walk_in", "social_assistance", "normal", "mahalla_social_services"),
    ("Помогите оформить пособие по инвалидности", "walk_in", "social_assistance", "normal", "mahalla_social_services"),
    ("Mahallada ichimlik suvi yo'q", "written", "utilities", "normal", "competent_body"),
    ("Маҳаллада ичимлик суви йўқ", "written", "utilities", "normal", "competent_body"),
    ("В махалле нет питьевой воды", "written", "utilities", "normal", "competent_body"),
    ("Ma'lumotnoma olish tartibini tushuntiring", "web", "other", "normal", "inspector"),
    ("Маълумотнома олиш тартибини тушунтиринг", "web", "other", "normal", "inspector"),
    ("Как получить справку с места жительства?", "web", "other", "normal", "inspector"),
]


@pytest.mark.parametrize(("text", "channel", "category", "urgency", "route"), EXAMPLES)
def test_suggestion_per_category_in_three_scripts(
    dmn_files: dict[str, str], text: str, channel: str, category: str, urgency: str, route: str
) -> None:
    found = suggest_categorisation(dmn_files, text, channel)
    assert (found.category, found.urgency, found.route) == (category, urgency, route)


def test_nothing_recognised_falls_back_to_other(dmn_files: dict[str, str]) -> None:
    found = suggest_categorisation(dmn_files, "Assalomu alaykum", "web")
    assert found == Suggestion("other", "normal", "inspector", ("Baseline: other, wins when no other rule fires",))


def test_channel_is_an_input_of_the_table(dmn_files: dict[str, str]) -> None:
    text = "Mahallamizda muammo bor"
    assert suggest_categorisation(dmn_files, text, "web").category == "other"
    assert suggest_categorisation(dmn_files, text, "open311").category == "utilities"


def test_matched_rules_name_the_rows_that_fired(dmn_files: dict[str, str]) -> None:
    found = suggest_categorisation(dmn_files, "Срочно! Горит дом", "oral")
    assert "Safety: traffic, fire, dogs, dangerous places" in found.matched_rules
    assert "Urgent: danger to life or health, happening now" in found.matched_rules
    assert (found.category, found.urgency, found.route) == ("public_safety", "urgent", "law_enforcement")


def test_a_methodologist_edit_of_the_dmn_changes_the_result(dmn_files: dict[str, str]) -> None:
    text = "Ko'chamizda zilzila oqibatlarini bartaraf etish kerak"
    assert suggest_categorisation(dmn_files, text, "web").category == "other"

    edited = dict(dmn_files)
    table = edited["appeal_categorisation.dmn"]
    assert '"xavfli", ' in table
    edited["appeal_categorisation.dmn"] = table.replace('"xavfli", ', '"xavfli", "zilzila*", ', 1)

    assert suggest_categorisation(edited, text, "web").category == "public_safety"
    assert suggest_categorisation(dmn_files, text, "web").category == "other"  # cached per content


def test_routing_is_optional(dmn_files: dict[str, str]) -> None:
    only = {"appeal_categorisation.dmn": dmn_files["appeal_categorisation.dmn"]}
    assert suggest_categorisation(only, "Вчера украли велосипед", "web").route == "inspector"


def test_the_categorisation_decision_is_required(dmn_files: dict[str, str]) -> None:
    with pytest.raises(DiagramError, match="appeal_categorisation"):
        load_categoriser({"appeal_routing.dmn": dmn_files["appeal_routing.dmn"]})


def _with_rule_output(dmn_files: dict[str, str], expression: str) -> dict[str, str]:
    table = dmn_files["appeal_categorisation.dmn"]
    marker = '<outputEntry id="rule_1_category"><text>"crime_prevention"</text>'
    assert marker in table
    replaced = table.replace(marker, f'<outputEntry id="rule_1_category"><text>{expression}</text>')
    return {"appeal_categorisation.dmn": replaced}


def test_a_dmn_with_an_import_in_an_expression_is_refused(dmn_files: dict[str, str]) -> None:
    hostile = _with_rule_output(dmn_files, "__import__('os').system('id')")
    with pytest.raises(DiagramError) as caught:
        load_categoriser(hostile)
    assert caught.value.problems[0].element_id == "rule_1_category"
    assert caught.value.problems[0].code == "script.forbidden_name"


def test_a_dmn_with_an_input_entry_reaching_for_dunders_is_refused(dmn_files: dict[str, str]) -> None:
    table = dmn_files["appeal_categorisation.dmn"].replace(
        "<text>words</text>", "<text>words.__class__.__mro__</text>", 1
    )
    with pytest.raises(DiagramError) as caught:
        load_categoriser({"appeal_categorisation.dmn": table})
    assert {p.code for p in caught.value.problems} == {"script.forbidden_attribute"}


def test_a_dmn_with_an_external_entity_is_refused(dmn_files: dict[str, str]) -> None:
    table = dmn_files["appeal_categorisation.dmn"].replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    )
    with pytest.raises(DiagramError, match="not allowed"):
        load_categoriser({"appeal_categorisation.dmn": table})


def test_an_expression_failing_at_run_time_is_reported_not_raised_raw(dmn_files: dict[str, str]) -> None:
    failing = _with_rule_output(dmn_files, "1 / 0")
    categoriser = load_categoriser(failing)
    with pytest.raises(CategorisationFailed):
        categoriser.suggest("Velosiped o'g'irlandi", "web")
