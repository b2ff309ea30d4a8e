"""Dashboard figures that agree by construction: one definition of "overdue" for the banner, the
tile, the supervision console and the API; a default period that means something on the first
days of a month; no "+50%" on tiny counts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import update

from engine.clock import frozen_at
from tests.conftest import World
from tests.webapp.cases import register
from tests.webapp.conftest import Api
from webapp.analytics.dashboards.presenters import _change_text
from webapp.analytics.stats.service import Change
from webapp.cases.models import PendingTask
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today, utcnow

Client = Callable[[User], FlaskClient]


def kpi_value(html: str, name: str) -> str:
    match = re.search(rf'data-kpi="{name}">.*?class="kpi-value">([^<]*)<', html, re.S)
    assert match, name
    return match.group(1).strip()


def banner_count(html: str) -> int:
    match = re.search(r'class="dash-overdue-count">([^<]*)<', html)
    return int(match.group(1)) if match else 0


def test_banner_tile_console_and_api_count_the_same_overdue_appeals(
    world: World, as_user: Client, bearer_api: Callable[[User], Api]
) -> None:
    with frozen_at(utcnow() - dt.timedelta(days=45)):
        register(world)  # registered long ago (outside the default period): its deadline has passed
    late_task = register(world)  # deadline ahead, but its task is past its due date
    db.session.execute(
        update(PendingTask)
        .where(PendingTask.appeal_id == late_task.id)
        .values(due_date=local_today() - dt.timedelta(days=1))
    )
    register(world)  # on time
    db.session.commit()

    client = as_user(world.supervisor)
    html = client.get("/dashboards/district/D1").get_data(as_text=True)
    console = client.get("/supervision?tab=overdue").get_data(as_text=True)
    api = bearer_api(world.supervisor)("GET", "/stats/appeals?district=D1").get_json()

    assert banner_count(html) == 2
    assert kpi_value(html, "overdue") == "2"  # was 0: the tile counted only the period's cohort
    assert console.count('name="case" value="') == 2
    assert api["overdue_now"] == 2


def test_the_default_period_is_the_last_30_days_with_the_month_one_click_away(world: World, as_user: Client) -> None:
    html = as_user(world.supervisor).get("/dashboards/district/D1").get_data(as_text=True)
    assert re.search(r'id="period-last_30_days" value="last_30_days" autocomplete="off"\s+checked', html)
    assert 'id="period-this_month"' in html
    today = local_today()
    month = as_user(world.supervisor).get("/dashboards/district/D1?period=this_month").get_data(as_text=True)
    assert re.search(r'id="period-this_month" value="this_month" autocomplete="off"\s+checked', month)
    assert today.isoformat()  # the month view starts on the 1st (period_preset)


def test_tiny_counts_change_by_their_difference_not_a_percentage(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        assert _change_text(Change(3.0, 2.0), "int") == "+1"  # was "+50%"
        assert _change_text(Change(0.0, 2.0), "int") == "−2"  # was "−100%"
        assert _change_text(Change(30.0, 20.0), "int") == "+50%"
