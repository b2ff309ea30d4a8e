"""The reply letter's PDF is made by a background job after the completion commits, not in the request.

The completion over the API stores the letter's text only (no fpdf2 call at all); the case page says
"Letter being prepared"; the registry job, run by the real scheduler, renders the PDF and queues the
message; a failing attempt is recorded on the document, shown on the case page and tried again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from fpdf import FPDF
from sqlalchemy import delete, select

from tests.conftest import World
from tests.replies.conftest import UZBEK_REPLY
from tests.webapp.cases import answers, drive_to, register
from webapp.casework.appeals.models import Appeal, Document
from webapp.casework.replies.preparation import BACKOFF, prepare_documents
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.jobs.registry import JOBS
from webapp.platform.jobs.scheduler import Scheduler
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.timeutil import as_utc, utcnow

AsUser = Callable[[User], FlaskClient]


@pytest.fixture
def pdf_outputs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts every PDF fpdf2 writes (the real method still runs)."""
    written: list[int] = []
    original = FPDF.output

    def counted(self: FPDF, *args: Any, **kwargs: Any) -> Any:
        written.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FPDF, "output", counted)
    yield written


@pytest.fixture
def at_record_result(world: World) -> Appeal:
    appeal = register(world, applicant_email="vali@example.uz", applicant_phone="+998901234567")
    drive_to(world, appeal, "record_result", {"prepare_reply": {"reply_text": UZBEK_REPLY}})
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.appeal_id == appeal.id))
    db.session.commit()
    return appeal


def complete_over_api(world: World, appeal: Appeal, bearer_api: Callable[[User], Any]) -> None:
    tasks = bearer_api(world.inspector)("GET", f"/tasks?appeal={appeal.number}").get_json()["tasks"]
    [task] = [t for t in tasks if t["name"] == "record_result"]
    response = bearer_api(world.inspector)("POST", f"/tasks/{task['id']}/complete", json=answers("record_result"))
    assert response.status_code == 200, response.get_json()


def letter(appeal: Appeal) -> Document:
    db.session.expire_all()
    return db.session.scalars(select(Document).where(Document.appeal_id == appeal.id)).one()


def messages(appeal: Appeal) -> list[str]:
    query = select(OutboxMessage.channel).where(OutboxMessage.appeal_id == appeal.id).order_by(OutboxMessage.channel)
    return list(db.session.scalars(query))


def status_on_case_page(client: FlaskClient, appeal: Appeal) -> tuple[list[str], list[str], str]:
    html = client.get(f"/appeals/{appeal.number}").get_data(as_text=True)
    tree = lxml.html.fromstring(html)
    downloads = [str(href) for href in tree.xpath("//a[@download]/@href")]
    preparing = [" ".join(e.text_content().split()) for e in tree.xpath("//*[@data-document-status='preparing']")]
    return downloads, preparing, html


def run_job_by_scheduler(app: Flask) -> None:
    [job] = [job for job in JOBS if job.name == "prepare_documents"]
    assert Scheduler(app, [job]).run_due() == ["prepare_documents"]


def test_the_completion_renders_no_pdf_and_the_job_makes_the_letter(
    app: Flask,
    world: World,
    at_record_result: Appeal,
    bearer_api: Callable[[User], Any],
    as_user: AsUser,
    pdf_outputs: list[int],
) -> None:
    complete_over_api(world, at_record_result, bearer_api)
    assert pdf_outputs == []  # nothing rendered inside the request
    document = letter(at_record_result)
    assert (document.status, document.pdf, document.text) == ("preparing", None, UZBEK_REPLY)
    assert messages(at_record_result) == []  # the applicant is told once the PDF exists

    downloads, preparing, _html = status_on_case_page(as_user(world.inspector), at_record_result)
    assert downloads == []
    assert preparing == ["Xat tayyorlanmoqda"]  # "Letter being prepared", in Uzbek (the default)
    assert (
        as_user(world.inspector).get(f"/appeals/{at_record_result.number}/documents/{document.id}.pdf").status_code
        == 404
    )

    run_job_by_scheduler(app)
    assert pdf_outputs == [1]
    document = letter(at_record_result)
    assert document.status == "ready" and document.pdf is not None and document.pdf.startswith(b"%PDF-")
    assert messages(at_record_result) == ["email", "sms"]
    downloads, preparing, _html = status_on_case_page(as_user(world.inspector), at_record_result)
    assert downloads == [f"/appeals/{at_record_result.number}/documents/{document.id}.pdf"]
    assert preparing == []

    run_job_by_scheduler(app)  # a second run finds nothing to do and sends nothing twice
    assert pdf_outputs == [1]
    assert messages(at_record_result) == ["email", "sms"]


def test_a_failed_attempt_is_shown_and_tried_again(
    app: Flask,
    world: World,
    at_record_result: Appeal,
    bearer_api: Callable[[User], Any],
    as_user: AsUser,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    complete_over_api(world, at_record_result, bearer_api)
    font = app.config["PDF_FONT_PATH"]
    monkeypatch.setitem(app.config, "PDF_FONT_PATH", str(tmp_path / "gone.ttf"))
    started = utcnow()
    report = prepare_documents()
    assert (report.ready, report.failed) == (0, 1)
    document = letter(at_record_result)
    assert (document.status, document.attempts, document.pdf) == ("preparing", 1, None)
    assert "PdfFontMissing" in document.last_error and "gone.ttf" in document.last_error
    assert document.next_attempt_at is not None
    waits = as_utc(document.next_attempt_at) - started
    assert BACKOFF[0] - dt.timedelta(seconds=5) <= waits <= BACKOFF[0] + dt.timedelta(seconds=30)
    assert messages(at_record_result) == []

    _downloads, preparing, html = status_on_case_page(as_user(world.inspector), at_record_result)
    assert any("1-urinish muvaffaqiyatsiz" in text for text in preparing), preparing  # "Attempt 1 failed"
    assert "gone.ttf" in html

    assert prepare_documents().ready == 0  # not before its time
    monkeypatch.setitem(app.config, "PDF_FONT_PATH", font)
    report = prepare_documents(now=utcnow() + BACKOFF[0] + dt.timedelta(seconds=1))
    assert (report.ready, report.failed) == (1, 0)
    document = letter(at_record_result)
    assert (document.status, document.attempts, document.last_error) == ("ready", 2, "")
    assert messages(at_record_result) == ["email", "sms"]
