"""Text as search sees it: one script, one spelling.

Uzbek is written in Latin (with oʻ/gʻ spelled ʻ, ', ’ or `) and in Cyrillic (ў, ғ, қ, ҳ); Russian
in Cyrillic. Everything is lower-cased and written in Uzbek Latin without apostrophes, so
"Giyohvand", "гиёҳванд" and "giyohvand" are one word, "oʻgʻil", "o'g'il" and "ўғил" too. A Russian
word becomes its Latin transliteration, which a Russian query becomes as well. Pure functions: the
stored column, the query and the highlighter all use them.
"""

from __future__ import annotations

import re

CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "x", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "ў": "o", "қ": "q", "ғ": "g", "ҳ": "h",
}  # fmt: skip
APOSTROPHES = "ʻʼ'’‘`´"
_TABLE = str.maketrans({**CYRILLIC, **dict.fromkeys(APOSTROPHES, "")})
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 8


def normalise(text: str) -> str:
    """Lower case, Uzbek Latin, no apostrophes, single spaces (oʻ → o, gʻ → g, ў → o, ғ → g)."""
    return " ".join(_WORD.findall(text.casefold().translate(_TABLE)))


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def terms(query: str) -> list[str]:
    """The words of a query, normalised; a phone number typed with spaces or dashes is one term."""
    if re.fullmatch(r"[\s\d()+-]{5,}", query) and len(digits(query)) >= 5:
        return [digits(query)]
    return list(dict.fromkeys(normalise(query).split()))[:MAX_TERMS]


def search_document(*parts: str, phone: str = "") -> str:
    """The stored search text of an appeal: its fields normalised, and the phone as bare digits."""
    return " ".join(filter(None, [normalise(part) for part in parts] + [digits(phone)]))
