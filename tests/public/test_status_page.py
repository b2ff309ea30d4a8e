"""The status page explains: what the citizen wrote, a public history without staff names, the next
step and its date, the answer as text, no countdown once answered, and why registration moved."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from markupsafe import escape

from tests.conftest import World, csrf_token
from tests.webapp.cases import ANSWERS, APPEAL_TEXT, appeal_by_number, complete, drive_to, parse, register
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.casework.legal_terms.service import extend_deadline
from webapp.casework.ratings.service import Outcome, Rating, rate_appeal
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


def history_lines(html: str) -> list[tuple[str | None, str]]:
    """The public history on the page: (type, sentence) per line, the time left out."""
    found = []
    for element in parse(html):
        if element.tag == "li" and element.has("data-type"):
            sentence = " ".join(element.text.split())
            time = next(e.text for e in element.inner if e.tag == "span")
            found.append((element.get("data-type"), sentence.removeprefix(" ".join(time.split())).strip()))
    return found


# What staff wrote for themselves on the way (the case's answers), never shown to the citizen.
INTERNAL_NOTES = (
    ANSWERS["forward_appeal"]["forward_letter"],
    ANSWERS["analyse_appeal"]["causes"],
    ANSWERS["take_measures"]["measures_description"],
    "Ichki izoh: tekshiruvchi kelishib oldi.",
)


def assert_nothing_internal(text: str, world: World) -> None:
    staff = (world.inspector, world.supervisor, world.admin)
    for hidden in (*INTERNAL_NOTES, *(u.full_name for u in staff), *(u.username for u in staff), "Rahimov", "555 44"):
        assert hidden not in text, hidden


def test_forwarding_to_the_competent_body_is_in_the_history(client: FlaskClient, world: World) -> None:
    appeal = register(world, **APPLICANT)
    code = str(appeal.issued_access_code)
    drive_to(world, appeal, "forward_appeal", {"check_registration": {"registration_note": INTERNAL_NOTES[3]}})
    complete(world, appeal, "forward_appeal", competent_body="Tuman soliq inspeksiyasi")
    html = status_page(client, appeal, code)
    lines = history_lines(html)
    assert ("forwarded", "Forwarded to Tuman soliq inspeksiyasi.") in lines
    assert lines[0][0] == "registered"
    body = api(client, appeal, code)
    [forwarded] = [event for event in body["history"] if event["type"] == "forwarded"]
    assert forwarded["text"] == "Forwarded to Tuman soliq inspeksiyasi."
    assert forwarded["data"] == {"body": "Tuman soliq inspeksiyasi"}
    assert body["next_step"]["text"] == "The competent body considers your appeal and answers you."
    assert body["days_left"] is None and 'id="rating"' not in html  # no answer of ours to rate or wait for
    assert_nothing_internal(html, world)
    assert_nothing_internal(str(body), world)


def test_a_reopened_case_says_so_in_the_history(client: FlaskClient, world: World) -> None:
    appeal = register(world, **APPLICANT)
    code = str(appeal.issued_access_code)
    drive_to(world, appeal, "evaluate_effectiveness")
    result = rate_appeal(appeal, Rating(score=1, resolved=False, comment="Chiroqlar hali ham yonmayapti."))
    assert result.outcome == Outcome.REOPENED
    html = status_page(client, appeal, code)
    lines = history_lines(html)
    reopened = ("reopened", "You were not satisfied: the appeal was reopened.")
    assert reopened in lines
    assert lines.index(("answered", "The answer was given.")) < lines.index(reopened)
    assert 'id="deadline"' in html  # the countdown is back: the inspector owes an answer again
    body = api(client, appeal, code)
    [line] = [e for e in body["history"] if e["type"] == "reopened"]
    assert line["text"] == reopened[1] and line["data"] == {}
    assert_nothing_internal(html, world)
    assert_nothing_internal(str(body), world)


def test_a_closed_case_reopened_names_the_new_appeal(client: FlaskClient, world: World) -> None:
    appeal = register(world, **APPLICANT)
    code = str(appeal.issued_access_code)
    drive_to(world, appeal, "evaluate_effectiveness")
    complete(world, appeal, "evaluate_effectiveness")
    result = rate_appeal(appeal_by_number(appeal.number), Rating(score=2, resolved=False))
    assert result.outcome == Outcome.NEW_APPEAL and result.new_appeal is not None
    new_number = result.new_appeal.number
    html = status_page(client, appeal, code)
    lines = history_lines(html)
    text = f"You were not satisfied: a new appeal {new_number} was registered."
    assert ("closed", "The case was closed.") in lines
    assert lines.index(("closed", "The case was closed.")) < lines.index(("reopened", text))
    [line] = [e for e in api(client, appeal, code)["history"] if e["type"] == "reopened"]
    assert (line["text"], line["data"]) == (text, {"new_appeal": new_number})
    assert_nothing_internal(html, world)
