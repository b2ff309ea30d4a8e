"""Stage 5: the supervisor evaluating effectiveness sees, per referral, whether the partner
acknowledged and answered it within the norm — one referral answered in time, one answered late
(the partner's answer given on an injected day past the 15-working-day norm)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from engine.clock import frozen_at
from tests.conftest import World
from tests.cooperation.test_referrals import Partners, referral_of, referred
from tests.webapp.cases import answers, drive_to, the_task
from webapp.cases.timer_service import fire_due_timers
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import complete_task
from webapp.casework.appeals.timer_data import overdue_at
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today

AsUser = Callable[[User], FlaskClient]


@pytest.fixture
def partners(world: World) -> Partners:
    return Partners(world)


def _referral_item(html: str) -> str:
    """The one referral of the evaluation page's referrals panel."""
    panel = html[html.index('id="referrals"') :]
    items = re.findall(r'<li class="list-group-item small referral .*?</li>', panel, re.S)
    assert len(items) == 1, items
    return items[0]


def _badge(item: str, row_class: str) -> str:
    """The timeliness badge of one row (acknowledgement or answer) of a referral."""
    row = re.search(rf'<div class="{row_class}">(.*?)</div>', item, re.S)
    assert row is not None, (row_class, item)
    badges = re.findall(r'<span class="badge (text-bg-success|text-bg-danger)">', row.group(1))
    assert len(badges) == 1, row.group(1)
    return "in time" if badges[0] == "text-bg-success" else "late"


def _evaluation_item(world: World, appeal: Appeal, as_user: AsUser) -> str:
    pending = drive_to(world, appeal, "evaluate_effectiveness")
    page = as_user(world.supervisor).get(f"/tasks/{pending.id}")
    assert page.status_code == 200
    return _referral_item(page.get_data(as_text=True))


def test_the_evaluation_shows_a_referral_answered_in_time(world: World, partners: Partners, as_user: AsUser) -> None:
    appeal = referred(world)
    complete_task(the_task(appeal, "acknowledge_referral"), partners.police1, answers("acknowledge_referral"))
    complete_task(the_task(appeal, "report_referral_outcome"), partners.police1, answers("report_referral_outcome"))
    item = _evaluation_item(world, appeal, as_user)
    assert "referral-answered" in item and "Chilonzor tumani IIB" in item
    assert _badge(item, "referral-acknowledgement") == "in time"
    assert _badge(item, "referral-answer") == "in time"


def test_the_evaluation_shows_a_referral_answered_late(world: World, partners: Partners, as_user: AsUser) -> None:
    appeal = referred(world)
    referral = referral_of(appeal)
    complete_task(the_task(appeal, "acknowledge_referral"), partners.police1, answers("acknowledge_referral"))
    late = overdue_at(referral.answer_due) + dt.timedelta(hours=3)  # the day after the 15-working-day norm
    with frozen_at(late):
        fire_due_timers(now=late)  # the timer job of that day: the partner is reminded
        complete_task(the_task(appeal, "report_referral_outcome"), partners.police1, answers("report_referral_outcome"))
    db.session.expire_all()
    referral = referral_of(appeal)
    assert referral.answered_on == local_today(late) > referral.answer_due
    item = _evaluation_item(world, appeal, as_user)
    assert "referral-answered" in item
    assert _badge(item, "referral-acknowledgement") == "in time"  # acknowledged the day it came
    assert _badge(item, "referral-answer") == "late"
