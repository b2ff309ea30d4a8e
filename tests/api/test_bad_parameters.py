"""One error policy for query parameters: a bad one on a list page, an export or the JSON API
answers 400 naming it (JSON) or with a translated message (pages), never 500; domain errors map to
HTTP in one place (webapp/errors.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from pydantic import Field

from tests.conftest import World
from webapp import create_app
from webapp.errors import ChangedMeanwhile, ConflictError, NotFoundError
from webapp.platform.auth.models import User
from webapp.platform.query_params import BadParameter, IsoDate, QueryModel, parse

Api = Callable[..., Any]


class Sample(QueryModel):
    page: int = Field(1, ge=1, le=9)
    day: IsoDate | None = Field(None, alias="from")
    flag: bool = False
    name: str = Field("", max_length=3)


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"page": "x"}, "page", "out_of_range"),
        ({"page": "10"}, "page", "out_of_range"),
        ({"from": "2026-13-01"}, "from", "invalid_date"),
        ({"from": "1700000000"}, "from", "invalid_date"),
        ({"flag": "perhaps"}, "flag", "invalid"),
        ({"name": "abcd"}, "name", "too_long"),
    ],
)
def test_parse_names_the_bad_parameter(app: Flask, query: dict[str, str], field: str, code: str) -> None:
    with app.test_request_context(), pytest.raises(BadParameter) as raised:
        parse(Sample, query)
    assert (raised.value.field, raised.value.code) == (field, code)
    assert field in raised.value.message


def test_parse_reads_blank_as_absent_and_ignores_unknown_parameters() -> None:
    given = parse(Sample, {"page": " 3 ", "from": "2026-02-01", "flag": "true", "name": "", "other": "x"})
    assert (given.page, given.day, given.flag, given.name) == (3, dt.date(2026, 2, 1), True, "")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/appeals?stage=x", "stage"),
        ("/appeals?kind=letter", "kind"),
        ("/appeals?category=nope", "category"),
        ("/appeals?to=yesterday", "to"),
        ("/stats/appeals?from=2026-02-30", "from"),
        ("/stats/appeals?group_by=colour", "group_by"),
        ("/stats/appeals?kind=letter", "kind"),
        ("/prevention/youth?region=0", "region"),
        ("/prevention/youth?from=2026-02-05&to=2026-02-01", "from"),
        ("/prevention/youth?status=lost", "status"),
        ("/prevention/youth?limit=500", "limit"),
    ],
)
def test_the_api_answers_400_naming_the_parameter(
    bearer_api: Callable[[User], Api], world: World, path: str, field: str
) -> None:
    response = bearer_api(world.supervisor)("GET", path)
    assert response.status_code == 400
    body = response.get_json()["error"]
    assert [f["field"] for f in body["fields"]] == [field]
    assert body["status"] == 400 and body["message"]


def russian(as_user: Any, user: User) -> Any:
    client = as_user(user)
    with client.session_transaction() as session:
        session["lang"] = "ru"
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/appeals?from=2026-13-01",
        "/appeals?from=2026-02-05&to=2026-02-01",
        "/exports/appeals?format=csv&from=2026-99-01",
        "/exports/appeals?format=csv&from=2026-02-05&to=2026-02-01",
        "/exports/stuck?format=csv&days=0",
        "/exports/stuck?format=csv&soon=abc",
    ],
)
def test_pages_and_exports_show_a_translated_message(as_user: Any, world: World, path: str) -> None:
    response = russian(as_user, world.supervisor).get(path)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert any(word in html for word in ("Проверьте", "Фильтры", "должн")), html[:2000]


# --- the domain-error registry -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def raising_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app of its own with routes that raise domain errors (the shared app has served requests)."""
    database = tmp_path_factory.mktemp("errors") / "app.db"
    application = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}
    )

    @application.route("/raise/conflict")
    def conflict() -> Any:
        raise ConflictError()

    @application.route("/api/v1/raise/missing")
    def missing() -> Any:
        raise NotFoundError()

    @application.route("/raise/meanwhile")
    def meanwhile() -> Any:
        raise ChangedMeanwhile("plan", "/somewhere")

    @application.route("/api/v1/raise/meanwhile")
    def api_meanwhile() -> Any:
        raise ChangedMeanwhile("case", "/somewhere")

    yield application


def test_domain_errors_become_status_and_message_in_one_place(raising_app: Flask) -> None:
    client = raising_app.test_client()
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get("/raise/conflict")
    assert page.status_code == 409
    assert "The case was changed meanwhile. Reload and try again." in page.get_data(as_text=True)
    missing = client.get("/api/v1/raise/missing")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["status"] == 404
    api = client.get("/api/v1/raise/meanwhile")
    assert api.status_code == 409
    assert api.get_json()["error"]["message"]
    back = client.get("/raise/meanwhile")
    assert back.status_code == 302 and back.headers["Location"].endswith("/somewhere")
    with client.session_transaction() as session:
        flashes = session.get("_flashes", [])
    assert ("warning", "Someone else completed or changed this plan meanwhile. Here is its current state.") in flashes
