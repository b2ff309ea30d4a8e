"""The Open311 triage pages in a real browser, on a desktop and on a phone: an inspector opens a
waiting request from the queue and fills in the placement; the pages fit the screen. (Placing and
rejecting are exercised over HTTP in tests/open311/test_open311_triage.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD, World
from tests.e2e.conftest import screenshot
from tests.e2e.test_citizen_phone import PHONE, fits_the_screen
from webapp.extensions import db
from webapp.intake.open311 import triage
from webapp.intake.open311.models import Open311Client
from webapp.intake.open311.service import create_client


def waiting(world: World) -> int:
    create_client("Smart Mahalla")
    request = triage.Unplaced(
        client_id=db.session.scalar(db.select(Open311Client.id)),
        service_code="street_lights",
        kind="shikoyat",
        description="Ko'chamizdagi chiroqlar bir oydan beri yonmayapti, kechasi bolalar qo'rqadi.",
        address="Bunyodkor ko'chasi 12",
        latitude=40.1,
        longitude=65.2,
        applicant_name="Vali Aliyev",
        applicant_phone="+998901234567",
        applicant_email="",
    )
    item_id = int(triage.hold(request).id)
    db.session.commit()  # no read transaction left open while the live server writes
    return item_id


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "desktop"])
def test_an_inspector_opens_a_waiting_request(
    browser: Any, live_server: str, world: World, viewport: dict[str, int]
) -> None:
    item_id = waiting(world)
    username, mahalla_id = world.inspector.username, world.mahalla.id
    db.session.commit()  # the reads above opened a transaction: end it before the live server writes
    context = browser.new_context(base_url=live_server, viewport=viewport, locale="uz-UZ")
    context.set_default_timeout(10_000)
    page = context.new_page()
    name = "phone" if viewport is PHONE else "desktop"
    try:
        page.goto("/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        page.goto("/open311-triage")
        assert page.locator(f'tr[data-id="{item_id}"]').is_visible() and fits_the_screen(page)
        screenshot(page, f"open311-triage-queue-{name}")
        page.click(f'tr[data-id="{item_id}"] a')
        page.select_option("#place-mahalla", str(mahalla_id))
        page.select_option("#place-category", "public_safety")
        assert fits_the_screen(page)
        screenshot(page, f"open311-triage-request-{name}")
        assert page.locator("#reject textarea").is_visible()
        assert page.locator("#place-mahalla option").count() == 1  # the inspector's own mahalla only
    finally:
        context.close()
