"""Single sign-on against a real OpenID Connect provider started by the test (the PyPI package
oidc-provider-mock: an Authlib-based provider served by uvicorn over HTTP on 127.0.0.1, with
discovery, JWKS, a sign-in form, signed ID tokens and a token endpoint). Nothing of ours is mocked."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World
from webapp.extensions import db
from webapp.platform.audit.models import AuditEntry

USERS = [
    {"sub": "u-1", "preferred_username": "inspector1", "email": "i1@example.uz"},
    {"sub": "u-2", "preferred_username": "stranger"},
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    """The provider in a process of its own (its Authlib warnings stay there), ready when its
    discovery document answers."""
    port = free_port()
    command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for user in USERS:
        command += ["--user-claims", json.dumps(user)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                if requests.get(f"{url}/.well-known/openid-configuration", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("the OpenID Connect provider did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def provider(app: Flask, issuer: str) -> Iterator[str]:
    app.config.update(OIDC_ISSUER=issuer, OIDC_CLIENT_ID="mahalla", OIDC_CLIENT_SECRET="s3cret")
    try:
        yield issuer
    finally:
        app.config.update(OIDC_ISSUER="", OIDC_CLIENT_ID="", OIDC_CLIENT_SECRET="")


def sign_in_at_provider(client: FlaskClient, subject: str) -> str:
    """Follow our redirect to the provider, choose the user there, return our callback URL."""
    start = client.get("/login/sso")
    assert start.status_code == 302
    authorize_url = start.location
    assert requests.get(authorize_url, timeout=10).status_code == 200  # the provider's sign-in form
    answer = requests.post(authorize_url, data={"sub": subject}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    return answer.headers["Location"]


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.path == "/login/sso/callback" and "code" in parse_qs(parts.query)
    return f"{parts.path}?{parts.query}"


def test_a_provider_user_mapped_to_a_local_user_signs_in(client: FlaskClient, world: World, provider: str) -> None:
    assert "sso-login" in client.get("/login").get_data(as_text=True)

    response = client.get(callback_path(sign_in_at_provider(client, "u-1")))

    assert response.status_code == 302 and response.location.endswith("/tasks")
    assert client.get("/tasks").status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login_sso_succeeded"))
    assert entry is not None and entry.actor_id == world.inspector.id


def test_an_unknown_or_deactivated_user_is_refused(client: FlaskClient, world: World, provider: str) -> None:
    refused = client.get(callback_path(sign_in_at_provider(client, "u-2")))
    assert refused.status_code == 302 and "/login" in refused.location
    assert client.get("/tasks").status_code == 302

    world.inspector.active = False
    db.session.commit()
    again = client.get(callback_path(sign_in_at_provider(client, "u-1")))
    assert "/login" in again.location
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("login_sso%"))))
    assert actions == ["login_sso_refused", "login_sso_refused"]


def test_a_forged_callback_is_refused(client: FlaskClient, world: World, provider: str) -> None:
    client.get("/login/sso")
    forged = client.get("/login/sso/callback?code=made-up&state=made-up")
    assert forged.status_code == 302 and "/login" in forged.location
    assert client.get("/tasks").status_code == 302


def test_sso_is_off_without_an_issuer(client: FlaskClient, world: World) -> None:
    assert client.get("/login/sso").status_code == 404
    assert "sso-login" not in client.get("/login").get_data(as_text=True)


def test_an_admin_links_a_person_to_a_provider_identity(client: FlaskClient, world: World, provider: str) -> None:
    from tests.conftest import csrf_token

    admin = client.application.test_client()
    with admin.session_transaction() as session:
        session["_user_id"] = str(world.admin.id)
    url = f"/people/{world.inspector2.id}"
    page = admin.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "username": "inspector2", "full_name": "Inspector2", "role": "inspector"}
    saved = admin.post(url, data={**data, "mahallas": [world.second_mahalla.id], "sso_subject": "stranger"})
    assert saved.status_code == 302
    response = client.get(callback_path(sign_in_at_provider(client, "u-2")))  # preferred_username "stranger"
    assert response.status_code == 302 and response.location.endswith("/tasks")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login_sso_succeeded"))
    assert entry is not None and entry.actor_id == world.inspector2.id
