"""Uzbek (Latin) letters in the Uzbek catalogue: oʻ and gʻ with the turned comma (U+02BB), the
tutuq belgisi with the modifier apostrophe (U+02BC), never the typewriter apostrophe.

Translators and diagram authors type ``o'``, ``g'`` and ``ma'lumot`` on any keyboard; one screen
must not show "soʻrov" beside "so'rov". ``make messages`` runs this over the Uzbek catalogue after
``pybabel update``: it rewrites translations typed with the typewriter apostrophe, and gives the
diagrams' Uzbek texts (the msgids of ``processes/``) their Uzbek spelling as the Uzbek translation.
Placeholders (``%(name)s``, ``{name}``) and markup are left alone: only an apostrophe between two
letters, or after o/g and before a letter, is changed.

    python -m webapp.i18n_typography webapp/translations/uz/LC_MESSAGES/messages.po
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

TURNED_COMMA = "\u02bb"  # ʻ in oʻ, gʻ
MODIFIER_APOSTROPHE = "\u02bc"  # ʼ, the tutuq belgisi: maʼlumot, eʼlon
_TYPED = "'\u2018\u2019`"  # how people type them
_O_G = re.compile(rf"(?<=[oOgG])[{_TYPED}](?=[^\W\d_])")
_SEPARATOR = re.compile(rf"(?<=[^\W\d_])[{_TYPED}](?=[^\W\d_])")
DIAGRAMS = "processes/"
WIDTH = 100  # as ``make messages`` writes the catalogues


def uzbek_letters(text: str) -> str:
    """``text`` with oʻ, gʻ and the tutuq belgisi in their Uzbek characters."""
    return _SEPARATOR.sub(MODIFIER_APOSTROPHE, _O_G.sub(TURNED_COMMA, text))


def needs_letters(text: str) -> bool:
    return uzbek_letters(text) != text


def _from_diagram(message: Message) -> bool:
    return bool(message.locations) and all(path.startswith(DIAGRAMS) for path, _line in message.locations)


def _fixed(message: Message) -> bool:
    """Rewrite one entry in place; True when it changed."""
    if isinstance(message.string, tuple | list):
        strings = tuple(uzbek_letters(text) for text in message.string)
        changed = strings != tuple(message.string)
        message.string = strings
        return changed
    if message.string:
        string = uzbek_letters(message.string)
        changed = string != message.string
        message.string = string
        return changed
    if isinstance(message.id, str) and _from_diagram(message) and needs_letters(message.id):
        message.string = uzbek_letters(message.id)
        return True
    return False


def fix_catalogue(catalog: Catalog) -> int:
    """Rewrite the catalogue's Uzbek texts; how many entries changed."""
    return sum(_fixed(message) for message in catalog if message.id)


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        with path.open("rb") as stream:
            catalog = read_po(stream)
        changed = fix_catalogue(catalog)
        if changed:
            with path.open("wb") as stream:
                write_po(stream, catalog, width=WIDTH)
        print(f"{path}: {changed} entries given Uzbek letters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
