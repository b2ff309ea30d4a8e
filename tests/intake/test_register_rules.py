"""Registration rules on the register page and in the API: collective appeals, passports,
minors with their legal representative, representatives with or without a power of attorney."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import World, submit_form
from tests.webapp.cases import (
    answers,
    appeal_by_number,
    appeal_count,
    invalid_fields,
    path_of,
    pending_names,
    the_task,
    worker_for,
)
from webapp.casework.appeals.runtime import complete_task
from webapp.platform.auth.models import User
from webapp.platform.auth.service import issue_token

AsUser = Callable[[User], FlaskClient]

VALID = {
    "channel": "walk_in",
    "mahalla": "M1",
    "kind": "ariza",
    "applicant_name": "Karimova Dilnoza",
    "applicant_phone": "+998 90 123 45 67",
    "address": "Bunyodkor ko'chasi, 12-uy",
    "category": "family_conflict",
    "urgency": "normal",
    "text": "Qo'shni xonadonda har kecha janjal bo'ladi, bolalar qo'rqib qolmoqda.",
}


def post_register(client: FlaskClient, **changes: Any) -> Any:
    data = {**VALID, **changes}
    return submit_form(client, "/appeals/new", {k: v for k, v in data.items() if v is not None})


def number_of(response: Any) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return path_of(response.location).rsplit("/", 1)[-1]


def test_collective_appeal_stores_every_co_applicant(as_user: AsUser, world: World) -> None:
    response = post_register(
        as_user(world.inspector),
        **{
            "applicant_email": "dilnoza@example.uz",
            "applicant_passport": "ab 1234567",
            "co_applicants-0-name": "Rahimov Anvar",
            "co_applicants-0-phone": "+998 91 000 11 22",
            "co_applicants-0-address": "Bunyodkor ko'chasi, 14-uy",
            "co_applicants-1-name": "Saidova Malika",
        },
    )
    appeal = appeal_by_number(number_of(response))
    assert appeal.is_collective is True
    assert [(c.name, c.phone, c.address) for c in appeal.co_applicants] == [
        ("Rahimov Anvar", "+998 91 000 11 22", "Bunyodkor ko'chasi, 14-uy"),
        ("Saidova Malika", "", ""),
    ]
    assert appeal.applicant_email == "dilnoza@example.uz"
    assert appeal.applicant_passport == "AB1234567"
    page = as_user(world.supervisor).get(f"/appeals/{appeal.number}").get_data(as_text=True)
    assert "Saidova Malika" in page and "AB1234567" in page


def test_co_applicant_row_without_name_is_an_inline_error(as_user: AsUser, world: World) -> None:
    before = appeal_count()
    response = post_register(as_user(world.inspector), **{"co_applicants-0-phone": "+998 91 000 11 22"})
    assert response.status_code == 200
    assert "co_applicants-0-name" in invalid_fields(response.get_data(as_text=True))
    assert appeal_count() == before


def test_bad_passport_number_is_refused_inline(as_user: AsUser, world: World) -> None:
    before = appeal_count()
    response = post_register(as_user(world.inspector), applicant_passport="A12345678")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert invalid_fields(html) == {"applicant_passport"}
    assert appeal_count() == before


def test_minor_without_legal_representative_is_an_inline_error(as_user: AsUser, world: World) -> None:
    before = appeal_count()
    response = post_register(as_user(world.inspector), applicant_is_minor="y")
    assert response.status_code == 200
    assert invalid_fields(response.get_data(as_text=True)) == {"legal_representative"}
    assert appeal_count() == before


def test_minor_with_representative_is_considered_and_the_case_page_says_so(as_user: AsUser, world: World) -> None:
    client = as_user(world.inspector)
    response = post_register(client, applicant_is_minor="y", legal_representative="Karimov Botir (otasi)")
    appeal = appeal_by_number(number_of(response))
    assert (appeal.applicant_is_minor, appeal.legal_representative) == (True, "Karimov Botir (otasi)")
    page = client.get(f"/appeals/{appeal.number}").get_data(as_text=True)
    assert "Karimov Botir (otasi)" in page
    complete_task(the_task(appeal, "check_registration"), world.inspector, answers("check_registration"))
    assert pending_names(appeal) == ["analyse_appeal"]


def test_representative_without_power_of_attorney_is_registered_and_left_unconsidered(
    as_user: AsUser, world: World
) -> None:
    response = post_register(as_user(world.inspector), by_representative="y", representative_name="Olimov Jasur")
    appeal = appeal_by_number(number_of(response))
    assert (appeal.representative_name, appeal.power_of_attorney) == ("Olimov Jasur", "")
    pending = the_task(appeal, "check_registration")
    complete_task(pending, worker_for(world, pending), answers("check_registration"))
    assert pending_names(appeal) == ["write_conclusion"]
    complete_task(the_task(appeal, "write_conclusion"), world.inspector, answers("write_conclusion"))
    complete_task(the_task(appeal, "approve_conclusion"), world.supervisor, answers("approve_conclusion"))
    closed = appeal_by_number(appeal.number)
    assert (closed.status, closed.is_open) == ("rejected", False)


def test_representative_with_power_of_attorney_goes_to_analysis(as_user: AsUser, world: World) -> None:
    response = post_register(
        as_user(world.inspector),
        by_representative="y",
        representative_name="Olimov Jasur",
        poa_number="12/345",
        poa_date="2026-01-10",
    )
    appeal = appeal_by_number(number_of(response))
    assert appeal.power_of_attorney == "№ 12/345, 2026-01-10"
    complete_task(the_task(appeal, "check_registration"), world.inspector, answers("check_registration"))
    assert pending_names(appeal) == ["analyse_appeal"]


def test_representative_checkbox_needs_a_name(as_user: AsUser, world: World) -> None:
    response = post_register(as_user(world.inspector), by_representative="y")
    assert invalid_fields(response.get_data(as_text=True)) == {"representative_name"}


# --- API -------------------------------------------------------------------------------------


def api_post(client: FlaskClient, user: User, body: dict[str, Any]) -> Any:
    token = issue_token(user, "test")
    return client.post("/api/v1/appeals", json=body, headers={"Authorization": f"Bearer {token}"})


API_BODY = {"applicant_name": "Karimova Dilnoza", "text": VALID["text"], "mahalla": "M1", "kind": "ariza"}


def test_api_minor_without_representative_is_422_naming_the_field(client: FlaskClient, world: World) -> None:
    before = appeal_count()
    response = api_post(client, world.inspector, {**API_BODY, "applicant_is_minor": True})
    assert response.status_code == 422
    assert [f["field"] for f in response.get_json()["error"]["fields"]] == ["legal_representative"]
    assert appeal_count() == before


def test_api_bad_passport_is_422_naming_the_field(client: FlaskClient, world: World) -> None:
    response = api_post(client, world.inspector, {**API_BODY, "applicant_passport": "1234567AA"})
    assert response.status_code == 422
    assert [f["field"] for f in response.get_json()["error"]["fields"]] == ["applicant_passport"]


def test_api_collective_appeal_with_representative(client: FlaskClient, world: World) -> None:
    body = {
        **API_BODY,
        "applicant_passport": "aa7654321",
        "co_applicants": [{"name": "Rahimov Anvar", "phone": "+998 91 000 11 22"}],
        "representative_name": "Olimov Jasur",
        "power_of_attorney": "12/345, 2026-01-10",
    }
    response = api_post(client, world.inspector, body)
    assert response.status_code == 201, response.get_json()
    appeal = appeal_by_number(response.get_json()["number"])
    assert appeal.applicant_passport == "AA7654321"
    assert [(c.name, c.phone) for c in appeal.co_applicants] == [("Rahimov Anvar", "+998 91 000 11 22")]
    assert appeal.is_collective is True


def test_api_co_applicant_without_name_is_422(client: FlaskClient, world: World) -> None:
    response = api_post(client, world.inspector, {**API_BODY, "co_applicants": [{"name": ""}]})
    assert response.status_code == 422
    assert [f["field"] for f in response.get_json()["error"]["fields"]] == ["co_applicants.0.name"]
