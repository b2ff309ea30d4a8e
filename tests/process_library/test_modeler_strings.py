"""The modelers' labels come from our catalogues: every one translated, and every one a real label.

webapp/studio/library/modeler_strings.py lists the English labels bpmn-js, the properties panel and
dmn-js pass to their `translate` service; the modeler page embeds them translated for its reader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from tests.conftest import World
from webapp.cases.versions import APPEAL_PROCESS
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.studio.library import service
from webapp.studio.library.modeler_strings import CONTEXT, STRINGS

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "webapp" / "translations"
NODE_MODULES = ROOT / "node_modules"
# Where the libraries keep the labels they translate (make assets installs them).
SOURCES = [
    "bpmn-js/lib",
    "diagram-js/lib",
    "dmn-js-decision-table/lib",
    "dmn-js-drd/lib",
    "dmn-js-literal-expression/lib",
    "dmn-js-boxed-expression/lib",
    "dmn-js-shared/lib",
    "bpmn-js-properties-panel/dist/index.esm.js",
    "@bpmn-io/properties-panel/dist/index.esm.js",
]
# Our own additions to the panel (webapp/static/src): the "file" field type.
OWN_SOURCES = [ROOT / "webapp" / "static" / "src" / "file-field-type.js"]
PLACEHOLDER = re.compile(r"{[^}]+}")
TRANSLATIONS_JSON = re.compile(r"<script type=\"application/json\" data-modeler-translations>(.*?)</script>", re.S)


@cache
def _catalog(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


@cache
def _library_sources() -> str:
    texts = []
    for source in SOURCES:
        path = NODE_MODULES / source
        assert path.exists(), f"{path} is missing: run `make assets`"
        files = [path] if path.is_file() else sorted(path.rglob("*.js"))
        texts += [file.read_text(encoding="utf-8") for file in files]
    texts += [path.read_text(encoding="utf-8").replace('"', "'") for path in OWN_SOURCES]  # our quotes
    return "\n".join(texts)


def test_the_labels_are_unique() -> None:
    assert len(set(STRINGS)) == len(STRINGS)


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_every_label_is_translated_with_its_placeholders(language: str) -> None:
    catalog = _catalog(language)
    for label in STRINGS:
        entry = catalog.get(label, context=CONTEXT)
        assert entry is not None and entry.string and not entry.fuzzy, (language, label)
        assert PLACEHOLDER.findall(entry.string) == PLACEHOLDER.findall(label), (language, label, entry.string)


def test_no_english_label_is_translated_by_a_fuzzy_guess() -> None:
    catalog = _catalog("en")
    for label in STRINGS:
        entry = catalog.get(label, context=CONTEXT)
        assert entry is not None and not entry.fuzzy and entry.string in ("", label), label


def test_every_label_is_one_the_libraries_show() -> None:
    """A label renamed upstream would silently fall back to English: each must be in the sources,
    quoted as written, or (the panel's element types) as the type name the panel spells out."""
    sources = _library_sources()
    for label in STRINGS:
        type_name = re.sub(r"[^A-Za-z]", "", label)
        assert f"'{label}'" in sources or f"'{type_name}'" in sources, label


def _translations(client: FlaskClient) -> dict[str, str]:
    page = client.get(f"/processes/{APPEAL_PROCESS}/draft/files/appeal_routing.dmn")
    assert page.status_code == 200
    found = TRANSLATIONS_JSON.search(page.get_data(as_text=True))
    assert found is not None
    translations: dict[str, str] = json.loads(found.group(1))
    return translations


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("uz", {"General": "Umumiy", "When": "Agar", "Link": "Havola", "Open {element}": "{element} ni ochish"}),
        ("ru", {"General": "Общие", "When": "Если", "Link": "Ссылка", "Open {element}": "Открыть {element}"}),
        ("en", {}),
    ],
)
def test_the_modeler_page_embeds_the_labels_in_the_readers_language(
    world: World, as_user: Callable[[User], FlaskClient], language: str, expected: dict[str, str]
) -> None:
    service.start_draft(APPEAL_PROCESS, world.methodologist)
    world.methodologist.language = language
    db.session.commit()
    translations = _translations(as_user(world.methodologist))
    if expected:
        catalog = _catalog(language)
        entries = {label: catalog.get(label, context=CONTEXT) for label in STRINGS}
        differing = {label: entry.string for label, entry in entries.items() if entry and entry.string != label}
        assert translations == differing  # every translated label; "ID" stays "ID"
        assert expected.items() <= translations.items()
    else:
        assert translations == {}  # English: the libraries' own labels
