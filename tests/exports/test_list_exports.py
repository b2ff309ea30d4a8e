"""Exports of the appeals list and the console's lists: filters, scope, Uzbek and Cyrillic text,
and the background job that writes long lists (progress, owner-only download, clean-up)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import World, csrf_token
from tests.supervision.conftest import due_in, idle_for
from tests.webapp.cases import register
from webapp.analytics.exports import service
from webapp.analytics.exports.models import ExportJob
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.timeutil import utcnow

CYRILLIC = "Тошматов Ғайрат Ўктамович"
UZBEK = "Gʻayratov Oʻktam"


@pytest.fixture(autouse=True)
def exports_in_tmp(app: Flask, tmp_path: Path) -> Iterator[Path]:
    app.config["EXPORTS_DIR"] = str(tmp_path)
    yield tmp_path
    app.config.pop("EXPORTS_DIR", None)
    app.config.pop("EXPORT_JOB_THRESHOLD", None)


@pytest.fixture
def appeals(world: World) -> dict[str, Appeal]:
    return {
        "cyrillic": register(world, applicant_name=CYRILLIC, category="family_conflict"),
        "uzbek": register(
            world, applicant_name=UZBEK, kind="taklif", mahalla=world.second_mahalla, actor=world.inspector2
        ),
        "foreign": register(
            world, applicant_name="Boshqa Tuman", mahalla=world.foreign_mahalla, actor=world.foreign_inspector
        ),
    }


def english(as_user: Any, user: Any) -> Any:
    """A client logged in as the user who chose English (the assertions read the msgids)."""
    client = as_user(user)
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_sheet(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_the_appeals_list_exports_to_csv_with_its_filters_and_scope(
    world: World, appeals: dict[str, Appeal], as_user: Any
) -> None:
    client = english(as_user, world.supervisor)
    rows = csv_rows(client.get("/exports/appeals?format=csv"))
    assert rows[0][:3] == ["Number", "Received", "Kind"]
    numbers = {row[0] for row in rows[1:]}
    assert numbers == {appeals["cyrillic"].number, appeals["uzbek"].number}  # not the other district's
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number[appeals["cyrillic"].number][5] == CYRILLIC
    assert by_number[appeals["uzbek"].number][5] == UZBEK
    assert by_number[appeals["uzbek"].number][8] == "Qatortol MFY"

    only_proposals = csv_rows(client.get("/exports/appeals?format=csv&kind=taklif"))
    assert [row[0] for row in only_proposals[1:]] == [appeals["uzbek"].number]
    by_name = csv_rows(client.get("/exports/appeals?format=csv&q=%D2%92%D0%B0%D0%B9%D1%80%D0%B0%D1%82"))
    # the search joins the scripts: "Ғайрат" finds "Тошматов Ғайрат" and "Gʻayratov" too
    assert {row[0] for row in by_name[1:]} == {appeals["cyrillic"].number, appeals["uzbek"].number}
    by_category = csv_rows(client.get("/exports/appeals?format=csv&category=family_conflict"))
    assert [row[0] for row in by_category[1:]] == [appeals["cyrillic"].number]
    inspector = csv_rows(english(as_user, world.inspector).get("/exports/appeals?format=csv"))
    assert [row[0] for row in inspector[1:]] == [appeals["cyrillic"].number]


def test_the_appeals_list_exports_to_xlsx(world: World, appeals: dict[str, Appeal], as_user: Any) -> None:
    response = english(as_user, world.admin).get("/exports/appeals?format=xlsx&state=open")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(".xlsx")
    sheet = xlsx_sheet(response.data)
    response.close()
    assert CYRILLIC in sheet and UZBEK in sheet and "Boshqa Tuman" in sheet


def test_the_appeals_page_filters_and_links_its_export(world: World, appeals: dict[str, Appeal], as_user: Any) -> None:
    page = english(as_user, world.supervisor).get("/appeals?kind=taklif")
    html = page.get_data(as_text=True)
    assert appeals["uzbek"].number in html and appeals["cyrillic"].number not in html
    assert "/exports/appeals?kind=taklif&amp;format=xlsx" in html
    bad = english(as_user, world.supervisor).get("/appeals?from=31.12.2026")
    assert bad.status_code == 400


def test_bad_format_kind_filter_or_role_get_clear_answers(
    world: World, appeals: dict[str, Appeal], as_user: Any
) -> None:
    client = english(as_user, world.supervisor)
    bad = client.get("/exports/appeals?format=pdf")
    assert bad.status_code == 400
    assert "format must be one of: csv, xlsx." in bad.get_data(as_text=True)
    assert client.get("/exports/appeals?format=csv&from=2026-99-01").status_code == 400
    assert client.get("/exports/stuck?format=csv&days=0").status_code == 400
    assert client.get("/exports/nothing?format=csv").status_code == 404
    assert english(as_user, world.inspector).get("/exports/stuck?format=csv").status_code == 403
    assert english(as_user, world.methodologist).get("/exports/appeals?format=csv").status_code == 403


def test_console_lists_export_with_their_filters(world: World, appeals: dict[str, Appeal], as_user: Any) -> None:
    idle_for(appeals["cyrillic"], 10)
    idle_for(appeals["uzbek"], 3)
    idle_for(appeals["foreign"], 20)
    due_in(appeals["uzbek"], -2)
    client = english(as_user, world.supervisor)
    stuck = csv_rows(client.get("/exports/stuck?format=csv&days=5"))
    assert stuck[0][0] == "Number" and "Waiting for" in stuck[0]
    assert [row[0] for row in stuck[1:]] == [appeals["cyrillic"].number]
    assert stuck[1][6] == "Check and classify the appeal"  # the diagram's title, translated
    assert stuck[1][11] == "10"
    every = csv_rows(client.get("/exports/stuck?format=csv&days=2"))
    assert [row[0] for row in every[1:]] == [appeals["cyrillic"].number, appeals["uzbek"].number]
    overdue = csv_rows(client.get("/exports/overdue?format=csv"))
    assert [row[0] for row in overdue[1:]] == [appeals["uzbek"].number]
    assert overdue[1][9] == "2"
    workload = csv_rows(client.get("/exports/workload?format=csv"))
    assert workload[0] == ["Inspector", "Mahallas", "Open tasks", "Overdue", "Completed this month"]
    assert {row[0]: row[2:4] for row in workload[1:]} == {"Inspector1": ["1", "0"], "Inspector2": ["1", "1"]}
    xlsx = client.get("/exports/overdue?format=xlsx")
    assert appeals["uzbek"].number in xlsx_sheet(xlsx.data)
    xlsx.close()


def test_the_console_links_its_exports_and_the_bottlenecks_page(world: World, as_user: Any) -> None:
    html = english(as_user, world.supervisor).get("/supervision?tab=overdue&kind=ariza").get_data(as_text=True)
    assert "/exports/overdue?kind=ariza&amp;tab=overdue&amp;format=csv" in html
    assert 'href="/bottlenecks"' in html


# --- long lists: the background job ---------------------------------------------------------------


def start_job(client: Any, url: str) -> int:
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Prepare the file" in html
    action = re.search(r'<form method="post" action="(/exports/[^"]+)"', html)
    assert action is not None
    posted = client.post(action.group(1).replace("&amp;", "&"), data={"csrf_token": csrf_token(html)})
    assert posted.status_code == 302
    match = re.search(r"/exports/jobs/(\d+)$", posted.headers["Location"])
    assert match is not None, posted.headers["Location"]
    return int(match.group(1))


def test_a_long_list_is_written_by_the_job_with_progress_for_its_owner_only(
    app: Flask, world: World, appeals: dict[str, Appeal], as_user: Any, exports_in_tmp: Path
) -> None:
    app.config["EXPORT_JOB_THRESHOLD"] = 1
    owner = english(as_user, world.region_supervisor)
    job_id = start_job(owner, "/exports/appeals?format=csv&state=open")

    status = owner.get(f"/exports/jobs/{job_id}.json").get_json()
    assert status["status"] == "queued" and status["rows_total"] == 3 and status["download_url"] is None
    page = owner.get(f"/exports/jobs/{job_id}")
    assert page.status_code == 200 and "export-job.js" in page.get_data(as_text=True)
    assert english(as_user, world.supervisor).get(f"/exports/jobs/{job_id}.json").status_code == 404

    assert service.run_export_jobs() == [job_id]
    assert service.run_export_jobs() == []  # idempotent: nothing left to do
    status = owner.get(f"/exports/jobs/{job_id}.json").get_json()
    assert status == {
        "id": job_id,
        "status": "done",
        "rows_total": 3,
        "rows_done": 3,
        "percent": 100,
        "download_url": f"/exports/jobs/{job_id}/download",
        "error": "",
    }
    download = owner.get(status["download_url"])
    rows = csv_rows(download)
    download.close()
    assert {row[0] for row in rows[1:]} == {a.number for a in appeals.values()}
    assert any(CYRILLIC in row for row in rows)
    assert english(as_user, world.supervisor).get(status["download_url"]).status_code == 404
    assert english(as_user, world.supervisor).get(f"/exports/jobs/{job_id}").status_code == 404
    assert list(exports_in_tmp.iterdir())  # the file lives in the exports folder, not under static/

    removed = service.clean_export_files(now=utcnow() + dt.timedelta(days=2))
    assert removed == 1 and not list(exports_in_tmp.iterdir())
    assert owner.get(f"/exports/jobs/{job_id}.json").get_json()["status"] == "expired"
    assert owner.get(status["download_url"]).status_code == 404


def test_the_job_writes_xlsx_in_the_owners_language_within_the_owners_scope(
    app: Flask, world: World, appeals: dict[str, Appeal], as_user: Any
) -> None:
    app.config["EXPORT_JOB_THRESHOLD"] = 0
    owner = english(as_user, world.supervisor)
    job_id = start_job(owner, "/exports/appeals?format=xlsx")
    job = db.session.get(ExportJob, job_id)
    assert job is not None and job.language == "en" and job.filters == {}
    service.run_export_jobs()
    download = owner.get(f"/exports/jobs/{job_id}/download")
    sheet = xlsx_sheet(download.data)
    download.close()
    assert "Received" in sheet
    assert CYRILLIC in sheet and UZBEK in sheet and "Boshqa Tuman" not in sheet


def test_a_failed_job_says_so(app: Flask, world: World) -> None:
    job = service.create_job(world.supervisor, "appeals", "csv", {"from": "not-a-date"}, "uz", 0)
    service.run_export_jobs()
    db.session.expire_all()
    failed = db.session.get(ExportJob, job.id)
    assert failed is not None and failed.status == "failed" and "from" in failed.error
