"""The outbox page: administrators only; filters; masked secrets; resend and cancel through the real forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.conftest import World, csrf_token
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.notifications.sender import send_due_messages
from webapp.platform.notifications.service import MASK, queue_message

CODE = "731904"
AsUser = Callable[[User], FlaskClient]


def queue(channel: str, recipient: str, body: str, **fields: object) -> OutboxMessage:
    message = queue_message(None, channel, recipient, body, **fields)  # type: ignore[arg-type]
    assert message is not None
    db.session.commit()
    return message


def deliver() -> None:
    send_due_messages(now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))


def post_action(client: FlaskClient, message_id: int, action: str) -> str:
    page = client.get(f"/admin/outbox/{message_id}")
    response = client.post(
        f"/admin/outbox/{message_id}/{action}",
        data={"csrf_token": csrf_token(page.get_data(as_text=True))},
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["inspector", "supervisor", "methodologist"])
def test_only_administrators_see_the_outbox(as_user: AsUser, world: World, who: str) -> None:
    client = as_user(getattr(world, who))
    assert client.get("/admin/outbox").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client: FlaskClient, world: World) -> None:
    response = client.get("/admin/outbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_list_shows_every_message_with_its_status_and_masks_secrets(as_user: AsUser, world: World) -> None:
    sms = queue("sms", "+998901112233", "Kirish kodi: {code}", secrets={"code": CODE})
    email = queue("email", "vali@example.uz", "Salom", subject="Murojaat")
    client = as_user(world.admin)
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert "+998901112233" in html and "vali@example.uz" in html and "Murojaat" in html
    assert CODE not in html and MASK in html
    deliver()
    html = client.get(f"/admin/outbox/{sms.id}").get_data(as_text=True)
    assert CODE not in html and f"Kirish kodi: {MASK}" in html
    assert 'data-status="stored"' in html
    assert client.get(f"/admin/outbox/{email.id}").status_code == 200
    assert client.get("/admin/outbox/999999").status_code == 404


def test_filters_by_channel_status_recipient_and_date(as_user: AsUser, world: World) -> None:
    queue("sms", "+998901112233", "Birinchi")
    queue("email", "vali@example.uz", "Ikkinchi", subject="Mavzu")
    old = queue("email", "olim@example.uz", "Eski", subject="Eski mavzu")
    old.created_at = dt.datetime(2025, 1, 10, 12, tzinfo=dt.UTC)
    db.session.commit()
    client = as_user(world.admin)

    def rows(query: str) -> int:
        response = client.get(f"/admin/outbox?{query}")
        assert response.status_code == 200
        return response.get_data(as_text=True).count('class="outbox-row"')

    assert rows("") == 3
    assert rows("channel=sms") == 1
    assert rows("channel=email&recipient=vali") == 1
    assert rows("status=pending") == 3
    assert rows("status=failed") == 0
    assert rows("date_from=2025-01-01&date_to=2025-01-31") == 1
    assert rows("date_to=2025-01-09") == 0
    for query, name in (("date_from=yesterday", "date_from"), ("channel=pigeon", "channel"), ("page=x", "page")):
        bad = client.get(f"/admin/outbox?{query}")
        assert bad.status_code == 400  # named on the error page, not a 500
        assert f'data-parameter="{name}"' in bad.get_data(as_text=True)


def test_cancel_a_waiting_message_erases_its_secret_and_it_is_never_sent(as_user: AsUser, world: World) -> None:
    message = queue("sms", "+998901112233", "Kod: {code}", secrets={"code": CODE})
    client = as_user(world.admin)
    html = post_action(client, message.id, "cancel")
    assert 'data-status="cancelled"' in html
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).secrets == {"code": None}  # type: ignore[union-attr]
    deliver()
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "cancelled"  # type: ignore[union-attr]
    html = post_action(client, message.id, "cancel")
    assert "Only a message that is waiting can be cancelled" in html or "kutayotgan" in html


def test_resend_queues_a_delivered_message_again_unless_its_secret_is_gone(as_user: AsUser, world: World) -> None:
    plain = queue("email", "vali@example.uz", "Salom", subject="Mavzu")
    secret = queue("sms", "+998901112233", "Kod: {code}", secrets={"code": CODE})
    deliver()
    client = as_user(world.admin)
    assert 'data-status="pending"' in post_action(client, plain.id, "resend")
    deliver()
    db.session.expire_all()
    again = db.session.get(OutboxMessage, plain.id)
    assert again is not None and (again.status, again.attempts) == ("stored", 2)
    html = post_action(client, secret.id, "resend")
    assert 'data-status="stored"' in html
    db.session.expire_all()
    assert db.session.get(OutboxMessage, secret.id).status == "stored"  # type: ignore[union-attr]


def test_actions_need_the_csrf_token(as_user: AsUser, world: World) -> None:
    message = queue("sms", "+998901112233", "Salom")
    client = as_user(world.admin)
    assert client.post(f"/admin/outbox/{message.id}/cancel").status_code == 400
