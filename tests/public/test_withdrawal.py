"""A citizen withdraws their appeal: POST /api/v1/public/appeals/<number>/withdraw with the access
code. The appeal lifecycle's interrupting event sub-process closes the case at any stage: pending
tasks go, the appeal is withdrawn and closed, the reason is in the case's log."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.public.test_tracking import API, lookup, registered
from tests.webapp.cases import drive_to, event_kinds, pending_names
from webapp.cases.models import CaseEvent, ProcessInstance
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db


def withdraw(client: FlaskClient, number: str, body: Any) -> Any:
    return client.post(f"{API}/{number}/withdraw", json=body)


def closed_as_withdrawn(appeal: Appeal) -> None:
    db.session.expire_all()
    assert (appeal.status, appeal.is_open) == ("withdrawn", False)
    assert appeal.closed_at is not None and appeal.reopened_count == 0
    assert pending_names(appeal) == []
    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal.id))
    assert record is not None and record.is_completed


@pytest.mark.parametrize("stage_task", ["check_registration", "analyse_appeal", "take_measures"])
def test_withdrawal_closes_the_case_at_any_stage(client: FlaskClient, world: World, stage_task: str) -> None:
    appeal, code = registered(world)
    drive_to(world, appeal, stage_task)
    response = withdraw(client, appeal.number, {"code": code, "reason": "Muammo o'zimiz hal qildik"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "withdrawn" and response.get_json()["is_open"] is False
    closed_as_withdrawn(appeal)
    assert ("appeal_withdrawn", None) in event_kinds(appeal)
    notice = db.session.scalar(
        select(CaseEvent).where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind == "appeal_withdrawn")
    )
    assert notice is not None and notice.data["reason"] == "Muammo o'zimiz hal qildik"


def test_a_closed_appeal_answers_409_and_changes_nothing(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    assert withdraw(client, appeal.number, {"code": code}).status_code == 200
    again = withdraw(client, appeal.number, {"code": code, "reason": "yana"})
    assert again.status_code == 409 and again.get_json()["error"]["message"]
    assert [kind for kind, _ in event_kinds(appeal)].count("appeal_withdrawn") == 1


def test_wrong_code_and_unknown_number_are_the_same_404(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    wrong = withdraw(client, appeal.number, {"code": "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA"})
    unknown = withdraw(client, "2020-999999", {"code": code})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json()
    db.session.expire_all()
    assert appeal.is_open and pending_names(appeal) == ["check_registration"]


def test_bad_bodies_name_the_field(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    assert client.post(f"{API}/{appeal.number}/withdraw", data="{", content_type="application/json").status_code == 400
    missing = withdraw(client, appeal.number, {"reason": "x"})
    assert missing.status_code == 422 and missing.get_json()["error"]["fields"][0]["field"] == "code"
    long = withdraw(client, appeal.number, {"code": code, "reason": "x" * 1001})
    assert long.status_code == 422 and long.get_json()["error"]["fields"][0]["field"] == "reason"
    db.session.expire_all()
    assert appeal.is_open


def test_wrong_codes_are_rate_limited_like_tracking(client: FlaskClient, world: World, app: Flask) -> None:
    appeal, _code = registered(world)
    statuses = [withdraw(client, appeal.number, {"code": f"WRONG{i:03d}"}).status_code for i in range(12)]
    assert statuses[0] == 404 and statuses[-1] == 429


def test_the_tracking_page_withdraws_the_appeal(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    assert lookup(client, appeal.number, code).status_code == 302
    page = client.get(f"/kuzatish/{appeal.number}").get_data(as_text=True)
    assert 'id="withdraw"' in page
    url = f"/kuzatish/{appeal.number}/qaytarib-olish"
    too_long = client.post(url, data={"csrf_token": csrf_token(page), "reason": "x" * 1001})
    assert too_long.status_code == 422 and "is-invalid" in too_long.get_data(as_text=True)
    assert client.post(url, data={"reason": "csrf yo'q"}).status_code == 400
    done = client.post(url, data={"csrf_token": csrf_token(page), "reason": "Hal bo'ldi"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and 'id="withdraw"' not in html and "alert-success" in html
    assert 'id="rating"' not in html  # nothing to rate
    closed_as_withdrawn(appeal)
    again = client.post(url, data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "alert-warning" in again.get_data(as_text=True)


def test_the_withdraw_page_needs_a_looked_up_code(client: FlaskClient, world: World) -> None:
    appeal, _code = registered(world)
    page = client.get("/kuzatish").get_data(as_text=True)
    response = client.post(f"/kuzatish/{appeal.number}/qaytarib-olish", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/kuzatish")
    db.session.expire_all()
    assert appeal.is_open


def test_the_public_history_explains_the_withdrawal(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    drive_to(world, appeal, "analyse_appeal")
    assert withdraw(client, appeal.number, {"code": code, "reason": "Qo'shnilar bilan kelishdik"}).status_code == 200
    body = client.get(f"{API}/{appeal.number}", headers={"X-Access-Code": code, "Accept-Language": "en"}).get_json()
    history = body["history"]
    assert history[0]["type"] == "registered"
    withdrawn = [event for event in history if event["type"] == "withdrawn"]
    assert len(withdrawn) == 1 and withdrawn[0]["data"] == {"reason": "Qo'shnilar bilan kelishdik"}
    assert withdrawn[0]["text"] == "You withdrew the appeal: Qo'shnilar bilan kelishdik"
    assert not [event for event in history if event["data"].get("status") == "withdrawn"]  # said once, not twice
    assert body["next_step"]["text"].startswith("You withdrew the appeal") and body["next_step"]["date"] is None
    assert lookup(client, appeal.number, code).status_code == 302
    html = client.get(f"/kuzatish/{appeal.number}").get_data(as_text=True)
    assert 'data-type="withdrawn"' in html and "kelishdik" in html and 'id="next-step"' in html


def test_a_withdrawal_without_a_reason_is_still_explained(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    assert withdraw(client, appeal.number, {"code": code}).status_code == 200
    body = client.get(f"{API}/{appeal.number}", headers={"X-Access-Code": code, "Accept-Language": "ru"}).get_json()
    (withdrawn,) = [event for event in body["history"] if event["type"] == "withdrawn"]
    assert withdrawn["data"] == {"reason": ""} and withdrawn["text"] == "Вы отозвали обращение."
