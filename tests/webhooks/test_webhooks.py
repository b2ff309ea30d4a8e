"""Webhooks: admins subscribe (API and page); every subscribed change is delivered, signed, to a
real HTTP server; a receiver that is down is retried with back-off, then shown as failed, and can
be re-sent."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import World, csrf_token
from tests.webapp.cases import drive_to, register
from tests.webhooks.conftest import Api, Receiver, deliveries, send_webhooks, subscribe
from webapp.casework.legal_terms.service import extend_deadline
from webapp.platform.auth.models import User
from webapp.platform.notifications.sender import BACKOFF, MAX_ATTEMPTS
from webapp.platform.webhooks.service import EVENT_TYPES
from webapp.platform.webhooks.signing import HEADER, verify


def test_every_subscribed_change_arrives_signed(
    bearer_api: Callable[[User], Api], world: World, receiver: Receiver
) -> None:
    created = subscribe(bearer_api, world, receiver.url, list(EVENT_TYPES))
    appeal = register(world)
    drive_to(world, appeal, "analyse_appeal")
    extend_deadline(appeal, world.supervisor, reason="Qo'shimcha tekshiruv", months=1)
    drive_to(world, appeal, "evaluate_effectiveness")
    send_webhooks()
    types = [r.payload["type"] for r in receiver.requests]
    assert types[0] == "appeal.registered"
    assert {"appeal.stage_changed", "appeal.extended", "appeal.answered"} <= set(types)
    for request in receiver.requests:
        header = request.headers[HEADER]
        timestamp = int(header.split(",")[0].removeprefix("t="))
        assert verify(created["secret"], header, request.body, now=timestamp)
        assert not verify("another-secret", header, request.body, now=timestamp)
        assert not verify(created["secret"], header, request.body + b" ", now=timestamp)
        assert not verify(created["secret"], header, request.body, now=timestamp + 3600)  # a replay
        assert request.payload["appeal"]["number"] == appeal.number
        assert "applicant_name" not in request.body.decode()
    extended = next(r.payload for r in receiver.requests if r.payload["type"] == "appeal.extended")
    assert extended["data"]["until"] == appeal.deadline.isoformat()
    assert {d.status for d in deliveries()} == {"sent"}


def test_only_the_chosen_events_are_delivered(
    bearer_api: Callable[[User], Api], world: World, receiver: Receiver
) -> None:
    subscribe(bearer_api, world, receiver.url, ["appeal.answered"])
    appeal = register(world)
    drive_to(world, appeal, "evaluate_effectiveness")
    send_webhooks()
    assert [r.payload["type"] for r in receiver.requests] == ["appeal.answered"]


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/down"


def test_a_receiver_that_is_down_is_retried_then_failed_and_can_be_resent(
    bearer_api: Callable[[User], Api], as_user: Callable[[User], FlaskClient], world: World, receiver: Receiver
) -> None:
    subscribe(bearer_api, world, closed_port_url(), ["appeal.registered"])
    register(world)
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    [delivery] = deliveries()
    for attempt in range(MAX_ATTEMPTS):
        send_webhooks(now)
        [delivery] = deliveries()
        assert delivery.attempts == attempt + 1
        if attempt < len(BACKOFF):
            assert delivery.status == "pending"
            now += BACKOFF[attempt] + dt.timedelta(seconds=1)
    assert delivery.status == "failed" and delivery.last_error
    admin = as_user(world.admin)
    page = admin.get("/webhooks").get_data(as_text=True)
    assert 'data-status="failed"' in page
    response = admin.post(f"/webhooks/deliveries/{delivery.id}/resend", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    [again] = deliveries()
    assert (again.status, again.attempts) == ("pending", 0)


def test_the_page_subscribes_and_removes(as_user: Callable[[User], FlaskClient], world: World) -> None:
    admin = as_user(world.admin)
    page = admin.get("/webhooks").get_data(as_text=True)
    response = admin.post(
        "/webhooks",
        data={"csrf_token": csrf_token(page), "url": "https://portal.example.uz/hook", "events": ["appeal.closed"]},
    )
    assert response.status_code == 302
    page = admin.get("/webhooks").get_data(as_text=True)
    assert "portal.example.uz/hook" in page
    bad = admin.post("/webhooks", data={"csrf_token": csrf_token(page), "url": "ftp://x", "events": []})
    assert bad.status_code == 422
    assert as_user(world.supervisor).get("/webhooks").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.uz", "events": ["appeal.closed"]}, "url"),
        ({"url": "https://example.uz", "events": ["appeal.eaten"]}, "events"),
        ({"url": "https://example.uz", "events": []}, "events"),
        ({"events": ["appeal.closed"]}, "url"),
    ],
)
def test_api_refuses_bad_subscriptions_naming_the_field(
    bearer_api: Callable[[User], Api], world: World, body: dict[str, Any], field: str
) -> None:
    response = bearer_api(world.admin)("POST", "/webhooks", json=body)
    assert response.status_code == 422
    assert [f["field"] for f in response.get_json()["error"]["fields"]] == [field]


def test_api_lists_and_deletes_admins_only(bearer_api: Callable[[User], Api], world: World) -> None:
    created = subscribe(bearer_api, world, "https://portal.example.uz/hook", ["appeal.closed"])
    admin = bearer_api(world.admin)
    listed = admin("GET", "/webhooks").get_json()["webhooks"]
    assert [w["url"] for w in listed] == ["https://portal.example.uz/hook"]
    assert "secret" not in listed[0]
    assert bearer_api(world.supervisor)("GET", "/webhooks").status_code == 403
    assert bearer_api(world.supervisor)("POST", "/webhooks", json={}).status_code == 403
    assert admin("DELETE", f"/webhooks/{created['id']}").status_code == 204
    assert admin("DELETE", f"/webhooks/{created['id']}").status_code == 404
    assert admin("GET", "/webhooks").get_json()["webhooks"] == []
