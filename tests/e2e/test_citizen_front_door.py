"""The citizen's whole path on a phone: the front door, filing, the number and code by SMS (in the
outbox, masked for staff), tracking, a lost code replaced through the phone, and the status page
that explains; screenshots at 390×844 and 1280×800."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import World
from tests.e2e.conftest import screenshot
from tests.webapp.cases import appeal_by_number, drive_to
from webapp.casework.replies.preparation import prepare_documents
from webapp.extensions import db
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.notifications.service import substitute

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MOBILE_NUMBER = "+998 90 765 43 21"


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="uz-UZ"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="uz-UZ")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def sms_to(phone: str) -> list[str]:
    """The SMS texts queued for the phone, as the gateway will deliver them."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.channel == "sms", OutboxMessage.recipient == phone)
        .order_by(OutboxMessage.id)
    )
    return [substitute(m.body, m.secrets) for m in rows]


def test_a_citizen_on_a_phone_files_tracks_and_recovers_the_code(phone: Any, desktop: Any, world: World) -> None:
    page = phone
    page.goto("/")
    assert fits_the_screen(page)
    assert page.locator("#law").is_visible()
    screenshot(page, "front-door-phone")
    page.select_option("#contact-mahalla", world.mahalla.code)
    page.click("#inspector button[type=submit]")
    assert world.inspector.full_name in page.inner_text("#contact")
    page.click("#contact a.btn")
    page.wait_for_url(re.compile(r"/murojaat\?mahalla="))
    page.fill("input[name=applicant_name]", "Karimova Dilnoza")
    page.fill("input[name=applicant_phone]", MOBILE_NUMBER)
    page.fill("input[name=address]", "Bunyodkor koʻchasi 12")
    page.fill("textarea[name=text]", "Koʻchamizda kechasi chiroqlar yonmaydi, bolalar qoʻrqishadi.")
    page.check("input[name=consent]")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/murojaat/yuborildi$"))
    number = page.inner_text("#appeal-number").strip()
    code = page.inner_text("#access-code").strip()

    [sms] = sms_to(MOBILE_NUMBER)  # the number and the code reach the phone
    assert number in sms and code in sms

    page.goto("/")
    page.click("#go-track")
    page.fill("input[name=number]", number)
    page.fill("input[name=code]", code)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(rf"/kuzatish/{number}$"))
    assert "chiroqlar yonmaydi" in page.inner_text("#what-you-wrote")
    assert page.locator("#next-step").is_visible()
    assert fits_the_screen(page)
    screenshot(page, "status-registered-phone")

    # Lost the code: a fresh browser asks for a new one through the phone on record.
    page.context.clear_cookies()
    page.goto("/")
    page.click("#go-recover")
    page.fill("input[name=number]", number)
    page.fill("input[name=phone]", "90 765-43-21")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/kuzatish/kod/tasdiqlash$"))
    assert fits_the_screen(page)
    screenshot(page, "recover-code-phone")
    confirmation = re.findall(r"\b\d{6}\b", sms_to(MOBILE_NUMBER)[-1].replace(number, ""))[0]
    page.fill("input[name=confirmation]", confirmation)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/kuzatish$"))
    new_code = re.findall(r"\b[A-Z2-9]{8}\b", sms_to(MOBILE_NUMBER)[-1])[0]
    assert new_code != code
    page.fill("input[name=number]", number)
    page.fill("input[name=code]", code)  # the old code no longer works
    page.click("main button[type=submit]")
    assert page.locator(".alert-danger").is_visible()
    page.fill("input[name=number]", number)
    page.fill("input[name=code]", new_code)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(rf"/kuzatish/{number}$"))

    # The answer arrives: the page shows it, the date, no countdown, and asks for a rating.
    drive_to(world, appeal_by_number(number), "evaluate_effectiveness")
    prepare_documents()  # the background job renders and sends the letter after the completion
    page.reload()
    assert page.locator("#reply").is_visible() and page.locator("#answered-on").is_visible()
    assert page.locator("#deadline").count() == 0
    assert page.locator("#rating").is_visible()
    assert fits_the_screen(page)
    screenshot(page, "status-answered-phone")

    desktop.goto("/")
    screenshot(desktop, "front-door-desktop")
    desktop.goto("/kuzatish")
    desktop.fill("input[name=number]", number)
    desktop.fill("input[name=code]", new_code)
    desktop.click("main button[type=submit]")
    desktop.wait_for_url(re.compile(rf"/kuzatish/{number}$"))
    screenshot(desktop, "status-answered-desktop")
