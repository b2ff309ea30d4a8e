"""The case runtime's refusals (Conflict, CaseNotRunning, TaskNotReady, StepFailed) become answers in
one place, webapp/errors.py: pages flash the translated message and go back, the API answers JSON
naming the problem. The views only say where a page goes back to (on_case_refusal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import EngineStepFailed, TaskNotReady
from tests.conftest import World, csrf_token
from tests.webapp.cases import answers, browser_form, register, the_task
from webapp import create_app
from webapp.cases.instances import CaseNotRunning, Conflict, StepFailed
from webapp.casework.appeals.runtime import complete_task
from webapp.errors import on_case_refusal
from webapp.extensions import db
from webapp.platform.auth.models import User

Api = Callable[..., Any]

FAILURE = EngineStepFailed("mark_accepted", "script.undefined_name", {"line": 2, "name": "needed_value"})


def _flashes(client: FlaskClient) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.pop("_flashes", []))  # read once, as a page shows them


def _speaking(client: FlaskClient, language: str) -> FlaskClient:
    with client.session_transaction() as session:
        session["lang"] = language
    return client


@pytest.fixture(scope="module")
def refusing_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app of its own whose views run into the runtime's real exceptions (the shared app has
    served requests, so it takes no new routes)."""
    database = tmp_path_factory.mktemp("refusals") / "app.db"
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        }
    )
    refusals: dict[str, Callable[[], Exception]] = {
        "conflict": lambda: Conflict("the task was already completed"),
        "not-ready": lambda: TaskNotReady("t-1"),
        "suspended": lambda: CaseNotRunning("suspended"),
        "cancelled": lambda: CaseNotRunning("cancelled"),
        "step": lambda: StepFailed(FAILURE),
    }

    def refuse(kind: str, back: str | None, what: str | None, starts: bool) -> Any:
        if back is not None or starts:
            on_case_refusal(back, what=what, starts=starts)
        raise refusals[kind]()

    @application.route("/cases/<kind>", methods=["GET", "POST"])
    def page_without_back(kind: str) -> Any:
        return refuse(kind, None, None, False)

    @application.route("/cases/<kind>/back", methods=["POST"])
    def page_with_back(kind: str) -> Any:
        return refuse(kind, "/appeals/2026-000001", "case", False)

    @application.route("/cases/<kind>/start", methods=["POST"])
    def page_starting(kind: str) -> Any:
        return refuse(kind, "/appeals/new", None, True)

    @application.route("/api/v1/cases/<kind>", methods=["POST"])
    def api(kind: str) -> Any:
        return refuse(kind, None, None, False)

    @application.route("/api/v1/cases/<kind>/start", methods=["POST"])
    def api_starting(kind: str) -> Any:
        return refuse(kind, None, None, True)

    @application.route("/open311/v2/cases/<kind>.json", methods=["POST"])
    def open311(kind: str) -> Any:
        return refuse(kind, None, None, True)

    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def refusing(refusing_app: Flask) -> FlaskClient:
    return _speaking(refusing_app.test_client(), "en")


# --- pages: a flash in the user's language and a redirect ----------------------------------------


def test_a_changed_case_goes_back_to_the_case_page_saying_so(refusing: FlaskClient) -> None:
    for kind in ("conflict", "not-ready"):
        response = refusing.post(f"/cases/{kind}/back")
        assert response.status_code == 302
        assert response.headers["Location"] == "/appeals/2026-000001"
        assert _flashes(refusing) == [
            ("warning", "Someone else completed or changed this case meanwhile. Here is its current state.")
        ]


def test_the_page_message_is_in_the_users_language(refusing: FlaskClient) -> None:
    response = _speaking(refusing, "ru").post("/cases/conflict/back")
    assert response.status_code == 302
    [(category, message)] = _flashes(refusing)
    assert category == "warning"
    assert message.startswith("Тем временем другой сотрудник выполнил задачу по этому делу или изменил его.")


def test_a_stopped_case_says_whether_it_is_suspended_or_cancelled(refusing: FlaskClient) -> None:
    refusing.post("/cases/suspended/back")
    assert _flashes(refusing) == [
        ("warning", "This case is suspended: its tasks cannot be completed until a supervisor resumes it.")
    ]
    refusing.post("/cases/cancelled/back")
    assert _flashes(refusing) == [("warning", "This case was cancelled: its tasks can no longer be completed.")]


def test_a_failed_step_says_the_case_stopped_at_an_error_and_was_reported(refusing: FlaskClient) -> None:
    response = refusing.post("/cases/step/back")
    assert response.status_code == 302 and response.headers["Location"] == "/appeals/2026-000001"
    assert _flashes(refusing) == [
        (
            "danger",
            "The case stopped at an error after this step (mark_accepted): Line 2: the name needed_value is not "
            "defined. Nothing of this step was saved; the error was reported to the methodologists.",
        )
    ]


