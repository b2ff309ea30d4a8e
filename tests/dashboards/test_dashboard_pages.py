"""Dashboard pages: who may see which territory, the figures shown, filters and exports."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from tests.conftest import World
from tests.dashboards.conftest import Dataset
from tests.webapp.cases import parse
from webapp.analytics.dashboards.presenters import fmt
from webapp.extensions import db
from webapp.platform.auth.models import User

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
Client = Callable[[User], FlaskClient]


def kpi_values(html: str) -> dict[str, str]:
    """The big number of each KPI card, by the card's data-kpi name."""
    values = {}
    for name, body in re.findall(r'data-kpi="([a-z_]+)">(.*?)</div>\s*</div>\s*</div>', html, re.S):
        match = re.search(r'class="kpi-value">([^<]*)<', body)
        assert match, name
        values[name] = match.group(1).strip()
    return values


def page(client: FlaskClient, url: str, **query: str) -> str:
    response = client.get(url, query_string={**NOVEMBER, **query})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("supervisor", "/dashboards/district/D1"),
        ("region_supervisor", "/dashboards/region/R1"),
        ("admin", "/dashboards/region/R1"),
        ("methodologist", "/dashboards/region/R1"),
    ],
)
def test_dashboards_opens_the_users_own(as_user: Client, world: World, who: str, target: str) -> None:
    response = as_user(getattr(world, who)).get("/dashboards")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(target)


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("inspector", "/dashboards", 403),
        ("inspector", "/dashboards/district/D1", 403),
        ("supervisor", "/dashboards/district/D2", 403),
        ("supervisor", "/dashboards/region/R1", 403),
        ("foreign_supervisor", "/dashboards/district/D1", 403),
        ("foreign_supervisor", "/dashboards/district/D1/export/category.csv", 403),
        ("supervisor", "/dashboards/district/D2/export/summary.xlsx", 403),
        ("region_supervisor", "/dashboards/district/D1", 200),
        ("region_supervisor", "/dashboards/district/D2", 200),
        ("admin", "/dashboards/district/D2", 200),
        ("methodologist", "/dashboards/district/D1", 200),
        ("supervisor", "/dashboards/district/NOPE", 404),
        ("admin", "/dashboards/region/NOPE", 404),
        ("supervisor", "/dashboards/district/D1/export/colours.csv", 404),
        ("supervisor", "/dashboards/district/D1/export/category.pdf", 404),
    ],
)
def test_scope(as_user: Client, world: World, who: str, url: str, status: int) -> None:
    assert as_user(getattr(world, who)).get(url).status_code == status


def test_anonymous_is_sent_to_log_in(client: FlaskClient, world: World) -> None:
    response = client.get("/dashboards/district/D1")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_nav_link_for_supervisors_only(as_user: Client, world: World) -> None:
    assert 'href="/dashboards"' in as_user(world.supervisor).get("/supervision").get_data(as_text=True)
    assert 'href="/dashboards"' not in as_user(world.inspector).get("/tasks").get_data(as_text=True)


def test_district_page_shows_the_figures(as_user: Client, dataset: Dataset, english: World) -> None:
    html = page(as_user(dataset.world.supervisor), "/dashboards/district/D1")
    values = kpi_values(html)
    assert values["received"] == "10"
    assert values["answered"] == "5"
    assert values["on_time_share"] == "60%"
    assert values["repeated"] == "1"
    assert values["unconsidered"] == "1"
    assert values["rating_average"].startswith("3.67")
    assert "+8" in html and "+400%" not in html  # received: 10 against 2 in October, too few for a percentage
    canvases = {e.get("id") for e in parse(html) if e.tag == "canvas"}
    assert {"chart-trend", "chart-places", "chart-category", "chart-inspector", "chart-channel"} <= canvases
    assert "Bunyodkor MFY" in html and "Qatortol MFY" in html and "Bodomzor MFY" not in html
    assert "/supervision?" in html  # the link to the console's overdue list


def test_filters_narrow_the_figures(as_user: Client, dataset: Dataset) -> None:
    client = as_user(dataset.world.supervisor)
    assert kpi_values(page(client, "/dashboards/district/D1", mahalla="M2"))["received"] == "5"
    assert kpi_values(page(client, "/dashboards/district/D1", category="crime_prevention"))["received"] == "3"
    assert kpi_values(page(client, "/dashboards/district/D1", kind="shikoyat"))["received"] == "1"
    assert kpi_values(page(client, "/dashboards/district/D1", channel="web"))["received"] == "1"
    region = as_user(dataset.world.region_supervisor)
    assert kpi_values(page(region, "/dashboards/region/R1"))["received"] == "11"
    assert kpi_values(page(region, "/dashboards/region/R1", district="D2"))["received"] == "1"


