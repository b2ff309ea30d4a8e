"""Small things that signal care: titles are text, the site has a favicon and app icons, pages
print cleanly, and an empty list says what to do next."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

from flask.testing import FlaskClient

from tests.conftest import World
from tests.ui_pages import reachable_pages
from webapp.cooperation.partners import service as partners
from webapp.cooperation.partners.models import PartnerOrganisation
from webapp.cooperation.partners.roles import MAHALLA_CHAIR, PARTNER
from webapp.extensions import db
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


# A sentence that says a list is empty starts like this (pages rendered in English).
EMPTY_SENTENCE = re.compile(r"^(No|Nothing|Nobody)\b")
# Sentences that start so but are no list: a field's label, a form's result, a value ("No signs of risk"), a
# process without a draft (the button to start one stands beside it), and a dashboard's figures for a
# period (the period chooser stands above them).
NOT_A_LIST = re.compile(
    r"^(No progress for|No errors|No problems found|No signs of risk|No draft\.|No appeal is overdue right now"
    r"|No (appeals|answers|ratings) in this period|No referrals to partners)"
)


class _EmptyStates(HTMLParser):
    """Empty-state blocks of a page (their next-action links) and every "No …" sentence outside one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.states: list[list[str]] = []
        self.stray: list[str] = []
        self.ids: set[str] = set()
        self._depth = 0  # open <div>s since the current empty state began; 0: outside one
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = str(values.get("class") or "").split()
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag in ("script", "style", "template", "option"):
            self._hidden += 1
        if tag == "div" and "empty-state" in classes and not self._depth:
            self.states.append([])
            self._depth = 1
        elif tag == "div" and self._depth:
            self._depth += 1
        if tag == "a" and self._depth and "empty-action" in classes and values.get("href"):
            self.states[-1].append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "option") and self._hidden:
            self._hidden -= 1
        if tag == "div" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        text = data.strip()
        if not self._depth and not self._hidden and EMPTY_SENTENCE.match(text) and not NOT_A_LIST.match(text):
            self.stray.append(text[:80])


def _empty_world_users(world: World) -> list[User]:
    """Every kind of staff user, on an empty database: each list they reach from the menu is empty."""
    organisation = PartnerOrganisation(district_id=world.district.id, kind="police", name="Police", active=True)
    partner = User(username="partner", full_name="Partner", role=PARTNER, password_hash="x")
    chair = User(username="chair", full_name="Chair", role=MAHALLA_CHAIR, password_hash="x", mahallas=[world.mahalla])
    db.session.add_all([organisation, partner, chair])
    db.session.flush()
    partners.set_organisation(partner, organisation.id)
    users = [
        world.inspector,
        world.supervisor,
        world.region_supervisor,
        world.methodologist,
        world.admin,
        partner,
        chair,
    ]
    for user in users:
        user.language = "en"
    db.session.commit()
    return users


def test_every_empty_list_on_a_menu_page_offers_a_next_action(world: World, as_user: Client) -> None:
    """Crawled, not listed: every page each role reaches from the menu, on an empty database. A list
    that is empty says so in an empty state whose next action works; no "No …" sentence stands alone."""
    found, report = 0, []
    for user in _empty_world_users(world):
        client = as_user(user)
        pages: dict[str, str] = {}

        def fetch(path: str, client: FlaskClient = client, pages: dict[str, str] = pages) -> str:
            if path not in pages:
                response = client.get(path, follow_redirects=True)
                assert response.status_code < 500, path
                pages[path] = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            return pages[path]

        for path in reachable_pages(fetch, "/"):
            parser = _EmptyStates()
            parser.feed(fetch(path))
            report += [f"{path} ({user.role}): no empty state around {text!r}" for text in parser.stray]
            for actions in parser.states:
                found += 1
                if not actions:
                    report.append(f"{path} ({user.role}): an empty state without a next action")
                for href in actions:
                    if href.startswith("#"):
                        ok = href[1:] in parser.ids
                    else:
                        with client.get(href, follow_redirects=True) as response:
                            ok = response.status_code == 200
                    if not ok:
                        report.append(f"{path} ({user.role}): the next action {href} leads nowhere")
    assert found >= 60, found  # 93 when written: the check looked at many
    assert not report, "\n".join(dict.fromkeys(report))
