"""The JSON API v1: bearer tokens, registering appeals, reading them, the inbox, completing tasks,
and the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import World
from tests.webapp.cases import (
    UNKNOWN_TASK_ID,
    answers,
    appeal_by_number,
    appeal_count,
    case_state,
    drive_to,
    event_count,
    pending_names,
    pending_tasks,
    register,
)
from webapp.api.schemas import AppealOut, CompletedOut, ErrorOut, RegisteredAppealOut, TaskList
from webapp.casework.appeals.deadlines import registration_date
from webapp.casework.appeals.service import access_code_digest
from webapp.extensions import db
from webapp.platform.auth.models import ApiToken, User
from webapp.platform.auth.service import issue_token
from webapp.platform.timeutil import local_today, utcnow

Api = Callable[..., Any]
APPEAL = {
    "mahalla": "M1",
    "kind": "ariza",
    "text": "Hovlimiz yonidagi chiroq ishlamayapti, kechasi qorong'i.",
    "applicant_name": "Rustamov Anvar",
    "applicant_phone": "+998901234567",
    "address": "Qatortol ko'chasi 5",
}
APPEAL_KEYS = {
    "number",
    "status",
    "stage",
    "kind",
    "category",
    "category_confidence",
    "category_review",
    "urgency",
    "mahalla",
    "received_at",
    "deadline",
    "days_left",
    "is_open",
    "extended_until",
}


@pytest.fixture
def api(client: FlaskClient, world: World) -> Callable[[User], Api]:
    """api(user)(method, path, json=..., data=..., content_type=...) with the user's bearer token."""

    def for_user(user: User) -> Api:
        token = issue_token(user, "test")

        def call(method: str, path: str, **kwargs: Any) -> Any:
            headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
            return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

        return call

    return for_user


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json
    body = response.get_json()
    ErrorOut.model_validate(body)
    assert body["error"]["status"] == status
    assert body["error"]["message"]
    return dict(body["error"])


def error_fields(response: Any) -> set[str]:
    return {f["field"] for f in error_of(response, 422)["fields"]}


# --- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Bearer mht_not-a-real-token",
        "Basic aW5zcGVjdG9yMTpzZWNyZXQ=",
        "mht_x",
        "Bearer " + "mht_" + "a" * 300,
    ],
    ids=["none", "scheme-only", "empty-token", "unknown-token", "basic-auth", "no-scheme", "overlong"],
)
def test_request_without_a_valid_token_is_401(client: FlaskClient, world: World, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}

    for response in (
        client.get("/api/v1/tasks", headers=headers),
        client.post("/api/v1/appeals", json=APPEAL, headers=headers),
    ):
        error_of(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert appeal_count() == 0


def test_revoked_token_is_401(client: FlaskClient, world: World) -> None:
    token = issue_token(world.inspector)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200

    row = db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == world.inspector.id)).one()
    row.revoked_at = utcnow()
    db.session.commit()

    error_of(client.get("/api/v1/tasks", headers=headers), 401)


def test_token_of_a_deactivated_user_is_401(client: FlaskClient, world: World) -> None:
    token = issue_token(world.inspector)
    world.inspector.active = False
    db.session.commit()

    error_of(client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}), 401)


def test_session_cookie_does_not_authenticate_the_api(client: FlaskClient, world: World) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = str(world.inspector.id)
    assert client.get("/tasks").status_code == 200

    error_of(client.get("/api/v1/tasks"), 401)


def test_only_a_hash_of_the_token_is_stored(world: World) -> None:
    token = issue_token(world.inspector, "phone")

    row = db.session.scalars(db.select(ApiToken)).one()
    assert token.startswith("mht_")
    assert token not in row.token_hash
    assert re.fullmatch(r"[0-9a-f]{64}", row.token_hash)
    assert row.name == "phone"


# --- registering appeals ---------------------------------------------------------------------


