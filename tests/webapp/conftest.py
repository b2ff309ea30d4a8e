"""Web test harness fix-up: give every request a fresh ``flask.g``, as in production.

The session-wide ``app_context`` fixture keeps an app context pushed during each test, so the
test client's requests reuse it instead of pushing their own, and ``g`` leaks from one request
to the next: Flask-Login's cached user (``g._login_user``), Flask-WTF's CSRF token
(``g.csrf_token``, then signed for a session that login has since cleared) and Flask-Babel's
cached locale (``g._flask_babel``). Clearing ``g`` when each request starts restores the
one-request-one-``g`` behaviour the app is written for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask, g, request_started
from flask.testing import FlaskClient

from tests.conftest import World
from webapp.platform.auth.models import User
from webapp.platform.auth.service import issue_token


def _fresh_g(sender: Flask, **_extra: Any) -> None:
    for name in list(g):
        g.pop(name, None)


@pytest.fixture(autouse=True)
def fresh_g_per_request(app: Flask) -> Iterator[None]:
    request_started.connect(_fresh_g, app)
    yield
    request_started.disconnect(_fresh_g, app)


@pytest.fixture
def as_user(app: Flask, world: World) -> Callable[[User], FlaskClient]:
    """A new client already logged in as the user (the session Flask-Login writes, without the
    deliberately slow password check; tests/webapp/test_auth.py covers the real log-in form)."""

    def _as_user(user: User) -> FlaskClient:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return client

    return _as_user


Api = Callable[..., Any]


@pytest.fixture
def bearer_api(client: FlaskClient, world: World) -> Callable[[User], Api]:
    """bearer_api(user)(method, path, json=...): the JSON API with the user's bearer token.

    English messages: the assertions read the msgids (the API speaks the caller's language).
    """

    def for_user(user: User) -> Api:
        token = issue_token(user, "test")

        def call(method: str, path: str, **kwargs: Any) -> Any:
            headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en", **kwargs.pop("headers", {})}
            return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

        return call

    return for_user
