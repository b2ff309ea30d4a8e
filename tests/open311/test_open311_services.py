"""GET services and service definitions, in JSON (checked against the GeoReport v2 schemas) and XML."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import World
from tests.open311.conftest import PREFIX, children, error_of, validate, xml
from webapp.casework.appeals.models import CATEGORIES


def test_services_json_lists_one_service_per_category(client: FlaskClient, world: World) -> None:
    response = client.get(f"{PREFIX}/services.json")

    assert response.status_code == 200
    assert response.content_type == "application/json; charset=utf-8"
    services = response.get_json()
    validate("services.json", services)
    assert [s["service_code"] for s in services] == list(CATEGORIES)
    crime = services[0]
    assert crime["service_code"] == "crime_prevention"
    assert crime["service_name"] == "Jinoyatchilik profilaktikasi"  # Uzbek, whatever the caller's language
    assert (crime["metadata"], crime["type"]) == (True, "realtime")
    assert crime["keywords"] and crime["group"] and crime["description"]


def test_services_are_named_in_uzbek_even_when_the_caller_asks_for_english(client: FlaskClient, world: World) -> None:
    response = client.get(f"{PREFIX}/services.json", headers={"Accept-Language": "en"})

    assert response.get_json()[0]["service_name"] == "Jinoyatchilik profilaktikasi"


def test_services_xml_has_the_spec_shape(client: FlaskClient, world: World) -> None:
    response = client.get(f"{PREFIX}/services.xml")

    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "services"
    items = root.findall("service")
    assert [i.findtext("service_code") for i in items] == list(CATEGORIES)
    first = children(items[0])
    assert first["service_name"] == "Jinoyatchilik profilaktikasi"
    assert (first["metadata"], first["type"]) == ("true", "realtime")
    assert set(first) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}


def test_service_definition_json_requires_the_mahalla(client: FlaskClient, world: World) -> None:
    response = client.get(f"{PREFIX}/services/family_conflict.json")

    assert response.status_code == 200
    definition = response.get_json()
    validate("service-definition.json", definition)
    assert definition["service_code"] == "family_conflict"
    mahalla, kind = definition["attributes"]
    assert (mahalla["code"], mahalla["datatype"], mahalla["required"], mahalla["order"]) == (
        "mahalla",
        "singlevaluelist",
        False,  # generic clients send only a location; the mahalla is found from it
        1,
    )
    assert mahalla["values"] == [
        {"key": "M3", "name": "Bodomzor MFY"},
        {"key": "M1", "name": "Bunyodkor MFY"},
        {"key": "M2", "name": "Qatortol MFY"},
    ]
    assert (kind["code"], kind["required"]) == ("kind", False)
    assert [v["key"] for v in kind["values"]] == ["ariza", "taklif", "shikoyat"]


def test_service_definition_xml(client: FlaskClient, world: World) -> None:
    response = client.get(f"{PREFIX}/services/family_conflict.xml")

    root = xml(response)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "family_conflict"
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["mahalla", "kind"]
    assert (attributes[0].findtext("required"), attributes[0].findtext("datatype")) == ("false", "singlevaluelist")
    values = attributes[0].findall("values/value")
    assert [(v.findtext("key"), v.findtext("name")) for v in values][1] == ("M1", "Bunyodkor MFY")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_spec_error_format(client: FlaskClient, world: World, fmt: str) -> None:
    response = client.get(f"{PREFIX}/services/potholes.{fmt}")

    assert response.status_code == 404
    code, description = error_of(response)
    assert code == 404
    assert description.startswith("service_code:")


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/services.csv", 404),
        ("get", "/nothing-here.xml", 404),
        ("post", "/services.xml", 405),
        ("delete", "/requests.json", 405),
    ],
)
def test_routing_errors_are_spec_errors_not_html(
    client: FlaskClient, world: World, method: str, url: str, status: int
) -> None:
    response = getattr(client, method)(PREFIX + url)

    assert response.status_code == status
    assert "html" not in response.content_type
    assert error_of(response)[0] == status
    expected_type = "text/xml" if url.endswith(".xml") else "application/json"
    assert response.content_type.startswith(expected_type)
