"""Legal-advocacy events and joint plans: create, list, filter, export, bad input, access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.prevention.conftest import csv_rows, english, xlsx_text
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import local_today
from webapp.prevention.events import service as events
from webapp.prevention.joint_plans import service as joint_plans
from webapp.prevention.work.models import AdvocacyEvent, JointPlan, JointPlanItem

AsUser = Callable[[User], FlaskClient]


def _post(client: FlaskClient, url: str, data: dict, page: str | None = None) -> object:
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(html), **data})


def _event(
    world: World, mahalla: Mahalla, topic: str, *, status: str = "held", days: int = -3, audience: str = "school"
) -> AdvocacyEvent:
    return events.save_event(
        world.inspector,
        mahalla,
        events.EventData(
            topic=topic,
            event_date=local_today() + dt.timedelta(days=days),
            audience=audience,
            status=status,
            planned_attendance=50,
            actual_attendance=48 if status == "held" else None,
        ),
    )


def test_an_event_is_planned_then_recorded_as_held(world: World, adviser: User, as_user: AsUser) -> None:
    client = as_user(adviser)
    day = local_today().isoformat()
    base = {
        "mahalla": world.mahalla.id,
        "topic": "Voyaga yetmaganlar huquqbuzarliklarining oldini olish",
        "event_date": day,
        "audience": "juveniles",
        "partner": "Tuman xalq taʼlimi boʻlimi",
        "venue": "112-maktab",
        "planned_attendance": "120",
        "status": "planned",
    }
    assert _post(client, "/prevention/events/new", base).status_code == 302
    event = db.session.scalar(select(AdvocacyEvent))
    assert event is not None and event.status == "planned" and event.actual_attendance is None
    edit = f"/prevention/events/{event.id}/edit"
    assert _post(client, edit, {**base, "status": "held", "actual_attendance": "134"}).status_code == 302
    db.session.expire_all()
    assert (event.status, event.actual_attendance) == ("held", 134)


def test_bad_event_input_is_explained(world: World, as_user: AsUser) -> None:
    client = english(as_user(world.inspector))
    future = (local_today() + dt.timedelta(days=5)).isoformat()
    response = _post(
        client,
        "/prevention/events/new",
        {
            "mahalla": world.mahalla.id,
            "topic": "",
            "event_date": "yesterday",
            "audience": "school",
            "planned_attendance": "-5",
            "actual_attendance": "many",
            "status": "planned",
        },
    )
    html = response.get_data(as_text=True)
    assert "Enter the topic." in html
    assert "Enter a valid date (day, month, year)." in html
    assert "The number of participants must be 0 or more." in html
    assert "Enter a whole number." in html
    held_in_future = _post(
        client,
        "/prevention/events/new",
        {
            "mahalla": world.mahalla.id,
            "topic": "Mavzu",
            "event_date": future,
            "audience": "school",
            "planned_attendance": "10",
            "status": "held",
        },
    )
    text = held_in_future.get_data(as_text=True)
    assert "An event in the future cannot be marked as held." in text
    assert "Enter how many people attended the event." in text
    assert db.session.scalar(select(AdvocacyEvent)) is None


def test_event_list_filters_and_exports(world: World, as_user: AsUser) -> None:
    _event(world, world.mahalla, "Kiberxavfsizlik", audience="college")
    _event(world, world.second_mahalla, "Oilaviy zoʻravonlik", audience="women", status="planned", days=5)
    _event(world, world.foreign_mahalla, "Boshqa tuman tadbiri")
    client = english(as_user(world.supervisor))
    page = client.get("/prevention/events").get_data(as_text=True)
    assert "Kiberxavfsizlik" in page and "Oilaviy" in page and "Boshqa tuman" not in page
    assert "Oilaviy" not in client.get("/prevention/events?status=held").get_data(as_text=True)
    assert "Kiberxavfsizlik" not in client.get("/prevention/events?audience=women").get_data(as_text=True)
    rows = csv_rows(client.get("/prevention/events/export?status=held"))
    assert [r[1] for r in rows[1:]] == ["Kiberxavfsizlik"] and rows[1][3] == "College students" and rows[1][7] == "48"
    sheet = xlsx_text(client.get("/prevention/events/export?format=xlsx&audience=women"))
    assert "Oilaviy" in sheet and "Kiberxavfsizlik" not in sheet
    mine = as_user(world.inspector2)
    foreign_event = db.session.scalar(select(AdvocacyEvent).where(AdvocacyEvent.mahalla_id == world.foreign_mahalla.id))
    assert mine.get(f"/prevention/events/{foreign_event.id}/edit").status_code == 404  # type: ignore[union-attr]


def _plan(world: World, *, mahalla: Mahalla | None = None) -> JointPlan:
    today = local_today()
    plan = joint_plans.save_plan(
        world.supervisor,
        joint_plans.PlanData(
            title="Hamkorlikdagi joriy reja",
            kind="current",
            period_start=today - dt.timedelta(days=30),
            period_end=today + dt.timedelta(days=60),
            district=world.district,
            mahalla=mahalla,
            partners="Tuman hokimligi, Yoshlar ishlari agentligi",
        ),
    )
    for activity, days, status, report in (
        ("Tungi reydlar", -10, "done", "Haftasiga 2 marta reyd"),
        ("Nomaqbul oilalar roʻyxati", -2, "in_progress", ""),
        ("Huquqiy targʻibot haftaligi", 10, "planned", ""),
        ("Bekor qilingan tadbir", -5, "cancelled", ""),
    ):
        joint_plans.save_item(
            plan,
            joint_plans.ItemData(
                activity=activity,
                responsible="Inspektor",
                due_on=today + dt.timedelta(days=days),
                status=status,
                report=report,
            ),
        )
    return plan


def test_a_supervisor_makes_a_district_plan_and_the_report_shows_done_and_overdue(
    world: World, as_user: AsUser
) -> None:
    client = english(as_user(world.supervisor))
    today = local_today()
    created = _post(
        client,
        "/prevention/joint-plans/new",
        {
            "title": "Xavfsiz mahalla — joriy reja",
            "kind": "current",
            "period_start": today.isoformat(),
            "period_end": (today + dt.timedelta(days=90)).isoformat(),
            "territory": f"d{world.district.id}",
            "partners": "Tuman hokimligi",
        },
    )
    assert created.status_code == 302
    plan = db.session.scalar(select(JointPlan))
    assert plan is not None and plan.mahalla_id is None and plan.district_id == world.district.id
    page = f"/prevention/joint-plans/{plan.id}"
    done_without_report = _post(
        client,
        f"{page}/items",
        {"activity": "Reyd", "responsible": "IIB", "due_on": today.isoformat(), "status": "done"},
        page,
    )
    assert done_without_report.status_code == 400 and "Describe what was done." in done_without_report.get_data(
        as_text=True
    )
    bad_period = _post(
        client,
        "/prevention/joint-plans/new",
        {
            "title": "T",
            "kind": "current",
            "period_start": today.isoformat(),
            "period_end": (today - dt.timedelta(days=1)).isoformat(),
            "territory": f"d{world.district.id}",
            "partners": "P",
        },
    )
    assert "The period must end after it starts." in bad_period.get_data(as_text=True)

    full = _plan(world)
    report = joint_plans.plan_report(full)
    assert [i.activity for i in report.done] == ["Tungi reydlar"]
    assert [i.activity for i in report.overdue] == ["Nomaqbul oilalar roʻyxati"]
    assert report.done_share == 33
    html = client.get(f"/prevention/joint-plans/{full.id}/report").get_data(as_text=True)
    assert "1 of 3 activities done (33%), 1 overdue." in html
    rows = csv_rows(client.get(f"/prevention/joint-plans/{full.id}/report?format=csv"))
    assert {r[0]: r[3] for r in rows[1:]}["Nomaqbul oilalar roʻyxati"] == "Overdue"
    listed = csv_rows(client.get("/prevention/joint-plans/export?status=with_overdue"))
    assert [r[0] for r in listed[1:]] == ["Hamkorlikdagi joriy reja"] and listed[1][8] == "1"


def test_inspectors_see_district_plans_but_edit_only_their_mahalla_plans(world: World, as_user: AsUser) -> None:
    district_plan = _plan(world)
    mahalla_plan = _plan(world, mahalla=world.mahalla)
    other_plan = _plan(world, mahalla=world.second_mahalla)
    client = as_user(world.inspector)
    listing = client.get("/prevention/joint-plans").get_data(as_text=True)
    assert listing.count("Hamkorlikdagi joriy reja") == 2
    assert client.get(f"/prevention/joint-plans/{district_plan.id}").status_code == 200
    assert client.get(f"/prevention/joint-plans/{district_plan.id}/edit").status_code == 403
    assert client.get(f"/prevention/joint-plans/{mahalla_plan.id}/edit").status_code == 200
    assert client.get(f"/prevention/joint-plans/{other_plan.id}").status_code == 404
    item = db.session.scalar(select(JointPlanItem).where(JointPlanItem.plan_id == district_plan.id))
    assert client.get(f"/prevention/joint-plans/{district_plan.id}/items/{item.id}").status_code == 403  # type: ignore[union-attr]
    page = client.get("/prevention/joint-plans/new").get_data(as_text=True)
    assert f'value="d{world.district.id}"' not in page
    smuggled = client.post(
        "/prevention/joint-plans/new",
        data={
            "csrf_token": csrf_token(page),
            "title": "T",
            "kind": "current",
            "period_start": "2026-01-01",
            "period_end": "2026-02-01",
            "territory": f"d{world.district.id}",
            "partners": "P",
        },
    )
    assert smuggled.status_code == 403
    assert as_user(world.foreign_supervisor).get(f"/prevention/joint-plans/{district_plan.id}").status_code == 404
