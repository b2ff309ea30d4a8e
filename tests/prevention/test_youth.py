"""Youth work: the register (create, list, filter, export), referrals, the activity log, access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.prevention.conftest import csv_rows, english, xlsx_text
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today
from webapp.prevention.work.models import YoungPerson, YouthActivity, YouthReferral
from webapp.prevention.youth.service import YoungPersonData, save_person

AsUser = Callable[[User], FlaskClient]


def _born(age: int) -> str:
    today = local_today()
    return dt.date(today.year - age, 1, 15).isoformat()


def _post(client: FlaskClient, url: str, data: dict, page: str | None = None) -> object:
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(html), **data})


def _person(world: World, name: str, *, mahalla=None, status: str = "neither") -> YoungPerson:  # type: ignore[no-untyped-def]
    return save_person(
        world.inspector,
        mahalla or world.mahalla,
        YoungPersonData(full_name=name, birth_date=dt.date(2005, 3, 1), status=status, phone="+998 90 111 22 33"),
    )


def test_adviser_enters_a_young_person_and_finds_them_in_the_list(world: World, adviser: User, as_user: AsUser) -> None:
    client = as_user(adviser)
    response = _post(
        client,
        "/prevention/youth/new",
        {
            "mahalla": world.mahalla.id,
            "full_name": "Jasurbek Toshpoʻlatov",
            "birth_date": _born(19),
            "phone": "+998 90 311 22 41",
            "address": "Bunyodkor koʻchasi, 12-uy",
            "status": "neither",
            "notes": "",
        },
    )
    assert response.status_code == 302
    person = db.session.scalar(select(YoungPerson))
    assert person is not None and person.mahalla_id == world.mahalla.id and person.district_id == world.district.id
    page = client.get("/prevention/youth").get_data(as_text=True)
    assert "Jasurbek Toshpoʻlatov" in page


def test_bad_input_gets_clear_messages(world: World, adviser: User, as_user: AsUser) -> None:
    client = english(as_user(adviser))
    response = _post(
        client,
        "/prevention/youth/new",
        {"mahalla": world.mahalla.id, "full_name": "", "birth_date": "2005-13-45", "phone": "abc", "status": "neither"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the full name." in html
    assert "Enter a valid date (day, month, year)." in html
    assert "Enter a phone number such as +998 90 123 45 67." in html
    too_old = _post(
        client,
        "/prevention/youth/new",
        {"mahalla": world.mahalla.id, "full_name": "Vali Aliyev", "birth_date": _born(45), "status": "neither"},
    )
    assert "Youth work is for people aged 14 to 30." in too_old.get_data(as_text=True)
    assert db.session.scalar(select(YoungPerson)) is None


def test_uzbek_is_the_default_language_of_form_errors(world: World, adviser: User, as_user: AsUser) -> None:
    response = _post(as_user(adviser), "/prevention/youth/new", {"full_name": ""})
    html = response.get_data(as_text=True)
    assert "Mahallani tanlang." in html and "Choose the mahalla." not in html


def test_list_filters_by_mahalla_status_and_text_and_pages(world: World, as_user: AsUser) -> None:
    _person(world, "Dilnoza Qurbonova")
    _person(world, "Madina Ergasheva", mahalla=world.second_mahalla, status="studying")
    _person(world, "Bobur Foreign", mahalla=world.foreign_mahalla)
    client = as_user(world.supervisor)
    page = client.get("/prevention/youth").get_data(as_text=True)
    assert "Dilnoza" in page and "Madina" in page and "Bobur" not in page  # other district
    by_mahalla = client.get(f"/prevention/youth?mahalla={world.second_mahalla.id}").get_data(as_text=True)
    assert "Madina" in by_mahalla and "Dilnoza" not in by_mahalla
    by_status = client.get("/prevention/youth?status=studying").get_data(as_text=True)
    assert "Madina" in by_status and "Dilnoza" not in by_status
    by_text = client.get("/prevention/youth?q=qurbon").get_data(as_text=True)
    assert "Dilnoza" in by_text and "Madina" not in by_text
    for index in range(30):
        _person(world, f"Yosh {index:02d}")
    second = client.get("/prevention/youth?page=2").get_data(as_text=True)
    assert "page=1" in second and "33" in second  # pager and the total count


def test_export_applies_the_filters_in_csv_and_xlsx(world: World, as_user: AsUser) -> None:
    _person(world, "Dilnoza Qurbonova")
    _person(world, "Madina Ergasheva", mahalla=world.second_mahalla, status="studying")
    client = english(as_user(world.supervisor))
    rows = csv_rows(client.get("/prevention/youth/export?format=csv&status=studying"))
    assert rows[0][:2] == ["Full name", "Date of birth"]
    assert [row[0] for row in rows[1:]] == ["Madina Ergasheva"]
    assert rows[1][5] == "Studying"
    sheet = xlsx_text(client.get(f"/prevention/youth/export?format=xlsx&mahalla={world.mahalla.id}"))
    assert "Dilnoza Qurbonova" in sheet and "Madina" not in sheet
    assert client.get("/prevention/youth/export?format=pdf").status_code == 400


def test_a_placed_referral_updates_the_status_and_bad_outcomes_are_refused(
    world: World, adviser: User, as_user: AsUser
) -> None:
    person = _person(world, "Sherzod Mirzayev")
    client = english(as_user(adviser))
    page = f"/prevention/youth/{person.id}"
    refused = _post(client, f"{page}/referrals", {"kind": "employment", "referred_to": "", "referred_on": "x"}, page)
    assert refused.status_code == 400
    assert "Enter where the person was referred." in refused.get_data(as_text=True)
    ok = _post(
        client,
        f"{page}/referrals",
        {"kind": "employment", "referred_to": "Chilonzor Textile", "referred_on": local_today().isoformat()},
        page,
    )
    assert ok.status_code == 302
    referral = db.session.scalar(select(YouthReferral))
    assert referral is not None and referral.outcome == "pending"
    no_date = _post(client, f"{page}/referrals/{referral.id}", {"outcome": "placed", "outcome_on": ""}, page)
    assert no_date.status_code == 400 and "Enter the date of the outcome." in no_date.get_data(as_text=True)
    placed = _post(
        client, f"{page}/referrals/{referral.id}", {"outcome": "placed", "outcome_on": local_today().isoformat()}, page
    )
    assert placed.status_code == 302
    db.session.expire_all()
    assert db.session.get(YoungPerson, person.id).status == "working"  # type: ignore[union-attr]
    assert db.session.get(YouthReferral, referral.id).outcome_on == local_today()  # type: ignore[union-attr]


def test_activity_log_records_the_author(world: World, adviser: User, as_user: AsUser) -> None:
    person = _person(world, "Oybek Nurmatov")
    client = as_user(adviser)
    page = f"/prevention/youth/{person.id}"
    response = _post(
        client,
        f"{page}/activities",
        {"kind": "sport", "occurred_on": local_today().isoformat(), "note": "Mini-futbol musobaqasi"},
        page,
    )
    assert response.status_code == 302
    activity = db.session.scalar(select(YouthActivity))
    assert activity is not None and activity.author_id == adviser.id
    assert "Mini-futbol musobaqasi" in client.get(page).get_data(as_text=True)


def test_territory_is_checked_on_every_route(world: World, adviser: User, as_user: AsUser) -> None:
    mine = _person(world, "Mine")
    other = _person(world, "Other", mahalla=world.second_mahalla)
    foreign = _person(world, "Foreign", mahalla=world.foreign_mahalla)
    client = as_user(adviser)  # serves M1 only
    assert client.get(f"/prevention/youth/{mine.id}").status_code == 200
    assert client.get(f"/prevention/youth/{other.id}").status_code == 404
    assert client.get(f"/prevention/youth/{other.id}/edit").status_code == 404
    assert client.get("/prevention/youth/99999").status_code == 404
    listing = client.get("/prevention/youth").get_data(as_text=True)
    assert "Mine" in listing and "Other" not in listing
    page = client.get("/prevention/youth/new").get_data(as_text=True)
    outside = client.post(
        "/prevention/youth/new",
        data={
            "csrf_token": csrf_token(page),
            "mahalla": world.second_mahalla.id,
            "full_name": "Smuggled",
            "birth_date": _born(20),
            "status": "neither",
        },
    )
    assert outside.status_code == 403
    supervisor = as_user(world.supervisor)
    assert supervisor.get(f"/prevention/youth/{other.id}").status_code == 200
    assert supervisor.get(f"/prevention/youth/{foreign.id}").status_code == 404
    assert as_user(world.region_supervisor).get(f"/prevention/youth/{foreign.id}").status_code == 200
    assert as_user(world.admin).get(f"/prevention/youth/{foreign.id}").status_code == 200
    assert as_user(world.methodologist).get("/prevention/youth").status_code == 403


def test_youth_adviser_lands_on_the_youth_register(adviser: User, as_user: AsUser) -> None:
    response = as_user(adviser).get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/prevention/youth")
