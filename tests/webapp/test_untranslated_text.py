"""No untranslated text: every page a demo role reaches from the menu, rendered in a pseudo-locale.

The pseudo-locale (``eo``, which the product does not ship) is compiled at test time from the
catalogue template ``messages.pot``: every catalogue string becomes ``⟦string⟧``. A page is then
rendered for each demo role with the Flask test client; any visible text (text nodes, placeholders,
titles, accessible names, button values) that is neither inside such marks nor fixture data — a
word stored in the database by the demo seed: names, addresses, appeal texts — is text that bypassed
the catalogues. A raw key (``timers_fired``, ``under_review``) fails even when the database holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import String, Text, select, update

from devtools.demo.seed import seed
from tests.conftest import is_postgres, submit_form
from tests.ui_pages import DEMO_ROLES, PUBLIC_PAGES, reachable_pages
from webapp import create_app
from webapp.extensions import db
from webapp.platform.auth.models import User

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "webapp" / "translations" / "messages.pot"
PSEUDO = "eo"
SEPARATOR = "\u0000"
MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
RAW_KEY = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
# Text that is the same in every language, by design.
UNIVERSAL = {
    *WORD.findall("UZ RU EN EO O'zbekcha Русский English PDF CSV XLSX API BPMN DMN"),
    # Month and day names come from Babel's locale data, in the reader's language by construction.
    *(
        w
        for names in (Locale.parse(PSEUDO).months, Locale.parse(PSEUDO).days)
        for width in names.values()
        for forms in width.values()
        for name in forms.values()
        for w in WORD.findall(name)
    ),
}
ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# Not text of the interface: code, drawings, what a person typed into a text box (a letter draft), and
# identifiers shown as code (process ids, CSV columns, audit actions, webhook event names).
HIDDEN = ("script", "style", "template", "svg", "textarea", "code", "pre")
# Diagram file names are names a methodologist gave, like a document's name.
FILE_NAME = re.compile(r"\S+\.(?:bpmn|dmn)\b")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in HIDDEN:
            self._hidden += 1
        for name in ATTRIBUTES:
            if values.get(name):
                self.chunks.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.chunks.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.chunks.append(data.strip())


def unmarked(text: str) -> str:
    """The text with every marked segment blanked (text-node separators inside one are kept)."""
    previous = None
    while previous != text:
        previous, text = text, MARKED.sub(lambda m: " " + SEPARATOR * m.group(0).count(SEPARATOR), text)
    return text


def problems_of(html: str, data_words: set[str]) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    # A translated string may hold markup, so its marks can open in one text node and close in another:
    # remove marked text across the whole page, then look at what is left of each node.
    rests = [FILE_NAME.sub(" ", rest) for rest in unmarked(SEPARATOR.join(parser.chunks)).split(SEPARATOR)]
    found = []
    for chunk, rest in zip(parser.chunks, rests, strict=True):
        keys = RAW_KEY.findall(rest)
        words = [w for w in WORD.findall(rest) if w not in data_words and w not in UNIVERSAL]
        if keys or words:
            found.append(chunk[:100])
    return found


def _pseudo_catalogue(folder: Path) -> None:
    with POT.open("rb") as source:
        template = read_po(source)
    catalogue = Catalog(locale=PSEUDO)
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            catalogue.add(message.id, tuple(f"⟦{form}⟧" for form in message.id), context=message.context)
        else:
            catalogue.add(message.id, f"⟦{message.id}⟧", context=message.context)
    target = folder / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as out:
        write_mo(out, catalogue)


@pytest.fixture
def pseudo_app(app: Flask, tmp_path: Path, app_context: None) -> Iterator[Flask]:
    if is_postgres(app):
        pytest.skip("the crawl runs once per CI run, on the SQLite pass")
    _pseudo_catalogue(tmp_path)
    pseudo = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SERVER_NAME": "localhost",
            "LANGUAGES": (PSEUDO, "uz", "ru", "en"),
            "BABEL_TRANSLATION_DIRECTORIES": f"{tmp_path};{ROOT / 'webapp' / 'translations'}",
        }
    )
    with pseudo.app_context():
        yield pseudo
        db.session.remove()


def _data_words() -> set[str]:
    words: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                if isinstance(value, str):
                    words.update(WORD.findall(value))
    return words


def _crawl(client: FlaskClient, start: str) -> Iterator[tuple[str, str]]:
    pages: dict[str, str] = {}

    def fetch(path: str) -> str:
        if path not in pages:
            response = client.get(path, follow_redirects=True)
            assert response.status_code < 500, f"{path}: {response.status_code}"
            pages[path] = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        return pages[path]

    for path in reachable_pages(fetch, start):
        yield path, fetch(path)


def test_no_text_bypasses_the_catalogues_on_any_menu_page(pseudo_app: Flask) -> None:
    assert seed() is True
    db.session.execute(update(User).values(language=PSEUDO))
    db.session.commit()
    data_words = _data_words()
    report: list[str] = []
    crawled = 0
    with pseudo_app.app_context():
        public = pseudo_app.test_client()
        with public.session_transaction() as session:
            session["lang"] = PSEUDO
        for path in PUBLIC_PAGES:
            html = public.get(path).get_data(as_text=True)
            crawled += 1
            report += [f"{path} (public): {text}" for text in problems_of(html, data_words)]
    for username in DEMO_ROLES:
        # A fresh app context per user: requests reuse the pushed one, and its ``g`` caches the
        # signed-in user and the CSRF token.
        with pseudo_app.app_context():
            client = pseudo_app.test_client()
            response = submit_form(client, "/login", {"username": username, "password": "demo"})
            assert response.status_code == 302, username
            for path, html in _crawl(client, response.headers["Location"]):
                crawled += 1
                report += [f"{path} ({username}): {text}" for text in problems_of(html, data_words)]
    assert crawled > 40
    assert not report, f"{len(report)} untranslated texts:\n" + "\n".join(dict.fromkeys(report))
