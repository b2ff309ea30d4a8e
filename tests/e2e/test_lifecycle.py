"""One complaint through all five stages, in a real browser, by an inspector and a supervisor."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import PASSWORD, World
from tests.e2e.conftest import screenshot

TEXT = "Ko'chamizda kechqurun mast yoshlar to'planib, o'tkinchilarga tegajoqlik qilishmoqda."

ANSWERS: dict[str, dict[str, Any]] = {
    "check_registration": {
        "kind": "shikoyat",
        "category": "crime_prevention",
        "urgency": "urgent",
        "within_competence": True,
    },
    "analyse_appeal": {
        "causes": "Joyida o'rganildi, guvohlar bilan suhbat qilindi.",
        "severity": "high",
        "crime_related": True,
        "social_need": False,
    },
    "refer_law_enforcement": {
        "law_enforcement_body": "Tuman IIB",
        "referral_date": "2026-11-20",
        "referral_number": "45/12",
    },
    "take_measures": {
        "measures": "official_warning",
        "measures_description": "Yoshlarga rasmiy ogohlantirish berildi.",
        "measures_date": "2026-11-21",
        "problem_resolved": True,
    },
    "prepare_reply": {
        "reply_text": "Hurmatli fuqaro, murojaatingiz bo'yicha choralar ko'rildi.",
        "reply_channel": "letter",
    },
    "approve_reply": {"reply_approved": True},
    "record_result": {"result": "satisfied", "reply_date": "2026-11-22"},
    "evaluate_effectiveness": {
        "effective": True,
        "effectiveness_score": "5",
        "recommendation": "Kechki reydlarni davom ettirish.",
    },
}


def log_in(page: Any, username: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/tasks$"))


def fill(page: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        control = page.locator(f"main [name={name}]")
        tag = control.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || '')")
        if tag.startswith("select"):
            control.select_option(value)
        elif tag.endswith("checkbox"):
            control.set_checked(bool(value))
        else:
            control.fill(str(value))


def complete_next(page: Any, number: str, expected_task: str) -> None:
    page.goto("/tasks")
    row = page.locator("tr", has_text=number)
    row.locator("a").first.click()
    page.wait_for_selector("main form")
    assert page.locator(f"main [name={next(iter(ANSWERS[expected_task]))}]").count() == 1, expected_task
    fill(page, ANSWERS[expected_task])
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/tasks$"))
    assert page.locator(".alert-success").count() == 1


def test_complaint_through_all_five_stages(new_page: Any, world: World) -> None:
    inspector = new_page()
    log_in(inspector, world.inspector.username)
    inspector.goto("/appeals/new")
    fill(
        inspector,
        {
            "channel": "walk_in",
            "mahalla": "M1",
            "kind": "shikoyat",
            "applicant_name": "Dilnoza Karimova",
            "applicant_phone": "+998 90 123 45 67",
            "address": "Bunyodkor ko'chasi, 5-uy",
            "text": TEXT,
        },
    )
    inspector.click("main form button[type=submit]")
    inspector.wait_for_url(re.compile(r"/appeals/\d{4}-\d{6}$"))
    number = inspector.url.rsplit("/", 1)[-1]
    screenshot(inspector, "case-registered")

    for task in ("check_registration", "analyse_appeal", "refer_law_enforcement", "take_measures", "prepare_reply"):
        complete_next(inspector, number, task)

    supervisor = new_page()
    log_in(supervisor, world.supervisor.username)
    complete_next(supervisor, number, "approve_reply")
    complete_next(inspector, number, "record_result")
    screenshot(supervisor, "supervisor-inbox")
    complete_next(supervisor, number, "evaluate_effectiveness")

    supervisor.goto(f"/appeals/{number}")
    screenshot(supervisor, "case-closed")
    timeline = supervisor.locator(".timeline").inner_text()
    assert timeline.count("\n") > 10
    assert supervisor.locator(".status-answered").count() >= 1
    assert supervisor.locator(".stage-done").count() == 5
    inspector.goto("/tasks")
    assert inspector.locator("tr", has_text=number).count() == 0
