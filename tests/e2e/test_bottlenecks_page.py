"""The bottlenecks page in a real browser: the heat overlay of bpmn-js shows each task's figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.bottlenecks.conftest import registered_and_checked
from tests.conftest import World
from tests.e2e.conftest import screenshot
from tests.e2e.test_case_diagram import log_in, watch_errors
from webapp.timeutil import utcnow

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
