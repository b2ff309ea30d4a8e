"""A live server and a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Screenshots kept as test artefacts (gitignored); MAHALLA_TEST_ARTIFACTS moves them elsewhere.
ARTIFACTS = Path(os.environ.get("MAHALLA_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _closed_before_sending(app: Any) -> Any:
    """The app's answer read and closed before the server writes it. When a browser drops a
    request (it leaves a page while a static file is on its way), werkzeug's development server
    reads the dropped socket before closing the answer, the read fails and the open file is left
    to the garbage collector: a ResourceWarning (an error here) in whichever test runs then."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, _closed_before_sending(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"chromium not found at {CHROMIUM}; .ci/run installs it")
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser: Any, live_server: str) -> Iterator[Any]:
    contexts = []

    def _open() -> Any:
        context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="uz-UZ")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def set_date(page: Any, selector: str, iso: str) -> None:
    """Set a date field the person edits through its calendar (static/js/pickers.js): the named input
    holds the ISO value the server reads; flatpickr shows it in the page's format."""
    page.eval_on_selector(selector, "(el, value) => el._flatpickr.setDate(value, true)", iso)
