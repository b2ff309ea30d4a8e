"""Sign-in that resists guessing: lockout per account (and address), audit of every attempt,
the password policy, change, reset by an admin with a set-password link, idle sessions."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import limits.storage.memory
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import check_password_hash

from tests.conftest import PASSWORD, World, csrf_token, submit_form
from webapp.extensions import db
from webapp.platform.audit.models import AuditEntry
from webapp.platform.auth.models import User
from webapp.platform.notifications.models import OutboxMessage

AsUser = Callable[[User], FlaskClient]
LOCKED = "Too many failed sign-ins"


def sign_in(client: FlaskClient, username: str, password: str) -> tuple[int, str]:
    response = submit_form(client, "/login", {"username": username, "password": password})
    return response.status_code, response.get_data(as_text=True)


def actions(name: str) -> list[str]:
    query = select(AuditEntry.action).where(AuditEntry.object_type == "user", AuditEntry.object_id == name)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def test_twenty_wrong_passwords_lock_the_account_even_for_the_right_one(
    client: FlaskClient, world: World, as_user: AsUser
) -> None:
    with client.session_transaction() as session:
        session["lang"] = "en"
    answers = [sign_in(client, "inspector1", f"wrong-{n}") for n in range(20)]

    assert all(status == 200 for status, _html in answers)
    assert LOCKED not in answers[8][1] and "Wrong username or password" in answers[8][1]
    assert all(LOCKED in html for _status, html in answers[10:])
    status, html = sign_in(client, "inspector1", PASSWORD)
    assert status == 200 and LOCKED in html
    # Another account from another address is not affected.
    other = client.application.test_client()
    response = other.post(
        "/login",
        data={
            "username": "inspector2",
            "password": PASSWORD,
            "csrf_token": csrf_token(other.get("/login").get_data(as_text=True)),
        },
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert response.status_code == 302
    logged = actions("inspector1")
    assert logged.count("login_failed") == 10 and logged.count("login_locked") == 11
    assert "login_succeeded" not in logged
    # An admin lifts the lockout; the right password works again (from another address).
    admin = as_user(world.admin)
    page = admin.get(f"/people/{world.inspector.id}").get_data(as_text=True)
    assert "locked-badge" in page
    assert admin.post(f"/people/{world.inspector.id}/unlock", data={"csrf_token": csrf_token(page)}).status_code == 302
    again = client.application.test_client()
    token = csrf_token(again.get("/login").get_data(as_text=True))
    answer = again.post(
        "/login",
        data={"username": "inspector1", "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.0.0.8"},
    )
    assert answer.status_code == 302
    assert actions("inspector1")[-2:] == ["lockout_lifted", "login_succeeded"]
    # The admin reads it all on the audit page (and in its export).
    audit = admin.get("/admin/audit?object_type=user&object_id=inspector1").get_data(as_text=True)
    for action in ("login_failed", "login_locked", "lockout_lifted", "login_succeeded"):
        assert f'data-action="{action}"' in audit, action
    exported = admin.get("/admin/audit/export.csv?object_type=user&object_id=inspector1").get_data(as_text=True)
    assert exported.count("login_locked") == 11


class Clock:
    """The rate limiter's clock (the ``limits`` library's memory storage reads ``time.time()``)."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def __getattr__(self, name: str) -> object:
        return getattr(time, name)


