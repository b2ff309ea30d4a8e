"""One vocabulary in the reader's language: notifications stored as type and parameters and
rendered when read, timeline event types, durations, and one date format per language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import World
from tests.webapp.cases import drive_to, register, the_task
from webapp.cases.assignment import service as assignment
from webapp.cases.models import Notification
from webapp.cases.timer_service import fire_due_timers
from webapp.casework.appeals.timer_data import overdue_at
from webapp.extensions import db
from webapp.platform import formats
from webapp.platform.auth.models import User

Client = Callable[[User], FlaskClient]


def test_a_notification_is_rendered_in_the_readers_language(world: World, as_user: Client) -> None:
    appeal = register(world)
    task = the_task(appeal, "check_registration")
    world.inspector2.mahallas.append(world.mahalla)
    world.inspector2.language = "ru"
    db.session.commit()
    assignment.reassign(world.supervisor, task, world.inspector2, "Balans")

    notice = db.session.scalar(select(Notification).where(Notification.user_id == world.inspector2.id))
    assert notice is not None and notice.kind == "assigned"
    assert notice.params == {"title": task.title, "number": appeal.number, "due": task.due_date.isoformat()}
    russian = as_user(world.inspector2).get("/notifications").get_data(as_text=True)
    assert "Вам назначена задача" in russian and appeal.number in russian
    world.inspector2.language = "uz"
    db.session.commit()
    uzbek = as_user(world.inspector2).get("/notifications").get_data(as_text=True)
    assert "назначена" not in uzbek and appeal.number in uzbek  # the same row, now in Uzbek


def test_escalation_notices_follow_each_readers_language(world: World, as_user: Client) -> None:
    world.supervisor.language = "ru"
    db.session.commit()
    appeal = register(world)
    drive_to(world, appeal, "analyse_appeal")
    fire_due_timers(now=overdue_at(appeal.deadline) + dt.timedelta(hours=1))
    page = as_user(world.supervisor).get("/notifications").get_data(as_text=True)
    assert f"Обращение {appeal.number} просрочено" in page
    assert "muddati" not in page.lower()


def test_timeline_event_types_are_words_not_keys(world: World, as_user: Client) -> None:
    appeal = register(world)
    drive_to(world, appeal, "analyse_appeal")
    fire_due_timers(now=overdue_at(appeal.deadline) + dt.timedelta(hours=1))
    world.supervisor.language = "ru"
    db.session.commit()
    page = as_user(world.supervisor).get(f"/appeals/{appeal.number}").get_data(as_text=True)
    for key in ("timers_fired", "reminder_sent", "case_escalated"):
        assert f">{key}" not in page and f"{key}<" not in page, key
    assert "Отправлено напоминание" in page


def test_durations_and_dates_in_the_readers_language(app: Flask) -> None:
    day = dt.date(2026, 12, 3)
    with app.test_request_context():
        with force_locale("uz"):
            assert formats.duration("P3D") == "3 kun"
            assert formats.short_date(day) == "03.12.2026"
            assert formats.long_date(day) == "3-dekabr, 2026"
            assert formats.percent(0.555) == "56%"
        with force_locale("ru"):
            assert formats.duration("P3D") == "3 дня"
            assert formats.duration('"PT4H"') == "4 часа"
            assert formats.short_date(day) == "03.12.2026"
            assert formats.long_date(day) == "3 декабря 2026 г."
            assert formats.number(5.5, 1) == "5,5"
        with force_locale("en"):
            assert formats.duration("P1M") == "1 month"
            assert formats.duration("soon") == "soon"
