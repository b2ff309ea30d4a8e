"""Secrets in outbox messages: substituted at delivery, never in the stored text, erased once delivered;
and the local mailbox, the embedded default that stores messages instead of sending them."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text

from tests.conftest import World
from tests.replies.conftest import Inbox
from webapp.extensions import db
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.notifications.sender import send_due_messages
from webapp.platform.notifications.service import MASK, masked, queue_message

CODE = "493817"
LINK = "https://mahalla.example/reset/Zx81-secret-token"


def deliver() -> None:
    report = send_due_messages(now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    assert report.failed == report.retrying == 0


def stored_row_text() -> str:
    """Everything the outbox table holds, as the database returns it."""
    rows = db.session.execute(text("SELECT * FROM outbox_messages")).all()
    return repr([tuple(row) for row in rows])


def reload(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    assert message is not None
    return message


def test_smtp_gets_the_secret_the_database_only_until_delivery(world: World, smtp_server: Inbox) -> None:
    message = queue_message(
        None, "email", "vali@example.uz", "Kirish kodingiz: {code}\nHavola: {link}",
        subject="Kod {code}", secrets={"code": CODE, "link": LINK},
    )  # fmt: skip
    assert message is not None
    db.session.commit()
    assert message.body == "Kirish kodingiz: {code}\nHavola: {link}"
    assert CODE in stored_row_text()  # kept apart from the text until delivery
    deliver()
    [email] = smtp_server.messages
    assert email["Subject"] == f"Kod {CODE}"
    body = email.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content().splitlines() == [f"Kirish kodingiz: {CODE}", f"Havola: {LINK}"]
    delivered = reload(message.id)
    assert (delivered.status, delivered.secrets) == ("sent", {"code": None, "link": None})
    assert CODE not in stored_row_text()
    assert LINK not in stored_row_text()
    assert masked(delivered.body, delivered.secrets) == f"Kirish kodingiz: {MASK}\nHavola: {MASK}"


def test_a_value_written_into_the_text_is_stored_as_its_placeholder(world: World, smtp_server: Inbox) -> None:
    message = queue_message(None, "email", "vali@example.uz", f"Kod: {CODE}.", secrets={"code": CODE})
    assert message is not None
    db.session.commit()
    assert message.body == "Kod: {code}."
    deliver()
    body = smtp_server.messages[0].get_body(preferencelist=("plain",))
    assert body is not None and body.get_content().strip() == f"Kod: {CODE}."
    assert CODE not in stored_row_text()


def test_the_secret_survives_a_failed_attempt_for_the_retry(world: World, smtp_down: int) -> None:
    message = queue_message(None, "email", "vali@example.uz", "Kod: {code}", secrets={"code": CODE})
    assert message is not None
    db.session.commit()
    report = send_due_messages(now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    assert report.retrying == 1
    assert reload(message.id).secrets == {"code": CODE}


def test_the_local_mailbox_stores_email_and_sms_and_the_row_forgets_the_secret(app: Flask, world: World) -> None:
    assert not app.config["SMTP_HOST"] and app.config["SMS_GATEWAY"] == "local"
    folder = Path(app.config["MAIL_DIR"])
    before = set(folder.iterdir())
    email = queue_message(None, "email", "vali@example.uz", "Kod: {code}", subject="Mavzu", secrets={"code": CODE})
    sms = queue_message(None, "sms", "+998901234567", "Kod: {code}", secrets={"code": CODE})
    assert email is not None and sms is not None
    db.session.commit()
    deliver()
    new = sorted(set(folder.iterdir()) - before)
    [eml] = [p for p in new if p.suffix == ".eml"]
    [txt] = [p for p in new if p.name.endswith(".sms.txt")]
    stored = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert stored["To"] == "vali@example.uz"
    assert stored.get_body(preferencelist=("plain",)).get_content().strip() == f"Kod: {CODE}"  # type: ignore[union-attr]
    assert txt.read_text(encoding="utf-8") == f"To: +998901234567\n\nKod: {CODE}\n"
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.status, m.delivered_via, m.attempts) for m in rows] == [("stored", "local", 1), ("stored", "local", 1)]
    assert CODE not in stored_row_text()


@pytest.mark.parametrize(
    ("secrets", "error"),
    [
        ({"Code": CODE}, "secret name 'Code'"),
        ({"code": ""}, "secret 'code': a non-empty string"),
        ({"pin": "1234"}, "secret 'pin' is not used"),
    ],
)
def test_bad_secrets_are_refused_by_name(world: World, secrets: dict[str, str], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        queue_message(None, "sms", "+998901234567", "Kod: {code}", secrets=secrets)
