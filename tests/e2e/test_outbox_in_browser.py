"""The outbox page in a real browser: the administrator filters, opens a message and cancels it."""

from __future__ import annotations

from typing import Any

from tests.conftest import PASSWORD, World
from tests.e2e.conftest import screenshot
from tests.e2e.test_case_diagram import watch_errors
from webapp.extensions import db
from webapp.platform.notifications.service import MASK, queue_message


def test_filter_open_and_cancel_on_laptop_and_phone(world: World, new_page: Any) -> None:
    for index in range(3):
        queue_message(None, "email", f"user{index}@example.uz", "Salom", subject=f"Xat {index}")
    queue_message(None, "sms", "+998901112233", "Kirish kodi: {code}", secrets={"code": "552211"})
    db.session.commit()
    page = new_page()
    errors = watch_errors(page)
    page.goto("/login")
    page.fill("input[name=username]", world.admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/admin/outbox")
    assert page.locator(".outbox-row").count() == 4
    screenshot(page, "outbox-list-1280")
    page.select_option("select[name=channel]", "sms")
    page.click(".outbox-filters button[type=submit]")
    page.wait_for_url(lambda url: "channel=sms" in url)
    assert page.locator(".outbox-row").count() == 1
    page.click(".outbox-row a")
    assert MASK in page.inner_text(".outbox-body")
    assert "552211" not in page.content()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "outbox-message-390")
    page.click("form[action$='/cancel'] button")
    page.wait_for_selector(".outbox-status[data-status=cancelled]")
    page.goto("/admin/outbox")
    screenshot(page, "outbox-list-390")
    assert errors == []
