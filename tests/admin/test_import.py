"""Import of territories and staff: a dry run row by row, then all or nothing; the bench at tiny size."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import func, select

from bench import national_import
from tests.conftest import World, csrf_token
from webapp.admin.imports.sample import SAMPLE_CSV
from webapp.extensions import db
from webapp.platform.audit.models import AuditEntry
from webapp.platform.auth.models import User
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.territory.models import District, Mahalla
from webapp.platform.timeutil import local_today

AsUser = Callable[[User], FlaskClient]


def upload(client: FlaskClient, content: bytes, filename: str = "staff.csv") -> tuple[int, str]:
    token = csrf_token(client.get("/admin/import").get_data(as_text=True))
    response = client.post(
        "/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def run_token(html: str) -> str:
    marker = 'action="/admin/import/'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(District.id))) or 0,
        db.session.scalar(select(func.count(Mahalla.id))) or 0,
        db.session.scalar(select(func.count(User.id))) or 0,
    )


def test_the_sample_file_dry_runs_then_imports(as_user: AsUser, world: World, imports_dir: Path) -> None:
    admin = as_user(world.admin)
    before = counts()

    status, html = upload(admin, SAMPLE_CSV.encode("utf-8"))

    assert status == 200
    assert counts() == before  # a dry run writes nothing
    assert "CHL-01" in html and "a.karimov" in html
    token = run_token(html)
    report = admin.get(f"/admin/import/{token}/report.csv").get_data(as_text=True)
    assert len(report.strip().splitlines()) == 1 + 7
    done = admin.post(f"/admin/import/{token}", data={"csrf_token": csrf_token(html)})
    assert done.status_code == 302
    assert counts() == (before[0] + 1, before[1] + 2, before[2] + 3)
    inspector = db.session.scalar(select(User).where(User.username == "a.karimov"))
    assert inspector is not None and inspector.password_hash == ""
    assert sorted(m.code for m in inspector.mahallas) == ["CHL-01", "CHL-02"]
    supervisor = db.session.scalar(select(User).where(User.username == "b.rashidov"))
    assert supervisor is not None and supervisor.district is not None and supervisor.district.code == "TSH-CHL"
    links = list(db.session.scalars(select(OutboxMessage)))
    assert sorted(m.recipient for m in links) == ["a.karimov@example.uz", "b.rashidov@example.uz"]
    assert all("{link}" in m.body and "/set-password/mhp_" in (m.secrets or {}).get("link", "") for m in links)
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "user_created")) == 3
    # The same file again changes nothing.
    _status, again = upload(admin, SAMPLE_CSV.encode("utf-8"))
    assert 'class="badge text-bg-light fs-6">' in again


def test_a_malformed_row_is_reported_with_its_line_and_nothing_is_imported(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    bad = SAMPLE_CSV.replace("mahalla,CHL-02,TSH-CHL,", "mahalla,CHL-02,NO-SUCH,") + "staff,,,,,,,x.y,X Y,wizard,,\n"
    before = counts()

    status, html = upload(admin, bad.encode("utf-8"))

    assert status == 200
    assert "table-danger" in html and "NO-SUCH" in html and "wizard" in html
    rows = [line for line in html.split("<tr") if "table-danger" in line]
    assert [r.split("<td>")[1].split("<")[0] for r in rows] == ["5", "9"]  # the lines of the file
    assert "/admin/import/" not in html.split("import-summary")[1].split("</form>")[0] or "btn-primary" not in html
    token_page = admin.get("/admin/import").get_data(as_text=True)
    from webapp.admin.imports.parsing import read_csv
    from webapp.admin.imports.plan import make_plan

    plan = make_plan(read_csv(bad.encode("utf-8")))
    assert [(r.line, r.reason) for r in plan.refused] == [(5, "unknown_parent"), (9, "unknown_role")]
    assert counts() == before
    assert csrf_token(token_page)


def test_xlsx_files_are_read_like_csv(as_user: AsUser, world: World) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in SAMPLE_CSV.strip().splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    status, html = upload(as_user(world.admin), buffer.getvalue(), "tree.xlsx")
    assert status == 200 and "a.karimov" in html and "table-danger" not in html


def test_files_that_cannot_be_read_are_refused_with_a_message(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    assert upload(admin, b"\xff\xfe\x00bad", "x.csv")[0] == 422
    assert upload(admin, b"name,code\nx,y\n", "x.csv")[0] == 422
    assert upload(admin, b"not a workbook", "x.xlsx")[0] == 422
    assert upload(admin, b"kind\n", "x.pdf")[0] == 422
    assert as_user(world.supervisor).get("/admin/import").status_code == 403


@pytest.fixture
def logging_kept() -> Iterator[None]:
    """Alembic's env.py reconfigures logging (fileConfig disables every existing logger); put it back
    so later tests still see their log records."""
    loggers = {
        name: logger.disabled
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    handlers, level = list(logging.root.handlers), logging.root.level
    yield
    for name, disabled in loggers.items():
        logging.getLogger(name).disabled = disabled
    logging.root.handlers[:] = handlers
    logging.root.setLevel(level)


@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")  # migrations/env.py (Alembic)
@pytest.mark.usefixtures("logging_kept")
def test_the_national_import_bench_runs_at_tiny_size(tmp_path: Path) -> None:
    figures = national_import.measure(f"sqlite:///{tmp_path / 'bench.sqlite3'}", scale=0.005)
    assert figures.rows > 50 and figures.created == figures.rows
    assert figures.dry_run_s >= 0 and figures.import_s > 0


def test_the_readme_sample_file_is_the_one_the_page_shows() -> None:
    sample = Path(__file__).resolve().parents[2] / "data" / "import-sample.csv"
    assert sample.read_text(encoding="utf-8") == SAMPLE_CSV


def test_the_command_line_import_dry_runs_then_imports(app: Flask, world: World, tmp_path: Path) -> None:
    sample = tmp_path / "tree.csv"
    sample.write_text(SAMPLE_CSV, encoding="utf-8")
    runner = app.test_cli_runner()
    before = counts()

    dry = runner.invoke(args=["import-territories", str(sample), "--as", "admin", "--dry-run"])
    assert dry.exit_code == 0 and "create 7" in dry.output and counts() == before
    assert runner.invoke(args=["import-territories", str(sample), "--as", "inspector1"]).exit_code != 0
    bad = tmp_path / "bad.csv"
    bad.write_text(SAMPLE_CSV.replace("TSH-CHL,Bunyodkor", "NOPE,Bunyodkor"), encoding="utf-8")
    refused = runner.invoke(args=["import-territories", str(bad), "--as", "admin"])
    assert refused.exit_code != 0 and "line 4" in refused.output and counts() == before
    done = runner.invoke(args=["import-territories", str(sample), "--as", "admin"])
    assert done.exit_code == 0 and "7 created" in done.output
    assert counts() == (before[0] + 1, before[1] + 2, before[2] + 3)


def test_moving_a_person_by_import_keeps_a_true_history(as_user: AsUser, world: World) -> None:
    from webapp.platform.staffing.models import StaffAssignment
    from webapp.platform.staffing.service import served_on

    admin = as_user(world.admin)
    header = SAMPLE_CSV.splitlines()[0]
    for mahalla in ("M2", "M1"):
        body = f"{header}\nstaff,,,,,,,inspector1,Inspector1,inspector,,{mahalla}\n"
        status, html = upload(admin, body.encode("utf-8"))
        assert status == 200 and "table-danger" not in html
        assert admin.post(f"/admin/import/{run_token(html)}", data={"csrf_token": csrf_token(html)}).status_code == 302
    db.session.expire_all()
    inspector = db.session.get(User, world.inspector.id)
    assert inspector is not None and [m.code for m in inspector.mahallas] == ["M1"]
    rows = list(db.session.scalars(select(StaffAssignment).where(StaffAssignment.user_id == world.inspector.id)))
    assert all(r.ends_on is None or r.ends_on >= r.starts_on for r in rows)
    assert [u.username for u in served_on("mahalla", world.mahalla.id, local_today())] == ["inspector1"]
