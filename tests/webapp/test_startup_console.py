"""The demo console: one line per start-up fact (URL, logins, where mail goes), no line per message."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import World
from webapp.cli import startup_facts
from webapp.extensions import db
from webapp.platform.notifications.sender import send_due_messages
from webapp.platform.notifications.service import queue_message

ROOT = Path(__file__).resolve().parents[2]


def test_the_facts_name_the_url_the_logins_and_the_mailbox(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "MAHALLA_DEMO", True)
    lines = startup_facts(app, "127.0.0.1", 5123)
    text = "\n".join(lines)
    assert "http://127.0.0.1:5123/" in lines[1]
    assert "inspector1" in text and "admin" in text
    [mail] = [line for line in lines if "Mail:" in line]
    assert f"stored in {app.config['MAIL_DIR']} (not sent)" in mail and "/admin/outbox" in mail


def test_with_smtp_configured_the_line_names_the_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "SMTP_HOST", "mail.example.uz")
    monkeypatch.setitem(app.config, "SMTP_PORT", 587)
    monkeypatch.setitem(app.config, "SMS_GATEWAY", "log")
    [mail] = [line for line in startup_facts(app, "10.0.0.5", 80) if "Mail:" in line]
    assert "SMTP mail.example.uz:587" in mail and "gateway 'log'" in mail


def test_delivering_with_the_embedded_default_writes_no_log_line(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    for index in range(5):
        queue_message(None, "email", f"user{index}@example.uz", "Matn", subject="Mavzu")
        queue_message(None, "sms", f"+99890000000{index}", "Matn")
    db.session.commit()
    with caplog.at_level(logging.DEBUG):
        report = send_due_messages(now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    assert (report.sent, report.failed, report.retrying) == (10, 0, 0)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("mahalla")] == []


def test_libraries_that_narrate_at_info_stay_quiet_on_the_demo_console(tmp_path: Path) -> None:
    """fpdf2 subsets its font for every letter and fontTools logs each table at INFO: not on the console."""
    script = (
        "import logging\n"
        "from webapp import create_app\n"
        f"create_app({{'SECRET_KEY': 'x', 'MAHALLA_DEMO': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/q.db'}})\n"
        "logging.getLogger('fontTools.subset').info('glyf pruned')\n"
        "logging.getLogger('mahalla.demo').warning('a real warning')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "glyf pruned" not in done.stderr
    assert "a real warning" in done.stderr