def test_the_lockout_ends_by_itself_when_its_window_has_passed(
    client: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    with client.session_transaction() as session:
        session["lang"] = "en"
    for n in range(10):  # LOGIN_ACCOUNT_LIMIT: 10 per 15 minutes
        sign_in(client, "inspector1", f"wrong-{n}")
    clock.now += 14 * 60
    status, html = sign_in(client, "inspector1", PASSWORD)
    assert status == 200 and LOCKED in html  # the right password waits for the lockout to end
    clock.now += 60 + 1
    assert sign_in(client, "inspector1", PASSWORD)[0] == 302
    assert actions("inspector1")[-2:] == ["login_locked", "login_succeeded"]


def test_failures_from_one_address_lock_it_for_every_account(
    client: FlaskClient, world: World, as_user: AsUser
) -> None:
    for n in range(10):
        sign_in(client, f"nobody{n}", "wrong")
    status, html = sign_in(client, "inspector2", PASSWORD)
    assert status == 200 and "is-invalid" in html
    admin = as_user(world.admin)
    page = admin.get("/admin/access").get_data(as_text=True)
    lifted = admin.post("/admin/access/unlock-address", data={"csrf_token": csrf_token(page), "address": "127.0.0.1"})
    assert lifted.status_code == 302
    assert sign_in(client, "inspector2", PASSWORD)[0] == 302


def test_password_policy_and_change(as_user: AsUser, world: World) -> None:
    client = as_user(world.inspector)
    page = client.get("/account/password").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "current_password": PASSWORD}
    for bad in ("short1", "inspector1-is-me", "password123", "qwertyuiop"):
        response = client.post("/account/password", data={**form, "new_password": bad, "confirm": bad})
        assert response.status_code == 200 and "is-invalid" in response.get_data(as_text=True), bad
    wrong = client.post(
        "/account/password",
        data={**form, "current_password": "x", "new_password": "Yangi-parol-2026", "confirm": "Yangi-parol-2026"},
    )
    assert "is-invalid" in wrong.get_data(as_text=True)
    good = client.post(
        "/account/password", data={**form, "new_password": "Yangi-parol-2026", "confirm": "Yangi-parol-2026"}
    )
    assert good.status_code == 302
    assert "password_changed" in [e for e in db.session.scalars(select(AuditEntry.action))]


@pytest.mark.parametrize(("demo", "status"), [(False, 200), (True, 302)])
def test_only_the_demo_may_keep_the_password_demo(
    as_user: AsUser, world: World, monkeypatch: pytest.MonkeyPatch, demo: bool, status: int
) -> None:
    client = as_user(world.inspector)
    monkeypatch.setitem(client.application.config, "MAHALLA_DEMO", demo)
    page = client.get("/account/password").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "current_password": PASSWORD, "new_password": "demo", "confirm": "demo"}
    assert client.post("/account/password", data=data).status_code == status
    db.session.expire_all()
    assert check_password_hash(db.session.get(User, world.inspector.id).password_hash, "demo") is demo  # type: ignore[union-attr]


def test_admin_reset_sends_a_one_time_link_and_the_user_must_choose_a_password(
    as_user: AsUser, world: World, client: FlaskClient
) -> None:
    world.inspector.email = "i1@mahalla.uz"
    db.session.commit()
    admin = as_user(world.admin)
    page = admin.get(f"/people/{world.inspector.id}").get_data(as_text=True)

    assert (
        admin.post(f"/people/{world.inspector.id}/reset-password", data={"csrf_token": csrf_token(page)}).status_code
        == 302
    )

    status, _html = sign_in(client, "inspector1", PASSWORD)
    assert status == 200  # the old password no longer works
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "i1@mahalla.uz"))
    assert message is not None and "{link}" in message.body and "/set-password/" not in message.body
    assert message.secrets is not None
    link = re.search(r"/set-password/(\S+)", message.secrets["link"] or "")
    assert link is not None
    path = f"/set-password/{link.group(1)}"
    form_page = client.get(path).get_data(as_text=True)
    weak = client.post(
        path, data={"csrf_token": csrf_token(form_page), "new_password": "inspector1", "confirm": "inspector1"}
    )
    assert "is-invalid" in weak.get_data(as_text=True)
    done = client.post(
        path,
        data={"csrf_token": csrf_token(form_page), "new_password": "Yangi-parol-2026", "confirm": "Yangi-parol-2026"},
    )
    assert done.status_code == 302
    assert client.get(path).status_code == 404  # once only
    assert sign_in(client, "inspector1", "Yangi-parol-2026")[0] == 302


def test_a_user_whose_password_was_reset_sees_only_the_change_page(as_user: AsUser, world: World) -> None:
    world.inspector.must_change_password = True
    db.session.commit()
    client = as_user(world.inspector)
    assert client.get("/tasks").location.endswith("/account/password")
    assert client.get("/account/password").status_code == 200


def test_an_idle_session_ends(as_user: AsUser, world: World) -> None:
    client = as_user(world.inspector)
    with client.session_transaction() as session:
        session["seen"] = time.time() - 31 * 60
    response = client.get("/tasks")
    assert response.status_code == 302 and "/login" in response.location
    assert client.get("/tasks").status_code == 302
