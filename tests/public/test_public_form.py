"""The public appeal form: no log-in, CSRF, inline errors, honeypot, rate limit, confirmation."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import World, csrf_token
from tests.webapp.cases import appeal_by_number, appeal_count, invalid_fields, parse, pending_tasks
from webapp.cases.tasks.service import inbox
from webapp.casework.appeals.service import access_code_digest

FORM_URL = "/murojaat"
TEXT = "Ko'chamizda kechasi chiroqlar yonmaydi, bolalar maktabdan qaytishda qo'rqishadi."


def valid(world: World, **overrides: Any) -> dict[str, str]:
    data = {
        "applicant_name": "Karimova Dilnoza",
        "applicant_phone": "+998 90 123 45 67",
        "applicant_email": "dilnoza@example.uz",
        "mahalla": world.mahalla.code,
        "kind": "ariza",
        "address": "Bunyodkor ko'chasi 12",
        "text": TEXT,
        "consent": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client: FlaskClient, data: dict[str, str], *, follow: bool = False) -> Any:
    page = client.get(FORM_URL)
    assert page.status_code == 200
    return client.post(
        FORM_URL, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data}, follow_redirects=follow
    )


def test_the_form_needs_no_login_and_groups_mahallas_by_district(client: FlaskClient, world: World) -> None:
    response = client.get(FORM_URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    groups = [e.get("label") for e in parse(html) if e.tag == "optgroup"]
    assert groups == ["Toshkent shahri · Chilonzor tumani", "Toshkent shahri · Yunusobod tumani"]
    options = [e.get("value") for e in parse(html) if e.tag == "option" and (e.get("value") or "").startswith("M")]
    assert sorted(options) == ["M1", "M2", "M3"]
    assert 'name="csrf_token"' in html
    assert '<html lang="uz"' in html
    assert "29" in html  # the Art. 29 explanation next to the anonymous switch


def test_a_valid_appeal_is_registered_on_the_web_channel(client: FlaskClient, world: World) -> None:
    response = post(client, valid(world))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/murojaat/yuborildi")
    page = client.get("/murojaat/yuborildi")
    html = page.get_data(as_text=True)
    number = re.search(r'id="appeal-number">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    code = re.search(r'id="access-code">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    appeal = appeal_by_number(number)
    assert appeal.channel == "web"
    assert appeal.registered_by_id is None
    assert appeal.applicant_name == "Karimova Dilnoza"
    assert appeal.applicant_phone == "+998 90 123 45 67"
    assert appeal.applicant_email == "dilnoza@example.uz"
    assert appeal.mahalla_id == world.mahalla.id
    assert appeal.text == TEXT
    assert len(code) == 8
    assert appeal.access_code_hash == access_code_digest(number, code)
    assert [t.name for t in pending_tasks(appeal)] == ["check_registration"]
    assert [t.appeal.number for t in inbox(world.inspector)] == [number]
    assert inbox(world.foreign_inspector) == []
    # shown once: reloading the confirmation does not show the code again
    again = client.get("/murojaat/yuborildi")
    assert again.status_code == 302
    assert code not in client.get("/kuzatish").get_data(as_text=True)


def test_anonymous_appeal_needs_no_name_phone_or_address(client: FlaskClient, world: World) -> None:
    response = post(client, valid(world, anonymous="y", applicant_name="Ism", applicant_phone="", address=""))
    assert response.status_code == 302
    assert appeal_count() == 1
    html = client.get("/murojaat/yuborildi").get_data(as_text=True)
    number = re.search(r'id="appeal-number">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    appeal = appeal_by_number(number)
    assert appeal.anonymous is True
    assert appeal.applicant_name == ""


def test_invalid_input_shows_inline_errors_and_saves_nothing(client: FlaskClient, world: World) -> None:
    response = post(
        client,
        valid(world, applicant_name="", applicant_phone="12", applicant_email="not-an-email", mahalla="", text="qisqa"),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert invalid_fields(html) == {"applicant_name", "applicant_phone", "applicant_email", "mahalla", "text"}
    assert appeal_count() == 0
    # what the citizen typed is kept
    assert "Bunyodkor ko&#39;chasi 12" in html or "Bunyodkor ko'chasi 12" in html


def test_unknown_mahalla_is_an_inline_error(client: FlaskClient, world: World) -> None:
    response = post(client, valid(world, mahalla="NOPE"))
    assert response.status_code == 200
    assert invalid_fields(response.get_data(as_text=True)) == {"mahalla"}
    assert appeal_count() == 0


def test_consent_is_required(client: FlaskClient, world: World) -> None:
    response = post(client, valid(world, consent=None))
    assert response.status_code == 200
    assert invalid_fields(response.get_data(as_text=True)) == {"consent"}
    assert appeal_count() == 0


def test_a_filled_honeypot_saves_nothing(client: FlaskClient, world: World) -> None:
    response = post(client, valid(world, website="http://spam.example"))
    assert response.status_code == 400
    assert appeal_count() == 0


def test_posting_without_csrf_token_is_refused(client: FlaskClient, world: World) -> None:
    response = client.post(FORM_URL, data=valid(world))
    assert response.status_code == 400
    assert appeal_count() == 0


def test_posts_are_rate_limited_per_address(app: Flask, client: FlaskClient, world: World) -> None:
    app.config["PUBLIC_APPEAL_LIMIT"] = "3/minute"
    try:
        statuses = [post(client, valid(world, text="qisqa")).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert "429" in post(client, valid(world)).get_data(as_text=True)
        assert client.get(FORM_URL).status_code == 200  # reading the form is not limited
        assert appeal_count() == 0
    finally:
        app.config.pop("PUBLIC_APPEAL_LIMIT")


def test_language_can_be_switched_without_login(client: FlaskClient, world: World) -> None:
    page = client.get(FORM_URL).get_data(as_text=True)
    response = client.post("/language", data={"csrf_token": csrf_token(page), "language": "ru", "next": FORM_URL})
    assert response.status_code == 302
    assert '<html lang="ru"' in client.get(FORM_URL).get_data(as_text=True)
