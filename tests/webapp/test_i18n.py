"""Translations: catalogues complete and in step with the code, the BPMN extractor safe, the UI switchable.

UI msgids are English (``_("My tasks")``); diagram texts (processes/*.bpmn) are Uzbek msgids shown
through gettext, so they need ru and en translations; in uz only their Uzbek spelling (oʻ, gʻ,
maʼlumot: webapp.i18n_typography, run by ``make messages``). When a test here fails after you
added or changed a string: run ``make messages`` and translate the new entries in
webapp/translations/{uz,ru}/LC_MESSAGES/messages.po (and en for diagram texts).
"""

from __future__ import annotations

import io
import os
import re
import shlex
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from lxml import etree

from engine.xml_safety import _parser
from tests.conftest import World, csrf_token
from webapp.extensions import babel
from webapp.i18n_extract import extract_bpmn
from webapp.i18n_typography import needs_letters, uzbek_letters

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "webapp" / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("uz", "ru", "en")
DIAGRAM_DIR = "processes/"
SOURCE_DIRS = ("engine/", "webapp/", "forms/", DIAGRAM_DIR)
FIX_HINT = (
    "run `make messages`, then translate the new entries in "
    "webapp/translations/{uz,ru}/LC_MESSAGES/messages.po (diagram texts also in en/)"
)

Locations = dict[str, list[str]]


# --- helpers -------------------------------------------------------------------


def _key(message: Message) -> str:
    """The msgid (singular form for plural entries), after its context if it has one."""
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return _keyed(msgid, message.context)


def _keyed(msgid: str, context: str | None) -> str:
    """gettext's own spelling of a message with a context: context, EOT, msgid."""
    return msgid if context is None else f"{context}\x04{msgid}"


def _get(catalog: Catalog, key: str) -> Message | None:
    context, _, msgid = key.rpartition("\x04")
    return catalog.get(msgid, context=context or None)


def _strings(message: Message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)


def _translated(message: Message | None) -> bool:
    strings = _strings(message) if message is not None else ()
    return bool(strings) and all(s and s.strip() for s in strings)


def _is_diagram_only(locations: list[str]) -> bool:
    return bool(locations) and all(path.startswith(DIAGRAM_DIR) for path in locations)


def _makefile_keywords() -> list[str]:
    """The ``-k`` options of the Makefile's `messages` target (the same extraction as `make messages`)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    command = next((line for line in makefile.splitlines() if "pybabel" in line and " extract " in line), None)
    assert command, "the Makefile has no `pybabel ... extract` command (target `messages`)"
    args = shlex.split(command)
    return [args[i + 1] for i, arg in enumerate(args[:-1]) if arg in ("-k", "--keyword", "--keywords")]


def _skip_dirs(dirpath: str) -> bool:
    name = os.path.basename(dirpath)
    return not (name.startswith((".", "_")) or name == "node_modules")


def _read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def _short(ids: set[str] | list[str], limit: int = 40) -> str:
    items = sorted(ids)
    text = "\n  ".join(repr(i) for i in items[:limit])
    more = f"\n  ... and {len(items) - limit} more" if len(items) > limit else ""
    return f"\n  {text}{more}"


# --- fixtures ------------------------------------------------------------------


@pytest.fixture(scope="module")
def extracted() -> Locations:
    """msgid -> source files, extracted now with babel.cfg and the Makefile's keywords."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, "babel.cfg")
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(_makefile_keywords())}
    found: Locations = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords, directory_filter=_skip_dirs
    ):
        msgid = message[0] if isinstance(message, (list, tuple)) else message
        found.setdefault(_keyed(msgid, context), []).append(filename.replace(os.sep, "/"))
    return found


@pytest.fixture(scope="module")
def pot() -> Catalog:
    assert POT.is_file(), f"{POT.relative_to(ROOT)} is missing: {FIX_HINT}"
    return _read_catalog(POT)


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    missing = [loc for loc in LOCALES if not _po_path(loc).is_file()]
    assert not missing, f"no catalogue for {missing}: pybabel init -i {POT} -d {TRANSLATIONS} -l <lang>"
    return {loc: _read_catalog(_po_path(loc), loc) for loc in LOCALES}


