"""The inspector refers a crime-related appeal to the district police and, ticked on the same
form, to the social protection department, in a real browser; each partner finds its own task in
its inbox, and the case page lists both referrals."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import World
from tests.cooperation.test_referrals import TEXT, Partners
from tests.e2e.conftest import screenshot
from tests.e2e.test_lifecycle import answers, fill, log_in
from tests.webapp.cases import drive_to, register
from webapp.extensions import db


def test_the_inspector_ticks_a_second_partner_and_each_gets_its_task(new_page: Any, world: World) -> None:
    orgs = Partners(world)
    for user in (orgs.police1, orgs.social1):
        user.password_hash = world.inspector.password_hash
    appeal = register(world, kind="shikoyat", text=TEXT)
    task = drive_to(world, appeal, "refer_law_enforcement")
    db.session.commit()

    inspector = new_page()
    log_in(inspector, world.inspector.username)
    inspector.goto(f"/tasks/{task.id}")
    inspector.wait_for_selector("main form")
    also = inspector.locator("main [name=law_also_social_protection]")
    assert also.count() == 1 and not also.is_checked()
    fill(inspector, answers("refer_law_enforcement"))
    inspector.get_by_label("Ijtimoiy himoya boʻlimiga ham yuborish").check()
    screenshot(inspector, "refer-to-two-partners")
    inspector.click("main form button[type=submit]")
    inspector.wait_for_url(re.compile(r"/tasks$"), timeout=30_000)
    inspector.goto(f"/appeals/{appeal.number}")
    panel = inspector.locator("#referrals").inner_text()
    assert "Chilonzor tumani IIB" in panel and "Chilonzor ijtimoiy himoya" in panel
    assert inspector.locator("#referrals form[action$='/withdraw']").count() == 2  # each on its own

    for user in (orgs.police1, orgs.social1):
        partner = new_page()
        log_in(partner, user.username, lands_on="/partner")
        partner.goto("/tasks")
        rows = partner.locator("tr", has_text=appeal.number)
        assert rows.count() == 1, user.username  # its own task, not the other partner's
