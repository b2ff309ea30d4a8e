"""Monitoring of cooperation on the real flow: referrals sent, acknowledged and answered on time,
median days to answer and overdue now, per partner and district; on the district dashboard, in
the monthly report (page and content), and as inputs of the report's DMN recommendations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask.testing import FlaskClient

from tests.conftest import World
from tests.cooperation.test_referrals import Partners, partner_orgs, referral_of, referred  # noqa: F401 - fixture
from tests.webapp.cases import answers, the_task
from webapp.analytics.reports import service as reports
from webapp.cases.versions import decide_with_latest
from webapp.casework.appeals.runtime import complete_task
from webapp.cooperation.referrals.figures import cooperation, rule_inputs
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today

AsUser = Callable[[User], FlaskClient]


def three_referrals(world: World, orgs: Partners) -> None:
    """One answered in time, one acknowledged only, one sent two months ago and never touched."""
    answered = referred(world)
    complete_task(the_task(answered, "acknowledge_referral"), orgs.police1, answers("acknowledge_referral"))
    complete_task(the_task(answered, "report_referral_outcome"), orgs.police1, answers("report_referral_outcome"))
    acknowledged = referred(world)
    complete_task(the_task(acknowledged, "acknowledge_referral"), orgs.police1, answers("acknowledge_referral"))
    old = referral_of(referred(world))
    old.sent_on -= dt.timedelta(days=60)
    old.acknowledge_due -= dt.timedelta(days=60)
    old.answer_due -= dt.timedelta(days=60)
    db.session.commit()


def test_figures_per_partner_and_district(world: World, partner_orgs: Partners) -> None:  # noqa: F811
    three_referrals(world, partner_orgs)
    today = local_today()
    figures = cooperation(today.replace(day=1), today, today, district_id=world.district.id)
    (police,) = figures.partners
    assert police.name == "Chilonzor tumani IIB"
    assert (police.sent, police.acknowledged_on_time, police.answered, police.answered_on_time) == (2, 2, 1, 1)
    assert police.median_days_to_answer == 0.0
    assert police.overdue_now == 1  # the old one, sent before the period but open past its date
    (district,) = figures.districts
    assert district.name == world.district.name and district.sent == 2 and district.overdue_now == 1
    assert rule_inputs(figures) == {"referrals_sent": 2, "referrals_on_time_rate": 50.0, "referrals_overdue": 1}
    region = cooperation(today.replace(day=1), today, today, region_id=world.region.id)
    assert region.total.sent == 2
    assert cooperation(today.replace(day=1), today, today, district_id=world.other_district.id).partners == []


def test_on_the_dashboard_and_in_the_monthly_report(world: World, partner_orgs: Partners, as_user: AsUser) -> None:  # noqa: F811
    three_referrals(world, partner_orgs)
    supervisor = as_user(world.supervisor)
    page = supervisor.get(f"/dashboards/district/{world.district.code}").get_data(as_text=True)
    assert 'id="cooperation"' in page and "Chilonzor tumani IIB" in page
    month = local_today().replace(day=1)
    content = reports.build(reports.territory("district", world.district.code), month)  # type: ignore[arg-type]
    assert content["cooperation"]["partners"][0]["sent"] == 2
    assert content["inputs"]["referrals_overdue"] == 1
    report = supervisor.get(f"/reports/district/{world.district.code}/{month:%Y-%m}").get_data(as_text=True)
    assert 'id="cooperation"' in report and "Chilonzor tumani IIB" in report
    pdf = supervisor.get(f"/reports/district/{world.district.code}/{month:%Y-%m}/pdf/ru")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_recommendation_rules_read_the_overdue_referrals(app_context: None) -> None:
    base = {
        "on_time_rate": 95.0,
        "overdue_count": 0,
        "repeated_share": 0.0,
        "satisfaction": 5.0,
        "category_growth": 0.0,
    }
    quiet = decide_with_latest(
        "report_recommendations",
        "report_recommendations",
        {**base, "referrals_overdue": 1, "referrals_on_time_rate": 90.0},
    )
    loud = decide_with_latest(
        "report_recommendations",
        "report_recommendations",
        {**base, "referrals_overdue": 3, "referrals_on_time_rate": 90.0},
    )
    assert "partner_referrals_overdue" not in [r.outputs.get("key") for r in quiet]
    assert "partner_referrals_overdue" in [r.outputs.get("key") for r in loud]
