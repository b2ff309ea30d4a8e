"""Registering an appeal through the real form of /appeals/new."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import World, submit_form
from tests.webapp.cases import (
    appeal_by_number,
    appeal_count,
    controls,
    event_count,
    event_kinds,
    feedback_count,
    invalid_fields,
    parse,
    path_of,
    pending_tasks,
)
from webapp.casework.appeals.deadlines import add_term, registration_date
from webapp.platform.auth.models import User
from webapp.platform.timeutil import utcnow

AsUser = Callable[[User], FlaskClient]
NUMBER = re.compile(r"^/appeals/(?P<number>(?P<year>\d{4})-(?P<seq>\d{6}))$")

VALID = {
    "channel": "walk_in",
    "mahalla": "M1",
    "kind": "ariza",
    "applicant_name": "Karimova Dilnoza",
    "applicant_phone": "+998 90 123 45 67",
    "address": "Bunyodkor ko'chasi, 12-uy",
    "category": "family_conflict",
    "urgency": "urgent",
    "text": "Qo'shni xonadonda har kecha janjal bo'ladi, bolalar qo'rqib qolmoqda.",
}


def register_via_page(client: FlaskClient, **changes: Any) -> Any:
    data = {**VALID, **changes}
    return submit_form(client, "/appeals/new", {k: v for k, v in data.items() if v is not None})


def number_of(response: Any) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    match = NUMBER.match(path_of(response.location))
    assert match, response.location
    return match.group("number")


def test_register_form_offers_only_served_mahallas(as_user: AsUser, world: World) -> None:
    html = as_user(world.inspector).get("/appeals/new").get_data(as_text=True)

    fields = controls(html)
    assert set(fields) == {
        "channel",
        "mahalla",
        "kind",
        "anonymous",
        "applicant_name",
        "applicant_phone",
        "address",
        "category",
        "urgency",
        "text",
        "applicant_email",
        "applicant_passport",
        "applicant_is_minor",
        "legal_representative",
        "by_representative",
        "representative_name",
        "poa_number",
        "poa_date",
        "attachments",
        # the co-applicant row template the page's script clones
        "co_applicants-__i__-name",
        "co_applicants-__i__-phone",
        "co_applicants-__i__-address",
    }
    mahalla_options = [
        e.get("value") for e in parse(html) if e.tag == "option" and e.get("value") in ("M1", "M2", "M3")
    ]
    assert mahalla_options == ["M1"]
    assert fields["text"].tag == "textarea"
    assert fields["anonymous"].get("type") == "checkbox"


def test_inspector_registers_a_walk_in_appeal(as_user: AsUser, world: World) -> None:
    client = as_user(world.inspector)

    response = register_via_page(client)

    number = number_of(response)
    today = registration_date(utcnow())  # the registration day: today, or the next working day after hours
    assert number.startswith(f"{today.year}-")
    appeal = appeal_by_number(number)
    assert (appeal.channel, appeal.kind, appeal.category, appeal.urgency) == (
        "walk_in",
        "ariza",
        "family_conflict",
        "urgent",
    )
    assert (appeal.applicant_name, appeal.applicant_phone, appeal.address) == (
        "Karimova Dilnoza",
        "+998 90 123 45 67",
        "Bunyodkor ko'chasi, 12-uy",
    )
    assert appeal.anonymous is False
    assert appeal.mahalla_id == world.mahalla.id
    assert appeal.district_id == world.district.id
    assert appeal.registered_by_id == world.inspector.id
    assert (appeal.status, appeal.stage, appeal.is_open) == ("registered", 1, True)
    assert appeal.registered_on == today
    assert appeal.deadline == today + dt.timedelta(days=15)

    case_page = client.get(path_of(response.location))
    assert case_page.status_code == 200
    assert number in case_page.get_data(as_text=True)

    [task] = pending_tasks(appeal)
    assert (task.name, task.role, task.mahalla_id, task.due_date) == (
        "check_registration",
        "inspector",
        world.mahalla.id,
        today + dt.timedelta(days=1),  # the diagram's norm for check_registration: P1D
    )
    inbox = client.get("/tasks").get_data(as_text=True)
    assert f'href="/tasks/{task.id}"' in inbox
    assert [e for e in event_kinds(appeal) if e[0] in ("registered", "task_created", "task_completed")] == [
        ("registered", None),
        ("task_created", "check_registration"),
    ]


def test_taklif_gets_a_one_month_deadline(as_user: AsUser, world: World) -> None:
    number = number_of(register_via_page(as_user(world.inspector), kind="taklif"))

    appeal = appeal_by_number(number)
    assert appeal.deadline == add_term(appeal.registered_on, "P1M")


INVALID = [
    pytest.param({"text": ""}, {"text"}, id="empty-text"),
    pytest.param({"text": "   "}, {"text"}, id="blank-text"),
    pytest.param({"text": "Juda qisqa"[:9]}, {"text"}, id="text-9-chars"),
    pytest.param({"text": "x" * 10001}, {"text"}, id="text-too-long"),
    pytest.param({"applicant_phone": "abc"}, {"applicant_phone"}, id="bad-phone"),
    pytest.param({"applicant_phone": "12"}, {"applicant_phone"}, id="short-phone"),
    pytest.param({"mahalla": "M3"}, {"mahalla"}, id="mahalla-of-other-district"),
    pytest.param({"mahalla": "M2"}, {"mahalla"}, id="mahalla-not-served"),
    pytest.param({"mahalla": None}, {"mahalla"}, id="no-mahalla"),
    pytest.param({"kind": "petition"}, {"kind"}, id="unknown-kind"),
    pytest.param({"channel": "api"}, {"channel"}, id="channel-not-offered"),
    pytest.param({"category": "weather"}, {"category"}, id="unknown-category"),
    pytest.param({"text": "", "applicant_phone": "abc"}, {"text", "applicant_phone"}, id="two-fields"),
    pytest.param(
        {"applicant_name": ""},
        {"applicant_name"},
        id="no-name-not-anonymous",
    ),
    pytest.param(
        {"applicant_name": "   "},
        {"applicant_name"},
        id="blank-name-not-anonymous",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), INVALID)
def test_invalid_input_is_shown_inline_and_nothing_is_saved(
    as_user: AsUser, world: World, changes: dict[str, Any], expected: set[str]
) -> None:
    response = register_via_page(as_user(world.inspector), **changes)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert invalid_fields(html) == expected
    assert feedback_count(html) == len(expected)
    assert appeal_count() == 0
    assert event_count() == 0


def test_anonymous_appeal_without_a_name_is_accepted(as_user: AsUser, world: World) -> None:
    number = number_of(register_via_page(as_user(world.inspector), anonymous="y", applicant_name=""))

    appeal = appeal_by_number(number)
    assert appeal.anonymous is True
    assert appeal.applicant_name == ""
    assert [t.name for t in pending_tasks(appeal)] == ["check_registration"]


def test_anonymous_appeal_drops_a_given_name(as_user: AsUser, world: World) -> None:
    number = number_of(register_via_page(as_user(world.inspector), anonymous="y"))

    assert appeal_by_number(number).applicant_name == ""


def test_supervisor_registers_in_any_mahalla_of_the_district(as_user: AsUser, world: World) -> None:
    client = as_user(world.supervisor)

    number = number_of(register_via_page(client, mahalla="M2"))
    refused = register_via_page(client, mahalla="M3")

    assert appeal_by_number(number).mahalla_id == world.second_mahalla.id
    assert refused.status_code == 200
    assert invalid_fields(refused.get_data(as_text=True)) == {"mahalla"}
    assert appeal_count() == 1


def test_registration_numbers_are_unique_and_increasing(as_user: AsUser, world: World) -> None:
    client = as_user(world.inspector)

    numbers = [number_of(register_via_page(client, text=f"Murojaat matni raqam {i}.")) for i in range(3)]

    year = registration_date(utcnow()).year
    assert numbers == [f"{year}-000001", f"{year}-000002", f"{year}-000003"]
    assert appeal_count() == 3
