"""The supervisor reviews a patrol report in a real browser: from the inbox panel to the task
page, accepted, the report page says so (screenshots at 1280 and 390 pixels wide)."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import PASSWORD, World
from tests.e2e.conftest import screenshot
from webapp.platform.timeutil import local_today
from webapp.prevention.patrols import service as patrols


def test_the_supervisor_accepts_a_patrol_report_from_the_inbox(world: World, new_page: Any) -> None:
    group = patrols.save_group(
        world.mahalla, name="Fidokor Yoshlar", leader_name="Otabek", leader_phone="", active=True
    )
    data = patrols.ReportData(report_date=local_today(), route="Bunyodkor koʻchasi", observations="Tinch o'tdi")
    report = patrols.file_report(world.inspector, group, data)
    page = new_page()
    page.goto("/login")
    page.fill("input[name=username]", world.supervisor.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/tasks$"))
    page.click(".patrol-reviews-panel a")
    page.wait_for_url(re.compile(r"/prevention/patrols/review-tasks/"))
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"patrol-review-task-{width}")
    page.check("input[name=report_accepted]")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(rf"/prevention/patrols/reports/{report.id}$"))
    assert page.locator("#review .badge").inner_text().strip()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"patrol-review-report-{width}")
