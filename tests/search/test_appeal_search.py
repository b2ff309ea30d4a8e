"""Staff find appeals by a word of the text, a phone number, an address or the reply, in either
Uzbek script, with either apostrophe, or in Russian; results ranked and highlighted, filters and
territory kept. Runs on SQLite (FTS5) and, with TEST_DATABASE_URL, on PostgreSQL (pg_trgm + FTS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import World, require_postgres
from tests.webapp.cases import drive_to, register
from webapp.casework.appeals.normalise import normalise, terms
from webapp.platform.auth.models import User

Api = Callable[..., Any]

DRUGS = "Yoshlar orasida giyohvandlik moddalari tarqatilmoqda, oʻgʻil bolalar xavf ostida."
CYRILLIC = "Кўчада гиёҳванд моддалар сотилмоқда, ёшлар хавф остида."
RUSSIAN = "Во дворе продают наркотики, подростки в опасности, помогите."
LIGHTS = "Koʻchadagi chiroqlar yonmayapti, kechqurun xavfli boʻlib qoldi."


def find(bearer_api: Callable[[User], Api], user: User, q: str, **filters: str) -> list[str]:
    params = {"q": q, **filters}
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = bearer_api(user)("GET", f"/appeals?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [a["number"] for a in response.get_json()["appeals"]]


@pytest.fixture
def appeals(world: World) -> dict[str, str]:
    made = {
        "drugs": register(world, text=DRUGS, applicant_phone="+998 90 123 45 67", address="Navroʻz koʻchasi 7"),
        "cyrillic": register(world, text=CYRILLIC, applicant_name="Тошматов Алишер"),
        "russian": register(world, text=RUSSIAN, address="ул. Мустакиллик 12"),
        "lights": register(world, text=LIGHTS, address="Bogʻishamol 3"),
        "foreign": register(world, text=DRUGS, mahalla=world.foreign_mahalla, actor=world.foreign_inspector),
    }
    return {name: appeal.number for name, appeal in made.items()}


def test_normalisation_joins_scripts_and_apostrophes() -> None:
    assert normalise("Oʻgʻil o'g'il O‘G‘IL ўғил") == "ogil ogil ogil ogil"
    assert normalise("Гиёҳванд") == normalise("giyohvand")
    assert terms("+998 (90) 123-45-67") == ["998901234567"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("giyohvand", {"drugs", "cyrillic"}),  # Latin query finds the Cyrillic appeal too
        ("гиёҳванд", {"drugs", "cyrillic"}),  # and the other way round
        ("o'g'il", {"drugs"}),  # typed with ' finds oʻgʻil
        ("oʻgʻil", {"drugs"}),
        ("наркотик", {"russian"}),  # Russian, a part of the word
        ("123 45 67", {"drugs"}),  # a phone number typed with spaces
        ("901234567", {"drugs"}),
        ("navro'z", {"drugs"}),  # the address
        ("мустакиллик 12", {"russian"}),  # a street and a house number
        ("Мустакиллик", {"russian"}),
        ("Тошматов", {"cyrillic"}),  # the applicant
        ("chiroqlar yonmayapti", {"lights"}),  # every word must occur
        ("chiroqlar giyohvand", set()),
    ],
)
def test_staff_find_by_text_phone_address_in_any_script(
    bearer_api: Callable[[User], Api], world: World, appeals: dict[str, str], query: str, expected: set[str]
) -> None:
    found = find(bearer_api, world.supervisor, query)
    assert set(found) == {appeals[name] for name in expected}


def test_a_house_number_is_a_whole_number_on_postgresql(
    app: Flask, bearer_api: Callable[[User], Api], world: World
) -> None:
    """A number in the query matches that number, not every number beginning with it (house 17 is
    not house 170; at a million appeals "17" as a prefix reads thousands of index entries)."""
    require_postgres(app)
    seventeen = register(world, text=LIGHTS, address="Sebzor koʻchasi 17-uy")
    hundred_seventy = register(world, text=LIGHTS, address="Sebzor koʻchasi 170")
    assert find(bearer_api, world.supervisor, "Sebzor 17") == [seventeen.number]
    assert find(bearer_api, world.supervisor, "sebzor 170") == [hundred_seventy.number]
    assert set(find(bearer_api, world.supervisor, "sebz")) == {seventeen.number, hundred_seventy.number}


def test_search_stays_in_the_users_territory_and_keeps_filters(
    bearer_api: Callable[[User], Api], world: World, appeals: dict[str, str]
) -> None:
    assert appeals["foreign"] not in find(bearer_api, world.supervisor, "giyohvand")
    assert appeals["foreign"] in find(bearer_api, world.foreign_supervisor, "giyohvand")
    assert find(bearer_api, world.supervisor, "giyohvand", kind="taklif") == []


def test_the_reply_is_searchable_once_written(bearer_api: Callable[[User], Api], world: World) -> None:
    appeal = register(world, text=LIGHTS)
    drive_to(world, appeal, "evaluate_effectiveness")
    from webapp.casework.appeals.models import Document
    from webapp.extensions import db

    reply = db.session.query(Document.text).filter(Document.appeal_id == appeal.id).scalar()
    word = max(normalise(reply).split(), key=len)
    assert appeal.number in find(bearer_api, world.supervisor, word)


def test_ranked_whole_words_first(bearer_api: Callable[[User], Api], world: World) -> None:
    plenty = register(world, text="Chiroq yoʻq. Chiroq oʻchgan. Chiroq kerak, chiroq!")
    once = register(world, text="Koʻchada bitta chiroqdon bor, boshqa gap yoʻq.")
    found = find(bearer_api, world.supervisor, "chiroq")
    assert found.index(plenty.number) < found.index(once.number)


def test_the_list_page_highlights_and_keeps_filters(
    as_user: Callable[[User], FlaskClient], world: World, appeals: dict[str, str]
) -> None:
    html = as_user(world.supervisor).get("/appeals?q=giyohvand&state=open").get_data(as_text=True)
    assert appeals["drugs"] in html and appeals["cyrillic"] in html and appeals["lights"] not in html
    assert "<mark>giyohvandlik</mark>" in html and "<mark>гиёҳванд</mark>" in html
    assert 'value="giyohvand"' in html
    phone = as_user(world.supervisor).get("/appeals?q=123+45+67").get_data(as_text=True)
    assert "<mark>+998 90 123 45 67</mark>" in phone
