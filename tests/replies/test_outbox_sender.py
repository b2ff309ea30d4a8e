"""The outbox sender against a real local SMTP server, a refused connection, and the SMS log gateway."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import World
from tests.replies.conftest import Inbox
from webapp.casework.appeals.models import Appeal, Document
from webapp.extensions import db
from webapp.platform.notifications.gateways import SmsError, gateway_from_config
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.notifications.sender import send_due_messages
from webapp.platform.notifications.service import queue_message
from webapp.platform.timeutil import as_utc

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def messages(appeal: Appeal | None = None) -> dict[str, OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage)
    if appeal is not None:
        query = query.where(OutboxMessage.appeal_id == appeal.id)
    return {m.channel: m for m in db.session.scalars(query)}


def queue_email(recipient: str = "vali@example.uz") -> OutboxMessage:
    message = queue_message(None, "email", recipient, "Matn: oʻ gʻ", subject="Mavzu")
    assert message is not None
    message.next_attempt_at = NOW - dt.timedelta(minutes=1)
    db.session.commit()
    return message


def test_email_arrives_with_subject_body_and_the_pdf(answered: Appeal, smtp_server: Inbox) -> None:
    report = send_due_messages(now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    [email] = smtp_server.messages
    assert smtp_server.recipients == [["vali@example.uz"]]
    assert email["Subject"] == f"Murojaatingiz (№ {answered.number}) boʻyicha javob"
    assert email["From"] == "murojaat@mahalla.uz"
    body = email.get_body(preferencelist=("plain",))
    assert body is not None
    assert "javob xati tayyorlandi va ilova qilindi" in body.get_content()
    [attachment] = list(email.iter_attachments())
    assert attachment.get_filename() == f"murojaat-{answered.number}-javob.pdf"
    assert attachment.get_content_type() == "application/pdf"
    pdf = db.session.scalar(select(Document.pdf).where(Document.appeal_id == answered.id))
    assert attachment.get_content() == pdf
    sent = messages(answered)
    assert {channel: (m.status, m.attempts, m.last_error) for channel, m in sent.items()} == {
        "email": ("sent", 1, ""),
        "sms": ("stored", 1, ""),
    }
    assert sent["email"].sent_at is not None


def test_a_sent_message_is_never_sent_again(answered: Appeal, smtp_server: Inbox) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert send_due_messages(now=later).sent == 2
    assert send_due_messages(now=later + dt.timedelta(days=1)).attempted == 0
    assert len(smtp_server.messages) == 1


def test_messages_not_yet_due_wait(world: World, smtp_server: Inbox) -> None:
    queue_email()
    assert send_due_messages(now=NOW - dt.timedelta(minutes=2)).attempted == 0
    assert smtp_server.messages == []
    assert send_due_messages(now=NOW).sent == 1


def test_limit_caps_one_run(world: World, smtp_server: Inbox) -> None:
    for index in range(3):
        queue_email(f"user{index}@example.uz")
    assert send_due_messages(now=NOW, limit=2).sent == 2
    assert send_due_messages(now=NOW, limit=2).sent == 1
    assert sorted(r[0] for r in smtp_server.recipients) == ["user0@example.uz", "user1@example.uz", "user2@example.uz"]


def test_refused_connection_retries_with_backoff_then_fails(world: World, smtp_down: int) -> None:
    message_id = queue_email().id
    now = NOW
    waits = []
    for attempt in range(1, 5):
        report = send_due_messages(now=now)
        assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
        message = db.session.get(OutboxMessage, message_id)
        db.session.refresh(message)
        assert (message.status, message.attempts) == ("pending", attempt)
        assert "ConnectionRefusedError" in message.last_error
        waits.append(as_utc(message.next_attempt_at) - now)
        assert send_due_messages(now=as_utc(message.next_attempt_at) - dt.timedelta(seconds=1)).attempted == 0
        now = as_utc(message.next_attempt_at)
    assert waits == [dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2)]
    report = send_due_messages(now=now)
    assert (report.sent, report.retrying, report.failed) == (0, 0, 1)
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    assert (message.status, message.attempts, message.sent_at) == ("failed", 5, None)
    assert send_due_messages(now=now + dt.timedelta(days=30)).attempted == 0


def test_sms_log_gateway_writes_the_line(
    app: Flask, world: World, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "SMS_GATEWAY", "log")
    message = queue_message(None, "sms", "+998901234567", "Murojaatingiz koʻrib chiqildi")
    assert message is not None
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="mahalla.sms"):
        report = send_due_messages(now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    assert report.sent == 1
    assert [r.getMessage() for r in caplog.records if r.name == "mahalla.sms"] == [
        "SMS to +998901234567: Murojaatingiz koʻrib chiqildi"
    ]
    assert messages()["sms"].status == "sent"


def test_unknown_sms_gateway_is_a_clear_error(app: Flask) -> None:
    with pytest.raises(SmsError, match="unknown SMS gateway 'carrier-pigeon'"):
        gateway_from_config({**app.config, "SMS_GATEWAY": "carrier-pigeon"})


def test_cli_sends_and_reports(app: Flask, world: World, smtp_server: Inbox) -> None:
    message = queue_message(None, "email", "vali@example.uz", "Matn", subject="Mavzu")
    assert message is not None
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-notifications", "--limit", "10"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 1, retrying 0, failed 0"
    assert len(smtp_server.messages) == 1
