"""The BPMN modeler and the DMN editor as a methodologist reads them, in Uzbek and Russian.

A real browser at laptop (1280×800) and phone (390×844) size: the labels of bpmn-js, the properties
panel and dmn-js in the page's language, the diagram fitted into the canvas beside the palette, the
properties panel below the canvas on a phone (hidden until asked for), long DMN cells clamped with
the full text on focus, production bundles only (no console message at all). Screenshots are kept
in test-artifacts/ (modeler-uz-laptop.png, dmn-ru-phone.png, …).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import World
from tests.dmn_rules import add_rule
from tests.e2e.conftest import screenshot
from tests.e2e.test_process_library import log_in
from webapp.cases.versions import APPEAL_PROCESS
from webapp.extensions import db
from webapp.studio.library import service

MODELER = "#process-modeler"
BPMN_FILE = "appeal_registration.bpmn"
DMN_FILE = "appeal_categorisation.dmn"
KEYWORD_RULE = "rule_weapon_urgent"
KEYWORDS = (
    '{"pichoq*", "pichoq bilan", "qurol*", "o\'ldir*", "yonmoqda", "yonyapti", "gaz hid*", "qon", "jarohat*", '
    '"пичоқ*", "нож", "ножом", "оруж*", "убить", "убью", "горит", "запах газа", "кров*", "ранен*"} &amp; ?'
)
START_EVENT = "start_event"
VIEWPORTS = {"laptop": (1280, 800), "phone": (390, 844)}
# What a methodologist reads, per language: no English left where these stand.
LABELS = {
    "uz": {
        "general": "Umumiy",
        "collaboration": "Hamkorlik",
        "start_event": "Boshlanish hodisasi",
        "create_start": "Boshlanish hodisasini yaratish",
        "hit_policy": "Natija siyosati:",
        "when": "Agar",
        "then": "Unda",
        "add_rule": "Qoida qoʻshish",
    },
    "ru": {
        "general": "Общие",
        "collaboration": "Взаимодействие",
        "start_event": "Начальное событие",
        "create_start": "Создать начальное событие",
        "hit_policy": "Политика срабатывания:",
        "when": "Если",
        "then": "То",
        "add_rule": "Добавить правило",
    },
}
ENGLISH = ["General", "Documentation", "Extension properties", "Hit policy", "View DRD", "Annotations"]


def _console(page: Any) -> list[str]:
    """Every console message and uncaught error: a production build logs nothing (a missing
    favicon aside, which is not the modeler's: tests/e2e/test_case_diagram.py's watch_errors)."""
    messages: list[str] = []

    def on_console(message: Any) -> None:
        if not str((message.location or {}).get("url", "")).endswith("/favicon.ico"):
            messages.append(f"console.{message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return {"left": box["x"], "top": box["y"], "right": box["x"] + box["width"], "bottom": box["y"] + box["height"]}


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return all(inner[s] >= outer[s] - 1 for s in ("left", "top")) and all(
        inner[s] <= outer[s] + 1 for s in ("right", "bottom")
    )


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _diagram_box(page: Any) -> dict[str, float]:
    """The union of every drawn element of the diagram, in page coordinates."""
    box: dict[str, float] = page.evaluate(
        """(root) => {
            const rects = [...document.querySelectorAll(root + ' .djs-element:not(.djs-root) .djs-visual')]
              .map((node) => node.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
            return {left: Math.min(...rects.map((r) => r.left)), top: Math.min(...rects.map((r) => r.top)),
                    right: Math.max(...rects.map((r) => r.right)), bottom: Math.max(...rects.map((r) => r.bottom))};
        }""",
        MODELER,
    )
    return box


@pytest.fixture
def methodologist_in(browser: Any, live_server: str, world: World) -> Iterator[Any]:
    """A logged-in methodologist's page in a language at a viewport; a draft to open."""
    draft = service.start_draft(APPEAL_PROCESS, world.methodologist)
    # A methodologist's keyword rule (the kind of cell that is long): "a weapon or danger now is urgent".
    table = add_rule(draft.files[DMN_FILE], KEYWORD_RULE, words=KEYWORDS, urgency='"urgent"')
    service.save_file(APPEAL_PROCESS, DMN_FILE, table, world.methodologist)
    db.session.commit()
    contexts = []

    def _open(language: str, viewport: str) -> tuple[Any, list[str]]:
        world.methodologist.language = language
        db.session.commit()
        width, height = VIEWPORTS[viewport]
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, world.methodologist.username, r"/processes$")
        return page, _console(page)

    yield _open
    for context in contexts:
        context.close()


