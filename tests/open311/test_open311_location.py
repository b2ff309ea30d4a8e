"""A generic GeoReport client sends only lat/long or address_string: the mahalla comes from the
loaded boundaries (GeoJSON, point in polygon) or the address register (CSV); outside them the
request waits in the staff triage queue (tests/open311/test_open311_triage.py) and the client gets
a token only. The attribute stays optional in the definition."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import World
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.intake.open311 import service as open311
from webapp.platform.territory import area_import

# A square around (41.30, 69.24) with a hole around (41.30, 69.25) belonging to the second mahalla.
SQUARE = [[69.20, 41.28], [69.28, 41.28], [69.28, 41.32], [69.20, 41.32], [69.20, 41.28]]
HOLE = [[69.245, 41.295], [69.255, 41.295], [69.255, 41.305], [69.245, 41.305], [69.245, 41.295]]


@pytest.fixture
def key(world: World) -> Iterator[str]:
    yield open311.create_client("city-portal")


@pytest.fixture
def loaded(world: World) -> None:
    features = [
        {"properties": {"code": world.mahalla.code}, "geometry": {"type": "Polygon", "coordinates": [SQUARE, HOLE]}},
        {"properties": {"code": world.second_mahalla.code}, "geometry": {"type": "Polygon", "coordinates": [HOLE]}},
    ]
    assert area_import.import_boundaries(json.dumps({"type": "FeatureCollection", "features": features})).count == 2
    csv = f"address,mahalla\nNavroʻz koʻchasi 7,{world.foreign_mahalla.code}\n"
    assert area_import.import_addresses(csv).count == 1


def post(client: FlaskClient, key: str, **fields: str) -> Any:
    data = {"api_key": key, "service_code": "public_safety", "description": "Ko'chada chiroqlar yonmayapti.", **fields}
    return client.post("/open311/v2/requests.json", data=data)


def mahalla_of(response: Any) -> int:
    assert response.status_code == 200, response.get_data(as_text=True)
    number = response.get_json()[0]["service_request_id"]
    appeal = db.session.query(Appeal).filter(Appeal.number == number).one()
    return appeal.mahalla_id


def test_a_point_finds_its_mahalla_holes_included(client: FlaskClient, world: World, key: str, loaded: None) -> None:
    assert mahalla_of(post(client, key, lat="41.285", long="69.21")) == world.mahalla.id
    assert mahalla_of(post(client, key, lat="41.30", long="69.25")) == world.second_mahalla.id  # in the hole


def test_an_address_finds_its_mahalla_in_any_spelling(
    client: FlaskClient, world: World, key: str, loaded: None
) -> None:
    response = post(client, key, address_string="navro'z ko'chasi 7, 12-xonadon")
    assert mahalla_of(response) == world.foreign_mahalla.id
    unplaced = post(client, key, address_string="Navroʻz koʻchasi 70")  # a different house, not a prefix
    assert unplaced.status_code == 200 and "service_request_id" not in unplaced.get_json()[0]


def test_outside_everything_waits_for_triage_with_a_token(
    client: FlaskClient, world: World, key: str, loaded: None
) -> None:
    response = post(client, key, lat="40.0", long="65.0")
    assert response.status_code == 200
    (body,) = response.get_json()
    assert body["token"].startswith("t-") and "service_request_id" not in body
    assert db.session.query(Appeal).count() == 0


def test_the_attribute_is_optional_and_still_wins(client: FlaskClient, world: World, key: str, loaded: None) -> None:
    definition = client.get("/open311/v2/services/public_safety.json").get_json()
    [mahalla] = [a for a in definition["attributes"] if a["code"] == "mahalla"]
    assert mahalla["required"] is False
    given = post(client, key, lat="41.285", long="69.21", **{"attribute[mahalla]": world.second_mahalla.code})
    assert mahalla_of(given) == world.second_mahalla.id


def test_bad_files_are_refused_with_the_place() -> None:
    with pytest.raises(area_import.ImportRefused) as refused:
        area_import.import_boundaries(json.dumps({"features": [{"properties": {"code": "NOPE"}, "geometry": {}}]}))
    assert (refused.value.code, refused.value.params) == ("unknown_mahalla", {"feature": 1, "code": "NOPE"})
    with pytest.raises(area_import.ImportRefused) as refused:
        area_import.import_addresses("street,code\nx,y\n")
    assert refused.value.code == "no_columns"
