"""On PostgreSQL, parallel sender runs never send one message twice (SELECT … FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import World, require_postgres
from webapp.extensions import db
from webapp.platform.notifications.gateways import register_gateway
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.notifications.sender import send_due_messages
from webapp.platform.notifications.service import queue_message

pytestmark = pytest.mark.postgres


class SlowRecordingGateway:
    """An SMS gateway that takes a moment per message and records who sent what."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        time.sleep(0.02)
        with self.lock:
            self.sent.append((threading.current_thread().name, text))


@pytest.fixture
def recording(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowRecordingGateway]:
    gateway = SlowRecordingGateway()

    def factory(_config: Mapping[str, Any]) -> SlowRecordingGateway:
        return gateway

    register_gateway("test-recording", factory)
    monkeypatch.setitem(app.config, "SMS_GATEWAY", "test-recording")
    yield gateway


def test_two_parallel_senders_send_each_message_once(app: Flask, world: World, recording: SlowRecordingGateway) -> None:
    require_postgres(app)
    for index in range(20):
        queue_message(None, "sms", f"+99890000{index:04d}", f"message {index}")
    db.session.commit()
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    barrier = threading.Barrier(2, timeout=10)
    reports: dict[str, Any] = {}

    def run() -> None:
        with app.app_context():
            barrier.wait()
            reports[threading.current_thread().name] = send_due_messages(now=now)

    threads = [threading.Thread(target=run, name=name) for name in ("sender-1", "sender-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    texts = Counter(text for _thread, text in recording.sent)
    assert sorted(texts) == sorted(f"message {i}" for i in range(20))
    assert set(texts.values()) == {1}, [t for t, n in texts.items() if n > 1]
    assert sum(r.sent for r in reports.values()) == 20
    assert {name for name, _text in recording.sent} == {"sender-1", "sender-2"}  # both really worked
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(OutboxMessage.status == "sent")) == 20
    assert db.session.scalar(select(func.sum(OutboxMessage.attempts))) == 20
