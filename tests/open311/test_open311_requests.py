"""POST and GET service requests: what is registered, what is published, and every refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import World
from tests.open311.conftest import DESCRIPTION, PREFIX, children, error_of, post_request, validate, xml
from tests.webapp.cases import appeal_by_number, appeal_count, pending_names, register
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.intake.open311.service import create_client, revoke_client
from webapp.platform.timeutil import TASHKENT


def filed(client: FlaskClient, api_key: str, **overrides: Any) -> Appeal:
    response = post_request(client, api_key, **overrides)
    assert response.status_code == 200, response.get_data(as_text=True)
    return appeal_by_number(response.get_json()[0]["service_request_id"])


def test_post_json_registers_the_appeal_and_starts_its_case(client: FlaskClient, world: World, api_key: str) -> None:
    response = post_request(client, api_key)

    assert response.status_code == 200
    (body,) = response.get_json()
    appeal = appeal_by_number(body["service_request_id"])
    assert body["token"] == appeal.number
    assert body["account_id"] is None
    assert appeal.number in body["service_notice"]
    assert appeal.deadline.isoformat() in body["service_notice"]
    assert (appeal.channel, appeal.kind, appeal.category) == ("open311", "shikoyat", "public_safety")
    assert (appeal.mahalla_id, appeal.district_id) == (world.mahalla.id, world.district.id)
    assert (appeal.applicant_name, appeal.anonymous) == ("Vali Aliyev", False)
    assert (appeal.applicant_phone, appeal.applicant_email) == ("+998901234567", "vali@example.uz")
    assert (appeal.address, appeal.latitude, appeal.longitude) == ("Bunyodkor ko'chasi 12", 41.2856, 69.2034)
    assert appeal.text == DESCRIPTION
    assert appeal.open311_client_id is not None
    assert appeal.registered_by_id is None
    assert pending_names(appeal) == ["check_registration"]


def test_post_xml_answers_in_xml(client: FlaskClient, world: World, api_key: str) -> None:
    response = post_request(client, api_key, "xml", **{"attribute[kind]": "taklif"})

    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "service_requests"
    (item,) = root.findall("request")
    fields = children(item)
    appeal = appeal_by_number(fields["service_request_id"])
    assert fields["token"] == appeal.number
    assert fields["account_id"] == ""
    assert appeal.kind == "taklif"


def test_without_names_the_appeal_is_anonymous_and_an_address_is_enough(
    client: FlaskClient, world: World, api_key: str
) -> None:
    appeal = filed(client, api_key, first_name="", last_name=None, lat=None, long=None, **{"attribute[mahalla]": "M2"})

    assert (appeal.anonymous, appeal.applicant_name) == (True, "")
    assert (appeal.latitude, appeal.longitude, appeal.address) == (None, None, "Bunyodkor ko'chasi 12")
    assert appeal.mahalla_id == world.second_mahalla.id


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("key", "overrides", "status", "parameter"),
    [
        ("missing", {}, 403, "api_key"),
        ("unknown", {}, 403, "api_key"),
        ("revoked", {}, 403, "api_key"),
        ("valid", {"service_code": None}, 400, "service_code"),
        ("valid", {"service_code": "x" * 101}, 400, "service_code"),
        ("valid", {"lat": None, "long": None, "address_string": ""}, 400, "lat"),
        ("valid", {"long": None}, 400, "long"),
        ("valid", {"lat": "north"}, 400, "lat"),
        ("valid", {"long": "181"}, 400, "long"),
        ("valid", {"description": ""}, 400, "description"),
        ("valid", {"description": "   short   "}, 400, "description"),
        ("valid", {"description": "x" * 4001}, 400, "description"),
        ("valid", {"attribute[mahalla]": "M99"}, 400, "attribute[mahalla]"),
        ("valid", {"attribute[kind]": "petition"}, 400, "attribute[kind]"),
        ("valid", {"email": "not-an-address"}, 400, "email"),
        ("valid", {"phone": "9" * 41}, 400, "phone"),
    ],
)
def test_refused_requests_leave_no_appeal(
    client: FlaskClient, world: World, fmt: str, key: str, overrides: dict[str, Any], status: int, parameter: str
) -> None:
    api_key = create_client("client")
    if key == "revoked":
        revoke_client("client")
    chosen = {"missing": None, "unknown": "o311_" + "x" * 43}.get(key, api_key)

    response = post_request(client, chosen, fmt, **overrides)

    assert response.status_code == status
    code, description = error_of(response)
    assert code == status
    assert description.startswith(f"{parameter}: ")
    assert appeal_count() == 0


def test_a_retired_mahalla_takes_no_new_request(client: FlaskClient, world: World, api_key: str) -> None:
    world.second_mahalla.status = "abolished"
    db.session.commit()

    response = post_request(client, api_key, **{"attribute[mahalla]": "M2"})

    assert response.status_code == 400 and error_of(response)[1].startswith("attribute[mahalla]: ")
    assert appeal_count() == 0
    definition = client.get(f"{PREFIX}/services/family_conflict.json").get_data(as_text=True)
    assert '"M1"' in definition and '"M2"' not in definition


def test_a_revoked_key_stops_working(client: FlaskClient, world: World, api_key: str) -> None:
    assert post_request(client, api_key).status_code == 200
    revoke_client("Smart Mahalla app")

    assert post_request(client, api_key).status_code == 403
    assert appeal_count() == 1


def test_posts_are_rate_limited_per_key(app: Flask, client: FlaskClient, world: World, api_key: str) -> None:
    other_key = create_client("other")
    statuses = [post_request(client, api_key, description="").status_code for _ in range(31)]

    assert statuses[:30] == [400] * 30
    assert statuses[30] == 429
    limited = post_request(client, api_key, "xml")
    assert limited.status_code == 429
    assert error_of(limited)[0] == 429
    assert post_request(client, other_key).status_code == 200
    assert appeal_count() == 1


# --- reading ------------------------------------------------------------------------------------


def test_get_requests_json_shows_only_open311_requests_without_personal_data(
    client: FlaskClient, world: World, api_key: str
) -> None:
    appeal = filed(client, api_key)
    register(world, applicant_name="Walk-in Person")  # registered at the desk: never published

    response = client.get(f"{PREFIX}/requests.json")

    assert response.status_code == 200
    body = response.get_json()
    validate("requests.json", body)
    (item,) = body
    assert item["service_request_id"] == appeal.number
    assert (item["status"], item["status_notes"]) == ("open", "Roʻyxatga olindi")
    assert (item["service_code"], item["service_name"]) == ("public_safety", "Jamoat xavfsizligi")
    assert (item["description"], item["address"]) == (DESCRIPTION, "Bunyodkor ko'chasi 12")
    assert (item["lat"], item["long"]) == (41.2856, 69.2034)
    assert item["agency_responsible"] == "Bunyodkor MFY"
    assert dt.datetime.fromisoformat(item["requested_datetime"]).utcoffset() == dt.timedelta(hours=5)
    expected = dt.datetime.fromisoformat(item["expected_datetime"])
    assert (expected.date(), expected.tzinfo is not None) == (appeal.deadline, True)
    text = response.get_data(as_text=True)
    for personal in ("Vali", "Aliyev", "+998901234567", "vali@example.uz", "Walk-in"):
        assert personal not in text


def test_get_requests_xml(client: FlaskClient, world: World, api_key: str) -> None:
    appeal = filed(client, api_key)

    root = xml(client.get(f"{PREFIX}/requests.xml"))

    assert root.tag == "service_requests"
    (item,) = root.findall("request")
    fields = children(item)
    assert (fields["service_request_id"], fields["status"], fields["service_code"]) == (
        appeal.number,
        "open",
        "public_safety",
    )
    assert (fields["lat"], fields["long"], fields["agency_responsible"]) == ("41.2856", "69.2034", "Bunyodkor MFY")
    text = "".join(root.itertext())
    assert "Vali" not in text and "+998901234567" not in text and "vali@example.uz" not in text


def test_get_requests_filters(client: FlaskClient, world: World, api_key: str) -> None:
    safety = filed(client, api_key)
    family = filed(client, api_key, service_code="family_conflict")
    old = filed(client, api_key, service_code="family_conflict")
    old.received_at = dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.UTC)
    family.is_open = False
    db.session.commit()

    def numbers(query: str) -> list[str]:
        response = client.get(f"{PREFIX}/requests.json?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return [r["service_request_id"] for r in response.get_json()]

    assert sorted(numbers("")) == sorted([safety.number, family.number])  # the last 90 days
    assert numbers("service_code=family_conflict") == [family.number]
    assert numbers("status=open") == [safety.number]
    assert numbers("status=closed") == [family.number]
    assert numbers("start_date=2025-01-01T00:00:00Z&end_date=2025-02-01T00:00:00Z") == [old.number]
    assert numbers(f"service_request_id={old.number},{safety.number}&status=closed") == [
        safety.number,
        old.number,
    ]
    closed = client.get(f"{PREFIX}/requests.json?status=closed").get_json()
    assert closed[0]["status"] == "closed"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("start_date=yesterday", "start_date"),
        ("end_date=2026-13-01", "end_date"),
        ("start_date=2026-02-01&end_date=2026-01-01", "end_date"),
        ("status=pending", "status"),
        ("service_code=potholes", "service_code"),
    ],
)
def test_bad_filters_are_400(client: FlaskClient, world: World, fmt: str, query: str, parameter: str) -> None:
    response = client.get(f"{PREFIX}/requests.{fmt}?{query}")

    assert response.status_code == 400
    code, description = error_of(response)
    assert (code, description.split(":")[0]) == (400, parameter)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_one_request_and_its_token(client: FlaskClient, world: World, api_key: str, fmt: str) -> None:
    appeal = filed(client, api_key)

    one = client.get(f"{PREFIX}/requests/{appeal.number}.{fmt}")
    token = client.get(f"{PREFIX}/tokens/{appeal.number}.{fmt}")

    assert (one.status_code, token.status_code) == (200, 200)
    if fmt == "json":
        validate("request.json", one.get_json()[0])
        assert one.get_json()[0]["service_request_id"] == appeal.number
        assert token.get_json() == [{"service_request_id": appeal.number, "token": appeal.number}]
    else:
        assert xml(one).findtext("request/service_request_id") == appeal.number
        assert children(xml(token).find("request")) == {"service_request_id": appeal.number, "token": appeal.number}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("path", ["requests", "tokens"])
def test_requests_not_filed_through_open311_are_404(client: FlaskClient, world: World, fmt: str, path: str) -> None:
    desk = register(world)

    for number in (desk.number, "2026-999999"):
        response = client.get(f"{PREFIX}/{path}/{number}.{fmt}")
        assert response.status_code == 404
        assert error_of(response)[0] == 404


def test_expected_datetime_follows_an_extension(client: FlaskClient, world: World, api_key: str) -> None:
    appeal = filed(client, api_key)
    appeal.extended_until = appeal.deadline + dt.timedelta(days=30)
    db.session.commit()

    item = client.get(f"{PREFIX}/requests/{appeal.number}.json").get_json()[0]

    expected = dt.datetime.fromisoformat(item["expected_datetime"])
    assert expected == dt.datetime.combine(appeal.extended_until, dt.time(23, 59, 59), tzinfo=TASHKENT)
