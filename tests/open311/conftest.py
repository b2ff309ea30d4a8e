"""Open311 test helpers: a client key, calls in both formats, the GeoReport v2 JSON schemas and
a hardened XML parser."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft7Validator, FormatChecker
from lxml import etree
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from tests.conftest import World
from tests.webapp.conftest import as_user, bearer_api, fresh_g_per_request  # noqa: F401  (fixtures)
from webapp.extensions import limiter
from webapp.intake.open311.service import create_client

# The GeoReport v2 JSON schemas (copied unchanged from the Open311 specification) live in the repository.
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / "georeport-v2"
SCHEMA_FILES = ("service.json", "services.json", "service-definition.json", "request.json", "requests.json")
PREFIX = "/open311/v2"
DESCRIPTION = "Ko'chamizdagi chiroqlar bir oydan beri yonmayapti, kechasi xavfli."
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _registry() -> Registry:
    resources = [
        (name, Resource.from_contents(json.loads((SCHEMA_DIR / name).read_text()), default_specification=DRAFT7))
        for name in SCHEMA_FILES
    ]
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validate(schema_name: str, data: Any) -> None:
    """Raise if ``data`` does not satisfy the named GeoReport v2 schema (refs resolved)."""
    schema = REGISTRY.contents(schema_name)
    Draft7Validator(schema, registry=REGISTRY, format_checker=FormatChecker()).validate(data)


def xml(response: Any) -> etree._Element:
    assert response.content_type.startswith("text/xml"), response.content_type
    return etree.fromstring(response.get_data(), XML_PARSER)


def children(element: etree._Element) -> dict[str, str]:
    """Text of the element's leaf children by tag."""
    return {child.tag: child.text or "" for child in element if len(child) == 0}


def error_of(response: Any) -> tuple[int, str]:
    """(code, description) of a GeoReport error list, JSON or XML."""
    if response.content_type.startswith("text/xml"):
        root = xml(response)
        assert root.tag == "errors"
        (item,) = root.findall("error")
        return int(item.findtext("code")), str(item.findtext("description"))
    body = response.get_json()
    assert isinstance(body, list) and len(body) == 1, body
    return int(body[0]["code"]), str(body[0]["description"])


@pytest.fixture(autouse=True)
def fresh_limits() -> Iterator[None]:
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def api_key(world: World) -> str:
    return create_client("Smart Mahalla app")


def request_form(api_key: str | None, **overrides: Any) -> dict[str, Any]:
    """A valid service request (M1, lat/long, a named applicant) plus overrides; None drops a field."""
    form: dict[str, Any] = {
        "api_key": api_key,
        "service_code": "public_safety",
        "lat": "41.2856",
        "long": "69.2034",
        "address_string": "Bunyodkor ko'chasi 12",
        "description": DESCRIPTION,
        "attribute[mahalla]": "M1",
        "first_name": "Vali",
        "last_name": "Aliyev",
        "phone": "+998901234567",
        "email": "vali@example.uz",
        "device_id": "device-1",
        "account_id": "acc-1",
        "media_url": "https://example.uz/photo.jpg",
        **overrides,
    }
    return {k: v for k, v in form.items() if v is not None}


def post_request(client: FlaskClient, api_key: str | None, fmt: str = "json", **overrides: Any) -> Any:
    return client.post(f"{PREFIX}/requests.{fmt}", data=request_form(api_key, **overrides))
