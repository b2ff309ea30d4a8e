"""The public front door at ``/``: file, track, the law's promises, the mahalla's inspector, staff sign-in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.conftest import World
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]


@pytest.mark.parametrize(
    ("language", "words"),
    [("uz", "Murojaat"), ("ru", "Обращени"), ("en", "Send an appeal")],
)
def test_front_door_needs_no_login_and_speaks_three_languages(
    client: FlaskClient, world: World, language: str, words: str
) -> None:
    with client.session_transaction() as session:
        session["lang"] = language
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert words in html
    for link in ('href="/murojaat"', 'href="/kuzatish"', 'href="/login"'):
        assert link in html
    assert 'id="law"' in html and "15" in html


def test_front_door_names_the_mahallas_inspector(client: FlaskClient, world: World) -> None:
    html = client.get(f"/?mahalla={world.mahalla.code}").get_data(as_text=True)
    contact = html.split('id="contact"')[1]
    assert world.inspector.full_name in contact
    assert f'href="/murojaat?mahalla={world.mahalla.code}"' in html
    unknown = client.get("/?mahalla=NOPE").get_data(as_text=True)
    assert 'id="contact"' not in unknown


def test_the_form_opens_with_the_mahalla_chosen_on_the_front_door(client: FlaskClient, world: World) -> None:
    html = client.get(f"/murojaat?mahalla={world.mahalla.code}").get_data(as_text=True)
    assert f'<option value="{world.mahalla.code}" selected>' in html


def test_staff_still_land_on_their_own_page(as_user: AsUser, world: World) -> None:
    response = as_user(world.inspector).get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/tasks")


def test_login_page_links_to_the_citizen_pages(client: FlaskClient, world: World) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/murojaat"' in html and 'href="/kuzatish"' in html and 'href="/"' in html