@pytest.fixture(scope="session")
def compiled_translations(app: Flask) -> Iterator[None]:
    """Compile .po -> .mo where the .mo is missing or older (what `make translations` does)."""
    for locale in LOCALES:
        po = _po_path(locale)
        mo = po.with_suffix(".mo")
        if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = _read_catalog(po, locale)
        # Write atomically: parallel test workers may compile at the same time.
        fd, tmp = tempfile.mkstemp(prefix=".messages-", suffix=".mo", dir=mo.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                write_mo(fh, catalog)
            os.replace(tmp, mo)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    # Flask-Babel caches loaded catalogues per locale; drop anything loaded before compiling.
    with app.app_context():
        babel.domain_instance.cache.clear()
    yield


# --- (a) every msgid translated ------------------------------------------------


def test_extraction_covers_code_templates_and_diagrams(extracted: Locations) -> None:
    paths = {path for paths in extracted.values() for path in paths}
    assert any(p.startswith(DIAGRAM_DIR) for p in paths), "no diagram texts extracted: is mahalla_bpmn wired in?"
    assert any(p.endswith(".html") for p in paths), "no template strings extracted"
    assert any(p.endswith(".py") for p in paths), "no Python strings extracted"
    stray = {p for p in paths if not p.startswith(SOURCE_DIRS)}
    assert not stray, f"extraction reached files outside {SOURCE_DIRS}: {sorted(stray)}"


@pytest.mark.parametrize("locale", ["uz", "ru"])
def test_every_msgid_is_translated(extracted: Locations, catalogs: dict[str, Catalog], locale: str) -> None:
    catalog = catalogs[locale]
    missing, empty = set(), set()
    for msgid, locations in extracted.items():
        if locale == "uz" and _is_diagram_only(locations):
            continue  # diagram texts are written in Uzbek: the msgid is the Uzbek text
        message = _get(catalog, msgid)
        if message is None:
            missing.add(msgid)
        elif not _translated(message) or message.fuzzy:
            empty.add(msgid)
    assert not missing, f"{len(missing)} msgid(s) not in the {locale} catalogue ({FIX_HINT}):{_short(missing)}"
    assert not empty, f"{len(empty)} msgid(s) untranslated or fuzzy in {locale}/messages.po:{_short(empty)}"


def test_diagram_texts_have_english_translations(extracted: Locations, catalogs: dict[str, Catalog]) -> None:
    catalog = catalogs["en"]
    untranslated = {
        msgid
        for msgid, locations in extracted.items()
        if _is_diagram_only(locations) and not ((m := _get(catalog, msgid)) is not None and _translated(m))
    }
    assert not untranslated, (
        f"{len(untranslated)} Uzbek diagram text(s) without an English translation in en/messages.po:"
        f"{_short(untranslated)}"
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_is_clean(catalogs: dict[str, Catalog], locale: str) -> None:
    catalog = catalogs[locale]
    assert not catalog.fuzzy, f"{locale}/messages.po: the header is marked fuzzy (pybabel compile would skip it)"
    fuzzy = {_key(m) for m in catalog if m.id and m.fuzzy}
    assert not fuzzy, f"{locale}/messages.po has fuzzy entries; review them and drop the flag:{_short(fuzzy)}"
    problems = [f"{_key(m)!r}: {'; '.join(map(str, errors))}" for m, errors in catalog.check()]
    assert not problems, f"{locale}/messages.po: placeholder/format errors:\n  " + "\n  ".join(problems)
    if locale == "ru":
        assert catalog.num_plurals == 3
        short = {_key(m) for m in catalog if m.pluralizable and len([s for s in m.string if s]) != 3}
        assert not short, f"ru/messages.po: plural entries need all 3 forms:{_short(short)}"


# --- (b) messages.pot and the catalogues are up to date --------------------------


def test_pot_is_up_to_date(extracted: Locations, pot: Catalog) -> None:
    in_pot = {_key(m) for m in pot if m.id}
    new = set(extracted) - in_pot
    stale = in_pot - set(extracted)
    assert not new, f"{len(new)} msgid(s) in the code but not in messages.pot ({FIX_HINT}):{_short(new)}"
    assert not stale, (
        f"{len(stale)} msgid(s) in messages.pot no longer in the code (run `make messages`):{_short(stale)}"
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_matches_pot(pot: Catalog, catalogs: dict[str, Catalog], locale: str) -> None:
    in_pot = {_key(m) for m in pot if m.id}
    in_po = {_key(m) for m in catalogs[locale] if m.id}
    missing = in_pot - in_po
    assert not missing, (
        f"{len(missing)} msgid(s) of messages.pot missing from {locale}/messages.po ({FIX_HINT}):{_short(missing)}"
    )
    obsolete = in_po - in_pot
    assert not obsolete, f"{locale}/messages.po has entries no longer in messages.pot:{_short(obsolete)}"


# --- (c) the BPMN extractor ------------------------------------------------------

SAMPLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://mahalla.uz/bpmn">
  <bpmn:collaboration id="c"><bpmn:participant id="pa" name="Ishtirokchi" processRef="p"/></bpmn:collaboration>
  <bpmn:process id="p" name="Jarayon nomi" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="inspector"/></bpmn:laneSet>
    <bpmn:startEvent id="s" name="Boshlandi"/>
    <bpmn:userTask id="t" name="Vazifa nomi" camunda:formKey="t">
      <bpmn:documentation>
        Ko'rsatma matni.
      </bpmn:documentation>
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="f" label="Maydon yorlig'i" type="enum">
          <camunda:validation><camunda:constraint name="required"/></camunda:validation>
          <camunda:value id="a" name="Variant A"/>
        </camunda:formField>
        <camunda:formField id="n" type="string"/>
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:scriptTask id="st" name="Skript"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="g" name="Tanlov?"/>
    <bpmn:callActivity id="ca" name="Bosqich" calledElement="q"/>
    <bpmn:sequenceFlow id="sf" name="Ha" sourceRef="g" targetRef="ca"/>
    <bpmn:endEvent id="e" name="Tugadi"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_extractor_yields_visible_texts_and_skips_lanes() -> None:
    results = list(extract("webapp.i18n_extract:extract_bpmn", io.BytesIO(SAMPLE)))
    messages = {message for _lineno, message, _comments, _context in results}
    assert messages == {
        "Ishtirokchi",
        "Jarayon nomi",
        "Boshlandi",
        "Vazifa nomi",
        "Ko'rsatma matni.",
        "Maydon yorlig'i",
        "Variant A",
        "Skript",
        "Tanlov?",
        "Bosqich",
        "Ha",
        "Tugadi",
    }
    assert "inspector" not in messages  # lane names are role codes
    line_of = {message: lineno for lineno, message, _comments, _context in results}
    task_line = next(i for i, line in enumerate(SAMPLE.decode().splitlines(), 1) if 'name="Vazifa nomi"' in line)
    assert line_of["Vazifa nomi"] == task_line


def _xxe_payloads(secret: Path) -> list[bytes]:
    uri = secret.as_uri().encode()
    body = (
        b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
        b'<bpmn:process id="p" name="&xxe;"><bpmn:userTask id="t" name="T">'
        b"<bpmn:documentation>&xxe;</bpmn:documentation></bpmn:userTask></bpmn:process></bpmn:definitions>"
    )
    return [
        b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "' + uri + b'">]>\n' + body,
        b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + body,
        b'<?xml version="1.0"?>\n<!DOCTYPE d SYSTEM "' + uri + b'">\n' + body.replace(b"&xxe;", b"X"),
        # The declaration hidden behind a long comment, and a parameter entity.
        b'<?xml version="1.0"?>\n<!--'
        + b"x" * 10_000
        + b'-->\n<!DOCTYPE d [<!ENTITY % p SYSTEM "'
        + uri
        + b'"> %p; <!ENTITY xxe "safe">]>\n'
        + body,
        # An undeclared entity reference without any DOCTYPE.
        b'<?xml version="1.0"?>\n' + body,
    ]


def test_extractor_refuses_xxe(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-7f3a9 root:x:0:0", encoding="utf-8")
    for payload in _xxe_payloads(secret):
        diagram = tmp_path / "evil.bpmn"
        diagram.write_bytes(payload)
        with diagram.open("rb") as fh:
            try:
                results = list(extract_bpmn(fh, [], [], {}))
            except ValueError:
                results = []
        leaked = [r for r in results if "CANARY" in r[2] or "root:" in r[2]]
        assert not leaked, f"the extractor read an external entity: {leaked}"
        assert results == [], f"a diagram with a DTD/entity was not refused: {results}"


def test_extractor_parser_never_resolves_entities(tmp_path: Path) -> None:
    """Defence in depth: even when fed a DTD, the parser itself expands nothing and fetches nothing."""
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-7f3a9", encoding="utf-8")
    payload = b'<!DOCTYPE d [<!ENTITY xxe SYSTEM "' + secret.as_uri().encode() + b'">]><d>&xxe;</d>'
    root = etree.fromstring(payload, parser=_parser())
    assert "CANARY" not in etree.tostring(root, encoding="unicode")


# --- (d) the app speaks Uzbek by default and Russian on request --------------------


def _switch_language(client: FlaskClient, html: str, language: str, next_url: str = "/login") -> None:
    response = client.post("/language", data={"csrf_token": csrf_token(html), "language": language, "next": next_url})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_login_page_in_uzbek_then_russian(compiled_translations: None, client: FlaskClient, world: World) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="uz">' in page
    assert "Kirish" in page  # "Log in"
    assert "Foydalanuvchi nomi" in page  # "Username"
    assert "Log in" not in page

    _switch_language(client, page, "ru")
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="ru">' in page
    assert "Войти" in page
    assert "Имя пользователя" in page
    assert "Kirish" not in page

    _switch_language(client, page, "en")
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page


def test_diagram_texts_are_translated_at_runtime(compiled_translations: None, app: Flask) -> None:
    with app.test_request_context("/"):
        with force_locale("ru"):
            assert gettext("Ariza") == "Заявление"
            assert gettext("Registered") == "Зарегистрировано"
        with force_locale("en"):
            assert gettext("Ariza") == "Statement"
        with force_locale("uz"):
            assert gettext("Ariza") == "Ariza"
            assert re.search("\u02bb", gettext("Registered"))  # Roʻyxatga olindi


# --- (d) Uzbek letters -----------------------------------------------------------


def test_uzbek_letters_replace_the_typewriter_apostrophe_only_inside_words() -> None:
    assert uzbek_letters("Ko'pi bilan %(count)d ta fayl, ma'lumot") == "Koʻpi bilan %(count)d ta fayl, maʼlumot"
    assert uzbek_letters("G‘oya va bog`liq") == "Gʻoya va bogʻliq"
    assert uzbek_letters("<a href='/x'>'%(name)s'</a>") == "<a href='/x'>'%(name)s'</a>"


def test_the_uzbek_catalogue_spells_o_g_and_the_tutuq_belgisi_in_uzbek_letters(
    extracted: Locations, catalogs: dict[str, Catalog]
) -> None:
    """One screen never shows "soʻrov" beside "so'rov": `make messages` fixes both kinds of entry."""
    typed = {_key(m) for m in catalogs["uz"] if m.id and needs_letters(" ".join(_strings(m)))}
    assert not typed, f"uz/messages.po: typewriter apostrophes (run `make messages`):{_short(typed)}"
    diagram = {
        msgid
        for msgid, locations in extracted.items()
        if _is_diagram_only(locations) and needs_letters(msgid) and not _translated(_get(catalogs["uz"], msgid))
    }
    assert not diagram, f"diagram texts without their Uzbek spelling in uz/messages.po:{_short(diagram)}"
