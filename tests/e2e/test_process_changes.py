"""The version comparison and a sandbox run, drawn by bpmn-js in a real browser."""

from __future__ import annotations

from typing import Any

from tests.conftest import PASSWORD, World
from tests.e2e.conftest import screenshot
from tests.process_changes.variants import relabelled
from webapp.cases.versions import current_version, publish_files
from webapp.extensions import db

PROCESS = "appeal_lifecycle"


def _log_in(page: Any, username: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_compare_colours_the_changed_task_on_both_sides(new_page: Any, world: World) -> None:
    before = current_version()
    after = publish_files(PROCESS, relabelled(before.files), note="label")
    db.session.commit()
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _log_in(page, world.methodologist.username)
    page.goto(f"/processes/{PROCESS}/compare?from={before.id}&to={after.id}")
    for side in ("before", "after"):
        page.wait_for_selector(f'[data-compare-side="{side}"][data-rendered="true"]')
        canvas = page.locator(f'[data-compare-side="{side}"]')
        assert canvas.locator('.djs-element.cmp-changed[data-element-id="analyse_appeal"]').count() == 1
    assert page.locator('[data-compare-file="appeal_analysis.bpmn"].active').count() == 1
    screenshot(page, "process-compare")
    assert errors == []


def test_a_sandbox_run_draws_its_path_and_current_task(new_page: Any, world: World) -> None:
    current_version()
    db.session.commit()
    page = new_page()
    _log_in(page, world.methodologist.username)
    page.goto(f"/processes/{PROCESS}/sandbox")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".sandbox-task select[name=category]")
    page.select_option("select[name=category]", "public_safety")
    page.click(".sandbox-task form button[type=submit]")
    page.wait_for_selector('[data-diagram-canvas][data-rendered="true"][data-process-id="appeal_analysis"]')
    assert page.locator('.djs-element.current[data-element-id="analyse_appeal"]').count() == 1
    assert page.locator('.djs-element.done[data-element-id="start_analysis"]').count() == 1
    screenshot(page, "process-sandbox-run")
