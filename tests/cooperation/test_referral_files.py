"""Files with a partner's outcome report, on the real diagrams, database and attachment store:
police1 attaches a PDF to the answer in the browser and through the API; the case data keeps only
references; the inspector and the supervisor download it from the case page, nobody else can;
police1 sees and downloads what they sent (logged); hostile uploads get a message in the user's
language and leave no row or file behind, nor does a completion that fails after storing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.conftest import World, csrf_token
from tests.cooperation.test_referrals import AsUser, Partners, referred
from tests.intake.conftest import EXE, PDF, docx, stored_files
from tests.webapp.cases import answers, browser_form, pending_names, the_task
from webapp.cases.models import CaseEvent
from webapp.casework.appeals.models import Appeal, Attachment
from webapp.casework.appeals.runtime import complete_task
from webapp.extensions import db
from webapp.platform.audit.models import AuditEntry
from webapp.platform.timeutil import local_today

FIELD = "referral_attachments"
MB = 1024 * 1024


@pytest.fixture
def partners(world: World) -> Partners:
    return Partners(world)


@pytest.fixture(autouse=True)
def store(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """A private attachment store per test, to see which files are left in it."""
    previous = app.config["ATTACHMENTS_DIR"]
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "attachments")
    yield tmp_path / "attachments"
    app.config["ATTACHMENTS_DIR"] = previous


def acknowledged(world: World, partners: Partners) -> Appeal:
    appeal = referred(world)
    complete_task(the_task(appeal, "acknowledge_referral"), partners.police1, answers("acknowledge_referral"))
    return appeal


def report(client: Any, appeal: Appeal, files: list[tuple[bytes, str]], **overrides: Any) -> Any:
    """The browser's multipart post of the outcome report (encoded in memory: the test client would
    spool a large body to a temporary file that nobody closes)."""
    url = f"/tasks/{the_task(appeal, 'report_referral_outcome').id}"
    data: dict[str, Any] = browser_form(answers("report_referral_outcome", **overrides))
    data["csrf_token"] = csrf_token(client.get(url).get_data(as_text=True))
    data[FIELD] = [FileStorage(io.BytesIO(content), filename=name) for content, name in files]
    boundary, body = encode_multipart(MultiDict(data))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def english(user: Any) -> Any:
    user.language = "en"
    db.session.commit()
    return user


def rows() -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).order_by(Attachment.id)))


def test_police1_attaches_a_pdf_and_the_inspector_downloads_it(
    world: World, partners: Partners, as_user: AsUser, store: Path
) -> None:
    appeal = acknowledged(world, partners)
    police = as_user(partners.police1)
    done = report(police, appeal, [(PDF, "../../etc/Dalolatnoma 12.pdf")])
    assert done.status_code == 302 and pending_names(appeal) == ["take_measures"]

    (row,) = rows()
    assert (row.appeal_id, row.task_name, row.form_field, row.filename) == (
        appeal.id,
        "report_referral_outcome",
        FIELD,
        "Dalolatnoma 12.pdf",  # no path left of the name
    )
    assert (row.content_type, row.size, row.uploaded_by_id) == ("application/pdf", len(PDF), partners.police1.id)
    assert stored_files(store) == [store / row.storage_key[:2] / row.storage_key]
    event = db.session.scalar(
        select(CaseEvent).where(
            CaseEvent.appeal_id == appeal.id,
            CaseEvent.kind == "task_completed",
            CaseEvent.task_name == "report_referral_outcome",
        )
    )
    reference = {"id": row.id, "name": "Dalolatnoma 12.pdf", "size": len(PDF), "content_type": "application/pdf"}
    assert event is not None and event.data[FIELD] == [reference]  # the reference, never the bytes

    url = f"/appeals/{appeal.number}/attachments/{row.id}"
    page = as_user(world.inspector).get(f"/appeals/{appeal.number}").get_data(as_text=True)
    assert page.count(f'href="{url}"') == 2  # the attachments and the timeline's outcome report
    for reader in (world.inspector, world.supervisor):
        download = as_user(reader).get(url)
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert "Dalolatnoma" in download.headers["Content-Disposition"] and "/" not in download.headers[
            "Content-Disposition"
        ].replace("filename*=UTF-8''", "")
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    for outsider in (world.foreign_inspector, world.foreign_supervisor, partners.police1, partners.social1):
        assert as_user(outsider).get(url).status_code == 404  # foreign like missing; partners never the case


def test_police1_sees_what_they_sent_and_each_download_is_logged(
    world: World, partners: Partners, as_user: AsUser
) -> None:
    appeal = acknowledged(world, partners)
    police = as_user(partners.police1)
    assert report(police, appeal, [(PDF, "akt.pdf"), (docx(), "hisobot.docx")]).status_code == 302
    pdf, word = rows()
    home = police.get("/partner").get_data(as_text=True)
    assert "akt.pdf" in home and "hisobot.docx" in home and appeal.number in home
    download = police.get(f"/partner/files/{pdf.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "partner_downloaded_file"))
    assert (entry.actor_id, entry.object_id) == (partners.police1.id, appeal.number)
    assert entry.after == {"file": pdf.id, "task": "report_referral_outcome", "via": "browser"}
    for other in (partners.social1, partners.foreign1):
        client = as_user(other)
        assert client.get(f"/partner/files/{word.id}").status_code == 404
        assert "hisobot.docx" not in client.get("/partner").get_data(as_text=True)
    assert as_user(world.inspector).get(f"/partner/files/{pdf.id}").status_code == 403  # a partner's page


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([(b"%PDF-1.4\n" + b"0" * (10 * MB), "katta.pdf")], "A file may not be larger than 10 MB."),
        ([(EXE, "hisobot.pdf")], "This kind of file is not accepted here"),  # the name lies, the bytes do not
        ([(b"", "bo'sh.pdf")], "The file is empty."),
        ([(PDF, f"{n}.pdf") for n in range(6)], "Choose at most 5 files."),
    ],
    ids=["oversize", "wrong-type", "empty", "too-many"],
)
def test_a_hostile_upload_is_a_form_error_and_leaves_nothing_behind(
    world: World,
    partners: Partners,
    as_user: AsUser,
    store: Path,
    files: list[tuple[bytes, str]],
    message: str,
) -> None:
    appeal = acknowledged(world, partners)
    answered = report(as_user(english(partners.police1)), appeal, files)
    assert answered.status_code == 200
    assert message in answered.get_data(as_text=True)
    assert pending_names(appeal) == ["report_referral_outcome"]
    assert rows() == [] and stored_files(store) == []


def test_the_message_is_in_the_users_language(world: World, partners: Partners, as_user: AsUser) -> None:
    partners.police1.language = "ru"
    db.session.commit()
    appeal = acknowledged(world, partners)
    page = report(as_user(partners.police1), appeal, [(b"", "x.pdf")]).get_data(as_text=True)
    assert "Файл пуст." in page


def test_a_completion_refused_after_storing_leaves_no_row_and_no_file(
    world: World, partners: Partners, as_user: AsUser, store: Path
) -> None:
    """The files are fine, the outcome date lies in the future: only the engine knows the date's
    range, so it refuses the step after the files were written, and the transaction takes rows and
    files back."""
    appeal = acknowledged(world, partners)
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    client = as_user(english(partners.police1))
    answered = report(client, appeal, [(PDF, "akt.pdf")], referral_outcome_date=tomorrow)
    assert answered.status_code == 200 and "The date cannot be after" in answered.get_data(as_text=True)
    assert rows() == [] and stored_files(store) == []
    assert pending_names(appeal) == ["report_referral_outcome"]


def test_a_request_larger_than_the_server_takes_says_so_on_the_task_page(
    app: Flask, world: World, partners: Partners, as_user: AsUser
) -> None:
    appeal = acknowledged(world, partners)
    police = as_user(english(partners.police1))
    previous = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = MB
    try:
        answered = report(police, appeal, [(b"%PDF-1.4\n" + b"0" * (2 * MB), "katta.pdf")])
    finally:
        app.config["MAX_CONTENT_LENGTH"] = previous
    task = the_task(appeal, "report_referral_outcome")
    assert answered.status_code == 302 and answered.headers["Location"].endswith(f"/tasks/{task.id}")
    assert "The files are too large to send" in police.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert rows() == []


def test_police1_attaches_through_the_api_with_multipart(
    world: World, partners: Partners, api: Any, store: Path
) -> None:
    appeal = acknowledged(world, partners)
    call = api(partners.police1)
    (listed,) = call("GET", "/tasks").get_json()["tasks"]
    field = next(f for f in listed["form"]["fields"] if f["id"] == FIELD)
    assert field["type"] == "file" and field["files"]["max_files"] == 5 and field["files"]["max_size_mb"] == 10
    url = f"/tasks/{listed['id']}/complete"
    values = {k: str(v) for k, v in answers("report_referral_outcome").items() if v is not None}

    as_json = call("POST", url, json={**answers("report_referral_outcome"), FIELD: [{"id": 1}]})
    assert as_json.status_code == 422
    assert [(f["field"], f["code"]) for f in as_json.get_json()["error"]["fields"]] == [(FIELD, "file_upload_only")]
    wrong = call("POST", url, data={**values, FIELD: (io.BytesIO(EXE), "a.pdf")}, content_type="multipart/form-data")
    assert wrong.status_code == 422
    assert [(f["field"], f["code"]) for f in wrong.get_json()["error"]["fields"]] == [(FIELD, "file_type_not_allowed")]
    assert rows() == [] and stored_files(store) == []

    done = call("POST", url, data={**values, FIELD: (io.BytesIO(PDF), "akt.pdf")}, content_type="multipart/form-data")
    assert done.status_code == 200, done.get_json()
    (row,) = rows()
    assert (row.filename, row.uploaded_by_id, row.form_field) == ("akt.pdf", partners.police1.id, FIELD)
    assert pending_names(appeal) == ["take_measures"]


def test_the_openapi_document_says_how_files_are_sent(world: World, api: Any) -> None:
    document = api(world.inspector)("GET", "/openapi.json").get_json()
    complete = document["paths"]["/api/v1/tasks/{task_id}/complete"]["post"]
    body = complete["requestBody"]
    assert set(body["content"]) == {"application/json", "multipart/form-data"}
    assert "multipart/form-data" in body["description"] and "file_upload_only" in body["description"]
    assert {"413", "422"} <= set(complete["responses"])
    field = document["components"]["schemas"]["FormFieldOut"]["properties"]
    assert "file" in field["type"]["enum"] and "files" in field
