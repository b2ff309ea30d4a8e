"""The monthly report: figures on the stats service, DMN recommendations, PDFs, the archive job, scope."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from tests.conftest import World
from webapp.analytics.reports import service
from webapp.analytics.reports.models import MonthlyReport
from webapp.analytics.reports.pdf import report_pdf
from webapp.cases.versions import bundled_files, publish_files
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import TASHKENT, local_today

HOT_ADDRESS = "Navoiy koʻchasi, 7-uy"


def _month_before(first: dt.date) -> dt.date:
    return (first - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def month(world: World) -> dt.date:
    """Last month: 12 open appeals in M1 (public safety, 4 repeated at one address), all past their
    deadline today; the month before: 5 public-safety appeals."""
    db.session.execute(
        update(type(world.mahalla)).where(type(world.mahalla).id == world.mahalla.id).values(name="Qoʻrgʻoncha MFY")
    )
    db.session.commit()
    first = _month_before(local_today().replace(day=1))
    before = _month_before(first)
    for index in range(12):
        received = dt.datetime.combine(first + dt.timedelta(days=index % 10), dt.time(10), TASHKENT)
        appeal = _register(world, received, HOT_ADDRESS if index < 4 else f"Bobur koʻchasi, {index}-uy")
        if index < 4:
            db.session.execute(update(Appeal).where(Appeal.id == appeal.id).values(is_repeated=True))
    for index in range(5):
        _register(
            world, dt.datetime.combine(before + dt.timedelta(days=index), dt.time(10), TASHKENT), "Chinor koʻchasi"
        )
    # Last month's appeals are overdue by today whatever today's date (deadline within the month).
    db.session.execute(
        update(Appeal).where(Appeal.registered_on >= first).values(deadline=first + dt.timedelta(days=14))
    )
    db.session.commit()
    return first


def _register(world: World, received: dt.datetime, address: str) -> Appeal:
    new = NewAppeal(
        mahalla=world.mahalla,
        kind="ariza",
        text="Koʻchada chiroqlar yonmayapti, kechqurun xavfli.",
        channel="walk_in",
        applicant_name="Aliyev Vali",
        address=address,
        category="public_safety",
        urgency="normal",
    )
    return register_appeal(new, world.inspector, received_at=received.astimezone(dt.UTC))


def _district(world: World) -> service.Territory:
    place = service.territory("district", world.district.code)
    assert place is not None
    return place


def test_the_report_compares_the_month_and_recommends_by_the_rules(world: World, month: dt.date) -> None:
    content = service.build(_district(world), month)

    assert content["figures"]["received"] == 12 and content["previous"]["received"] == 5
    assert content["changes"]["received"]["delta"] == 7
    assert content["figures"]["overdue"] == 12
    assert content["mahallas_up"][0] == {
        "key": "M1",
        "name": "Qoʻrgʻoncha MFY",
        "current": 12,
        "previous": 5,
        "delta": 7,
        "percent": 140.0,
    }
    assert [row["key"] for row in content["categories_up"]] == ["public_safety"]
    assert content["inspectors"][0]["key"] == "inspector1" and content["inspectors"][0]["overdue"] == 12
    assert content["hot_addresses"] == [{"address": HOT_ADDRESS, "mahalla": "Qoʻrgʻoncha MFY", "repeated": 4}]
    assert content["hot_mahallas"][0]["repeated"] == 4
    assert content["inputs"] == {
        "on_time_rate": 100.0,
        "overdue_count": 12,
        "repeated_share": 33.3,
        "satisfaction": 5.0,
        "category_growth": 140.0,
        "received": 12,
        # the cooperation figures (webapp/cooperation/referrals/figures.py): no referral this month
        "referrals_sent": 0,
        "referrals_on_time_rate": 100.0,
        "referrals_overdue": 0,
    }
    keys = [item["key"] for item in content["recommendations"]]
    assert keys == ["many_overdue", "repeated_hot_spots", "category_growth"]  # most important first
    assert content["recommendations"][0]["ru"].startswith("Много просроченных")


def test_publishing_an_edited_rule_table_changes_the_recommendations(world: World, month: dt.date) -> None:
    place = _district(world)
    first_version = service.build(place, month)["rules_version"]
    ((name, table),) = bundled_files(service.RULES).items()
    edited = table.replace(
        '<inputEntry id="rule_many_overdue_overdue"><text>&gt;= 10</text>',
        '<inputEntry id="rule_many_overdue_overdue"><text>&gt;= 50</text>',
    )
    assert edited != table
    publish_files(service.RULES, {name: edited}, actor=world.methodologist, note="fewer overdue warnings")
    db.session.commit()

    content = service.build(place, month)
    assert [item["key"] for item in content["recommendations"]] == ["repeated_hot_spots", "category_growth"]
    assert content["rules_version"] != first_version


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_the_pdf_carries_uzbek_and_russian_text(world: World, month: dt.date, tmp_path: Path) -> None:
    content = service.build(_district(world), month)
    uzbek = _pdf_text(report_pdf(content, "uz"), tmp_path)
    russian = _pdf_text(report_pdf(content, "ru"), tmp_path)

    assert "Qoʻrgʻoncha MFY" in uzbek and "Muddati oʻtgan murojaatlar koʻp" in uzbek
    assert HOT_ADDRESS in uzbek
    assert "Много просроченных обращений" in russian and "Высокая доля повторных обращений" in russian
    assert "Qoʻrgʻoncha MFY" in russian


def test_the_archive_job_stores_each_report_once(world: World, month: dt.date) -> None:
    today = local_today()
    # Two districts and the region, in Uzbek and Russian; a limited run stores one territory only.
    assert service.archive_previous_month(today, limit=1) == 2
    assert service.archive_previous_month(today) == 4
    assert service.archive_previous_month(today) == 0
    rows = db.session.execute(select(MonthlyReport.scope, MonthlyReport.territory_code, MonthlyReport.language)).all()
    assert len(rows) == len(set(rows)) == 6
    stored = db.session.scalar(select(MonthlyReport).where(MonthlyReport.territory_code == world.district.code))
    assert stored is not None and stored.month == month.strftime("%Y-%m")
    assert stored.figures["figures"]["received"] == 12 and stored.pdf.startswith(b"%PDF")
    assert db.session.scalar(select(func.count()).select_from(MonthlyReport)) == 6


def test_pages_pdfs_and_the_archive_keep_to_the_territory(
    world: World, month: dt.date, as_user: Callable[[User], FlaskClient]
) -> None:
    service.archive_previous_month(local_today())
    label = month.strftime("%Y-%m")
    supervisor = as_user(world.supervisor)

    page = supervisor.get(f"/reports/district/D1/{label}")
    assert page.status_code == 200
    assert "Qoʻrgʻoncha MFY" in page.get_data(as_text=True)
    pdf = supervisor.get(f"/reports/district/D1/{label}/pdf/ru")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert supervisor.get(f"/reports/district/D2/{label}").status_code == 403
    assert supervisor.get(f"/reports/region/R1/{label}").status_code == 403

    index = supervisor.get("/reports").get_data(as_text=True)
    own = db.session.scalars(select(MonthlyReport.id).where(MonthlyReport.territory_code == "D1")).all()
    foreign = db.session.scalars(select(MonthlyReport.id).where(MonthlyReport.territory_code == "D2")).all()
    assert all(f"/reports/archive/{i}.pdf" in index for i in own)
    assert not any(f"/reports/archive/{i}.pdf" in index for i in foreign)
    assert supervisor.get(f"/reports/archive/{own[0]}.pdf").status_code == 200
    assert supervisor.get(f"/reports/archive/{foreign[0]}.pdf").status_code == 403

    head = as_user(world.region_supervisor)
    assert head.get(f"/reports/region/R1/{label}").status_code == 200
    assert head.get(f"/reports/district/D2/{label}").status_code == 200
    assert head.get(f"/reports/archive/{foreign[0]}.pdf").status_code == 200
    assert as_user(world.inspector).get("/reports").status_code == 403


def test_bad_month_and_unknown_territory_get_clear_errors(world: World, as_user: Callable[[User], FlaskClient]) -> None:
    client = as_user(world.supervisor)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    bad = client.get("/reports/district/D1/2026-13")
    assert bad.status_code == 400 and "YYYY-MM" in bad.get_data(as_text=True)
    future = (local_today().replace(day=1) + dt.timedelta(days=40)).strftime("%Y-%m")
    assert client.get(f"/reports/district/D1/{future}").status_code == 400
    assert client.get("/reports?territory=district:D1&month=march").status_code == 400
    unknown = client.get("/reports/district/NOPE/2026-01")
    assert unknown.status_code == 404
    assert client.get("/reports/town/D1/2026-01").status_code == 404
    assert client.get("/reports/district/D1/2026-01/pdf/fr").status_code == 400
    assert (
        client.get("/reports?territory=district:D1&month=2026-01")
        .headers["Location"]
        .endswith("/reports/district/D1/2026-01")
    )
