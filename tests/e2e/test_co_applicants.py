"""The register page's co-applicant rows: added and removed in the browser, stored in order."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.e2e.test_lifecycle import log_in
from tests.webapp.cases import appeal_by_number


def test_co_applicant_rows_are_added_removed_and_stored(new_page: Any, world: World) -> None:
    page = new_page()
    log_in(page, world.inspector.username)
    page.goto("/appeals/new")
    assert page.locator("[data-show-if='applicant_is_minor']").is_hidden()
    page.check("#applicant_is_minor")
    page.fill("#legal_representative", "Karimov Botir")
    page.fill("#applicant_name", "Karimova Dilnoza")
    for name in ("Rahimov Anvar", "Olimov Jasur", "Saidova Malika"):
        page.click("#co-add")
        page.locator(".co-applicant input[name$='-name']").last.fill(name)
    page.locator(".co-applicant .co-remove").nth(1).click()
    names = page.locator("#co-applicants input[name$='-name']")
    assert [names.nth(i).get_attribute("name") for i in range(names.count())] == [
        "co_applicants-0-name",
        "co_applicants-1-name",
    ]
    page.fill("#text", "Ko'chadagi chiroqlar yonmayapti, kechqurun xavfli bo'lib qoldi.")
    page.click("main form button.btn-primary")
    page.wait_for_url("**/appeals/2*")
    appeal = appeal_by_number(page.url.rsplit("/", 1)[-1])
    assert [c.name for c in appeal.co_applicants] == ["Rahimov Anvar", "Saidova Malika"]
    assert appeal.legal_representative == "Karimov Botir"