def test_register_appeal(api: Callable[[User], Api], world: World) -> None:
    response = api(world.inspector)("POST", "/appeals", json=APPEAL)

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    RegisteredAppealOut.model_validate(body)
    assert set(body) == APPEAL_KEYS | {"access_code"}
    assert re.fullmatch(rf"{registration_date(utcnow()).year}-\d{{6}}", body["number"])
    assert re.fullmatch(r"[A-Z2-9]{8}", body["access_code"])
    assert (body["status"], body["stage"], body["kind"], body["mahalla"], body["is_open"]) == (
        "registered",
        1,
        "ariza",
        "M1",
        True,
    )
    registered_on = registration_date(utcnow())  # today, or the next working day after hours
    assert body["deadline"] == (registered_on + dt.timedelta(days=15)).isoformat()
    assert body["days_left"] == (registered_on - local_today()).days + 15
    assert response.headers["Location"] == f"/api/v1/appeals/{body['number']}"
    # The suggestion of the trained model through the DMN: one of the seven codes, with its confidence.
    assert body["category"] == "public_safety" and body["urgency"] in ("normal", "urgent")
    assert 0.5 <= body["category_confidence"] <= 1 and body["category_review"] == ""

    appeal = appeal_by_number(body["number"])
    assert (appeal.channel, appeal.applicant_name, appeal.applicant_phone, appeal.address) == (
        "api",
        "Rustamov Anvar",
        "+998901234567",
        "Qatortol ko'chasi 5",
    )
    assert appeal.registered_by_id == world.inspector.id
    assert appeal.access_code_hash == access_code_digest(appeal.number, body["access_code"])
    assert pending_names(appeal) == ["check_registration"]
    assert (appeal.suggested_category, appeal.suggested_confidence) == ("public_safety", body["category_confidence"])
    assert appeal.categoriser_version == 0  # the bundled model: no version published yet


def test_register_anonymous_appeal_without_a_name(api: Callable[[User], Api], world: World) -> None:
    body = {**APPEAL, "anonymous": True}
    del body["applicant_name"]

    response = api(world.inspector)("POST", "/appeals", json=body)

    assert response.status_code == 201
    assert appeal_by_number(response.get_json()["number"]).anonymous is True


def test_admin_registers_in_any_mahalla(api: Callable[[User], Api], world: World) -> None:
    response = api(world.admin)("POST", "/appeals", json={**APPEAL, "mahalla": "M3"})

    assert response.status_code == 201
    assert response.get_json()["mahalla"] == "M3"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"mahalla": "M1", "kind": ', "application/json"),
        ("not json at all", "application/json"),
        ("", "application/json"),
        ('{"mahalla": "M1"}', "text/plain"),
        ("mahalla=M1&kind=ariza", "application/x-www-form-urlencoded"),
    ],
    ids=["truncated", "garbage", "empty", "text-plain", "form-encoded"],
)
def test_register_with_a_malformed_body_is_400(
    api: Callable[[User], Api], world: World, body: str, content_type: str
) -> None:
    response = api(world.inspector)("POST", "/appeals", data=body, content_type=content_type)

    error_of(response, 400)
    assert appeal_count() == 0


@pytest.mark.parametrize("body", [[APPEAL], "just a string", 42, None], ids=["array", "string", "number", "null"])
def test_register_with_a_json_non_object_is_400(api: Callable[[User], Api], world: World, body: Any) -> None:
    response = api(world.inspector)("POST", "/appeals", data=json.dumps(body), content_type="application/json")

    error_of(response, 400)
    assert appeal_count() == 0


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in APPEAL.items() if k != key}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (without("text"), "text"),
        ({**APPEAL, "text": "Qisqa"}, "text"),
        ({**APPEAL, "text": "          x          "}, "text"),
        ({**APPEAL, "text": "x" * 10001}, "text"),
        ({**APPEAL, "text": 12345678901}, "text"),
        ({**APPEAL, "kind": "petition"}, "kind"),
        (without("kind"), "kind"),
        ({**APPEAL, "priority": "high"}, "priority"),
        ({**APPEAL, "applicant_phone": "call me"}, "applicant_phone"),
        (without("applicant_name"), "applicant_name"),
        ({**APPEAL, "applicant_name": "   "}, "applicant_name"),
        (without("mahalla"), "mahalla"),
        ({**APPEAL, "mahalla": "ZZ9"}, "mahalla"),
        ({**APPEAL, "mahalla": "M3"}, "mahalla"),
        ({**APPEAL, "mahalla": "M2"}, "mahalla"),
    ],
    ids=[
        "missing-text",
        "short-text",
        "blank-padded-text",
        "long-text",
        "text-not-string",
        "unknown-kind",
        "missing-kind",
        "unknown-member",
        "bad-phone",
        "missing-name",
        "blank-name",
        "missing-mahalla",
        "unknown-mahalla",
        "mahalla-other-district",
        "mahalla-not-served",
    ],
)
def test_register_with_invalid_fields_is_422(
    api: Callable[[User], Api], world: World, body: dict[str, Any], field: str
) -> None:
    response = api(world.inspector)("POST", "/appeals", json=body)

    fields = error_of(response, 422)["fields"]
    assert field in {f["field"] for f in fields}
    assert all(f["code"] and f["message"] for f in fields)
    assert appeal_count() == 0
    assert event_count() == 0


