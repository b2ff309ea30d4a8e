"""Administration and cover in a real browser: the month-end story (record a cover, the substitute
completes a moved task, the cover ends, 404 again), and the admin pages at laptop and phone width."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tests.conftest import World
from tests.e2e.conftest import screenshot, set_date
from tests.e2e.test_lifecycle import complete_next, log_in
from tests.webapp.cases import register
from webapp.admin.imports.sample import SAMPLE_CSV
from webapp.platform.timeutil import local_today

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def fits(page: Any) -> bool:
    """Nothing sticks out sideways (a table may scroll inside its own box)."""
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_the_month_end_story_in_the_browser(new_page: Any, world: World) -> None:
    first, second = register(world, kind="shikoyat"), register(world, kind="shikoyat")
    supervisor = new_page()
    log_in(supervisor, "supervisor")
    supervisor.goto("/absences")
    supervisor.select_option("main [name=user]", str(world.inspector.id))
    supervisor.select_option("main [name=kind]", "sick")
    set_date(supervisor, "main [name=starts_on]", local_today().isoformat())
    set_date(supervisor, "main [name=ends_on]", (local_today() + dt.timedelta(days=4)).isoformat())
    supervisor.select_option("main [name=substitute]", str(world.inspector2.id))
    supervisor.set_checked("main [name=return_tasks]", True)
    supervisor.click("main form.absence-form button[type=submit]")
    supervisor.wait_for_selector(".alert-success")
    assert "2" in supervisor.locator(".alert-success").inner_text()
    for size, name in ((LAPTOP, "laptop"), (PHONE, "phone")):
        supervisor.set_viewport_size(size)
        screenshot(supervisor, f"absences-{name}")
        assert fits(supervisor), name

    substitute = new_page()
    log_in(substitute, "inspector2")
    inbox = substitute.locator("main").inner_text()
    assert first.number in inbox and second.number in inbox
    complete_next(substitute, first.number, "check_registration")
    held = substitute.locator("tr", has_text=second.number).locator("a").first.get_attribute("href")
    assert held is not None and substitute.goto(held).status == 200

    supervisor.set_viewport_size(LAPTOP)
    supervisor.goto("/absences")
    supervisor.click("main .absence-list button[type=submit]")
    supervisor.wait_for_selector(".alert-success")
    assert substitute.goto(held).status == 404
    assert substitute.goto(f"/appeals/{second.number}").status == 404


ADMIN_PAGES = [
    ("people", "/people"),
    ("person", "/people/{inspector}"),
    ("person-new", "/people/new"),
    ("territories", "/admin/territories"),
    ("access", "/admin/access"),
    ("reference", "/admin/reference?kind=holiday"),
    ("audit", "/admin/audit"),
    ("account", "/account"),
]


def test_admin_pages_at_laptop_and_phone_width(new_page: Any, world: World, tmp_path: Path) -> None:
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page)
    for name, path in ADMIN_PAGES:
        for size, label in ((LAPTOP, "laptop"), (PHONE, "phone")):
            page.set_viewport_size(size)
            response = page.goto(path.format(inspector=world.inspector.id))
            assert response is not None and response.status == 200, path
            screenshot(page, f"admin-{name}-{label}")
            assert fits(page), f"{path} at {label} width"
    sample = tmp_path / "sample.csv"
    sample.write_text(SAMPLE_CSV, encoding="utf-8")
    page.set_viewport_size(LAPTOP)
    page.goto("/admin/import")
    page.set_input_files("main input[type=file]", str(sample))
    page.click("main form.import-form button[type=submit]")
    page.wait_for_selector(".import-summary")
    screenshot(page, "admin-import-dry-run-laptop")
    page.set_viewport_size(PHONE)
    screenshot(page, "admin-import-dry-run-phone")
    assert fits(page)
    page.set_viewport_size(LAPTOP)
    page.click("main form[action^='/admin/import/'] button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert errors == []


def log_in_admin(page: Any) -> None:
    page.goto("/login")
    from tests.conftest import PASSWORD

    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
