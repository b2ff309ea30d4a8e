"""The bottlenecks page in a real browser: the heat overlay of bpmn-js shows each task's figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.bottlenecks.conftest import registered_and_checked
from tests.conftest import World
from tests.e2e.conftest import screenshot
from tests.e2e.test_case_diagram import log_in, watch_errors
from webapp.platform.timeutil import utcnow

CANVAS = "[data-diagram-canvas]"


def test_the_diagram_is_coloured_by_time_with_a_badge_per_task(world: World, new_page: Any) -> None:
    start = (utcnow() - dt.timedelta(days=5)).replace(microsecond=0)
    registered_and_checked(world, start, 2)
    registered_and_checked(world, start, 6)
    page = new_page()
    errors = watch_errors(page)
    log_in(page, world.supervisor.username)
    page.goto("/bottlenecks")
    page.wait_for_selector(f"{CANVAS}[data-rendered=true]")

    # The lifecycle first: each stage (call activity) shows what waits inside it.
    assert page.get_attribute(CANVAS, "data-process-id") == "appeal_lifecycle"
    stage = page.locator(".heat-badge[data-element=call_analysis]")
    assert "2" in stage.inner_text()
    assert page.locator(".djs-element.heat[data-element-id=call_registration]").count() == 1
    assert page.locator(".bjs-powered-by").is_visible()  # the bpmn.io watermark stays

    # The registration stage: check_registration took 2 h and 6 h, so its median is 4 h.
    page.click("[data-diagram-tabs] button[data-process-id=appeal_registration]")
    page.wait_for_selector(f"{CANVAS}[data-process-id=appeal_registration][data-rendered=true]")
    badge = page.locator(".heat-badge[data-element=check_registration]")
    text = badge.inner_text()
    assert "4 soat" in text or "4 h" in text, text
    assert "heat-4" in (badge.get_attribute("class") or "")  # the slowest task measured: red
    assert page.locator(".djs-element.heat-4[data-element-id=check_registration]").count() == 1
    assert page.locator(".djs-element.heat-none[data-element-id=forward_appeal]").count() == 1
    screenshot(page, "bottlenecks-registration")

    page.click("[data-diagram-tabs] button[data-process-id=appeal_analysis]")
    page.wait_for_selector(f"{CANVAS}[data-process-id=appeal_analysis][data-rendered=true]")
    waiting = page.locator(".heat-badge[data-element=analyse_appeal] .heat-waiting")
    assert waiting.inner_text().endswith("2")
    assert errors == []


def test_a_long_export_shows_its_progress_and_offers_the_file(
    app: Any, world: World, new_page: Any, tmp_path: Any
) -> None:
    from tests.webapp.cases import register
    from webapp.analytics.exports.service import run_export_jobs

    register(world, applicant_name="Тошматов Ғайрат")
    register(world, applicant_name="Gʻayratov Oʻktam")
    app.config.update(EXPORT_JOB_THRESHOLD=1, EXPORTS_DIR=str(tmp_path))
    try:
        page = new_page()
        errors = watch_errors(page)
        log_in(page, world.supervisor.username)
        page.goto("/appeals")
        page.click("a[data-export=xlsx]")
        page.click("main form[method=post] button[type=submit]")
        page.wait_for_selector(".export-job[data-status=queued]")
        assert page.locator("[data-job-download]").is_hidden()
        assert run_export_jobs() != []  # the worker's turn; the page polls and sees it finish
        page.wait_for_selector(".export-job[data-status=done]")
        link = page.locator("[data-job-download]")
        assert link.is_visible()
        assert page.locator("[data-job-done]").inner_text() == "2"
        screenshot(page, "export-job-done")
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename.endswith(".xlsx")
        assert errors == []
    finally:
        app.config.pop("EXPORT_JOB_THRESHOLD", None)
        app.config.pop("EXPORTS_DIR", None)
