"""The modeler's form editor offers the ``file`` field type: the outcome report's attachments
field shows as "fayl" in the properties panel's type list (no custom-type box), a field switched
to it in the panel saves as type="file", and the draft validates."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import World
from tests.e2e.test_process_library import MODELER, log_in, open_group, save

TASK = "report_referral_outcome"
FIELDS = f"#bio-properties-panel-{TASK}-formField"


def open_field(page: Any, index: int, field_id: str) -> Any:
    open_group(page, "Shakl maydonlari")  # "Form fields"
    type_select = page.locator(f"{FIELDS}-{index}-formFieldType")
    if not type_select.is_visible():
        page.locator(".bio-properties-panel-collapsible-entry-header", has_text=field_id).first.click()
    type_select.wait_for(state="visible")
    return type_select


def test_the_form_editor_lists_the_file_type(new_page: Any, world: World) -> None:
    page = new_page()
    log_in(page, world.methodologist.username, r"/processes$")
    page.locator('[data-lineage="appeal_lifecycle"]').locator("button[type=submit]").click()  # a draft
    page.wait_for_url(re.compile(r"/processes/appeal_lifecycle$"))
    page.click('[data-draft-file="partner_referral.bpmn"] a')
    page.wait_for_selector(f'{MODELER}[data-ready="true"]')
    page.click(f'{MODELER} .djs-element[data-element-id="{TASK}"]')
    page.wait_for_selector(f'{MODELER} .djs-element.selected[data-element-id="{TASK}"]')

    attachments = open_field(page, 4, "referral_attachments")
    assert attachments.input_value() == "file"
    options = attachments.locator("option").all_inner_texts()
    assert "fayl" in options and len(options) == 7  # six types, "file" translated, and the custom type
    assert page.locator(f"{FIELDS}-4-formFieldCustomType").count() == 0

    outcome = open_field(page, 1, "referral_outcome")
    outcome.select_option("file")
    assert page.locator(f"{FIELDS}-1-formFieldCustomType").count() == 0
    body = save(page)
    assert body["saved"] is True and body["valid"] is True, body
    saved = page.request.get("/processes/appeal_lifecycle/draft/files/partner_referral.bpmn/xml")
    assert saved.ok
    assert re.search(r'<camunda:formField id="referral_outcome"[^>]* type="file"', saved.text())
