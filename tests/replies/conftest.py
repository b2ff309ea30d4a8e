"""Fixtures for the reply-letter and outbox tests: the web harness of tests/webapp, a finished case,
a real SMTP server on a free local port, and pdftotext."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete

from tests.conftest import World
from tests.webapp.cases import complete, drive_to, register
from tests.webapp.conftest import as_user, bearer_api, fresh_g_per_request  # noqa: F401 - shared web fixtures
from webapp.casework.appeals.models import Appeal
from webapp.casework.replies.preparation import prepare_documents
from webapp.extensions import db
from webapp.platform.notifications.models import OutboxMessage

RUSSIAN_TEXT = "Во дворе по ночам шумят подростки, прошу принять меры. Жильцы не могут спать."
UZBEK_REPLY = (
    "Hurmatli Aliyev Vali! Murojaatingiz boʻyicha koʻcha chiroqlari toʻgʻrilandi, "
    "gʻamxoʻrlik uchun rahmat. Mas'ul xodimlar bilan suhbat oʻtkazildi."
)
RUSSIAN_REPLY = "Уважаемая Петрова Анна! По Вашему обращению проведена профилактическая беседа с подростками."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def finish_case(world: World, appeal: Appeal, reply_text: str) -> Appeal:
    """Drive the case to record_result with this reply text and complete it (the hook runs)."""
    drive_to(world, appeal, "record_result", {"prepare_reply": {"reply_text": reply_text}})
    complete(world, appeal, "record_result")
    prepare_documents()  # the background job that renders the letter after the completion committed
    return appeal


@pytest.fixture
def answered(world: World) -> Appeal:
    """An ariza in M1 with e-mail and phone, answered with an Uzbek Latin reply letter."""
    appeal = register(world, applicant_email="vali@example.uz", applicant_phone="+998901234567", address="Navroʻz 5")
    # The access-code notices of the registration are tested in tests/public/test_access_code.py.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.appeal_id == appeal.id))
    db.session.commit()
    return finish_case(world, appeal, UZBEK_REPLY)


@pytest.fixture
def pdf_text(tmp_path: Any) -> Callable[[bytes], str]:
    """Text of a PDF as poppler's pdftotext extracts it (skipped outside CI when it is missing)."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext is missing in CI (Debian package poppler-utils)")
        pytest.skip("pdftotext not installed (Debian package poppler-utils)")

    def extract(pdf: bytes) -> str:
        path = tmp_path / "letter.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=30
        )
        return result.stdout.decode("utf-8")

    return extract


@dataclass
class Inbox:
    """Messages the local SMTP server accepted."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) on a free local port; the app is configured to use it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5.0)
    monkeypatch.setitem(app.config, "MAIL_FROM", "murojaat@mahalla.uz")
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_down(app: Flask, monkeypatch: pytest.MonkeyPatch) -> int:
    """SMTP configured to a local port nobody listens on (connection refused)."""
    port = free_port()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 2.0)
    return port
