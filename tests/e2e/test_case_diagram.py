"""The process diagram on the case page, drawn by bpmn-js in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from engine.xml_safety import parse_diagram_xml
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import screenshot
from tests.webapp.cases import drive_to, register
from webapp.casework.appeals.models import Appeal

CANVAS = "[data-diagram-canvas]"
FLOW_NODE_NAMES = {"task", "callActivity", "subProcess", "transaction"}
# Imports one BPMN document (fetched from the case's route) into a fresh viewer of its own.
IMPORT_IN_FRESH_VIEWER = """async (url) => {
    const response = await fetch(url, {credentials: "same-origin"});
    if (!response.ok) { return {status: response.status}; }
    const container = document.createElement("div");
    container.style.cssText = "width: 1000px; height: 600px; position: relative";
    document.body.appendChild(container);
    const viewer = new BpmnJS({container});
    try {
        const result = await viewer.importXML(await response.text());
        const registry = viewer.get("elementRegistry");
        return {
            status: response.status,
            warnings: result.warnings.map((w) => String(w.message)),
            shapes: registry.filter((e) => !e.waypoints && e.type !== "label").map((e) => e.id),
            domShapes: container.querySelectorAll(".djs-shape").length,
        };
    } finally {
        viewer.destroy();
        container.remove();
    }
}"""


def processes_dir(app: Flask) -> Path:
    return Path(app.config["PROCESSES_DIR"])


def flow_node_ids(xml: str, name: str) -> set[str]:
    """Ids of the flow nodes (events, tasks, gateways, call activities) of a BPMN document."""
    found: set[str] = set()
    for element in parse_diagram_xml(xml, name).getroot().iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag.startswith("{http://www.omg.org/spec/BPMN/20100524/MODEL}"):
            continue
        local = tag.rsplit("}", 1)[-1]
        if local in FLOW_NODE_NAMES or local.endswith(("Event", "Task", "Gateway")):
            found.add(str(element.get("id")))
    return found


def log_in(page: Any, username: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/tasks$"))


def watch_errors(page: Any) -> list[str]:
    """Uncaught script errors and console errors/warnings (a missing favicon aside)."""
    errors: list[str] = []

    def on_console(message: Any) -> None:
        where = str((message.location or {}).get("url", ""))
        if message.type in ("error", "warning") and not where.endswith("/favicon.ico"):
            errors.append(f"console.{message.type}: {message.text} ({where})")

    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", on_console)
    return errors


def wait_rendered(page: Any, process_id: str) -> Any:
    page.wait_for_selector(f'{CANVAS}[data-rendered="true"][data-process-id="{process_id}"]')
    return page.locator(CANVAS)


def shapes_outside(page: Any) -> list[str]:
    """Ids of drawn flow elements that lie (partly) outside the viewer: the diagram must fit."""
    return list(
        page.evaluate(
            """(selector) => {
                const box = document.querySelector(selector).getBoundingClientRect();
                return [...document.querySelectorAll(selector + " .djs-shape .djs-visual")]
                    .filter((visual) => {
                        const r = visual.getBoundingClientRect();
                        return r.left < box.left - 1 || r.right > box.right + 1
                            || r.top < box.top - 1 || r.bottom > box.bottom + 1;
                    })
                    .map((visual) => visual.closest(".djs-shape").dataset.elementId);
            }""",
            CANVAS,
        )
    )


@pytest.fixture
def in_analysis(world: World) -> Appeal:
    appeal = register(world, kind="shikoyat")
    drive_to(world, appeal, "analyse_appeal")
    return appeal


def test_case_page_draws_the_stage_and_the_main_process(new_page: Any, world: World, in_analysis: Appeal) -> None:
    page = new_page()
    errors = watch_errors(page)
    log_in(page, world.inspector.username)

    page.goto(f"/appeals/{in_analysis.number}")

    # The current stage's diagram opens first.
    canvas = wait_rendered(page, "appeal_analysis")
    assert canvas.get_attribute("data-import-warnings") == "0"
    assert page.locator(f'{CANVAS} .djs-element.current[data-element-id="analyse_appeal"]').count() == 1
    assert page.locator(f"{CANVAS} .djs-element.current").count() == 1
    assert page.locator(f'{CANVAS} .djs-element.done[data-element-id="start_analysis"]').count() == 1
    assert page.locator(f'{CANVAS} .djs-element.done[data-element-id="analyse_appeal"]').count() == 0
    tabs = page.locator("[data-diagram-tabs] button[role=tab]")
    assert tabs.count() == 2
    assert page.locator("[data-diagram-tabs] button.active").get_attribute("data-process-id") == "appeal_analysis"
    assert page.locator(".case-diagram .diagram-legend-item").count() == 2
    assert page.locator(f"{CANVAS} .bjs-powered-by").is_visible()  # the bpmn.io watermark (licence)
    assert shapes_outside(page) == []
    screenshot(page, "case-diagram-analysis")

    page.click('[data-diagram-tabs] button[data-process-id="appeal_lifecycle"]')

    canvas = wait_rendered(page, "appeal_lifecycle")
    assert canvas.get_attribute("data-import-warnings") == "0"
    assert page.locator("[data-diagram-tabs] button.active").get_attribute("data-process-id") == "appeal_lifecycle"
    assert page.locator(f'{CANVAS} .djs-element.current[data-element-id="call_analysis"]').count() == 1
    for element_id in ("start_event", "call_registration", "gw_registration_outcome"):
        assert page.locator(f'{CANVAS} .djs-element.done[data-element-id="{element_id}"]').count() == 1, element_id
    assert page.locator(f'{CANVAS} .djs-element.done[data-element-id="call_resolution"]').count() == 0
    # The path taken is drawn too: the flow out of registration into the analysis.
    assert page.locator(f"{CANVAS} .djs-connection.done").count() >= 2
    assert page.locator(f"{CANVAS} .bjs-powered-by").is_visible()
    assert shapes_outside(page) == []
    screenshot(page, "case-diagram-main")
    assert errors == []


def test_every_bundled_diagram_imports_without_warnings(
    new_page: Any, world: World, in_analysis: Appeal, app: Flask
) -> None:
    page = new_page()
    errors = watch_errors(page)
    log_in(page, world.supervisor.username)
    page.goto(f"/appeals/{in_analysis.number}")
    wait_rendered(page, "appeal_analysis")
    files = sorted(processes_dir(app).glob("*.bpmn"))
    assert len(files) == 7

    for path in files:
        result = page.evaluate(IMPORT_IN_FRESH_VIEWER, f"/appeals/{in_analysis.number}/diagrams/{path.stem}.bpmn")

        assert result["status"] == 200, path.name
        assert result["warnings"] == [], path.name
        nodes = flow_node_ids(path.read_text(encoding="utf-8"), path.name)
        assert nodes, path.name
        assert nodes <= set(result["shapes"]), (path.name, sorted(nodes - set(result["shapes"])))
        assert result["domShapes"] >= len(nodes), path.name
    assert errors == []


def test_every_stage_tab_renders_on_a_closed_path(new_page: Any, world: World) -> None:
    """A case further on: the resolution stage is current; both tabs import without warnings."""
    appeal = register(world)
    drive_to(world, appeal, "take_measures")
    page = new_page()
    errors = watch_errors(page)
    log_in(page, world.inspector.username)

    page.goto(f"/appeals/{appeal.number}")

    canvas = wait_rendered(page, "appeal_resolution")
    assert canvas.get_attribute("data-import-warnings") == "0"
    assert page.locator(f'{CANVAS} .djs-element.current[data-element-id="take_measures"]').count() == 1
    page.click('[data-diagram-tabs] button[data-process-id="appeal_lifecycle"]')
    canvas = wait_rendered(page, "appeal_lifecycle")
    assert canvas.get_attribute("data-import-warnings") == "0"
    for element_id in ("call_registration", "call_analysis"):
        assert page.locator(f'{CANVAS} .djs-element.done[data-element-id="{element_id}"]').count() == 1, element_id
    assert page.locator(f'{CANVAS} .djs-element.current[data-element-id="call_resolution"]').count() == 1
    screenshot(page, "case-diagram-resolution-main")
    assert errors == []
