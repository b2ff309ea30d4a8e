"""A citizen withdraws their appeal from the tracking page, on a phone and on a desktop."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World
from tests.e2e.conftest import screenshot
from tests.e2e.test_citizen_phone import PHONE, fits_the_screen
from tests.webapp.cases import drive_to, register
from webapp.extensions import db


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "desktop"])
def test_citizen_withdraws_an_appeal_under_analysis(
    browser: Any, live_server: str, world: World, viewport: dict[str, int]
) -> None:
    appeal = register(world, applicant_name="Karimova Dilnoza")
    code = str(appeal.issued_access_code)
    drive_to(world, appeal, "analyse_appeal")
    db.session.commit()
    context = browser.new_context(base_url=live_server, viewport=viewport, locale="uz-UZ")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/kuzatish")
        page.fill("input[name=number]", appeal.number)
        page.fill("input[name=code]", code)
        page.click("main button[type=submit]")
        page.click("#withdraw summary")
        page.fill("#withdraw textarea[name=reason]", "Muammo hal bo'ldi, rahmat.")
        assert fits_the_screen(page)
        screenshot(page, f"public-withdraw-{'phone' if viewport is PHONE else 'desktop'}")
        page.click("#withdraw button[type=submit]")
        page.wait_for_selector(".alert-success")
        assert page.locator("#withdraw").count() == 0 and page.locator("#rating").count() == 0
        assert page.locator(".badge.status-withdrawn").is_visible()
        assert "yopilgan" in page.inner_text("#status")
        assert fits_the_screen(page)
        screenshot(page, f"public-withdrawn-{'phone' if viewport is PHONE else 'desktop'}")
    finally:
        context.close()
    db.session.expire_all()
    assert (appeal.status, appeal.is_open) == ("withdrawn", False)