def test_methodologist_may_not_register(api: Callable[[User], Api], world: World) -> None:
    error_of(api(world.methodologist)("POST", "/appeals", json=APPEAL), 403)

    assert appeal_count() == 0


# --- reading appeals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("inspector", 200),
        ("supervisor", 200),
        ("region_supervisor", 200),
        ("admin", 200),
        ("inspector2", 404),
        ("foreign_inspector", 404),
        ("foreign_supervisor", 404),
        ("methodologist", 404),
    ],
)
def test_get_appeal_follows_territory(api: Callable[[User], Api], world: World, user: str, status: int) -> None:
    appeal = register(world)
    call = api(getattr(world, user))

    response = call("GET", f"/appeals/{appeal.number}")

    assert response.status_code == status
    if status == 200:
        body = response.get_json()
        AppealOut.model_validate(body)
        assert set(body) == APPEAL_KEYS
        assert (body["number"], body["mahalla"], body["status"], body["stage"], body["is_open"]) == (
            appeal.number,
            "M1",
            "registered",
            1,
            True,
        )
        assert body["deadline"] == appeal.deadline.isoformat()
    else:
        unknown = call("GET", "/appeals/2000-999999")
        assert response.get_json() == unknown.get_json()
        error_of(unknown, 404)


# --- the inbox -------------------------------------------------------------------------------


@pytest.fixture
def spread(world: World) -> dict[str, Any]:
    """Pending tasks across the territories and lanes."""
    m1 = register(world)
    m2 = register(world, mahalla=world.second_mahalla, actor=world.inspector2)
    m3 = register(world, mahalla=world.foreign_mahalla, actor=world.foreign_inspector)
    m1_supervised = register(world, anonymous=True, applicant_name="")
    m3_supervised = register(
        world, mahalla=world.foreign_mahalla, actor=world.foreign_inspector, anonymous=True, applicant_name=""
    )
    return {
        "m1": drive_to(world, m1, "check_registration").id,
        "m2": drive_to(world, m2, "check_registration").id,
        "m3": drive_to(world, m3, "check_registration").id,
        "m1_supervisor": drive_to(world, m1_supervised, "approve_conclusion").id,
        "m3_supervisor": drive_to(world, m3_supervised, "approve_conclusion").id,
    }


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("inspector", {"m1"}),
        ("inspector2", {"m2"}),
        ("foreign_inspector", {"m3"}),
        ("supervisor", {"m1_supervisor"}),
        ("foreign_supervisor", {"m3_supervisor"}),
        ("region_supervisor", {"m1_supervisor", "m3_supervisor"}),
        ("admin", set()),
        ("methodologist", set()),
    ],
)
def test_task_list_holds_only_the_callers_tasks(
    api: Callable[[User], Api], world: World, spread: dict[str, Any], user: str, expected: set[str]
) -> None:
    response = api(getattr(world, user))("GET", "/tasks")

    assert response.status_code == 200
    body = response.get_json()
    TaskList.model_validate(body)
    assert {t["id"] for t in body["tasks"]} == {spread[name] for name in expected}


def test_task_list_describes_the_form(api: Callable[[User], Api], world: World) -> None:
    appeal = register(world)
    [pending] = pending_tasks(appeal)

    body = api(world.inspector)("GET", "/tasks").get_json()

    [task] = body["tasks"]
    assert {k: task[k] for k in ("id", "appeal_number", "name", "role", "mahalla", "due")} == {
        "id": pending.id,
        "appeal_number": appeal.number,
        "name": "check_registration",
        "role": "inspector",
        "mahalla": "M1",
        "due": (appeal.registered_on + dt.timedelta(days=1)).isoformat(),  # the diagram's norm P1D
    }
    assert task["title"]
    fields = {f["id"]: f for f in task["form"]["fields"]}
    assert list(fields) == ["kind", "category", "urgency", "anonymous", "within_competence", "registration_note"]
    assert {i: f["type"] for i, f in fields.items()} == {
        "kind": "enum",
        "category": "enum",
        "urgency": "enum",
        "anonymous": "boolean",
        "within_competence": "boolean",
        "registration_note": "string",
    }
    assert {i for i, f in fields.items() if f["required"]} == {"kind", "category", "urgency"}
    assert all(isinstance(f["label"], str) and f["label"] for f in fields.values())
    assert [o["id"] for o in fields["kind"]["options"]] == ["ariza", "taklif", "shikoyat"]
    assert [o["id"] for o in fields["urgency"]["options"]] == ["normal", "urgent"]
    assert all(set(o) == {"id", "label"} and o["label"] for o in fields["category"]["options"])
    assert fields["anonymous"]["options"] == []
    assert fields["within_competence"]["default"] is True
    assert fields["registration_note"]["maxlength"] == 1000


