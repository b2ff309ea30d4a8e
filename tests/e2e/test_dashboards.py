"""The district dashboard in a real browser: Chart.js draws the charts, a card switches to its table."""

from __future__ import annotations

from typing import Any

from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot
from tests.stats.conftest import Dataset, dataset  # noqa: F401 - the hand-built appeals

CHARTS = ("trend", "satisfaction", "places", "category", "inspector", "channel", "kind")
DRAWN = """(ids) => ids.map((id) => {
    const canvas = document.getElementById("chart-" + id);
    const chart = canvas && window.Chart ? window.Chart.getChart(canvas) : undefined;
    return [id, Boolean(chart), canvas ? canvas.width : 0];
})"""


def test_supervisor_sees_charts_and_a_table(new_page: Any, dataset: Dataset) -> None:  # noqa: F811
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login")
    page.fill("input[name=username]", dataset.world.supervisor.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/tasks**")
    page.goto("/dashboards")
    assert page.url.endswith("/dashboards/district/D1")

    page.goto("/dashboards/district/D1?from=2026-11-01&to=2026-11-30")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-trend'))")
    drawn = page.evaluate(DRAWN, list(CHARTS))
    assert [(name, ok) for name, ok, _width in drawn] == [(name, True) for name in CHARTS]
    assert all(width > 100 for _name, _ok, width in drawn)
    assert page.locator("[data-kpi=received] .kpi-value").inner_text() == "10"

    card = page.locator("#card-places")
    assert card.locator("table").is_hidden()
    card.locator("button[data-view=table]").click()
    assert card.locator("table").is_visible()
    assert card.locator("canvas").is_hidden()
    assert "Qatortol MFY" in card.locator("table").inner_text()
    card.locator("button[data-view=chart]").click()
    assert card.locator("canvas").is_visible()

    page.locator("label[for=period-custom]").click()
    assert page.locator("#f-from").is_visible()
    screenshot(page, "dashboard-district")
    assert errors == []
