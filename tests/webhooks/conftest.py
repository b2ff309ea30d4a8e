"""Webhook tests: the web harness, a real HTTP receiver started by the test, subscribing through the
API, running the outbox sender and checking what arrived."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import World
from tests.webapp.conftest import as_user, bearer_api, fresh_g_per_request  # noqa: F401  (fixtures)
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.notifications.sender import send_due_messages
from webapp.platform.webhooks.signing import HEADER, verify

Api = Callable[..., Any]


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """An HTTP server on a free local port that records every POST and answers ``status``."""
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            state.requests.append(Received(dict(self.headers.items()), self.rfile.read(length)))
            self.send_response(state.status)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/mahalla"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def deliveries() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "webhook")))


def send_webhooks(now: dt.datetime | None = None) -> None:
    """Run the outbox sender until nothing is due (e-mails to the applicant fail on the way)."""
    send_due_messages(now=now or dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))


def subscribe(api: Callable[[User], Api], world: World, url: str, events: list[str]) -> dict[str, Any]:
    """Subscribe ``url`` as the admin, through the API; the answer (with the secret)."""
    response = api(world.admin)("POST", "/webhooks", json={"url": url, "events": events})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def signed_payloads(receiver: Receiver, secret: str) -> list[dict[str, Any]]:
    """The payloads the receiver got, in order, each checked against its signature."""
    payloads = []
    for request in receiver.requests:
        header = request.headers[HEADER]
        timestamp = int(header.split(",")[0].removeprefix("t="))
        assert verify(secret, header, request.body, now=timestamp), header
        assert request.headers["X-Mahalla-Event"] == request.payload["type"]
        payloads.append(request.payload)
    return payloads
