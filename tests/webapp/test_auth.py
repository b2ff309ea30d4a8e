"""Logging in and out, CSRF on the auth forms, safe redirects and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, World, csrf_token, login, submit_form
from tests.webapp.cases import controls, feedback_count, html_lang, invalid_fields, parse, path_of
from webapp.extensions import db
from webapp.platform.auth.models import User


def logged_in_user_id(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        value = session.get("_user_id")
    return None if value is None else str(value)


def test_login_page_renders_the_form(client: FlaskClient, world: World) -> None:
    response = client.get("/login")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    fields = controls(html)
    assert set(fields) == {"username", "password"}
    assert fields["username"].get("type") == "text"
    assert fields["password"].get("type") == "password"
    assert csrf_token(html)
    assert html_lang(html) == "uz"
    assert invalid_fields(html) == set()


@pytest.mark.parametrize(
    ("username", "password"),
    [("inspector1", "wrong-password"), ("nobody", PASSWORD), ("inspector1", "")],
    ids=["wrong-password", "unknown-user", "empty-password"],
)
def test_failed_login_shows_an_inline_error_and_starts_no_session(
    client: FlaskClient, world: World, username: str, password: str
) -> None:
    response = submit_form(client, "/login", {"username": username, "password": password})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert invalid_fields(html) == {"password"}
    assert feedback_count(html) == 1
    assert logged_in_user_id(client) is None
    assert path_of(client.get("/tasks").location).startswith("/login")


def test_right_password_logs_in_and_redirects_to_the_inbox(client: FlaskClient, world: World) -> None:
    response = submit_form(client, "/login", {"username": "inspector1", "password": PASSWORD})

    assert response.status_code == 302
    assert path_of(response.location) == "/tasks"
    assert logged_in_user_id(client) == str(world.inspector.id)
    assert client.get("/tasks").status_code == 200


def test_username_is_matched_case_insensitively(client: FlaskClient, world: World) -> None:
    response = submit_form(client, "/login", {"username": "  Inspector1 ", "password": PASSWORD})

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(world.inspector.id)


def test_logged_in_user_visiting_login_goes_to_the_inbox(client: FlaskClient, world: World) -> None:
    login(client, "inspector1")

    response = client.get("/login")

    assert response.status_code == 302
    assert path_of(response.location) == "/tasks"


def test_login_without_csrf_token_is_refused(client: FlaskClient, world: World) -> None:
    client.get("/login")

    response = client.post("/login", data={"username": "inspector1", "password": PASSWORD})

    assert response.status_code == 400
    assert logged_in_user_id(client) is None


def test_logout_is_post_only(client: FlaskClient, world: World) -> None:
    login(client, "inspector1")

    response = client.get("/logout")

    assert response.status_code == 405
    assert logged_in_user_id(client) == str(world.inspector.id)
    assert client.get("/tasks").status_code == 200


def test_logout_with_csrf_ends_the_session(client: FlaskClient, world: World) -> None:
    login(client, "inspector1")
    token = csrf_token(client.get("/tasks").get_data(as_text=True))

    response = client.post("/logout", data={"csrf_token": token})

    assert response.status_code == 302
    assert path_of(response.location) == "/login"
    assert logged_in_user_id(client) is None
    assert path_of(client.get("/tasks").location).startswith("/login")


def test_logout_without_csrf_token_changes_nothing(client: FlaskClient, world: World) -> None:
    login(client, "inspector1")

    response = client.post("/logout", data={})

    assert response.status_code == 400
    assert logged_in_user_id(client) == str(world.inspector.id)
    assert client.get("/tasks").status_code == 200


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "//evil.example/tasks", "https://evil.example/", "http:evil.example", "evil.example"],
)
def test_login_never_redirects_off_site(client: FlaskClient, world: World, target: str) -> None:
    response = submit_form(
        client, f"/login?next={target}", {"username": "inspector1", "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert path_of(response.location) == "/tasks"


def test_login_backslash_next_stays_on_site(client: FlaskClient, world: World) -> None:
    response = submit_form(
        client, "/login", {"username": "inspector1", "password": PASSWORD, "next": "/\\evil.example"}
    )

    assert response.status_code == 302
    location = response.location
    assert not location.startswith(("//", "/\\"))
    assert urlsplit(location).netloc in ("", "localhost")


def test_login_follows_a_local_next(client: FlaskClient, world: World) -> None:
    page = client.get("/login?next=/appeals").get_data(as_text=True)
    hidden_next = [e.get("value") for e in parse(page) if e.tag == "input" and e.get("id") == "next"]
    assert hidden_next == ["/appeals"]

    response = submit_form(
        client, "/login?next=/appeals", {"username": "inspector1", "password": PASSWORD, "next": "/appeals"}
    )

    assert response.status_code == 302
    assert path_of(response.location) == "/appeals"


def test_anonymous_language_switch_changes_the_page_language(client: FlaskClient, world: World) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))

    response = client.post("/language", data={"csrf_token": token, "language": "ru", "next": "/login"})

    assert response.status_code == 302
    assert path_of(response.location) == "/login"
    assert html_lang(client.get("/login").get_data(as_text=True)) == "ru"


def test_logged_in_language_switch_is_remembered_on_the_user(client: FlaskClient, world: World) -> None:
    login(client, "inspector1")
    token = csrf_token(client.get("/tasks").get_data(as_text=True))

    response = client.post("/language", data={"csrf_token": token, "language": "ru", "next": "/appeals"})

    assert response.status_code == 302
    assert path_of(response.location) == "/appeals"
    assert html_lang(client.get("/tasks").get_data(as_text=True)) == "ru"
    db.session.expire_all()
    user = db.session.get(User, world.inspector.id)
    assert user is not None and user.language == "ru"


@pytest.mark.parametrize("language", ["xx", "", "de"])
def test_unknown_language_is_ignored(client: FlaskClient, world: World, language: str) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))

    response = client.post("/language", data={"csrf_token": token, "language": language, "next": "/login"})

    assert response.status_code == 302
    assert html_lang(client.get("/login").get_data(as_text=True)) == "uz"


def test_language_switch_without_csrf_is_refused(client: FlaskClient, world: World) -> None:
    client.get("/login")

    response = client.post("/language", data={"language": "ru", "next": "/login"})

    assert response.status_code == 400
    assert html_lang(client.get("/login").get_data(as_text=True)) == "uz"


def test_language_switch_redirect_stays_on_site(client: FlaskClient, world: World) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))

    response = client.post("/language", data={"csrf_token": token, "language": "en", "next": "//evil.example"})

    assert response.status_code == 302
    assert path_of(response.location) == "/tasks"


def test_language_chosen_before_login_survives_login(client: FlaskClient, world: World) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/language", data={"csrf_token": token, "language": "ru", "next": "/login"})
    assert html_lang(client.get("/login").get_data(as_text=True)) == "ru"

    login(client, "inspector1")

    assert html_lang(client.get("/tasks").get_data(as_text=True)) == "ru"


def test_inactive_user_cannot_log_in(client: FlaskClient, world: World) -> None:
    world.inspector.active = False
    db.session.commit()

    response = submit_form(client, "/login", {"username": "inspector1", "password": PASSWORD})

    assert response.status_code == 200
    assert invalid_fields(response.get_data(as_text=True)) == {"password"}
    assert logged_in_user_id(client) is None


def test_deactivated_user_loses_an_existing_session(client: FlaskClient, world: World) -> None:
    login(client, "inspector1")
    assert client.get("/tasks").status_code == 200

    world.inspector.active = False
    db.session.commit()

    response = client.get("/tasks")
    assert response.status_code == 302
    assert path_of(response.location).startswith("/login")
