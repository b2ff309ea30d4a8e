"""The categoriser in a real browser: an uncertain suggestion, the inspector's correction, the methodologist
accepts it, retrains and publishes; a model trained on worse data is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.categoriser_corpus import write_degraded_corpus
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import screenshot
from tests.e2e.test_lifecycle import ANSWERS, fill
from tests.webapp.cases import register
from tests.webapp.test_categoriser import ROBBER_TEXT
from webapp.casework.categoriser import service


def log_in(page: Any, username: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def degraded_corpus(app: Flask, tmp_path: Path) -> Iterator[Path]:
    yield write_degraded_corpus(tmp_path / "degraded.jsonl")
    app.config.pop("CATEGORISER_CORPUS", None)


def test_a_correction_is_accepted_retrained_published_and_a_worse_model_refused(
    app: Flask, new_page: Any, world: World, degraded_corpus: Path
) -> None:
    appeal = register(world, text=ROBBER_TEXT)
    inspector = new_page()
    log_in(inspector, world.inspector.username)
    inspector.locator("tr", has_text=appeal.number).locator("a").first.click()
    inspector.wait_for_selector('[data-testid="low-confidence"]')
    screenshot(inspector, "categoriser-low-confidence-1280")
    fill(inspector, {**ANSWERS["check_registration"], "kind": "ariza", "urgency": "normal"})
    inspector.click("main form button[type=submit]")
    inspector.wait_for_url(re.compile(r"/tasks$"))

    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, world.methodologist.username)
    page.click("nav >> text=Tasniflash modeli")
    row = page.locator(f'tr[data-correction="{appeal.id}"]')
    assert "Jinoyatchilik profilaktikasi" in row.inner_text()
    row.locator("button", has_text="Qabul qilish").click()
    page.wait_for_selector(".alert-success")
    assert page.locator("tr[data-correction]").count() == 0

    page.fill("textarea[name=note]", "Inspektor tuzatishi qo'shildi")
    with page.expect_navigation(timeout=180_000):  # training takes seconds
        page.click('[data-testid="train"]', no_wait_after=True)
    page.wait_for_selector('tr[data-version="1"]')
    assert "1" in page.locator('[data-testid="serving-version"]').inner_text()
    assert page.locator('[data-testid="confusion"]').count() == 1
    screenshot(page, "categoriser-page-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "categoriser-page-390")
    page.set_viewport_size({"width": 1280, "height": 800})

    app.config["CATEGORISER_CORPUS"] = str(degraded_corpus)
    page.fill("textarea[name=note]", "Yomon ma'lumot")
    with page.expect_navigation(timeout=180_000):
        page.click('[data-testid="train"]', no_wait_after=True)
    page.wait_for_selector('[data-testid="model-refused"]')
    screenshot(page, "categoriser-refused-1280")
    assert page.locator("tr[data-version]").count() == 1
    assert service.serving_model()[0] == 1
