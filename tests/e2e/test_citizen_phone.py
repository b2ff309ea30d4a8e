"""A citizen on a phone: files an appeal in the public form, then follows it with the code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import World
from tests.e2e.conftest import screenshot
from tests.webapp.cases import appeal_by_number, drive_to

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="uz-UZ"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_citizen_files_and_tracks_an_appeal_on_a_phone(phone: Any, world: World) -> None:
    page = phone
    page.goto("/murojaat")
    assert page.locator("html").get_attribute("lang") == "uz"
    assert fits_the_screen(page)
    honeypot = page.locator("input[name=website]").locator("..").bounding_box()
    assert honeypot is not None and honeypot["width"] <= 1  # not seen by people
    screenshot(page, "public-form-phone")

    page.click("main button[type=submit]")  # empty: inline errors, nothing sent
    assert page.locator(".invalid-feedback").count() >= 5
    assert fits_the_screen(page)
    screenshot(page, "public-form-phone-errors")

    page.fill("input[name=applicant_name]", "Karimova Dilnoza")
    page.fill("input[name=applicant_phone]", "+998 90 123 45 67")
    page.select_option("select[name=mahalla]", world.mahalla.code)
    page.fill("input[name=address]", "Bunyodkor ko'chasi 12")
    page.fill("textarea[name=text]", "Ko'chamizda kechasi chiroqlar yonmaydi, bolalar qo'rqishadi.")
    page.check("input[name=consent]")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/murojaat/yuborildi$"))
    number = page.inner_text("#appeal-number").strip()
    code = page.inner_text("#access-code").strip()
    assert re.fullmatch(r"\d{4}-\d{6}", number)
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    assert appeal_by_number(number).channel == "web"
    assert fits_the_screen(page)
    screenshot(page, "public-appeal-sent-phone")

    tracker = page.context.browser.new_context(base_url=page.url.split("/murojaat")[0], viewport=PHONE, locale="uz-UZ")
    try:
        other = tracker.new_page()
        other.goto("/kuzatish")
        other.fill("input[name=number]", number)
        other.fill("input[name=code]", code.lower())
        other.click("main button[type=submit]")
        other.wait_for_url(re.compile(rf"/kuzatish/{number}$"))
        assert "Karimova" not in other.content()
        assert other.inner_text("#stage").startswith("1.")
        assert fits_the_screen(other)
        screenshot(other, "public-tracking-phone")

        drive_to(world, appeal_by_number(number), "evaluate_effectiveness")  # answered, stage 5
        other.reload()
        assert other.inner_text("#stage").startswith("5.")
        other.click("label[for=score-4]")  # the buttons read 5, 4, 3, 2, 1: the fifth is "1"
        other.check("#resolved-1")  # "no"
        other.fill("textarea[name=comment]", "Chiroqlar hali ham yonmayapti.")
        screenshot(other, "public-rating-phone")
        other.click("main button[type=submit]")
        other.wait_for_selector(".alert-success")
        assert other.inner_text("#stage").startswith("3.")
        assert other.locator("#rating").count() == 0
        assert appeal_by_number(number).reopened_count == 1
    finally:
        tracker.close()
