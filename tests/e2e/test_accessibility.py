"""axe-core on every page a demo role reaches from the menu, and on the public pages.

axe-core comes from the npm registry (node_modules, installed by `make assets`) and is injected into
each page (``bypass_csp`` lets it in under the content-security policy). Its default rules all run;
only the bpmn-js / dmn-js drawing canvases are excluded, which axe cannot judge. A serious or
critical violation anywhere fails the test, naming the page, the rule and the offending elements.
Runs once per CI run (SQLite pass only): it crawls ~100 pages in a real browser.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from devtools.demo.seed import seed
from tests.conftest import is_postgres
from tests.e2e.conftest import screenshot
from tests.ui_pages import DEMO_ROLES, PUBLIC_PAGES, reachable_pages

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CANVASES = [".djs-container", ".dmn-js-parent", ".bjs-container", "canvas"]
BLOCKING = {"serious", "critical"}


@pytest.fixture
def axe_source(app: Flask) -> str:
    if is_postgres(app):
        pytest.skip("browser crawl runs once per CI run, on the SQLite pass")
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AXE} missing: `make assets` installs axe-core from the npm registry")
        pytest.skip("needs node_modules/axe-core (make assets)")
    return AXE.read_text(encoding="utf-8")


def _violations(page: Any, source: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=source)
    found = page.evaluate(
        """async (exclude) => {
            const result = await axe.run({exclude: exclude.map(s => [s])}, {resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""",
        CANVASES,
    )
    return [v for v in found if v["impact"] in BLOCKING]


def _sign_in(page: Any, username: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()


def _audit(page: Any, path: str, source: str, problems: dict[str, list[dict[str, Any]]]) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    violations = _violations(page, source)
    if violations:
        problems[path] = violations


def _fetcher(page: Any) -> Callable[[str], str]:
    def fetch(path: str) -> str:
        page.goto(path)
        return str(page.content())

    return fetch


def test_no_serious_accessibility_violations_on_any_menu_page(
    browser: Any, live_server: str, axe_source: str, app_context: None
) -> None:
    assert seed() is True
    problems: dict[str, list[dict[str, Any]]] = {}
    audited = 0
    for phone in (False, True):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
        context = browser.new_context(base_url=live_server, viewport=viewport, bypass_csp=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        for path in PUBLIC_PAGES:
            _audit(page, path, axe_source, problems)
            audited += 1
        if not phone:
            for username in DEMO_ROLES:
                context.clear_cookies()
                _sign_in(page, username)
                for path in reachable_pages(_fetcher(page), urlsplit_path(page.url)):
                    _audit(page, path, axe_source, problems)
                    audited += 1
                screenshot(page, f"a11y-last-{username}")
        context.close()
    assert audited > 40
    report = [
        f"{path}: {v['id']} ({v['impact']}) {v['help']} -> {', '.join(v['nodes'])}"
        for path, found in problems.items()
        for v in found
    ]
    assert not report, "axe-core found serious/critical violations:\n" + "\n".join(report)


def urlsplit_path(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
