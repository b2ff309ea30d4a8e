"""Steps shared by the notice tests: a resident subscribes over HTTP, an inspector writes a notice,
the supervisor decides."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from webapp.cooperation.notices.models import PreventionNotice
from webapp.extensions import db
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.notifications.service import substitute
from webapp.platform.timeutil import local_today

RESIDENT_PHONE = "+998 90 111 22 33"


def messages_to(recipient: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient).order_by(OutboxMessage.id))
    )


def delivered(message: OutboxMessage) -> str:
    return substitute(message.body, message.secrets)


def sent_code(phone: str) -> str:
    match = re.search(r"\b(\d{6})\b", delivered(messages_to(phone)[-1]))
    assert match, "no confirmation code in the SMS"
    return match.group(1)


def ask_to_subscribe(client: FlaskClient, codes: list[str], phone: str = RESIDENT_PHONE, **extra: str) -> Any:
    page = client.get("/ogohlantirishlar/obuna")
    assert page.status_code == 200
    data: dict[str, Any] = {"csrf_token": csrf_token(page.get_data(as_text=True)), "phone": phone, **extra}
    data["mahallas"] = codes
    return client.post("/ogohlantirishlar/obuna", data=data)


def confirm(client: FlaskClient, code: str) -> Any:
    page = client.get("/ogohlantirishlar/obuna/tasdiqlash")
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    return client.post("/ogohlantirishlar/obuna/tasdiqlash", data={"csrf_token": token, "confirmation": code})


def write_notice(
    client: FlaskClient, mahalla_ids: list[int], title: str = "Telefon firibgarligi", **extra: Any
) -> PreventionNotice:
    page = client.get("/notices/new")
    assert page.status_code == 200
    today = local_today()
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "title": title,
        "mahallas": [str(i) for i in mahalla_ids],
        "text_uz": "Bank xodimi deb qo'ng'iroq qilib kartangiz kodini so'rashsa, bermang.",
        "text_ru": "Не сообщайте код карты звонящим от имени банка.",
        "valid_from": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=14)).isoformat(),
        **extra,
    }
    response = client.post("/notices/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    notice = db.session.scalar(select(PreventionNotice).where(PreventionNotice.title == title))
    assert notice is not None
    return notice


def decide(client: FlaskClient, notice: PreventionNotice, decision: str, comment: str = "") -> Any:
    page = client.get(f"/notices/{notice.id}")
    assert page.status_code == 200
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "decision": decision, "comment": comment}
    return client.post(f"/notices/{notice.id}/review", data=data)


def subscribed(world: World, client: FlaskClient, phone: str = RESIDENT_PHONE) -> None:
    """A resident of the world's mahalla subscribed and confirmed."""
    assert ask_to_subscribe(client, [world.mahalla.code], phone).status_code == 302
    assert confirm(client, sent_code(phone)).status_code == 302
