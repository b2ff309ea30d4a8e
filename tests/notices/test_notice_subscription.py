"""Done-when of issue 19 item 4, over HTTP: a resident subscribes with a phone, confirms the code
sent by SMS, receives the notice the supervisor approved (in the outbox, with the unsubscribe link)
and unsubscribes with that link; the author sees the delivery figures; the mahalla's public page
lists the notice."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World
from tests.notices.notice_steps import (
    RESIDENT_PHONE,
    ask_to_subscribe,
    confirm,
    decide,
    delivered,
    messages_to,
    sent_code,
    subscribed,
    write_notice,
)
from webapp.cooperation.notices.models import NoticeSubscriber
from webapp.cooperation.notices.subscriptions import MAX_REQUESTS_PER_DAY
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.notifications.sender import send_due_messages

AsUser = Callable[[User], FlaskClient]


def test_a_resident_subscribes_receives_an_approved_notice_and_unsubscribes(
    client: FlaskClient, world: World, as_user: AsUser
) -> None:
    response = ask_to_subscribe(client, [world.mahalla.code], email="resident@example.uz")
    assert response.status_code == 302 and response.headers["Location"].endswith("/ogohlantirishlar/obuna/tasdiqlash")
    code = sent_code(RESIDENT_PHONE)
    assert code not in messages_to(RESIDENT_PHONE)[-1].body  # the code travels as a secret
    wrong = "000000" if code != "000000" else "111111"
    assert confirm(client, wrong).status_code == 422
    assert confirm(client, code).status_code == 302
    assert "Bunyodkor MFY" in client.get("/").get_data(as_text=True)  # the flash names the mahallas

    inspector = as_user(world.inspector)
    notice = write_notice(inspector, [world.mahalla.id])
    assert notice.status == "awaiting_approval"
    assert len(messages_to(RESIDENT_PHONE)) == 1  # nothing goes out before the approval
    assert "Telefon firibgarligi" not in client.get(f"/mahalla/{world.mahalla.code}/ogohlantirishlar").get_data(
        as_text=True
    )
    assert decide(inspector, notice, "approve").status_code == 403  # an inspector cannot approve

    supervisor = as_user(world.supervisor)
    assert decide(supervisor, notice, "approve").status_code == 302
    db.session.refresh(notice)
    assert notice.status == "approved" and notice.reviewer_id == world.supervisor.id
    sms = messages_to(RESIDENT_PHONE)[-1]
    assert sms.channel == "sms" and "Telefon firibgarligi" in sms.body and "kartangiz" in sms.body
    email = messages_to("resident@example.uz")[-1]
    assert email.subject == "Telefon firibgarligi" and "kartangiz" in email.body
    link = re.search(r"https?://\S+/ogohlantirishlar/bekor/(\S+)", delivered(sms))
    assert link, delivered(sms)
    assert link.group(0) in email.body

    outbox_page = as_user(world.admin).get("/admin/outbox").get_data(as_text=True)
    assert "Telefon firibgarligi" in outbox_page and RESIDENT_PHONE in outbox_page  # the demo's outbox
    detail = inspector.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert re.search(r'data-figure="queued">2<', detail) and re.search(r'data-figure="sent">0<', detail)
    send_due_messages(now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    detail = inspector.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert re.search(r'data-figure="sent">2<', detail) and re.search(r'data-figure="queued">0<', detail)

    public = client.get(f"/mahalla/{world.mahalla.code}/ogohlantirishlar").get_data(as_text=True)
    assert "Telefon firibgarligi" in public and "kartangiz" in public

    path = f"/ogohlantirishlar/bekor/{link.group(1)}"
    page = client.get(path)
    assert page.status_code == 200 and "Bunyodkor MFY" in page.get_data(as_text=True)
    assert len(messages_to(RESIDENT_PHONE)) == 2  # opening the link (a preview) does not unsubscribe
    assert client.post(path, data={}).status_code == 400  # CSRF
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    assert token
    done = client.post(path, data={"csrf_token": token.group(1)})
    assert done.status_code == 200 and 'id="unsubscribed"' in done.get_data(as_text=True)
    assert client.get(path).status_code == 404

    second = write_notice(inspector, [world.mahalla.id], title="Bedarak yo'qolgan bola")
    assert decide(supervisor, second, "approve").status_code == 302
    assert all("Bedarak" not in m.body for m in messages_to(RESIDENT_PHONE))  # unsubscribed: nothing more


def test_a_returned_notice_is_not_sent_and_other_territories_see_nothing(
    client: FlaskClient, world: World, as_user: AsUser
) -> None:
    subscribed(world, client)
    inspector = as_user(world.inspector)
    notice = write_notice(inspector, [world.mahalla.id])
    supervisor = as_user(world.supervisor)
    assert decide(supervisor, notice, "return").status_code == 422  # a return needs a reason
    assert decide(supervisor, notice, "return", "Matnni qisqartiring").status_code == 302
    db.session.refresh(notice)
    assert notice.status == "returned"
    assert len(messages_to(RESIDENT_PHONE)) == 1  # only the confirmation code
    assert decide(supervisor, notice, "approve").status_code == 302  # already reviewed: a warning, no send
    db.session.refresh(notice)
    assert notice.status == "returned" and len(messages_to(RESIDENT_PHONE)) == 1
    assert as_user(world.foreign_inspector).get(f"/notices/{notice.id}").status_code == 404
    assert as_user(world.foreign_supervisor).get(f"/notices/{notice.id}").status_code == 404
    assert as_user(world.inspector2).get(f"/notices/{notice.id}").status_code == 404
    assert "Telefon firibgarligi" not in as_user(world.foreign_supervisor).get("/notices").get_data(as_text=True)


def test_an_inspector_writes_only_for_their_own_mahallas(world: World, as_user: AsUser) -> None:
    inspector = as_user(world.inspector)
    page = inspector.get("/notices/new").get_data(as_text=True)
    assert world.mahalla.name in page and world.foreign_mahalla.name not in page
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token
    response = inspector.post(
        "/notices/new",
        data={
            "csrf_token": token.group(1),
            "title": "Boshqa mahalla",
            "mahallas": [str(world.foreign_mahalla.id)],
            "text_uz": "Bu matn boshqa mahalla uchun yozilgan.",
            "text_ru": "Этот текст для другой махалли.",
            "valid_from": "2026-12-10",
            "valid_until": "2026-12-01",
        },
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "The notice cannot end before it starts." in text or "tugashi" in text or "invalid-feedback" in text
    assert as_user(world.methodologist).get("/notices").status_code == 403


def test_bad_input_and_the_limits_answer_clearly(app: Flask, client: FlaskClient, world: World) -> None:
    assert ask_to_subscribe(client, [world.mahalla.code], phone="12").status_code == 422
    assert ask_to_subscribe(client, ["NO-SUCH"]).status_code == 422
    assert client.post("/ogohlantirishlar/obuna", data={"phone": RESIDENT_PHONE}).status_code == 400  # CSRF
    assert client.get("/ogohlantirishlar/bekor/not-a-token").status_code == 404
    assert client.get("/mahalla/NO-SUCH/ogohlantirishlar").status_code == 404
    app.config["NOTICE_SUBSCRIBE_LIMIT"] = "100/hour"
    try:
        for _ in range(MAX_REQUESTS_PER_DAY):
            assert ask_to_subscribe(client, [world.mahalla.code]).status_code == 302
        refused = ask_to_subscribe(client, [world.mahalla.code])
        assert refused.status_code == 200 and len(messages_to(RESIDENT_PHONE)) == MAX_REQUESTS_PER_DAY
    finally:
        app.config.pop("NOTICE_SUBSCRIBE_LIMIT")
    pending = db.session.scalars(select(NoticeSubscriber)).all()
    assert pending and all(s.confirmed_at is None for s in pending)


def test_the_ip_limit_stops_a_flood_of_requests(client: FlaskClient, world: World) -> None:
    statuses = [
        ask_to_subscribe(client, [world.mahalla.code], phone=f"+998 90 111 22 {n:02d}").status_code for n in range(6)
    ]
    assert statuses[:5] == [302] * 5 and statuses[5] == 429
