"""The registry: who sees what (full, masked, 404 as if missing), every view and change logged, CSRF, form errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token, make_user, without_tokens
from tests.prevention.conftest import person_input
from tests.webapp.cases import alerts, invalid_fields
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.prevention.registry.models import AccessLogEntry, SupervisedPerson
from webapp.prevention.registry.service import register_person

Client = Callable[[User], FlaskClient]
FULL_NAME = "Karimov Jasur Botirovich"


def actions(person: SupervisedPerson) -> list[tuple[str | None, str, list[str], str]]:
    rows = db.session.execute(
        select(AccessLogEntry.user_id, AccessLogEntry.action, AccessLogEntry.fields, AccessLogEntry.detail)
        .where(AccessLogEntry.person_id == person.id)
        .order_by(AccessLogEntry.id)
    )
    return [(user_id, action, fields, detail) for user_id, action, fields, detail in rows]


@pytest.mark.parametrize(
    ("who", "record_status", "in_list"),
    [
        ("inspector", 200, "full"),  # the responsible inspector
        ("colleague", 404, "masked"),  # serves the same mahalla, not responsible
        ("inspector2", 404, "absent"),  # another mahalla of the district
        ("supervisor", 200, "full"),  # supervisor of the person's district
        ("region_supervisor", 200, "full"),  # head of the region
        ("foreign_supervisor", 404, "absent"),  # supervisor of another district
        ("admin", 404, "masked"),  # administrators are not entitled
        ("methodologist", 403, "refused"),
    ],
)
def test_who_sees_a_record(
    world: World, person: SupervisedPerson, as_user: Client, who: str, record_status: int, in_list: str
) -> None:
    if who == "colleague":
        user = make_user("inspector4", Role.INSPECTOR, mahallas=[world.mahalla])
        db.session.commit()
    else:
        user = getattr(world, who)
    client = as_user(user)

    page = client.get(f"/prevention/persons/{person.id}")
    assert page.status_code == record_status
    html = page.get_data(as_text=True)
    assert ("AB1234567" in html) is (record_status == 200)
    if record_status == 404:  # exactly like a record that does not exist
        missing = client.get("/prevention/persons/999999").get_data(as_text=True)
        assert without_tokens(html.replace(f"/persons/{person.id}", "/persons/999999")) == without_tokens(missing)

    listing = client.get("/prevention")
    if in_list == "refused":
        assert listing.status_code == 403
        return
    text = listing.get_data(as_text=True)
    assert (FULL_NAME in text) is (in_list == "full")
    assert ("K. J. B." in text) is (in_list == "masked")
    assert "AB1234567" not in text and "+998 90 123 45 67" not in text

    export = client.get("/prevention/export?format=csv")
    csv = export.get_data(as_text=True)
    assert (FULL_NAME in csv) is (in_list == "full")
    assert ("AB1234567" in csv) is (in_list == "full")
    logged = {a for u, a, _f, _d in actions(person) if u == user.id and a != "create"}
    expected = {"full": {"view", "list", "export"}, "masked": {"view_denied", "list", "export"}}
    assert logged == expected.get(in_list, {"view_denied"})


def test_every_view_and_change_is_logged(world: World, as_user: Client) -> None:
    client = as_user(world.inspector)
    page = client.get("/prevention/persons/new")
    form = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "full_name": FULL_NAME,
        "birth_date": "1999-04-12",
        "passport": "ab 1234567",
        "phone": "+998 90 123 45 67",
        "address": "Bunyodkor ko'chasi, 12-uy",
        "mahalla": str(world.mahalla.id),
        "risk_group": "administrative_offences",
        "grounds": "Ikki marta ma'muriy huquqbuzarlik sodir etgan.",
        "responsible_inspector": str(world.inspector.id),
        "registered_on": "2026-01-05",
    }
    created = client.post("/prevention/persons/new", data=form)
    assert created.status_code == 302
    person = db.session.scalar(select(SupervisedPerson))
    assert person is not None and person.passport == "AB1234567"

    assert client.get(f"/prevention/persons/{person.id}").status_code == 200
    edit = client.get(f"/prevention/persons/{person.id}/edit")
    changed = {**form, "csrf_token": csrf_token(edit.get_data(as_text=True)), "phone": "+998 91 000 11 22"}
    assert client.post(f"/prevention/persons/{person.id}/edit", data=changed).status_code == 302
    removal = client.get(f"/prevention/persons/{person.id}/remove")
    removed = client.post(
        f"/prevention/persons/{person.id}/remove",
        data={
            "csrf_token": csrf_token(removal.get_data(as_text=True)),
            "removed_on": "2026-02-01",
            "removal_grounds": "Tuzalish yo'liga o'tgan, ishga joylashgan.",
        },
    )
    assert removed.status_code == 302
    as_user(world.foreign_supervisor).get(f"/prevention/persons/{person.id}")

    log = actions(person)
    me, other = world.inspector.id, world.foreign_supervisor.id
    assert [(u, a) for u, a, _f, _d in log] == [
        (me, "create"),
        (me, "view"),
        (me, "view"),  # the edit page
        (me, "view"),  # the edit submission
        (me, "update"),
        (me, "view"),  # the removal page
        (me, "view"),  # the removal submission
        (me, "remove"),
        (other, "view_denied"),
    ]
    assert log[4][2] == ["phone"]
    assert log[7][2] == ["removal_grounds", "removed_on", "status"]
    assert "passport" in log[0][2] and "full_name" in log[0][2]


def test_only_supervisors_see_the_access_log(world: World, person: SupervisedPerson, as_user: Client) -> None:
    assert 'id="access-log"' not in as_user(world.inspector).get(f"/prevention/persons/{person.id}").get_data(True)
    page = as_user(world.supervisor).get(f"/prevention/persons/{person.id}").get_data(as_text=True)
    assert 'id="access-log"' in page and "Inspector1" in page


def test_the_log_is_append_only(world: World, person: SupervisedPerson) -> None:
    from webapp.prevention.registry.models import AppendOnlyViolation

    entry = db.session.scalar(select(AccessLogEntry))
    assert entry is not None
    entry.action = "nothing"
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()


def test_forms_need_a_csrf_token(world: World, person: SupervisedPerson, as_user: Client) -> None:
    client = as_user(world.inspector)
    response = client.post(
        f"/prevention/persons/{person.id}/remove",
        data={"removed_on": "2026-02-01", "removal_grounds": "Sababsiz urinish, token yo'q."},
    )
    assert response.status_code == 400
    assert db.session.get(SupervisedPerson, person.id).status == "active"  # type: ignore[union-attr]


def test_bad_input_gets_clear_errors(world: World, as_user: Client) -> None:
    client = as_user(world.inspector)
    page = client.get("/prevention/persons/new")
    response = client.post(
        "/prevention/persons/new",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "full_name": "Ali",
            "birth_date": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
            "passport": "123",
            "phone": "call me",
            "address": "",
            "mahalla": str(world.foreign_mahalla.id),
            "risk_group": "nonsense",
            "grounds": "",
            "responsible_inspector": str(world.inspector.id),
            "registered_on": "2026-01-05",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert invalid_fields(html) >= {
        "full_name",
        "birth_date",
        "passport",
        "phone",
        "address",
        "mahalla",
        "risk_group",
        "grounds",
    }
    assert alerts(html, "danger")
    assert db.session.scalar(select(SupervisedPerson)) is None


def test_the_responsible_inspector_must_serve_the_mahalla(world: World, as_user: Client) -> None:
    register_person(person_input(world), world.inspector)
    client = as_user(world.supervisor)
    page = client.get("/prevention/persons/new")
    response = client.post(
        "/prevention/persons/new",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "full_name": "Nazarov Sardor Ilhomovich",
            "birth_date": "2001-01-01",
            "address": "Qatortol ko'chasi, 3-uy",
            "mahalla": str(world.second_mahalla.id),
            "risk_group": "other",
            "grounds": "Tuman hokimligi xabari asosida.",
            "responsible_inspector": str(world.inspector.id),  # serves M1 only
            "registered_on": "2026-01-05",
        },
    )
    assert response.status_code == 200
    assert "responsible_inspector" in invalid_fields(response.get_data(as_text=True))


def test_plan_tasks_follow_a_handed_over_record(world: World, person: SupervisedPerson) -> None:
    from tests.prevention.conftest import the_task
    from webapp.prevention.registry.plans import open_plan
    from webapp.prevention.registry.service import update_person

    colleague = make_user("inspector4", Role.INSPECTOR, mahallas=[world.mahalla])
    db.session.commit()
    plan = open_plan(person, world.inspector)
    changed = update_person(person, person_input(world, responsible_inspector_id=colleague.id), world.supervisor)
    assert changed == ["responsible_inspector_id"]
    assert the_task(plan).assignee_id == colleague.id
