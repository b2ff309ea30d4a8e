"""Show where a search matched: the matching words of a text marked, and a snippet around the first."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from webapp.casework.appeals.normalise import digits, normalise, terms

_WORD = re.compile(r"[^\W_]+(?:[ʻʼ'’‘`][^\W_]+)*", re.UNICODE)
SNIPPET = 160


def _matches(word: str, wanted: list[str]) -> bool:
    plain = normalise(word).replace(" ", "")
    return bool(plain) and any(term in plain or (term.isdigit() and term in digits(word)) for term in wanted)


def highlight(text: str, query: str) -> Markup:
    """The text, escaped, with each word containing a query term wrapped in <mark>."""
    wanted = terms(query)
    if not wanted or not text:
        return escape(text)
    if any(term.isdigit() and len(term) >= 5 and term in digits(text) for term in wanted) and len(text) <= 40:
        return Markup("<mark>") + escape(text) + Markup("</mark>")  # a phone number written with spaces
    out, last = [], 0
    for found in _WORD.finditer(text):
        if _matches(found.group(), wanted):
            out.append(escape(text[last : found.start()]))
            out.append(Markup("<mark>") + escape(found.group()) + Markup("</mark>"))
            last = found.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str, query: str, width: int = SNIPPET) -> Markup:
    """About ``width`` characters of the text around its first match, highlighted."""
    wanted = terms(query)
    start = 0
    for found in _WORD.finditer(text):
        if _matches(found.group(), wanted):
            start = max(0, found.start() - width // 3)
            break
    part = text[start : start + width]
    return Markup("").join(
        [Markup("…") if start else Markup(""), highlight(part, query), Markup("…") if start + width < len(text) else ""]
    )
