"""Small things that signal care: titles are text, the site has a favicon and app icons, pages
print cleanly, and an empty list says what to do next."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient

from tests.conftest import World
from webapp.platform.auth.models import User
from webapp.prevention.registry.models import SupervisedPerson
from webapp.prevention.registry.plans import open_plan

Client = Callable[[User], FlaskClient]


def title_of(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return match.group(1)


def test_titles_hold_no_html(world: World, person: SupervisedPerson, as_user: Client) -> None:
    plan = open_plan(person, world.inspector)
    client = as_user(world.inspector)
    for url in (f"/prevention/plans/{plan.id}", f"/prevention/persons/{person.id}", "/tasks", "/appeals"):
        title = title_of(client.get(url).get_data(as_text=True))
        assert "<" not in title and "&lt;" not in title and len(title) < 120, (url, title)


def test_favicon_and_app_icons(client: FlaskClient, world: World) -> None:
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon" and len(icon.data) > 100
    page = client.get("/login").get_data(as_text=True)
    for href in re.findall(r'<link rel="(?:icon|apple-touch-icon|manifest)" href="([^"]+)"', page):
        with client.get(href) as response:
            assert response.status_code == 200, href
    assert 'rel="apple-touch-icon"' in page and 'rel="manifest"' in page
    with client.get("/static/icons/manifest.webmanifest") as response:
        manifest = response.get_json(force=True)
    for icon_entry in manifest["icons"]:
        with client.get(icon_entry["src"]) as response:
            assert response.status_code == 200


def test_pages_carry_a_print_stylesheet(world: World, as_user: Client) -> None:
    page = as_user(world.inspector).get("/tasks").get_data(as_text=True)
    assert re.search(r'href="/static/css/print.css[^"]*" media="print"', page)


def test_empty_lists_offer_a_next_action(world: World, as_user: Client) -> None:
    for user, url in (
        (world.inspector, "/tasks"),
        (world.inspector, "/notifications"),
        (world.supervisor, "/supervision?tab=overdue"),
        (world.inspector, "/appeals?q=nothing-matches-this"),
        (world.inspector, "/prevention?q=nobody-here"),
    ):
        html = as_user(user).get(url).get_data(as_text=True)
        assert "empty-state" in html and "empty-action" in html, url