def test_task_list_shows_long_ranges(api: Callable[[User], Api], world: World) -> None:
    drive_to(world, register(world), "evaluate_effectiveness")

    [task] = api(world.supervisor)("GET", "/tasks").get_json()["tasks"]

    score = next(f for f in task["form"]["fields"] if f["id"] == "effectiveness_score")
    assert (score["type"], score["required"], score["min"], score["max"]) == ("long", True, 1, 5)


# --- completing tasks ------------------------------------------------------------------------


def test_complete_task(api: Callable[[User], Api], world: World) -> None:
    appeal = register(world)
    [pending] = pending_tasks(appeal)
    call = api(world.inspector)

    response = call("POST", f"/tasks/{pending.id}/complete", json=answers("check_registration"))

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    CompletedOut.model_validate(body)
    assert body["task_id"] == pending.id
    assert (body["appeal"]["number"], body["appeal"]["status"], body["appeal"]["stage"]) == (
        appeal.number,
        "under_review",
        2,
    )
    assert pending_names(appeal) == ["analyse_appeal"]
    listed = call("GET", "/tasks").get_json()["tasks"]
    assert [(t["appeal_number"], t["name"]) for t in listed] == [(appeal.number, "analyse_appeal")]


def test_completion_answers_the_callers_next_tasks_of_the_case_when_asked(
    api: Callable[[User], Api], world: World
) -> None:
    appeal, other = register(world), register(world)
    [pending] = pending_tasks(appeal)
    call = api(world.inspector)

    response = call("POST", f"/tasks/{pending.id}/complete?include=next_tasks", json=answers("check_registration"))

    assert response.status_code == 200, response.get_data(as_text=True)
    body = CompletedOut.model_validate(response.get_json())
    assert [t.name for t in body.next_tasks or []] == ["analyse_appeal"]  # not the other appeal's task
    listed = call("GET", f"/tasks?appeal={appeal.number}").get_json()["tasks"]
    assert response.get_json()["next_tasks"] == listed  # the same tasks, forms and all, as the list
    assert other.number not in {t["appeal_number"] for t in response.get_json()["next_tasks"]}
    assert (
        "next_tasks"
        not in call("POST", f"/tasks/{listed[0]['id']}/complete", json=answers("analyse_appeal")).get_json()
    )  # only when asked