def test_a_failed_step_in_russian(refusing: FlaskClient) -> None:
    _speaking(refusing, "ru").post("/cases/step/back")
    [(category, message)] = _flashes(refusing)
    assert category == "danger"
    assert message.startswith("Дело остановлено на ошибке после этого шага (mark_accepted): ")
    assert "Строка 2: имя needed_value не определено." in message
    assert "сообщено методистам" in message


def test_a_case_that_could_not_start_saved_nothing(refusing: FlaskClient) -> None:
    response = refusing.post("/cases/step/start")
    assert response.status_code == 302 and response.headers["Location"] == "/appeals/new"
    assert _flashes(refusing) == [("danger", "The procedure could not start; nothing was saved.")]


def test_without_a_page_to_go_back_to_the_referring_page_of_the_site_is_used(refusing: FlaskClient) -> None:
    response = refusing.post("/cases/conflict", headers={"Referer": "http://localhost/tasks/t-1"})
    assert response.status_code == 302 and response.headers["Location"] == "http://localhost/tasks/t-1"
    assert _flashes(refusing) == [
        ("warning", "The task was completed or the case changed meanwhile. Reload and try again.")
    ]


def test_an_outside_referrer_is_never_followed_the_error_page_answers(refusing: FlaskClient) -> None:
    response = refusing.post("/cases/conflict", headers={"Referer": "https://evil.example/x"})
    assert response.status_code == 409
    assert "The task was completed or the case changed meanwhile." in response.get_data(as_text=True)
    step = refusing.get("/cases/step")
    assert step.status_code == 503
    assert "reported to the methodologists" in step.get_data(as_text=True)


# --- the API: JSON naming the problem, with its status ---------------------------------------------


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    body = response.get_json()["error"]
    assert body["status"] == status
    return dict(body)


def test_the_api_answers_409_for_a_changed_or_stopped_case(refusing: FlaskClient) -> None:
    for kind in ("conflict", "not-ready"):
        body = _error(refusing.post(f"/api/v1/cases/{kind}"), 409)
        assert body["message"] == "The task was completed or the case changed meanwhile. Reload and try again."
        assert body["fields"] == []
    body = _error(refusing.post("/api/v1/cases/suspended"), 409)
    assert body["message"] == "This case is suspended: its tasks cannot be completed until a supervisor resumes it."


def test_the_api_answers_503_naming_the_failed_step(refusing_app: Flask, refusing: FlaskClient) -> None:
    client = refusing_app.test_client()  # an API client says its language in Accept-Language
    body = _error(client.post("/api/v1/cases/step", headers={"Accept-Language": "ru"}), 503)
    assert body["message"].startswith("Дело остановлено на ошибке")
    assert body["fields"] == [
        {"field": "", "code": "engine_step_failed", "message": "Строка 2: имя needed_value не определено."}
    ]
    start = _error(refusing.post("/api/v1/cases/step/start"), 503)
    assert start["message"] == "The procedure could not start; nothing was saved."
    assert start["fields"][0]["code"] == "engine_step_failed"


def test_open311_clients_get_the_georeport_error_list(refusing: FlaskClient) -> None:
    response = refusing.post("/open311/v2/cases/step.json")
    assert response.status_code == 503
    assert response.get_json() == [{"code": 503, "description": "The procedure could not start; nothing was saved."}]


# --- the real task page and API --------------------------------------------------------------------


def test_posting_an_already_completed_task_page_says_so_in_russian(
    world: World, as_user: Callable[[User], FlaskClient]
) -> None:
    appeal = register(world)
    task = the_task(appeal, "check_registration")
    world.inspector.language = "ru"
    db.session.commit()
    client = as_user(world.inspector)
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    complete_task(task, world.inspector, answers("check_registration"))  # someone else was quicker
    posted = client.post(
        f"/tasks/{task.id}", data={"csrf_token": csrf_token(page), **browser_form(answers("check_registration"))}
    )
    assert posted.status_code == 302
    assert posted.headers["Location"].endswith(f"/appeals/{appeal.number}")
    [(category, message)] = _flashes(client)
    assert (category, message) == ("warning", "Эта задача уже выполнена.")


def test_the_api_names_a_task_completed_twice(world: World, bearer_api: Callable[[User], Api]) -> None:
    appeal = register(world)
    task = the_task(appeal, "check_registration")
    call = bearer_api(world.inspector)
    assert call("POST", f"/tasks/{task.id}/complete", json=answers("check_registration")).status_code == 200
    again = call("POST", f"/tasks/{task.id}/complete", json=answers("check_registration"))
    body = _error(again, 409)
    assert body["message"] == "This task has already been completed."
