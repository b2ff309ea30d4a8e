""" "Fidokor Yoshlar" patrols: groups, schedule, reports; an incident opens a real appeal or joins
the prevention work with a registry person; territory and bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.prevention.conftest import csv_rows, english, registry_person, xlsx_text
from webapp.cases.models import CaseEvent, PendingTask
from webapp.cases.tasks.service import inbox
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import local_today
from webapp.prevention.patrols import service as patrols
from webapp.prevention.work.models import PatrolGroup, PatrolIncident, PatrolReport, PlannedPatrol

AsUser = Callable[[User], FlaskClient]
INCIDENT = "Avtobus bekati yonida ikki oʻsmir spirtli ichimlik ichayotgani aniqlandi."


def _post(client: FlaskClient, url: str, data: dict, page: str | None = None) -> object:
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(html), **data})


def _group(mahalla: Mahalla, name: str = "Fidokor Yoshlar — Bunyodkor") -> PatrolGroup:
    group = patrols.save_group(
        mahalla, name=name, leader_name="Otabek Karimov", leader_phone="+998 90 123 45 67", active=True
    )
    patrols.add_member(group, full_name="Sardorbek Aliyev", phone="")
    patrols.add_member(group, full_name="Javohir Sobirov", phone="")
    return group


def _report(world: World, group: PatrolGroup, *, incident: str = INCIDENT, day: dt.date | None = None) -> PatrolReport:
    return patrols.file_report(
        world.inspector,
        group,
        patrols.ReportData(
            report_date=day or local_today(), route="Bunyodkor koʻchasi", incident=incident, incident_place="bekat"
        ),
    )


def test_group_members_schedule_and_report_through_the_pages(world: World, as_user: AsUser) -> None:
    client = as_user(world.inspector)
    created = _post(
        client,
        "/prevention/patrols/new",
        {
            "mahalla": world.mahalla.id,
            "name": "Fidokor Yoshlar — Bunyodkor",
            "leader_name": "Otabek Karimov",
            "active": "y",
        },
    )
    assert created.status_code == 302
    group = db.session.scalar(select(PatrolGroup))
    assert group is not None and group.active
    page = f"/prevention/patrols/{group.id}"
    assert (
        _post(
            client, f"{page}/members", {"full_name": "Sardorbek Aliyev", "phone": "+998 90 111 22 33"}, page
        ).status_code
        == 302
    )
    today = local_today()
    planned = _post(
        client,
        f"{page}/schedule",
        {
            "group": group.id,
            "patrol_date": today.isoformat(),
            "starts_at": "20:00",
            "ends_at": "23:00",
            "route": "Bozor atrofi",
        },
        page,
    )
    assert planned.status_code == 302
    patrol = db.session.scalar(select(PlannedPatrol))
    assert patrol is not None and patrol.starts_at == dt.time(20, 0)
    db.session.expire_all()
    member = group.members[0]
    report_url = f"/prevention/patrols/{group.id}/reports/new?planned={patrol.id}"
    filed = _post(
        client,
        report_url,
        {
            "report_date": today.isoformat(),
            "route": "Bozor atrofi",
            "members_present": [member.id],
            "observations": "Tinch",
            "incident": INCIDENT,
            "incident_place": "bekat",
        },
    )
    assert filed.status_code == 302
    report = db.session.scalar(select(PatrolReport))
    assert report is not None and report.planned_patrol_id == patrol.id
    assert [m.full_name for m in report.members_present] == ["Sardorbek Aliyev"]
    assert [i.description for i in report.incidents] == [INCIDENT]
    schedule = client.get("/prevention/patrols/schedule?status=reported").get_data(as_text=True)
    assert "Bozor atrofi" in schedule
    assert "Bozor atrofi" not in client.get("/prevention/patrols/schedule?status=not_reported").get_data(as_text=True)


def test_bad_patrol_input_is_explained(world: World, as_user: AsUser) -> None:
    group = _group(world.mahalla)
    client = english(as_user(world.inspector))
    page = f"/prevention/patrols/{group.id}"
    response = _post(
        client,
        f"{page}/schedule",
        {"group": group.id, "patrol_date": "31.02.2026", "starts_at": "23:00", "ends_at": "20:00", "route": ""},
        page,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a valid date (day, month, year)." in html
    assert "The patrol must end after it starts." in html
    assert "Describe the route." in html
    future = (local_today() + dt.timedelta(days=3)).isoformat()
    report = _post(client, f"{page}/reports/new", {"report_date": future, "route": "x"})
    assert "A report cannot be dated in the future." in report.get_data(as_text=True)
    assert db.session.scalar(select(PlannedPatrol)) is None and db.session.scalar(select(PatrolReport)) is None


def test_an_incident_opens_an_appeal_that_runs_the_real_lifecycle(world: World, as_user: AsUser) -> None:
    report = _report(world, _group(world.mahalla))
    incident = report.incidents[0]
    client = as_user(world.inspector)
    page = f"/prevention/patrols/reports/{report.id}"
    response = _post(client, f"{page}/incidents/{incident.id}/appeal", {"applicant_name": "Otabek Karimov"}, page)
    assert response.status_code == 302
    appeal = db.session.scalar(select(Appeal))
    assert appeal is not None and response.headers["Location"].endswith(f"/appeals/{appeal.number}")
    assert appeal.channel == "patrol" and INCIDENT in appeal.text and appeal.mahalla_id == world.mahalla.id
    db.session.expire_all()
    assert db.session.get(PatrolIncident, incident.id).appeal_id == appeal.id  # type: ignore[union-attr]
    kinds = set(db.session.scalars(select(CaseEvent.kind).where(CaseEvent.appeal_id == appeal.id)))
    assert {"registered", "process_started", "task_created"} <= kinds
    tasks = inbox(world.inspector)
    assert [t.appeal_id for t in tasks] == [appeal.id]
    assert tasks[0].name == "check_registration"
    assert appeal.number in client.get("/tasks").get_data(as_text=True)
    again = _post(client, f"{page}/incidents/{incident.id}/appeal", {"applicant_name": "Otabek Karimov"}, page)
    assert again.status_code == 302
    appeal_tasks = select(PendingTask.appeal_id).where(PendingTask.subject_kind == "appeal").distinct()
    assert db.session.scalar(appeal_tasks) == appeal.id  # no second appeal (the report's review is no appeal)
    assert len(list(db.session.scalars(select(Appeal)))) == 1


def test_youth_advisers_cannot_open_appeals(world: World, adviser: User, as_user: AsUser) -> None:
    report = _report(world, _group(world.mahalla))
    client = as_user(adviser)
    page = f"/prevention/patrols/reports/{report.id}"
    assert client.get(page).status_code == 200
    html = client.get(page).get_data(as_text=True)
    url = f"{page}/incidents/{report.incidents[0].id}/appeal"
    assert client.post(url, data={"csrf_token": csrf_token(html), "applicant_name": "X Y"}).status_code == 403
    assert db.session.scalar(select(Appeal)) is None


def test_an_incident_is_linked_to_a_registry_person_of_its_mahalla(world: World, as_user: AsUser) -> None:
    report = _report(world, _group(world.mahalla))
    incident = report.incidents[0]
    person = registry_person(world.mahalla, "Bekzod Rahimov", world.inspector)
    elsewhere = registry_person(world.second_mahalla, "Boshqa Mahalla", world.inspector2)
    client = english(as_user(world.inspector))
    page = f"/prevention/patrols/reports/{report.id}"
    html = client.get(page).get_data(as_text=True)
    assert "Bekzod Rahimov" in html and "Boshqa Mahalla" not in html
    url = f"{page}/incidents/{incident.id}/person"
    wrong = client.post(url, data={"csrf_token": csrf_token(html), "person": elsewhere.id})
    assert wrong.status_code == 302
    db.session.expire_all()
    assert db.session.get(PatrolIncident, incident.id).person_id is None  # type: ignore[union-attr]
    linked = _post(client, url, {"person": person.id}, page)
    assert linked.status_code == 302
    assert [i.id for i in patrols.incidents_for_person(person.id)] == [incident.id]
    assert patrols.incidents_for_person(elsewhere.id) == []
    timeline = client.get(f"/prevention/persons/{person.id}").get_data(as_text=True)
    assert "Incident met by a patrol" in timeline and INCIDENT in timeline
    assert f"/prevention/patrols/reports/{report.id}" in timeline


def test_patrol_lists_filter_and_export(world: World, as_user: AsUser) -> None:
    mine = _group(world.mahalla)
    foreign = _group(world.foreign_mahalla, "Fidokor Yoshlar — Bodomzor")
    _report(world, mine)
    _report(world, mine, incident="", day=local_today() - dt.timedelta(days=40))
    _report(world, foreign)
    client = english(as_user(world.supervisor))
    groups = client.get("/prevention/patrols").get_data(as_text=True)
    assert "Bunyodkor" in groups and "Bodomzor" not in groups
    rows = csv_rows(client.get("/prevention/patrols/reports/export?format=csv&status=with_incidents"))
    assert len(rows) == 2 and rows[1][1] == "Fidokor Yoshlar — Bunyodkor" and INCIDENT in rows[1][7]
    recent = (local_today() - dt.timedelta(days=7)).isoformat()
    assert len(csv_rows(client.get(f"/prevention/patrols/reports/export?from={recent}"))) == 2
    assert len(csv_rows(client.get("/prevention/patrols/reports/export"))) == 3
    sheet = xlsx_text(client.get("/prevention/patrols/export?format=xlsx"))
    assert "Bunyodkor" in sheet and "Bodomzor" not in sheet
    patrols.plan_patrol(
        world.inspector,
        mine,
        patrol_date=local_today(),
        starts_at=dt.time(20),
        ends_at=dt.time(22),
        route="Maktab atrofi",
    )
    assert "Maktab atrofi" in xlsx_text(client.get("/prevention/patrols/schedule/export?format=xlsx"))


def test_patrol_territory(world: World, adviser: User, as_user: AsUser) -> None:
    group = _group(world.second_mahalla)
    report = _report(world, group)
    client = as_user(adviser)  # serves M1 only
    assert client.get(f"/prevention/patrols/{group.id}").status_code == 404  # exactly like a missing one
    assert client.get(f"/prevention/patrols/reports/{report.id}").status_code == 404
    assert as_user(world.inspector2).get(f"/prevention/patrols/{group.id}").status_code == 200
    assert as_user(world.foreign_supervisor).get(f"/prevention/patrols/reports/{report.id}").status_code == 404
    assert as_user(world.supervisor).get(f"/prevention/patrols/reports/{report.id}").status_code == 200