def test_next_tasks_are_empty_when_the_case_waits_for_someone_else(api: Callable[[User], Api], world: World) -> None:
    appeal = register(world)
    pending = drive_to(world, appeal, "prepare_reply", {"check_registration": {"kind": "shikoyat"}})

    response = api(world.inspector)(
        "POST", f"/tasks/{pending.id}/complete?include=next_tasks", json=answers("prepare_reply")
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["next_tasks"] == []  # a complaint's reply is approved by the supervisor
    assert pending_names(appeal) == ["approve_reply"]


def test_an_unknown_include_is_400_naming_it_and_completes_nothing(api: Callable[[User], Api], world: World) -> None:
    appeal = register(world)
    [pending] = pending_tasks(appeal)

    response = api(world.inspector)(
        "POST", f"/tasks/{pending.id}/complete?include=everything", json=answers("check_registration")
    )

    assert {f["field"] for f in error_of(response, 400)["fields"]} == {"include"}
    assert pending_names(appeal) == ["check_registration"]


def test_complete_supervisor_task(api: Callable[[User], Api], world: World) -> None:
    appeal = register(world, anonymous=True, applicant_name="")
    pending = drive_to(world, appeal, "approve_conclusion")

    response = api(world.region_supervisor)("POST", f"/tasks/{pending.id}/complete", json={"conclusion_approved": True})

    assert response.status_code == 200
    assert (response.get_json()["appeal"]["status"], response.get_json()["appeal"]["is_open"]) == ("rejected", False)


@pytest.mark.parametrize(
    ("task_name", "changes", "expected"),
    [
        ("check_registration", {"kind": "petition"}, {"kind": "not_a_choice"}),
        ("check_registration", {"kind": None, "category": ""}, {"kind": "required", "category": "required"}),
        ("check_registration", {"anonymous": "maybe"}, {"anonymous": "not_boolean"}),
        ("check_registration", {"registration_note": 42}, {"registration_note": "not_text"}),
        ("check_registration", {"registration_note": "x" * 1001}, {"registration_note": "too_long"}),
        ("check_registration", {"priority": "high"}, {"priority": "unknown_field"}),
        ("analyse_appeal", {"causes": "qisqa"}, {"causes": "too_short"}),
        ("evaluate_effectiveness", {"effectiveness_score": 9}, {"effectiveness_score": "too_large"}),
        ("evaluate_effectiveness", {"effectiveness_score": 0}, {"effectiveness_score": "too_small"}),
        ("evaluate_effectiveness", {"effectiveness_score": "4.5"}, {"effectiveness_score": "not_integer"}),
        ("evaluate_effectiveness", {"effectiveness_score": True}, {"effectiveness_score": "not_integer"}),
        ("record_result", {"reply_date": "15.01.2026"}, {"reply_date": "not_date"}),
        ("record_result", {"reply_date": "2026-02-30"}, {"reply_date": "not_date"}),
    ],
    ids=[
        "not-a-choice",
        "missing-required",
        "not-boolean",
        "not-text",
        "too-long",
        "unknown-field",
        "too-short",
        "too-large",
        "too-small",
        "not-integer",
        "bool-as-integer",
        "date-format",
        "impossible-date",
    ],
)
def test_complete_with_invalid_data_is_422_and_changes_nothing(
    api: Callable[[User], Api], world: World, task_name: str, changes: dict[str, Any], expected: dict[str, str]
) -> None:
    appeal = register(world)
    pending = drive_to(world, appeal, task_name)
    before = case_state(appeal)
    call = api(world.supervisor if task_name == "evaluate_effectiveness" else world.inspector)

    response = call("POST", f"/tasks/{pending.id}/complete", json=answers(task_name, **changes))

    fields = error_of(response, 422)["fields"]
    assert {f["field"]: f["code"] for f in fields} == expected
    assert all(f["message"] for f in fields)
    assert case_state(appeal) == before


def test_completing_twice_is_409(api: Callable[[User], Api], world: World) -> None:
    appeal = register(world)
    [pending] = pending_tasks(appeal)
    task_id = pending.id
    call = api(world.inspector)
    assert call("POST", f"/tasks/{task_id}/complete", json=answers("check_registration")).status_code == 200
    after_first = case_state(appeal)

    response = call("POST", f"/tasks/{task_id}/complete", json=answers("check_registration"))

    error_of(response, 409)
    assert case_state(appeal) == after_first


@pytest.mark.parametrize(
    ("user", "lane"),
    [
        ("foreign_inspector", "inspector"),
        ("inspector2", "inspector"),
        ("supervisor", "inspector"),
        ("inspector", "supervisor"),
        ("foreign_supervisor", "supervisor"),
        ("admin", "inspector"),
        ("methodologist", "inspector"),
    ],
)
def test_complete_a_task_of_another_territory_or_role_is_404(
    api: Callable[[User], Api], world: World, user: str, lane: str
) -> None:
    appeal = register(world, anonymous=True, applicant_name="")
    pending = drive_to(world, appeal, "check_registration" if lane == "inspector" else "approve_conclusion")
    before = case_state(appeal)
    data = answers(pending.name)

    response = api(getattr(world, user))("POST", f"/tasks/{pending.id}/complete", json=data)

    error_of(response, 404)
    assert case_state(appeal) == before


def test_completed_task_of_another_territory_is_404_not_409(api: Callable[[User], Api], world: World) -> None:
    appeal = register(world)
    [pending] = pending_tasks(appeal)
    drive_to(world, appeal, "analyse_appeal")

    error_of(
        api(world.foreign_inspector)("POST", f"/tasks/{pending.id}/complete", json=answers("check_registration")), 404
    )


@pytest.mark.parametrize(
    "task_id", [UNKNOWN_TASK_ID, "x" * 37, "a" * 2000], ids=["unknown-uuid", "37-chars", "very-long"]
)
def test_complete_an_unknown_task_is_404(api: Callable[[User], Api], world: World, task_id: str) -> None:
    error_of(api(world.inspector)("POST", f"/tasks/{task_id}/complete", json={}), 404)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [('{"kind": "ariza",', "application/json"), ("[1, 2]", "application/json"), ("kind=ariza", "text/plain")],
    ids=["truncated", "array", "not-json"],
)
def test_complete_with_a_malformed_body_is_400(
    api: Callable[[User], Api], world: World, body: str, content_type: str
) -> None:
    appeal = register(world)
    [pending] = pending_tasks(appeal)
    before = case_state(appeal)

    response = api(world.inspector)("POST", f"/tasks/{pending.id}/complete", data=body, content_type=content_type)

    error_of(response, 400)
    assert case_state(appeal) == before


