"""Monitoring of prevention: figures on a small dataset, access, export, and the mahalla risk
colour from the mahalla_risk DMN lineage — publishing an edited table changes the colour."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import insert

from engine import sandbox
from tests.conftest import World
from tests.prevention.conftest import csv_rows, english, prevention_plan, registry_person
from tests.webapp.cases import register
from webapp.cases.versions import bundled_files, current_version, publish_files
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today
from webapp.prevention.events import service as events
from webapp.prevention.monitoring.service import RISK_LINEAGE, monitoring, risk_of
from webapp.prevention.patrols import service as patrols
from webapp.prevention.registry.models import supervised_person_appeals
from webapp.prevention.work.scope import ListFilters
from webapp.prevention.youth import service as youth

AsUser = Callable[[User], FlaskClient]


def _dataset(world: World) -> None:
    """Mahalla M1 with work and risks of every kind; M2 with nothing."""
    today = local_today()
    offender = registry_person(world.mahalla, "Bekzod Rahimov", world.inspector, risk_group="juvenile")
    on_time = registry_person(world.mahalla, "Sherzod Aliyev", world.inspector, risk_group="domestic")
    registry_person(world.mahalla, "Olib tashlangan", world.inspector, status="removed")
    crime = register(world, category="crime_prevention", text="Oʻgʻirlik sodir boʻldi, yordam bering.")
    before_plan = register(world, category="public_safety")
    # An appeal that arrives after working hours or on a day off is registered on the next working
    # day: the plans are dated from the registration day, so the figures hold at any hour.
    registered = before_plan.registered_on
    prevention_plan(offender, starts_on=today - dt.timedelta(days=30), next_due_on=today - dt.timedelta(days=1))
    prevention_plan(on_time, starts_on=registered + dt.timedelta(days=1), next_due_on=registered + dt.timedelta(days=5))
    db.session.execute(
        insert(supervised_person_appeals),
        [
            {"person_id": offender.id, "appeal_id": crime.id},
            {"person_id": on_time.id, "appeal_id": before_plan.id},  # his plan has not started: not repeated
        ],
    )
    db.session.commit()
    group = patrols.save_group(world.mahalla, name="Fidokor", leader_name="Otabek", leader_phone="", active=True)
    report = patrols.file_report(
        world.inspector,
        group,
        patrols.ReportData(report_date=today, route="Bozor", incident="Janjal chiqdi, toʻxtatildi."),
    )
    patrols.link_person(world.inspector, report.incidents[0], offender.id)
    young = youth.save_person(
        world.inspector, world.mahalla, youth.YoungPersonData(full_name="Jasur", birth_date=dt.date(2006, 1, 1))
    )
    placed = youth.add_referral(world.inspector, young, kind="employment", referred_to="Korzinka", referred_on=today)
    youth.record_outcome(placed, "placed", today)
    old = youth.add_referral(world.inspector, young, kind="education", referred_to="Texnikum", referred_on=today)
    youth.record_outcome(old, "placed", today - dt.timedelta(days=400))  # outside the period
    for status in ("held", "planned"):
        events.save_event(
            world.inspector,
            world.mahalla,
            events.EventData(
                topic="Huquqiy targʻibot",
                event_date=today,
                audience="school",
                status=status,
                planned_attendance=30,
                actual_attendance=25,
            ),
        )


def _period() -> ListFilters:
    today = local_today()
    return ListFilters(date_from=today - dt.timedelta(days=90), date_to=today + dt.timedelta(days=7))


def test_figures_per_mahalla_and_district(world: World) -> None:
    _dataset(world)
    result = monitoring(world.supervisor, _period())
    lines = {line.mahalla.code: line for line in result.mahallas}
    assert set(lines) == {"M1", "M2"}  # the supervisor's district only
    m1 = lines["M1"].figures
    assert (m1.registry_count, m1.risk_groups) == (2, {"juvenile": 1, "domestic": 1})
    assert (m1.plans_on_time, m1.overdue_plans) == (1, 1)
    assert m1.repeat_offences == 2  # the appeal after the plan started + the linked patrol incident
    assert (m1.open_crime_appeals, m1.incidents) == (1, 1)
    assert (m1.youth_placed, m1.patrols_held, m1.events_held) == (1, 1, 1)
    assert lines["M1"].risk.colour == "red" and lines["M1"].risk.reasons == ("repeat_offences",)
    assert lines["M2"].risk.colour == "green" and lines["M2"].risk.reasons == ("no_risk_signs",)
    [district] = result.districts
    assert district.colours == {"red": 1, "yellow": 0, "green": 1, "unknown": 0}
    assert district.figures.registry_count == 2 and result.total.youth_placed == 1


def test_publishing_an_edited_table_changes_the_colour(world: World, as_user: AsUser) -> None:
    _dataset(world)
    client = as_user(world.supervisor)
    period = _period()
    url = f"/prevention/monitoring?status=red&from={period.date_from}&to={period.date_to}"
    assert f'data-mahalla="{world.mahalla.id}"' in client.get(url).get_data(as_text=True)
    bundled = bundled_files(RISK_LINEAGE)["mahalla_risk.dmn"]
    assert current_version(RISK_LINEAGE).note == "bundled diagrams"
    # A methodologist raises the red threshold for repeated offences from 2 to 3.
    rule = '<inputEntry id="risk_rule_2_repeat_offences"><text>&gt;= 2</text></inputEntry>'
    assert rule in bundled
    edited = bundled.replace(rule, rule.replace("&gt;= 2", "&gt;= 3"))
    publish_files(RISK_LINEAGE, {"mahalla_risk.dmn": edited}, actor=world.methodologist, note="fewer reds")
    db.session.commit()
    assert f'data-mahalla="{world.mahalla.id}"' not in client.get(url).get_data(as_text=True)
    [m1] = [line for line in monitoring(world.supervisor, _period()).mahallas if line.mahalla.id == world.mahalla.id]
    assert m1.risk.colour == "yellow"
    assert set(m1.risk.reasons) == {"overdue_plan", "repeat_offence", "crime_appeal"}


def test_the_page_decides_all_its_mahallas_in_one_isolated_call(world: World, as_user: AsUser) -> None:
    _dataset(world)  # mahallas with different figures
    client = as_user(world.region_supervisor)
    assert client.get("/prevention/monitoring").status_code == 200  # the first use loads the table
    before = sandbox.STATS["requests"]
    page = client.get("/prevention/monitoring").get_data(as_text=True)
    assert page.count("data-mahalla=") >= 3
    assert sandbox.STATS["requests"] - before == 1


def test_the_bundled_rules(app_context: None) -> None:
    calm = {"open_crime_appeals": 0, "registry_count": 0, "overdue_plans": 0, "repeat_offences": 0, "incidents": 0}
    assert risk_of(calm).colour == "green"
    assert risk_of({**calm, "overdue_plans": 2}).colour == "red"
    assert risk_of({**calm, "open_crime_appeals": 3}).reasons == ("crime_appeals",)
    assert risk_of({**calm, "incidents": 2, "registry_count": 5}).reasons == ("patrol_incidents", "many_on_registry")


def test_access_and_export(world: World, adviser: User, as_user: AsUser) -> None:
    _dataset(world)
    inspector = english(as_user(world.inspector2))  # serves M2 only
    page = inspector.get("/prevention/monitoring").get_data(as_text=True)
    assert f'data-mahalla="{world.second_mahalla.id}"' in page and f'data-mahalla="{world.mahalla.id}"' not in page
    assert as_user(adviser).get("/prevention/monitoring").status_code == 403
    assert as_user(world.methodologist).get("/prevention/monitoring").status_code == 403
    foreign = as_user(world.foreign_supervisor).get("/prevention/monitoring").get_data(as_text=True)
    assert (
        f'data-mahalla="{world.foreign_mahalla.id}"' in foreign and f'data-mahalla="{world.mahalla.id}"' not in foreign
    )
    supervisor = english(as_user(world.supervisor))
    period = _period()
    rows = csv_rows(
        supervisor.get(f"/prevention/monitoring?format=csv&status=red&from={period.date_from}&to={period.date_to}")
    )
    assert rows[0][:4] == ["District", "Mahalla", "Risk colour", "Reason"]
    assert [row[1] for row in rows[1:]] == [world.mahalla.name]
    assert rows[1][2] == "Red" and rows[1][3] == "Repeated offences by people under a prevention plan"
    assert rows[1][4:9] == ["2", "domestic: 1, juvenile: 1", "1", "1", "2"]
