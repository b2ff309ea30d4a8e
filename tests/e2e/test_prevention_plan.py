"""In a real browser: an inspector puts a person on the registry and drafts a plan from the inbox,
the supervisor returns it, the inspector redrafts, the supervisor approves; the plan page draws the
diagram with the first check-in as the current task."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import World
from tests.e2e.conftest import screenshot
from tests.e2e.test_lifecycle import fill, log_in

PERSON = {
    "full_name": "Rustamov Bekzod Alisher o'g'li",
    "birth_date": "2004-03-14",
    "passport": "AB4512300",
    "phone": "+998 90 300 10 40",
    "address": "Bunyodkor ko'chasi, 5-uy",
    "risk_group": "administrative_offences",
    "grounds": "Bir yil ichida ikki marta mayda bezorilik uchun ma'muriy javobgarlikka tortilgan.",
}
DRAFT = {
    "measure_talk": True,
    "measure_employment": True,
    "plan_goals": "Har oy profilaktik suhbat, ishga joylashtirish.",
    "plan_months": "12",
}


def plan_task(page: Any) -> None:
    page.goto("/tasks")
    page.locator(".plan-tasks-panel a").first.click()
    page.wait_for_selector("main form")


def test_register_a_person_and_run_the_plan_to_its_first_quarter(new_page: Any, world: World) -> None:
    inspector = new_page()
    log_in(inspector, world.inspector.username)
    inspector.goto("/prevention/persons/new")
    fill(inspector, {**PERSON, "mahalla": str(world.mahalla.id)})
    inspector.click("main form button[type=submit]")
    inspector.wait_for_url(re.compile(r"/prevention/persons/\d+$"))
    inspector.locator("form[action$='/plans'] button").click()
    inspector.wait_for_url(re.compile(r"/prevention/plans/\d+$"))

    plan_task(inspector)
    inspector.click("main form button[type=submit]")  # nothing filled in: errors, nothing saved
    assert inspector.locator("main .is-invalid").count() >= 1
    fill(inspector, DRAFT)
    inspector.click("main form button[type=submit]")
    inspector.wait_for_url(re.compile(r"/prevention/plans/\d+$"))

    supervisor = new_page()
    log_in(supervisor, world.supervisor.username)
    plan_task(supervisor)
    fill(supervisor, {"supervisor_comment": "Ta'lim choralarini ham qo'shing."})
    supervisor.click("main form button[name=decision][value=return]")
    supervisor.wait_for_url(re.compile(r"/prevention/plans/\d+$"))

    plan_task(inspector)
    assert "Ta'lim choralarini ham qo'shing." in inspector.locator(".readonly-note").inner_text()
    fill(inspector, {"measure_education": True})
    inspector.click("main form button[type=submit]")
    inspector.wait_for_url(re.compile(r"/prevention/plans/\d+$"))

    plan_task(supervisor)
    supervisor.click("main form button[name=decision][value=approve]")
    supervisor.wait_for_url(re.compile(r"/prevention/plans/\d+$"))
    supervisor.wait_for_selector("[data-diagram-canvas][data-rendered=true]")
    assert supervisor.locator(".djs-element.current[data-element-id=monthly_checkin]").count() == 1
    assert supervisor.locator(".plan-measures li").count() == 3
    screenshot(supervisor, "prevention-plan")
