"""The partner's inbox in a real browser: police1 finds the referral addressed to the district
police (laptop and phone), opens it and sees only what the form shares; social1 of another
partner finds nothing and gets the not-found page for the police's task; police1 answers, and
the inspector sees the answer on the case page, where the referral can no longer be withdrawn."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import World
from tests.cooperation.test_referrals import Partners, referral_of, referred
from tests.e2e.conftest import screenshot
from tests.e2e.test_administration import LAPTOP, PHONE, fits
from tests.e2e.test_lifecycle import ANSWERS, answers, fill, log_in
from tests.webapp.cases import the_task
from webapp.extensions import db


def test_police1_answers_the_referral_of_their_organisation_only(new_page: Any, world: World) -> None:
    orgs = Partners(world)
    for user in (orgs.police1, orgs.social1):
        user.password_hash = world.inspector.password_hash
    appeal = referred(world)
    task = the_task(appeal, "acknowledge_referral")
    db.session.commit()

    social = new_page()
    log_in(social, orgs.social1.username, lands_on="/partner")
    social.goto("/tasks")
    assert social.locator("main").inner_text().count(appeal.number) == 0
    response = social.goto(f"/tasks/{task.id}")
    assert response is not None and response.status == 404

    police = new_page()
    log_in(police, orgs.police1.username, lands_on="/partner")
    assert police.locator("a[href='/tasks']").count() >= 1  # "My tasks" in the menu
    police.goto("/tasks")
    for size, label in ((LAPTOP, "laptop"), (PHONE, "phone")):
        police.set_viewport_size(size)
        assert appeal.number in police.locator("main").inner_text(), label  # the list (phone) or table
        screenshot(police, f"partner-inbox-{label}")
        assert fits(police), label
    police.set_viewport_size(LAPTOP)
    police.locator("tr", has_text=appeal.number).locator("a").first.click()  # the table row (laptop)
    police.wait_for_selector("main form")
    main = police.locator("main").inner_text()
    assert appeal.applicant_name not in main and appeal.number in main
    assert (
        police.locator("main [name=referral_summary]").input_value() == "Ko'cha chiroqlari uch oydan beri ishlamaydi."
    )
    assert police.locator(f"main a[href='/appeals/{appeal.number}']").count() == 0
    screenshot(police, "partner-task")
    fill(police, answers("acknowledge_referral"))
    police.click("main form button[type=submit]")
    police.wait_for_url(re.compile(r"/tasks$"), timeout=30_000)
    assert police.locator(".alert-success").count() == 1
    police.locator("tr", has_text=appeal.number).locator("a").first.click()
    police.wait_for_selector("main [name=referral_outcome]")
    police.set_viewport_size(PHONE)
    screenshot(police, "partner-report-phone")
    assert fits(police)
    police.set_viewport_size(LAPTOP)
    fill(police, answers("report_referral_outcome"))
    police.click("main form button[type=submit]")
    police.wait_for_url(re.compile(r"/tasks$"), timeout=30_000)
    assert police.locator(".alert-success").count() == 1

    inspector = new_page()
    log_in(inspector, world.inspector.username)
    inspector.goto(f"/appeals/{appeal.number}")
    panel = inspector.locator("#referrals")
    assert ANSWERS["report_referral_outcome"]["referral_outcome"] in panel.inner_text()
    assert panel.locator("button", has_text="Withdraw").count() == 0
    screenshot(inspector, "case-referrals")
    db.session.expire_all()
    assert referral_of(appeal).status == "answered"
