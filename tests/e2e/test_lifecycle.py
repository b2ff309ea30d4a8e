"""One complaint through all five stages, in a real browser, by an inspector, the district police
(the referral: police1 acknowledges and reports the outcome in their own browser page) and a
supervisor."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import PASSWORD, World, make_user
from tests.e2e.conftest import screenshot, set_date
from webapp.cooperation.partners import service as partners
from webapp.cooperation.partners.models import PartnerOrganisation
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.timeutil import local_today

TEXT = "Ko'chamizda kechqurun mast yoshlar to'planib, o'tkinchilarga tegajoqlik qilishmoqda."

# Things done are dated the day they are recorded: the diagrams accept received_on … today.
# "Today" is read when the answer is typed, not when the module is imported: a run that crosses
# midnight in Tashkent would otherwise date a referral the day before the appeal was received.
TODAY = "<today>"
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
        "referral_date": TODAY,
        "referral_number": "45/12",
    },
    "acknowledge_referral": {"referral_responsible": "Katta inspektor J. Toshmatov"},
    "report_referral_outcome": {
        "referral_outcome": "Yoshlar aniqlanib, IIB profilaktika hisobiga qo'yildi.",
        "referral_outcome_date": TODAY,
    },
    "take_measures": {
        "measures": "official_warning",
        "measures_description": "Yoshlarga rasmiy ogohlantirish berildi.",
        "measures_date": TODAY,
        "problem_resolved": True,
    },
    "prepare_reply": {
        "reply_text": "Hurmatli fuqaro, murojaatingiz bo'yicha choralar ko'rildi.",
        "reply_channel": "letter",
    },
    "approve_reply": {"reply_comment": ""},  # decided by the "Approve" button, beside the letter
    "record_result": {"result": "satisfied", "reply_date": TODAY},
    "evaluate_effectiveness": {
        "effective": True,
        "effectiveness_score": "5",
        "recommendation": "Kechki reydlarni davom ettirish.",
    },
}


def log_in(page: Any, username: str, lands_on: str = "/tasks") -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(re.escape(lands_on) + "$"))


def district_police(world: World) -> User:
    """police1, staff of the district's police unit (a partner organisation)."""
    police = PartnerOrganisation(name="Chilonzor tumani IIB", kind="police", district_id=world.district.id)
    db.session.add(police)
    officer = make_user("police1", Role.INSPECTOR)  # a known password; the partner role set below
    officer.role = "partner"
    db.session.flush()
    partners.set_organisation(officer, police.id)
    db.session.commit()
    return officer


def fill(page: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        control = page.locator(f"main [name={name}]")
        tag = control.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || '')")
        if tag.startswith("select"):
            control.select_option(value)
        elif tag.endswith("checkbox"):
            control.set_checked(bool(value))
        elif control.evaluate("el => Boolean(el._flatpickr)"):
            set_date(page, f"main [name={name}]", str(value))
        else:
            control.fill(str(value))


def answers(task: str) -> dict[str, Any]:
    today = local_today().isoformat()
    return {name: today if value == TODAY else value for name, value in ANSWERS[task].items()}


def complete_next(page: Any, number: str, expected_task: str) -> None:
    page.goto("/tasks")
    row = page.locator("tr", has_text=number)
    row.locator("a").first.click()
    page.wait_for_selector("main form")
    assert page.locator(f"main [name={next(iter(ANSWERS[expected_task]))}]").count() == 1, expected_task
    fill(page, answers(expected_task))
    if page.locator("main form button[name=decision]").count():
        letter = page.locator(".approval-review .letter-text")
        assert letter.count() == 1 and ANSWERS["prepare_reply"]["reply_text"] in letter.inner_text()
        page.click("main form button[name=decision][value=approve]")
    else:
        page.click("main form button[type=submit]")
    try:
        page.wait_for_url(re.compile(r"/tasks$"))
    except Exception as timeout:  # the form came back: say what it refused
        refusals = page.locator(".invalid-feedback, .alert-danger").all_inner_texts()
        raise AssertionError(f"{expected_task} was not completed: {refusals}") from timeout
    assert page.locator(".alert-success").count() == 1


def test_complaint_through_all_five_stages(new_page: Any, world: World) -> None:
    officer = district_police(world)
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

    for task in ("check_registration", "analyse_appeal", "refer_law_enforcement"):
        complete_next(inspector, number, task)

    police = new_page()
    log_in(police, officer.username, lands_on="/partner")
    complete_next(police, number, "acknowledge_referral")
    screenshot(police, "partner-inbox")
    complete_next(police, number, "report_referral_outcome")
    assert police.locator("tr", has_text=number).count() == 0
    police.goto(f"/appeals/{number}")
    assert police.locator("main").inner_text().count(ANSWERS["analyse_appeal"]["causes"]) == 0

    for task in ("take_measures", "prepare_reply"):
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
    assert ANSWERS["report_referral_outcome"]["referral_outcome"] in timeline  # the partner's answer
    assert supervisor.locator("#referrals .referral-answered").count() == 1
    assert supervisor.locator(".status-answered").count() >= 1
    assert supervisor.locator(".stage-done").count() == 5
    inspector.goto("/tasks")
    assert inspector.locator("tr", has_text=number).count() == 0