def _open_file(page: Any, name: str) -> None:
    page.goto(f"/processes/{APPEAL_PROCESS}/draft/files/{name}")
    page.wait_for_selector(f'{MODELER}[data-ready="true"]')


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_the_bpmn_modeler_on_a_laptop(methodologist_in: Any, language: str) -> None:
    page, console = methodologist_in(language, "laptop")
    labels = LABELS[language]
    _open_file(page, BPMN_FILE)

    # Fitted: the whole diagram inside the canvas, none of it under the palette.
    canvas, palette, diagram = _box(page, f"{MODELER} .modeler-canvas"), _box(page, ".djs-palette"), _diagram_box(page)
    assert _inside(diagram, canvas) and not _overlap(diagram, palette), (diagram, canvas, palette)
    assert diagram["right"] - diagram["left"] > 0.5 * (canvas["right"] - palette["right"])  # not drawn tiny

    # The palette, the panel header and groups speak the page's language.
    start_tool = '.djs-palette [data-action="create.start-event"]'
    assert page.get_attribute(start_tool, "aria-label") == labels["create_start"]
    header = page.locator(".bio-properties-panel-header-type")
    assert header.inner_text().lower() == labels["collaboration"].lower()
    groups = page.locator(".bio-properties-panel-group-header-title").all_inner_texts()
    assert labels["general"] in groups and not set(groups) & set(ENGLISH), groups
    page.click(f'{MODELER} .djs-element[data-element-id="{START_EVENT}"]')
    page.wait_for_function(
        "(label) => document.querySelector('.bio-properties-panel-header-type').textContent.toLowerCase()"
        " === label.toLowerCase()",
        arg=labels["start_event"],
    )
    screenshot(page, f"modeler-{language}-laptop")

    # The panel can make way for the canvas, and come back.
    toggle = page.locator(f"{MODELER} [data-action=toggle-properties]")
    toggle.click()
    assert not page.locator("[data-modeler-properties]").is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert page.locator("[data-modeler-properties]").is_visible()
    assert console == []


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_the_bpmn_modeler_on_a_phone(methodologist_in: Any, language: str) -> None:
    page, console = methodologist_in(language, "phone")
    _open_file(page, BPMN_FILE)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"][0]  # no sideways scroll

    # The canvas has the width; the start event is in it, beside the palette, not under it.
    canvas, palette = _box(page, f"{MODELER} .modeler-canvas"), _box(page, ".djs-palette")
    start = _box(page, f'{MODELER} .djs-element[data-element-id="{START_EVENT}"] .djs-visual')
    assert _inside(start, canvas) and not _overlap(start, palette), (start, canvas, palette)
    assert not page.locator("[data-modeler-properties]").is_visible()  # the panel waits below
    screenshot(page, f"modeler-{language}-phone")

    page.click(f"{MODELER} [data-action=toggle-properties]")
    panel = _box(page, "[data-modeler-properties]")
    assert panel["top"] >= canvas["bottom"] - 1  # below the canvas, not over it
    assert LABELS[language]["general"] in page.locator(".bio-properties-panel-group-header-title").all_inner_texts()
    assert console == []


@pytest.mark.parametrize("language", ["uz", "ru"])
@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_the_dmn_editor(methodologist_in: Any, language: str, viewport: str) -> None:
    page, console = methodologist_in(language, viewport)
    labels = LABELS[language]
    _open_file(page, DMN_FILE)
    table = page.locator(f"{MODELER} .tjs-table")
    table.wait_for()
    assert page.locator(f"{MODELER} .hit-policy .dms-label").inner_text() == labels["hit_policy"]
    heads = page.locator(f"{MODELER} .input-cell .input-label, {MODELER} .output-cell .output-label")
    assert heads.count() > 0
    text = page.locator(MODELER).inner_text()
    assert labels["when"] in text and labels["then"] in text
    assert not [word for word in [*ENGLISH, "When", "Then"] if word in text.split("\n")], text
    assert page.get_attribute(f"{MODELER} .add-rule-add button", "title") == labels["add_rule"]

    # A keyword list is clamped to a few lines; focused, the cell shows all of it.
    cell = page.locator(f'{MODELER} td.input-cell[data-row-id="{KEYWORD_RULE}"] .content-editable').first
    clamped = cell.evaluate("(node) => [node.scrollHeight, node.clientHeight]")
    assert clamped[0] > clamped[1] + 1 and clamped[1] < 90, clamped
    cell.hover()
    assert page.locator(f'{MODELER} td.cell-clamped[data-row-id="{KEYWORD_RULE}"]').count() >= 1
    screenshot(page, f"dmn-{language}-{viewport}")
    cell.click()
    full = cell.evaluate("(node) => [node.scrollHeight, node.clientHeight]")
    assert full[0] <= full[1] + 1, full
    assert console == []
