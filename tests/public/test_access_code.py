"""The access code reaches the citizen by SMS (and e-mail) through the outbox, and a lost code is
replaced after a one-time confirmation sent to the phone on record, without revealing whether a
number exists or a phone matches."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token, without_tokens
from tests.webapp.cases import register
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.intake.public.recovery import MAX_REQUESTS_PER_DAY
from webapp.intake.public.service import tracked_appeal
from webapp.platform.auth.models import User
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.notifications.sender import send_due_messages
from webapp.platform.notifications.service import substitute

PHONE = "+998 91 555 44 33"


def outbox(appeal: Appeal) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.appeal_id == appeal.id).order_by(OutboxMessage.id))
    )


def file_on_the_web(client: FlaskClient, world: World, **fields: str) -> tuple[Appeal, str]:
    page = client.get("/murojaat").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "applicant_name": "Rahimov Jasur",
        "applicant_phone": PHONE,
        "applicant_email": "jasur@example.uz",
        "mahalla": world.mahalla.code,
        "kind": "ariza",
        "address": "Navro'z ko'chasi 7",
        "text": "Ko'chadagi chiroqlar yonmayapti, kechqurun xavfli.",
        "consent": "y",
        **fields,
    }
    response = client.post("/murojaat", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    sent = client.get("/murojaat/yuborildi").get_data(as_text=True)
    number = re.search(r'id="appeal-number">([^<]+)<', sent).group(1)  # type: ignore[union-attr]
    code = re.search(r'id="access-code">([^<]+)<', sent).group(1)  # type: ignore[union-attr]
    appeal = db.session.scalar(select(Appeal).where(Appeal.number == number))
    assert appeal is not None
    return appeal, code


def delivered(message: OutboxMessage) -> str:
    """The text as the sender will deliver it (secrets substituted)."""
    return substitute(message.body, message.secrets)


def test_the_code_is_sent_by_sms_and_email_at_intake_as_a_secret(
    client: FlaskClient, world: World, as_user: Callable[[User], FlaskClient]
) -> None:
    appeal, code = file_on_the_web(client, world)
    messages = {m.channel: m for m in outbox(appeal)}
    assert messages["sms"].recipient == PHONE
    assert appeal.number in delivered(messages["sms"]) and code in delivered(messages["sms"])
    assert messages["email"].recipient == "jasur@example.uz" and code in delivered(messages["email"])
    assert code not in messages["sms"].body and code not in messages["email"].body  # stored apart
    page = as_user(world.admin).get("/admin/outbox").get_data(as_text=True)
    assert appeal.number in page and code not in page  # masked on the outbox page
    send_due_messages(now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    assert all(value is None for m in outbox(appeal) for value in (m.secrets or {}).values())  # erased


def test_an_inspector_registration_also_sends_the_code(world: World) -> None:
    appeal = register(world, applicant_phone=PHONE)
    [sms] = [m for m in outbox(appeal) if m.channel == "sms"]
    assert str(appeal.issued_access_code) in delivered(sms)


def six_digits(text: str) -> str:
    [found] = re.findall(r"\b\d{6}\b", text)
    return str(found)


def recover(client: FlaskClient, number: str, phone: str) -> str:
    page = client.get("/kuzatish/kod").get_data(as_text=True)
    response = client.post("/kuzatish/kod", data={"csrf_token": csrf_token(page), "number": number, "phone": phone})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kuzatish/kod/tasdiqlash")
    return client.get("/kuzatish/kod/tasdiqlash").get_data(as_text=True)


def confirm(client: FlaskClient, page: str, confirmation: str) -> object:
    return client.post("/kuzatish/kod/tasdiqlash", data={"csrf_token": csrf_token(page), "confirmation": confirmation})


def test_a_lost_code_is_replaced_after_confirmation_by_sms(client: FlaskClient, world: World) -> None:
    appeal = register(world, applicant_phone=PHONE)
    old_code = str(appeal.issued_access_code)
    page = recover(client, appeal.number, "91 555-44-33")  # written differently: the digits count
    [confirmation_sms] = [m for m in outbox(appeal) if "onfirm" in m.body or "asdiq" in m.body]
    confirmation = six_digits(delivered(confirmation_sms).replace(appeal.number, ""))
    assert confirm(client, page, "000000" if confirmation != "000000" else "111111").status_code == 422
    response = confirm(client, page, confirmation)
    assert response.status_code == 302  # type: ignore[attr-defined]
    new_sms = outbox(appeal)[-1]
    assert new_sms.channel in ("sms", "email")
    new_code = re.search(r"\b([A-Z2-9]{8})\b", delivered([m for m in outbox(appeal) if m.channel == "sms"][-1])).group(
        1
    )  # type: ignore[union-attr]
    assert tracked_appeal(appeal.number, new_code) is not None
    assert tracked_appeal(appeal.number, old_code) is None
    assert confirm(client, page, confirmation).status_code == 302  # used: back to the start  # type: ignore[attr-defined]


def test_unknown_number_and_wrong_phone_look_the_same_and_send_nothing(client: FlaskClient, world: World) -> None:
    appeal = register(world, applicant_phone=PHONE)
    before = len(outbox(appeal))
    wrong_phone = recover(client, appeal.number, "+998 90 000 00 00")
    unknown = recover(client, "2020-999999", PHONE)
    assert without_tokens(wrong_phone) == without_tokens(unknown)
    assert len(outbox(appeal)) == before


def test_requests_per_appeal_are_limited(client: FlaskClient, world: World) -> None:
    appeal = register(world, applicant_phone=PHONE)
    before = len(outbox(appeal))
    for _ in range(MAX_REQUESTS_PER_DAY + 2):
        recover(client, appeal.number, PHONE)
    assert len(outbox(appeal)) - before == MAX_REQUESTS_PER_DAY


def test_an_expired_confirmation_is_refused(world: World) -> None:
    from webapp.intake.public.recovery import confirm_reset, request_reset

    appeal = register(world, applicant_phone=PHONE)
    start = dt.datetime.now(dt.UTC)
    token = request_reset(appeal.number, PHONE, now=start)
    sms = outbox(appeal)[-1]
    confirmation = six_digits(delivered(sms).replace(appeal.number, ""))
    assert confirm_reset(token, confirmation, now=start + dt.timedelta(minutes=16)) is None
    assert confirm_reset(token, confirmation, now=start + dt.timedelta(minutes=5)) is not None
