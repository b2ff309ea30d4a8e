"""Citizen tracking: the page and GET /api/v1/public/appeals/<number>?code=…

The citizen sees what they wrote, the status and its public history, never their name, phone or
address; a wrong code and an unknown number get the same 404; wrong codes are rate-limited per
address and per number.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import World, csrf_token, without_tokens
from tests.webapp.cases import APPEAL_TEXT, drive_to, register
from webapp.casework.appeals.models import Appeal, Document
from webapp.extensions import db
from webapp.platform.timeutil import local_today

APPLICANT = {"applicant_name": "Rahimov Jasur", "applicant_phone": "+998 91 555 44 33", "address": "Navro'z ko'chasi 7"}
PERSONAL = ("Rahimov", "555 44 33", "Navro")
API = "/api/v1/public/appeals"


def registered(world: World) -> tuple[Appeal, str]:
    appeal = register(world, **APPLICANT)
    return appeal, str(appeal.issued_access_code)


def lookup(client: FlaskClient, number: str, code: str) -> Any:
    page = client.get("/kuzatish").get_data(as_text=True)
    return client.post("/kuzatish", data={"csrf_token": csrf_token(page), "number": number, "code": code})


def add_reply_letter(appeal: Appeal) -> None:
    db.session.add(
        Document(appeal_id=appeal.id, kind="reply_letter", language="uz", text="Javob", pdf=b"%PDF-1.4 javob")
    )
    db.session.commit()


def test_the_right_code_shows_status_stage_deadline_and_text(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    response = lookup(client, appeal.number, code.lower())  # codes are read out loud: case does not matter
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/kuzatish/{appeal.number}")
    html = client.get(f"/kuzatish/{appeal.number}").get_data(as_text=True)
    assert appeal.number in html
    assert 'id="status">Ro' in html  # "Ro'yxatga olindi"
    assert "1." in re.search(r'id="stage">([^<]*)<', html).group(1)  # type: ignore[union-attr]
    assert appeal.deadline.strftime("%Y") in html
    assert "chiroqlar yonmayapti" in html
    for personal in PERSONAL:
        assert personal not in html
    assert code not in html
    assert 'id="reply-letter"' not in html
    assert 'id="rating"' not in html  # not answered yet


def test_the_status_page_needs_a_looked_up_code(client: FlaskClient, world: World) -> None:
    appeal, _code = registered(world)
    response = client.get(f"/kuzatish/{appeal.number}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kuzatish")
    assert client.get(f"/kuzatish/{appeal.number}/javob.pdf").status_code == 404


def test_wrong_code_and_unknown_number_give_the_same_404(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    wrong = lookup(client, appeal.number, "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA")
    unknown = lookup(client, "2020-999999", code)
    assert wrong.status_code == unknown.status_code == 404
    assert without_tokens(wrong.get_data(as_text=True)) == without_tokens(unknown.get_data(as_text=True))
    assert appeal.number not in wrong.get_data(as_text=True)
    assert client.get(f"/kuzatish/{appeal.number}").status_code == 302  # nothing remembered


def test_api_gives_the_same_data_without_personal_fields(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    response = client.get(f"{API}/{appeal.number}?code={code}")
    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in ("number", "status", "stage", "deadline", "is_open", "reply_letter_url")} == {
        "number": appeal.number,
        "status": "registered",
        "stage": 1,
        "deadline": appeal.deadline.isoformat(),
        "is_open": True,
        "reply_letter_url": None,
    }
    assert body["text"] == APPEAL_TEXT
    assert [event["type"] for event in body["history"]] == ["registered"]
    assert body["days_left"] == (appeal.deadline - local_today()).days
    text = response.get_data(as_text=True)
    for personal in PERSONAL:
        assert personal not in text


def test_api_wrong_code_and_unknown_number_are_identical_404s(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    wrong = client.get(f"{API}/{appeal.number}?code=WRONGCODE")
    unknown = client.get(f"{API}/2020-999999?code={code}")
    missing = client.get(f"{API}/{appeal.number}")
    assert wrong.status_code == unknown.status_code == missing.status_code == 404
    assert wrong.get_json() == unknown.get_json() == missing.get_json()
    assert wrong.get_json()["error"]["status"] == 404


def test_reply_letter_is_served_only_with_the_code(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    add_reply_letter(appeal)
    body = client.get(f"{API}/{appeal.number}?code={code}").get_json()
    assert body["reply_letter_url"] == f"{API}/{appeal.number}/reply-letter"
    assert client.get(f"{API}/{appeal.number}/reply-letter?code=WRONGCODE").status_code == 404
    pdf = client.get(f"{API}/{appeal.number}/reply-letter?code={code}")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data == b"%PDF-1.4 javob"

    assert client.get(f"/kuzatish/{appeal.number}/javob.pdf").status_code == 404
    lookup(client, appeal.number, code)
    html = client.get(f"/kuzatish/{appeal.number}").get_data(as_text=True)
    assert f'href="/kuzatish/{appeal.number}/javob.pdf"' in html
    letter = client.get(f"/kuzatish/{appeal.number}/javob.pdf")
    assert letter.status_code == 200
    assert letter.data == b"%PDF-1.4 javob"
    assert letter.headers["Cache-Control"] == "private, no-store"


def test_api_needs_no_token_and_is_in_the_openapi_document(client: FlaskClient, world: World) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    spec = document["paths"]["/api/v1/public/appeals/{number}"]["get"]
    assert "security" not in spec
    assert spec["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PublicAppealOut"
    }
    properties = set(document["components"]["schemas"]["PublicAppealOut"]["properties"])
    assert {
        "number",
        "status",
        "stage",
        "deadline",
        "days_left",
        "is_open",
        "reply_letter_url",
        "history",
    } <= properties
    assert not properties & {"applicant_name", "applicant_phone", "address", "applicant_email"}
    registered_schema = document["paths"]["/api/v1/appeals"]["post"]["responses"]["201"]["content"]
    assert registered_schema["application/json"]["schema"]["$ref"].endswith("/RegisteredAppealOut")


def test_wrong_codes_are_rate_limited_per_address(app: Flask, client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    app.config["TRACKING_IP_LIMIT"] = "3/hour"
    try:
        assert client.get(f"{API}/{appeal.number}?code={code}").status_code == 200  # right codes cost nothing
        statuses = [client.get(f"{API}/2020-00000{i}?code=WRONGCODE").status_code for i in range(3)]
        assert statuses == [404, 404, 404]
        limited = client.get(f"{API}/{appeal.number}?code={code}")
        assert limited.status_code == 429
        assert limited.get_json()["error"]["status"] == 429
        assert lookup(client, appeal.number, code).status_code == 429  # the page shares the limit
    finally:
        app.config.pop("TRACKING_IP_LIMIT")


def test_wrong_codes_are_rate_limited_per_number(app: Flask, client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    other, other_code = registered(world)
    app.config["TRACKING_NUMBER_LIMIT"] = "2/day"
    try:
        for address in ("10.0.0.1", "10.0.0.2"):  # from different addresses
            response = client.get(f"{API}/{appeal.number}?code=WRONGCODE", environ_base={"REMOTE_ADDR": address})
            assert response.status_code == 404
        blocked = client.get(f"{API}/{appeal.number}?code={code}", environ_base={"REMOTE_ADDR": "10.0.0.3"})
        assert blocked.status_code == 429
        assert client.get(f"{API}/{other.number}?code={other_code}").status_code == 200
    finally:
        app.config.pop("TRACKING_NUMBER_LIMIT")


def test_answered_appeal_offers_rating(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    drive_to(world, appeal, "evaluate_effectiveness")
    lookup(client, appeal.number, code)
    html = client.get(f"/kuzatish/{appeal.number}").get_data(as_text=True)
    assert 'id="rating"' in html
    assert "5. " in re.search(r'id="stage">([^<]*)<', html).group(1)  # type: ignore[union-attr]


def test_api_takes_the_code_in_a_header_too(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    assert client.get(f"{API}/{appeal.number}", headers={"X-Access-Code": code}).get_json()["number"] == appeal.number
    assert client.get(f"{API}/{appeal.number}", headers={"X-Access-Code": "WRONGCODE"}).status_code == 404
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = document["paths"]["/api/v1/public/appeals/{number}"]["get"]["parameters"]
    assert [(p["name"], p["in"]) for p in parameters] == [
        ("number", "path"),
        ("code", "query"),
        ("X-Access-Code", "header"),
    ]


def test_the_browser_keeps_neither_the_code_nor_its_digest(client: FlaskClient, world: World) -> None:
    appeal, code = registered(world)
    lookup(client, appeal.number, code)
    with client.session_transaction() as session:
        kept = dict(session["tracked"])
    assert list(kept) == [appeal.number]
    assert kept[appeal.number] not in (code, appeal.access_code_hash)
    assert len(kept[appeal.number]) == 64
    with client.session_transaction() as session:  # a forged value opens nothing
        session["tracked"] = {appeal.number: appeal.access_code_hash}
    assert client.get(f"/kuzatish/{appeal.number}").status_code == 302
