"""Guessing passwords (the administration issue's throttling, attacked): spraying one password over many
accounts, and hiding behind a forged X-Forwarded-For, both end in the address lockout."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, World, csrf_token, submit_form

pytestmark = pytest.mark.attack


def _sign_in(client: FlaskClient, username: str, password: str, forwarded: str = "") -> int:
    page = client.get("/login")
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    data = {"csrf_token": token, "username": username, "password": password}
    return client.post("/login", data=data, headers=headers).status_code


def test_spraying_one_password_over_many_accounts_locks_the_address(client: FlaskClient, world: World) -> None:
    answers = [submit_form(client, "/login", {"username": f"user{n}", "password": "Parol123"}) for n in range(30)]
    assert all(answer.status_code == 200 for answer in answers)  # refused, never a crash or a redirect
    assert (
        submit_form(client, "/login", {"username": world.inspector.username, "password": PASSWORD}).status_code == 200
    )


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client: FlaskClient, world: World) -> None:
    for n in range(12):
        assert _sign_in(client, world.inspector2.username, "wrong", forwarded=f"10.0.0.{n}") == 200
    assert _sign_in(client, world.inspector2.username, PASSWORD, forwarded="10.9.9.9") == 200  # still locked
