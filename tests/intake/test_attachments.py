"""Attachments: recognised by their bytes, limited in size and number, stored with the
registration transaction, downloadable only by those who work the case."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from tests.conftest import World, csrf_token
from tests.intake.conftest import EXE, JPEG, PDF, PNG, docx, stored_files
from tests.intake.test_register_rules import VALID, number_of
from tests.webapp.cases import appeal_by_number, appeal_count, event_kinds, invalid_fields, register
from webapp.casework.appeals.models import Attachment
from webapp.extensions import db
from webapp.intake.attachments.files import UploadRefused, check_upload, safe_filename
from webapp.intake.attachments.service import attachments_of, store_uploads
from webapp.platform.auth.models import User
from webapp.platform.auth.service import issue_token

AsUser = Callable[[User], FlaskClient]
MB = 1024 * 1024


def register_with_files(client: FlaskClient, files: list[tuple[bytes, str]]) -> Any:
    page = client.get("/appeals/new").get_data(as_text=True)
    data = MultiDict([*VALID.items(), ("csrf_token", csrf_token(page))])
    for content, name in files:
        data.add("attachments", FileStorage(io.BytesIO(content), filename=name, content_type="image/jpeg"))
    # Encoded in memory: the test client would spool a large body to a temporary file it never closes.
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return client.post(
        "/appeals/new",
        input_stream=stream,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def attachment_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Attachment)) or 0)


def test_photo_and_pdf_are_stored_and_the_district_supervisor_downloads_them(
    as_user: AsUser, world: World, attachments_dir: Path
) -> None:
    response = register_with_files(as_user(world.inspector), [(JPEG, "photo.JPG"), (PDF, "ariza scan.pdf")])
    appeal = appeal_by_number(number_of(response))
    rows = attachments_of(appeal)
    assert [(a.filename, a.content_type, a.size) for a in rows] == [
        ("photo.jpg", "image/jpeg", len(JPEG)),
        ("ariza scan.pdf", "application/pdf", len(PDF)),
    ]
    assert rows[0].sha256 == hashlib.sha256(JPEG).hexdigest()
    assert len(stored_files(attachments_dir)) == 2

    download = as_user(world.supervisor).get(f"/appeals/{appeal.number}/attachments/{rows[1].id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    page = as_user(world.supervisor).get(f"/appeals/{appeal.number}").get_data(as_text=True)
    assert "ariza scan.pdf" in page


@pytest.mark.parametrize("who", ["foreign_supervisor", "foreign_inspector", "inspector2"])
def test_download_from_another_territory_is_404(as_user: AsUser, world: World, who: str) -> None:
    response = register_with_files(as_user(world.inspector), [(JPEG, "photo.jpg")])
    appeal = appeal_by_number(number_of(response))
    attachment = attachments_of(appeal)[0]
    assert as_user(getattr(world, who)).get(f"/appeals/{appeal.number}/attachments/{attachment.id}").status_code == 404


def test_attachment_id_of_another_appeal_is_404(as_user: AsUser, world: World) -> None:
    first = appeal_by_number(number_of(register_with_files(as_user(world.inspector), [(JPEG, "a.jpg")])))
    second = register(world)
    other_id = attachments_of(first)[0].id
    assert as_user(world.inspector).get(f"/appeals/{second.number}/attachments/{other_id}").status_code == 404


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (EXE, "photo.jpg", "is not a JPEG"),
        (b"\xff\xd8\xff" + b"\x00" * (6 * MB), "big.jpg", "larger than 5 MB"),
        (docx(with_document=False), "letter.docx", "is not a JPEG"),
        (b"", "empty.pdf", "is empty"),
    ],
    ids=["exe-renamed", "6mb", "zip-not-docx", "empty"],
)
def test_bad_file_refuses_the_whole_registration(
    as_user: AsUser, world: World, attachments_dir: Path, content: bytes, name: str, message: str
) -> None:
    before = (appeal_count(), attachment_count())
    world.inspector.language = "en"  # the messages below are the English originals
    db.session.commit()
    response = register_with_files(as_user(world.inspector), [(PDF, "ok.pdf"), (content, name)])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert invalid_fields(html) == {"attachments"}
    assert message in html
    assert (appeal_count(), attachment_count()) == before
    assert stored_files(attachments_dir) == []


def test_more_than_ten_files_are_refused(as_user: AsUser, world: World) -> None:
    before = appeal_count()
    response = register_with_files(as_user(world.inspector), [(PNG, f"p{i}.png") for i in range(11)])
    assert invalid_fields(response.get_data(as_text=True)) == {"attachments"}
    assert appeal_count() == before


def test_docx_is_recognised_and_names_are_sanitised() -> None:
    upload = check_upload("../../etc/Xat <1>.docx", docx())
    assert upload.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert upload.filename == "Xat _1.docx"
    assert safe_filename("C:\\Users\\a\\rasm.exe", "image/png") == "rasm.png"
    assert safe_filename("...", "application/pdf") == "file.pdf"
    with pytest.raises(UploadRefused):
        check_upload("x.jpg", EXE)


def test_file_is_removed_when_the_transaction_fails(world: World, attachments_dir: Path) -> None:
    appeal = register(world)
    rows = store_uploads(appeal, [check_upload("a.jpg", JPEG)], world.inspector)
    assert len(stored_files(attachments_dir)) == 1
    db.session.add(
        Attachment(
            appeal_id=appeal.id,
            filename="dup.jpg",
            content_type="image/jpeg",
            size=1,
            sha256="0" * 64,
            storage_key=rows[0].storage_key,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert stored_files(attachments_dir) == []
    assert attachment_count() == 0


def test_committed_files_stay(world: World, attachments_dir: Path) -> None:
    appeal = register(world)
    store_uploads(appeal, [check_upload("a.jpg", JPEG)], world.inspector)
    db.session.commit()
    db.session.rollback()
    assert len(stored_files(attachments_dir)) == 1


def test_inspector_attaches_more_files_on_the_case_page(as_user: AsUser, world: World) -> None:
    appeal = register(world)
    world.inspector.language = "en"  # the refusal below is checked in English
    db.session.commit()
    client = as_user(world.inspector)
    page = client.get(f"/appeals/{appeal.number}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "attachments": [(io.BytesIO(PNG), "joy.png")]}
    response = client.post(f"/appeals/{appeal.number}/attachments", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert [a.filename for a in attachments_of(appeal)] == ["joy.png"]
    assert ("attachments_added", None) in event_kinds(appeal)
    refused = client.post(
        f"/appeals/{appeal.number}/attachments",
        data={"csrf_token": csrf_token(page), "attachments": [(io.BytesIO(EXE), "x.png")]},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "is not a JPEG" in refused.get_data(as_text=True)
    assert len(attachments_of(appeal)) == 1


def test_case_page_upload_in_another_territory_is_404(as_user: AsUser, world: World) -> None:
    appeal = register(world)
    client = as_user(world.foreign_inspector)
    page = client.get("/appeals").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "attachments": [(io.BytesIO(PNG), "joy.png")]}
    response = client.post(f"/appeals/{appeal.number}/attachments", data=data, content_type="multipart/form-data")
    assert response.status_code == 404
    assert attachments_of(appeal) == []


def test_api_upload_and_refusal(client: FlaskClient, world: World) -> None:
    appeal = register(world)
    headers = {"Authorization": f"Bearer {issue_token(world.inspector, 'test')}"}
    url = f"/api/v1/appeals/{appeal.number}/attachments"
    good = client.post(url, data={"files": [(io.BytesIO(PDF), "a.pdf")]}, headers=headers)
    assert good.status_code == 201
    assert [(a["filename"], a["size"]) for a in good.get_json()["attachments"]] == [("a.pdf", len(PDF))]
    bad = client.post(url, data={"files": [(io.BytesIO(EXE), "b.pdf")]}, headers=headers)
    assert bad.status_code == 422
    assert bad.get_json()["error"]["fields"][0]["field"] == "files"
    foreign = {"Authorization": f"Bearer {issue_token(world.foreign_inspector, 'test')}"}
    assert client.post(url, data={"files": [(io.BytesIO(PDF), "a.pdf")]}, headers=foreign).status_code == 404
    document = client.get("/api/v1/openapi.json").get_json()
    body = document["paths"]["/api/v1/appeals/{number}/attachments"]["post"]["requestBody"]
    assert "multipart/form-data" in body["content"]