@pytest.mark.parametrize(
    ("bad", "name"),
    [
        ({"mahalla": "M3"}, "mahalla"),  # a mahalla of another district
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-12-01", "to": "2026-11-01"}, "from"),
        ({"from": "2020-01-01"}, "to"),  # more than three years up to today
        ({"category": "colours"}, "category"),
        ({"step": "decade"}, "step"),
        ({"period": "decade"}, "period"),
    ],
)
def test_bad_filters_answer_400_naming_them(as_user: Client, dataset: Dataset, bad: dict[str, str], name: str) -> None:
    client = as_user(dataset.world.supervisor)
    response = client.get("/dashboards/district/D1", query_string=bad)
    assert response.status_code == 400
    assert f'data-parameter="{name}"' in response.get_data(as_text=True)
    export = client.get("/dashboards/district/D1/export/places.csv", query_string=bad)
    assert export.status_code == 400
    assert kpi_values(page(client, "/dashboards/district/D1", mahalla="M2"))["received"] == "5"


def test_presets_and_steps(as_user: Client, dataset: Dataset, english: World) -> None:
    client = as_user(dataset.world.supervisor)
    for preset in ("this_month", "last_month", "quarter", "year"):
        assert client.get("/dashboards/district/D1", query_string={"period": preset}).status_code == 200
    html = page(client, "/dashboards/district/D1", step="month")
    assert "Appeals by month" in html


def test_csv_export_has_a_bom_and_the_current_filters(as_user: Client, dataset: Dataset, english: World) -> None:
    dataset.world.second_mahalla.name = "Қатортол маҳалласи"
    db.session.commit()
    client = as_user(dataset.world.supervisor)
    response = client.get("/dashboards/district/D1/export/places.csv", query_string=NOVEMBER)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="D1-mahalla-2026-11-01-2026-11-30.csv"' in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Code", "Mahalla", "Received", "Answered"]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["M2"][1] == "Қатортол маҳалласи"
    assert by_code["M2"][2:4] == ["5", "3"]
    filtered = client.get(
        "/dashboards/district/D1/export/category.csv", query_string={**NOVEMBER, "mahalla": "M1"}
    ).get_data()
    categories = {row[0]: row for row in csv.reader(io.StringIO(filtered.decode("utf-8-sig")))}
    assert categories["crime_prevention"][2] == "1"  # only #1 is in M1


def test_summary_and_trend_exports(as_user: Client, dataset: Dataset, english: World) -> None:
    client = as_user(dataset.world.supervisor)
    summary = client.get("/dashboards/district/D1/export/summary.csv", query_string=NOVEMBER).get_data()
    rows = {row[0]: row for row in csv.reader(io.StringIO(summary.decode("utf-8-sig")))}
    assert rows["Received"][1:] == ["10", "2", "8"]
    assert rows["On time, %"][1] == "60.0"
    weeks = client.get("/dashboards/district/D1/export/trend.csv", query_string={**NOVEMBER, "step": "week"})
    week_rows = list(csv.reader(io.StringIO(weeks.get_data().decode("utf-8-sig"))))
    assert [row[:2] for row in week_rows[1:3]] == [["2026-10-26", "0"], ["2026-11-02", "3"]]


def test_xlsx_export(as_user: Client, dataset: Dataset) -> None:
    dataset.world.mahalla.name = "Бунёдкор МФЙ"
    db.session.commit()
    response = as_user(dataset.world.region_supervisor).get(
        "/dashboards/district/D1/export/places.xlsx", query_string=NOVEMBER
    )
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
        strings = (
            archive.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in archive.namelist() else ""
        )
    assert "Бунёдкор МФЙ" in sheet + strings
    response.close()


def test_numbers_use_the_locales_separators(app: Flask) -> None:
    with app.test_request_context(), force_locale("ru"):
        assert fmt(1234567) == "1\xa0234\xa0567"
        assert fmt(14.26, "days") == "14,3"
        assert fmt(0.875, "percent") == "88\xa0%"  # Russian spaces its percent sign, as Babel says
        assert fmt(3.6667, "score") == "3,67"
        assert fmt(None) == "—"
    with app.test_request_context(), force_locale("en"):
        assert fmt(1234567) == "1,234,567"
        assert fmt(12345.67, "days") == "12,345.7"
