"""A mahalla chair in a real browser: rais1 signs in, reads their mahalla's shared appeal (list and
detail, laptop and phone), gets the 404 page on a crime-related one; the admin's sharing page."""

from __future__ import annotations

from typing import Any

from tests.conftest import PASSWORD, World, make_user
from tests.cooperation.test_chair_access import SHARED_TEXT, Appeals
from tests.e2e.conftest import screenshot
from tests.e2e.test_administration import LAPTOP, PHONE, fits, log_in_admin
from webapp.cooperation.partners.roles import MAHALLA_CHAIR
from webapp.extensions import db
from webapp.platform.auth.models import Role


def test_the_chair_reads_the_shared_appeal_on_laptop_and_phone(new_page: Any, world: World) -> None:
    appeals = Appeals(world)
    chair = make_user("rais1", Role.INSPECTOR, mahallas=[world.mahalla])  # a known password; the role set below
    chair.role = MAHALLA_CHAIR
    db.session.commit()
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login")
    page.fill("input[name=username]", "rais1")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/partner"))
    page.click("nav a[href='/chair/appeals']")
    assert appeals.shared.number in page.locator("main").inner_text()
    assert appeals.crime.number not in page.locator("main").inner_text()
    for size, label in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.goto("/chair/appeals")
        screenshot(page, f"chair-appeals-{label}")
        assert fits(page), label
        page.goto(f"/chair/appeals/{appeals.shared.number}")
        assert SHARED_TEXT in page.locator("main").inner_text()
        screenshot(page, f"chair-appeal-{label}")
        assert fits(page), label
    assert page.goto(f"/chair/appeals/{appeals.crime.number}").status == 404
    assert page.goto("/prevention").status == 404
    assert errors == []

    admin = new_page()
    log_in_admin(admin)
    for size, label in ((LAPTOP, "laptop"), (PHONE, "phone")):
        admin.set_viewport_size(size)
        admin.goto("/admin/chair-sharing")
        screenshot(admin, f"admin-chair-sharing-{label}")
        assert fits(admin), label
    admin.uncheck("#cat-utilities")
    admin.click("main form.chair-sharing button[type=submit]")
    admin.wait_for_selector(".alert-success")
    page.goto("/chair/appeals")
    assert appeals.shared.number not in page.locator("main").inner_text()
