"""A methodologist changes the appeal procedure in the browser; a new case follows it.

Library → start a draft → the registration diagram in the modeler → a broken form field id is
reported and highlighted → the task's name and a field's label changed in the properties panel →
saved and validated → published with a note → an inspector sees the new name and label on a new
case's task, and the case diagram highlights the task. A case started before keeps its version.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from tests.conftest import PASSWORD, World
from tests.e2e.conftest import screenshot
from tests.e2e.test_case_diagram import CANVAS, wait_rendered, watch_errors
from tests.webapp.cases import register, the_task
from webapp.cases.models import ProcessInstance, ProcessVersion
from webapp.extensions import db

MODELER = "#process-modeler"
TASK = "check_registration"
FIELD = f"#bio-properties-panel-{TASK}-formField-0"
NEW_NAME = "Murojaatni tekshirish va turkumlash"
NEW_LABEL = "Murojaatning turi (Qonun 5-modda)"


def log_in(page: Any, username: str, landing: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(landing))


def open_group(page: Any, title: str) -> None:
    header = page.locator(".bio-properties-panel-group-header", has_text=title).first
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def select_task(page: Any) -> None:
    selected = f'{MODELER} .djs-element.selected[data-element-id="{TASK}"]'
    if page.locator(selected).count() == 0:
        page.click(f'{MODELER} .djs-element[data-element-id="{TASK}"]')
    page.wait_for_selector(selected)
    open_group(page, "Umumiy")  # "General" in Uzbek, the methodologist's language
    page.wait_for_selector("#bio-properties-panel-id")
    assert page.input_value("#bio-properties-panel-id") == TASK


def open_first_field(page: Any) -> None:
    open_group(page, "Shakl maydonlari")  # "Form fields"
    label = page.locator(f"{FIELD}-formFieldLabel")
    if not label.is_visible():
        page.locator(".bio-properties-panel-collapsible-entry-header", has_text="kind").first.click()
    label.wait_for(state="visible")


def save(page: Any) -> dict[str, Any]:
    page.wait_for_function("() => document.querySelector('[data-modeler-status]').className.includes('warning')")
    with page.expect_response(lambda r: r.url.endswith("/xml") and r.request.method == "POST", timeout=40_000) as saved:
        page.click(f"{MODELER} [data-action=save]")
    body: dict[str, Any] = saved.value.json()
    page.wait_for_function("() => document.querySelector('[data-modeler-status]').textContent.length > 0")
    return body


def test_methodologist_changes_a_task_and_a_new_case_follows(new_page: Any, world: World) -> None:
    running = register(world)  # a case started on the bundled version
    page = new_page()
    errors = watch_errors(page)
    log_in(page, world.methodologist.username, r"/processes$")  # a methodologist's home page

    lineage = page.locator('[data-lineage="appeal_lifecycle"]')
    assert lineage.locator("[data-running]").first.inner_text() == "1"
    screenshot(page, "process-library")
    lineage.locator("button[type=submit]").click()  # start a draft
    page.wait_for_url(re.compile(r"/processes/appeal_lifecycle$"))
    page.click('[data-draft-file="appeal_registration.bpmn"] a')
    page.wait_for_selector(f'{MODELER}[data-ready="true"]')
    assert page.locator(f"{MODELER} .bjs-powered-by").is_visible()  # the bpmn.io watermark (licence)

    # A broken form field id: saved as work in progress, reported and highlighted on the diagram.
    select_task(page)
    open_first_field(page)
    page.fill(f"{FIELD}-formFieldID", "1kind")
    body = save(page)
    assert body["saved"] is True and body["valid"] is False
    assert any(e["element_id"] == TASK and "1kind" in e["message"] for e in body["errors"])
    assert page.locator(f'{MODELER} .djs-element.validation-error[data-element-id="{TASK}"]').count() == 1
    assert "1kind" in page.locator(f'[data-validation-element="{TASK}"]').inner_text()
    page.locator(f'[data-problems] [data-element-id="{TASK}"]').first.click()
    page.wait_for_function(
        "(id) => document.querySelector(`.djs-element.selected[data-element-id='${id}']`) !== null", arg=TASK
    )
    screenshot(page, "process-modeler-validation-error")

    # The fix, the new name and the new label, all in the properties panel.
    select_task(page)
    page.fill("#bio-properties-panel-name", NEW_NAME)
    open_first_field(page)
    page.fill(f"{FIELD}-formFieldID", "kind")
    page.fill(f"{FIELD}-formFieldLabel", NEW_LABEL)
    page.press(f"{FIELD}-formFieldLabel", "Tab")  # the panel commits on input; leave the field
    body = save(page)
    assert body == {"saved": True, "valid": True, "errors": [], "warnings": []}
    assert page.locator(f"{MODELER} .validation-error").count() == 0
    select_task(page)
    open_first_field(page)
    screenshot(page, "process-modeler")
    page.click(f"{MODELER} [data-action=validate]")
    page.wait_for_selector(f'{MODELER}[data-valid="true"]')
    page.wait_for_function("() => document.querySelector('[data-modeler-status]').className.includes('success')")

    page.goto("/processes/appeal_lifecycle")
    page.fill("#publish-note", "Tekshirish vazifasi nomi va turi maydoni yorlig'i aniqlashtirildi")
    page.click("#publish-form button[type=submit]")
    page.wait_for_selector('[data-version="2"]')
    assert "aniqlashtirildi" in page.locator('[data-version="2"]').inner_text()
    assert page.locator("#draft [data-draft-file]").count() == 0

    db.session.expire_all()
    newest = db.session.scalars(select(ProcessVersion).order_by(ProcessVersion.id.desc())).first()
    assert newest is not None and NEW_NAME in newest.files["appeal_registration.bpmn"]

    # A new case starts on the new version; the running one stays on its own.
    fresh = register(world)
    rows = db.session.execute(select(ProcessInstance.appeal_id, ProcessInstance.process_version_id))
    versions = {appeal_id: version_id for appeal_id, version_id in rows}
    assert versions[fresh.id] == newest.id and versions[running.id] != newest.id
    assert the_task(running, TASK).title == "Murojaatni tekshirish va tasniflash"

    inspector = new_page()
    inspector_errors = watch_errors(inspector)
    log_in(inspector, world.inspector.username, r"/tasks$")
    inspector.goto(f"/tasks/{the_task(fresh, TASK).id}")
    assert inspector.locator("main h1").inner_text() == NEW_NAME
    assert inspector.locator("label", has_text=NEW_LABEL).count() == 1
    screenshot(inspector, "task-form-after-publish")

    inspector.click("[data-diagram-link]")
    inspector.wait_for_url(re.compile(rf"/appeals/{fresh.number}#case-diagram$"))
    wait_rendered(inspector, "appeal_registration")
    assert inspector.locator(f'{CANVAS} .djs-element.current[data-element-id="{TASK}"]').count() == 1
    screenshot(inspector, "case-diagram-new-version")

    # The older case's diagram is drawn from its own version and highlights the same step.
    inspector.goto(f"/appeals/{running.number}")
    wait_rendered(inspector, "appeal_registration")
    assert inspector.locator(f'{CANVAS} .djs-element.current[data-element-id="{TASK}"]').count() == 1
    assert errors == [] and inspector_errors == []