# --- OpenAPI ---------------------------------------------------------------------------------


def resolve_refs(node: Any, document: dict[str, Any], seen: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                assert isinstance(value, str) and value.startswith("#/"), value
                target: Any = document
                for part in value[2:].split("/"):
                    assert isinstance(target, dict) and part in target, f"unresolved $ref {value}"
                    target = target[part]
                seen.append(value)
            else:
                resolve_refs(value, document, seen)
    elif isinstance(node, list):
        for item in node:
            resolve_refs(item, document, seen)


def test_openapi_document(app: Flask, client: FlaskClient, world: World) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]

    expected: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z_]+:)?(\w+)>", r"{\1}", rule.rule)
            expected.setdefault(path, set()).update(m.lower() for m in (rule.methods or set()) - {"HEAD", "OPTIONS"})
    known = {
        "/api/v1/openapi.json": {"get"},
        "/api/v1/appeals": {"get", "post"},
        "/api/v1/appeals/{number}": {"get"},
        "/api/v1/tasks": {"get"},
        "/api/v1/tasks/{task_id}/complete": {"post"},
    }
    assert {path: expected.get(path) for path in known} == known
    assert {path: set(ops) for path, ops in document["paths"].items()} == expected

    seen: list[str] = []
    resolve_refs(document, document, seen)
    assert {
        "#/components/schemas/AppealIn",
        "#/components/schemas/AppealOut",
        "#/components/schemas/ErrorOut",
        "#/components/schemas/TaskList",
        "#/components/schemas/CompletedOut",
    } <= set(seen)

    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    operation_ids = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            operation_ids.append(operation["operationId"])
            assert operation["responses"], (path, method)
            for parameter in re.findall(r"{(\w+)}", path):
                assert {"name": parameter, "in": "path", "required": True, "schema": {"type": "string"}} in operation[
                    "parameters"
                ]
            if path == "/api/v1/openapi.json" or path.startswith("/api/v1/public/"):
                assert "security" not in operation
            else:
                assert operation["security"] == [{"bearerAuth": []}], (path, method)
    assert len(operation_ids) == len(set(operation_ids))
    create = document["paths"]["/api/v1/appeals"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/AppealIn"}
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RegisteredAppealOut"
    }
    assert set(document["components"]["schemas"]["AppealIn"]["required"]) == {"text", "mahalla", "kind"}


@pytest.mark.parametrize(
    ("method", "path", "status"), [("GET", "/nothing-here", 404), ("PUT", "/appeals", 405), ("DELETE", "/tasks", 405)]
)
def test_api_errors_are_json(api: Callable[[User], Api], world: World, method: str, path: str, status: int) -> None:
    error_of(api(world.inspector)(method, path), status)


def test_openapi_document_needs_no_token_even_with_a_bad_one(client: FlaskClient, world: World) -> None:
    response = client.get("/api/v1/openapi.json", headers={"Authorization": "Bearer nonsense"})

    assert response.status_code == 200
    assert response.get_json()["openapi"] == "3.1.0"


def test_task_list_of_one_appeal(api: Callable[[User], Api], world: World) -> None:
    first, second = register(world), register(world)
    [pending] = pending_tasks(second)
    call = api(world.inspector)

    body = call("GET", f"/tasks?appeal={second.number}").get_json()

    assert [t["id"] for t in body["tasks"]] == [pending.id]
    assert len(call("GET", "/tasks").get_json()["tasks"]) == 2
    assert call("GET", f"/tasks?appeal={first.number}x").get_json()["tasks"] == []
    assert api(world.foreign_inspector)("GET", f"/tasks?appeal={second.number}").get_json()["tasks"] == []
