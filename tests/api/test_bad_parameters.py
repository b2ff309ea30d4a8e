"""One error policy for query parameters: a bad one on a list page, an export or the JSON API
answers 400 naming it (JSON) or with a translated message (pages), never 500; domain errors map to
HTTP in one place (webapp/errors.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from pydantic import Field

from tests.conftest import World, without_tokens
from webapp import create_app
from webapp.cases.versions import current_version
from webapp.errors import ChangedMeanwhile, ConflictError, NotFoundError
from webapp.extensions import db
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
    ("path", "field"),
    [
        ("/appeals?from=2026-13-01", "from"),
        ("/appeals?from=2026-02-05&to=2026-02-01", "from"),
        ("/exports/appeals?format=csv&from=2026-99-01", "from"),
        ("/exports/appeals?format=csv&from=2026-02-05&to=2026-02-01", "from"),
        ("/exports/stuck?format=csv&days=0", "days"),
        ("/exports/stuck?format=csv&soon=abc", "soon"),
    ],
)
def test_pages_and_exports_show_a_translated_message(as_user: Any, world: World, path: str, field: str) -> None:
    response = russian(as_user, world.supervisor).get(path)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'data-parameter="{field}"' in html
    assert any(words in html for words in ("должен быть", "не может быть позже")), html[:2000]


# --- every list page, export and API list: a bad parameter is a 400 naming it ---------------------

LONG = "x" * 201


def _page_cases(world: World) -> list[tuple[str, str, str, str]]:
    """(who, a bad request, the parameter it names, a valid request of the same page)."""
    district = world.district
    return [
        ("admin", "/admin/territories?district=x", "district", f"/admin/territories?district={district.id}"),
        ("admin", "/admin/territories?page=0", "page", "/admin/territories?page=2"),
        ("admin", f"/admin/territories?q={LONG}", "q", "/admin/territories?q=a"),
        (
            "admin",
            "/admin/territories/mahalla/new?parent=abc",
            "parent",
            f"/admin/territories/mahalla/new?parent={district.id}",
        ),
        ("admin", "/admin/audit?actor=abc", "actor", f"/admin/audit?actor={world.admin.id}"),
        ("admin", f"/admin/audit?action={LONG}", "action", "/admin/audit?action=login"),
        ("admin", "/admin/audit/export.csv?page=x", "page", "/admin/audit/export.csv?object_type=user"),
        ("admin", "/admin/reference?kind=nonsense", "kind", "/admin/reference?kind=holiday"),
        ("admin", "/people?status=gone", "status", "/people?status=all"),
        ("admin", "/people?role=wizard", "role", "/people?role=inspector"),
        ("admin", "/people?district=D1", "district", f"/people?district={district.id}"),
        ("admin", "/admin/partners?district=x", "district", f"/admin/partners?district={district.id}"),
        ("admin", "/admin/outbox?channel=pigeon", "channel", "/admin/outbox?channel=sms"),
        ("admin", "/admin/outbox?date_to=31.12.2026", "date_to", "/admin/outbox?date_to=2026-12-31"),
        ("inspector", "/tasks?show=bogus", "show", "/tasks?show=mine"),
        ("inspector", "/tasks?sort=name", "sort", "/tasks?sort=follow_up"),
        ("inspector", "/tasks?page=0", "page", "/tasks?page=3"),
        ("supervisor", "/team?show=x", "show", "/team?show=flagged"),
        ("supervisor", "/supervision?tab=colours", "tab", "/supervision?tab=workload"),
        ("supervisor", "/supervision?stage=9", "stage", "/supervision?stage=2"),
        ("supervisor", "/supervision?kind=letter", "kind", "/supervision?kind=ariza"),
        ("supervisor", "/appeals?status=lost", "status", "/appeals?status=registered"),
        ("supervisor", "/appeals?state=half", "state", "/appeals?state=open"),
        ("supervisor", "/appeals?mahalla=M1", "mahalla", f"/appeals?mahalla={world.mahalla.id}"),
        ("supervisor", "/exports/appeals?format=pdf", "format", "/exports/appeals?format=csv"),
        ("supervisor", "/exports/overdue?format=csv&category=colours", "category", "/exports/overdue?format=csv"),
        (
            "supervisor",
            f"/dashboards/district/{district.code}?step=decade",
            "step",
            f"/dashboards/district/{district.code}?step=month",
        ),
        (
            "supervisor",
            f"/dashboards/district/{district.code}?channel=pigeon",
            "channel",
            f"/dashboards/district/{district.code}?channel=web",
        ),
        ("supervisor", "/bottlenecks?metric=mean", "metric", "/bottlenecks?metric=p90"),
        ("supervisor", "/bottlenecks?district=abc", "district", f"/bottlenecks?district={district.id}"),
        ("supervisor", "/bottlenecks/export?format=pdf", "format", "/bottlenecks?metric=median"),
        ("supervisor", "/reports?month=march&territory=district:D1", "month", "/reports"),
        ("supervisor", "/notices?page=x", "page", "/notices?page=1"),
        ("supervisor", "/prevention?risk_group=colours", "risk_group", "/prevention?status=active"),
        ("supervisor", "/prevention?mahalla=M1", "mahalla", f"/prevention?mahalla={world.mahalla.id}"),
        ("supervisor", "/prevention/export?format=pdf", "format", "/prevention/export?format=csv"),
        (
            "inspector",
            "/prevention/persons/new?mahalla=M1",
            "mahalla",
            f"/prevention/persons/new?mahalla={world.mahalla.id}",
        ),
        ("supervisor", "/prevention/youth?status=lost", "status", "/prevention/youth?from=2026-01-01"),
        ("supervisor", "/prevention/youth?page=0", "page", "/prevention/youth?page=1"),
        ("supervisor", f"/prevention/youth?q={LONG}", "q", "/prevention/youth?q=Ali"),
        ("supervisor", "/prevention/youth/export?format=pdf", "format", "/prevention/youth/export?format=xlsx"),
        ("supervisor", "/prevention/events?audience=aliens", "audience", "/prevention/events?audience=school"),
        ("supervisor", "/prevention/joint-plans?kind=x", "kind", "/prevention/joint-plans?kind=current"),
        ("supervisor", "/prevention/patrols?district=x", "district", f"/prevention/patrols?district={district.id}"),
        ("supervisor", "/prevention/monitoring?status=purple", "status", "/prevention/monitoring?status=red"),
        ("supervisor", "/prevention/monitoring?format=doc", "format", "/prevention/monitoring?format=csv"),
        (
            "methodologist",
            "/processes/appeal_lifecycle/compare?from=abc",
            "from",
            "/processes/appeal_lifecycle/compare",
        ),
        ("methodologist", "/processes/appeal_lifecycle/migrate?to=abc", "to", "/processes/appeal_lifecycle/migrate"),
    ]


def test_every_list_page_and_export_answers_400_naming_a_bad_parameter(as_user: Any, world: World) -> None:
    current_version()  # the studio's pages need a published version of the appeal procedure
    db.session.commit()
    for who, bad, field, good in _page_cases(world):
        client = as_user(getattr(world, who))
        response = client.get(bad)
        assert response.status_code == 400, (bad, response.status_code)
        html = response.get_data(as_text=True)
        assert f'data-parameter="{field}"' in html, bad
        valid = client.get(good)
        assert valid.status_code == 200, (good, valid.status_code)
        valid.close()


def _without_tokens(html: str) -> str:
    """The page without what changes from one request to the next (CSRF tokens, script nonces) or
    repeats its own address (the language switch comes back to it)."""
    return without_tokens(re.sub(r'name="next" value="[^"]*"', "", html))


@pytest.mark.parametrize(
    ("who", "explicit", "implicit"),
    [
        ("admin", "/admin/territories?page=1", "/admin/territories"),
        ("admin", "/admin/audit?page=1", "/admin/audit"),
        ("admin", "/admin/reference?kind=competent_body", "/admin/reference"),
        ("admin", "/people?status=active&page=1", "/people"),
        ("admin", "/admin/outbox?page=1", "/admin/outbox"),
        ("inspector", "/tasks?show=all&sort=due&page=1", "/tasks"),
        ("supervisor", "/team?show=all", "/team"),
        ("supervisor", "/supervision?days=7&soon=3&page=1", "/supervision"),
        ("supervisor", "/prevention/youth?page=1", "/prevention/youth"),
        ("supervisor", "/bottlenecks?metric=median", "/bottlenecks"),
    ],
)
def test_a_valid_default_given_explicitly_shows_the_same_page(
    as_user: Any, world: World, who: str, explicit: str, implicit: str
) -> None:
    client = as_user(getattr(world, who))
    given, default = client.get(explicit), client.get(implicit)
    assert given.status_code == default.status_code == 200
    assert _without_tokens(given.get_data(as_text=True)) == _without_tokens(default.get_data(as_text=True))


def test_the_public_pages_refuse_a_too_long_mahalla_code(client: Any) -> None:
    for path in ("/?mahalla=" + "M" * 21, "/murojaat?mahalla=" + "M" * 21):
        response = client.get(path)
        assert response.status_code == 400
        assert 'data-parameter="mahalla"' in response.get_data(as_text=True)
    assert client.get("/?mahalla=M1").status_code == 200


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/tasks?appeal=" + "9" * 41, "appeal"),
        ("/absences?district=NOWHERE", "district"),
        ("/supervision/overdue?stage=9", "stage"),
        ("/supervision/overdue?category=colours", "category"),
        ("/supervision/stuck?days=0", "days"),
        ("/appeals?limit=0", "limit"),
    ],
)
def test_more_api_lists_answer_400_naming_the_parameter(
    bearer_api: Callable[[User], Api], world: World, path: str, field: str
) -> None:
    response = bearer_api(world.supervisor)("GET", path)
    assert response.status_code == 400
    assert [f["field"] for f in response.get_json()["error"]["fields"]] == [field]


def test_validate_refuses_a_too_long_process_id(bearer_api: Callable[[User], Api], world: World) -> None:
    response = bearer_api(world.methodologist)(
        "POST", "/processes/validate?process_id=" + "p" * 101, data=b"<definitions/>", content_type="application/xml"
    )
    assert response.status_code == 400
    assert [f["field"] for f in response.get_json()["error"]["fields"]] == ["process_id"]


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
