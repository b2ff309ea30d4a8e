"""The status page explains: what the citizen wrote, a public history without staff names, the next
step and its date, the answer as text, no countdown once answered, and why registration moved."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from markupsafe import escape

from tests.conftest import World, csrf_token
from tests.webapp.cases import APPEAL_TEXT, drive_to, register
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.casework.legal_terms.service import extend_deadline
from webapp.casework.replies.preparation import prepare_documents

API = "/api/v1/public/appeals"
APPLICANT = {"applicant_name": "Rahimov Jasur", "applicant_phone": "+998 91 555 44 33", "address": "Navro'z ko'chasi 7"}


def status_page(client: FlaskClient, appeal: Appeal, code: str) -> str:
    page = client.get("/kuzatish").get_data(as_text=True)
    client.post("/kuzatish", data={"csrf_token": csrf_token(page), "number": appeal.number, "code": code})
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client.get(f"/kuzatish/{appeal.number}").get_data(as_text=True)


def api(client: FlaskClient, appeal: Appeal, code: str) -> Any:
    return client.get(f"{API}/{appeal.number}", headers={"X-Access-Code": code, "Accept-Language": "en"}).get_json()


def test_a_new_appeal_shows_the_text_the_history_and_the_next_step(client: FlaskClient, world: World) -> None:
    appeal = register(world, **APPLICANT)
    html = status_page(client, appeal, str(appeal.issued_access_code))
    assert str(escape(APPEAL_TEXT)) in html
    assert 'data-type="registered"' in html
    assert 'id="next-step"' in html and "the answer is due by this date" in html
    assert 'id="deadline"' in html
    for hidden in ("Rahimov", "555 44 33", "Navro", world.inspector.full_name):
        assert hidden not in html


def test_extension_and_its_reason_are_in_the_history(client: FlaskClient, world: World) -> None:
    appeal = register(world, **APPLICANT)
    code = str(appeal.issued_access_code)
    drive_to(world, appeal, "analyse_appeal")
    extend_deadline(appeal, world.supervisor, reason="Qo'shimcha tekshiruv kerak", months=1)
    body = api(client, appeal, code)
    types = [event["type"] for event in body["history"]]
    assert types[:2] == ["registered", "status"]
    [extended] = [event for event in body["history"] if event["type"] == "extended"]
    assert extended["data"]["reason"] == "Qo'shimcha tekshiruv kerak"
    assert "Qo'shimcha tekshiruv kerak" in extended["text"]
    assert body["next_step"]["date"] == extended["data"]["until"]
    assert "Supervisor" not in str(body)  # no staff names anywhere


def test_once_answered_no_countdown_but_the_answer_date_the_text_and_the_rating(
    client: FlaskClient, world: World
) -> None:
    appeal = register(world, **APPLICANT)
    code = str(appeal.issued_access_code)
    drive_to(world, appeal, "evaluate_effectiveness")
    prepare_documents()  # the background job renders and sends the letter after the completion
    body = api(client, appeal, code)
    assert body["days_left"] is None
    assert body["answered_on"] is not None
    assert body["reply_text"]
    assert "answered" in [event["type"] for event in body["history"]]
    html = status_page(client, appeal, code)
    assert 'id="deadline"' not in html and "days left" not in html
    assert 'id="answered-on"' in html and 'id="reply"' in html
    assert 'id="rating"' in html  # the rating form
    client.post(
        f"/kuzatish/{appeal.number}/baho",
        data={"csrf_token": csrf_token(html), "score": "5", "resolved": "yes", "comment": ""},
    )
    after = client.get(f"/kuzatish/{appeal.number}").get_data(as_text=True)
    assert 'id="your-rating"' in after and "5/5" in after
    assert api(client, appeal, code)["rating"] == {"score": 5, "resolved": True}


def test_registration_moved_to_the_next_working_day_is_explained(client: FlaskClient, world: World) -> None:
    sunday_evening = dt.datetime(2026, 3, 1, 15, 0, tzinfo=dt.UTC)  # 20:00 in Tashkent, a Sunday
    new = NewAppeal(mahalla=world.mahalla, kind="ariza", text=APPEAL_TEXT, channel="web", applicant_name="Vali")
    appeal = register_appeal(new, None, received_at=sunday_evening)
    body = api(client, appeal, str(appeal.issued_access_code))
    assert body["received_on"] == "2026-03-01"
    assert body["registered_on"] == "2026-03-02"
    assert "Article 23" in body["registration_note"] and "day off" in body["registration_note"]
    html = status_page(client, appeal, str(appeal.issued_access_code))
    assert 'id="registration-note"' in html
