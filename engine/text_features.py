"""Text features for rule-based categorisation: normalised words, simple stems and word beginnings.

Appeals arrive in Uzbek Latin, Uzbek Cyrillic and Russian. To let one keyword list cover them:

* text is lower-cased and every apostrophe variant (ʻ ʼ ' ` ‘ ’ ´) becomes the ASCII ``'``, so
  ``oʻgʻirlik``, ``o'g'irlik`` and ``o‘g‘irlik`` are the same word;
* Uzbek Cyrillic is transliterated to Uzbek Latin (``ўғирлик`` → ``o'g'irlik``); a text counts as
  Uzbek Cyrillic when it contains one of the letters ў қ ғ ҳ or typical Uzbek endings;
* Russian stays Cyrillic, so a methodologist writes Russian keywords as Russian words.

Features of a text are its words, their stems (common Uzbek suffixes and Russian endings removed),
word beginnings of four letters or more marked with ``*`` (so a keyword ``o'g'irla*`` matches
``o'g'irlangan``) and pairs of neighbouring words (``ichimlik suv``, ``kam ta'minlan*``).
"""

from __future__ import annotations

import re

APOSTROPHE = "'"
_APOSTROPHES = "ʻʼ'`‘’´ʹ′"
_APOSTROPHE_TABLE = str.maketrans({ch: APOSTROPHE for ch in _APOSTROPHES})

_UZ_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "x",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": APOSTROPHE,
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ў": "o" + APOSTROPHE,
    "қ": "q",
    "ғ": "g" + APOSTROPHE,
    "ҳ": "h",
}
_VOWELS = set("аеёиоуэюяўaeiou")
_UZBEK_ONLY_LETTERS = set("ўқғҳ")
_UZBEK_CYRILLIC_ENDINGS = ("нинг", "лар", "ни", "га", "да", "дан", "миз", "ман", "япти", "ган", "ди", "ингиз")
_UZBEK_CYRILLIC_WORDS = frozenset({"ва", "учун", "билан", "бери", "бу", "ҳам", "эмас", "йўқ", "бор", "керак"})
_RUSSIAN_WORDS = frozenset({"и", "в", "на", "не", "что", "с", "по", "у", "из", "за", "от", "для", "уже", "как", "это"})

_WORD = re.compile(r"[0-9a-zа-яёўқғҳ']+")

MIN_STEM = 3
MIN_PREFIX = 4

UZBEK_SUFFIXES = tuple(
    sorted(
        {
            "larining",
            "larini",
            "lariga",
            "larida",
            "laridan",
            "larning",
            "lardan",
            "larga",
            "larda",
            "larni",
            "lari",
            "lar",
            "ning",
            "dagi",
            "dan",
            "ga",
            "ka",
            "qa",
            "da",
            "ni",
            "imiz",
            "ingiz",
            "miz",
            "ngiz",
            "im",
            "ing",
            "si",
            "moqda",
            "yapti",
            "ayapti",
            "gan",
            "di",
            "di'",
            "i",
        },
        key=len,
        reverse=True,
    )
)
RUSSIAN_ENDINGS = tuple(
    sorted(
        {
            "ться",
            "ется",
            "ются",
            "ами",
            "ями",
            "ого",
            "его",
            "ому",
            "ему",
            "ыми",
            "ими",
            "ой",
            "ей",
            "ий",
            "ый",
            "ая",
            "яя",
            "ое",
            "ее",
            "ые",
            "ие",
            "ов",
            "ев",
            "ам",
            "ям",
            "ах",
            "ях",
            "ом",
            "ем",
            "ую",
            "ют",
            "ет",
            "ит",
            "ат",
            "ят",
            "ть",
            "ся",
            "а",
            "я",
            "о",
            "е",
            "ы",
            "и",
            "у",
            "ю",
            "ь",
        },
        key=len,
        reverse=True,
    )
)


def unify_apostrophes(text: str) -> str:
    return text.translate(_APOSTROPHE_TABLE)


def looks_uzbek_cyrillic(text: str) -> bool:
    """True for Uzbek written in Cyrillic: it has one of ў қ ғ ҳ, or more Uzbek than Russian word forms."""
    lowered = text.lower()
    if any(ch in _UZBEK_ONLY_LETTERS for ch in lowered):
        return True
    words = re.findall(r"[а-яё]+", lowered)
    uzbek = sum(1 for w in words if w in _UZBEK_CYRILLIC_WORDS or (len(w) > 4 and w.endswith(_UZBEK_CYRILLIC_ENDINGS)))
    russian = sum(1 for w in words if w in _RUSSIAN_WORDS or any(ch in "ыщь" for ch in w))
    return uzbek > russian


def transliterate_uzbek(text: str) -> str:
    """Uzbek Cyrillic to Uzbek Latin (lower case). ``е`` is ``ye`` at a word start and after a vowel."""
    out: list[str] = []
    previous = ""
    for ch in text.lower():
        if ch == "е" and (not previous.isalpha() or previous in _VOWELS or previous == "ъ"):
            out.append("ye")
        else:
            out.append(_UZ_CYRILLIC.get(ch, ch))
        previous = ch
    return unify_apostrophes("".join(out))


def normalise(text: str) -> str:
    """Lower case, one apostrophe, Uzbek Cyrillic in Latin letters; Russian stays Cyrillic."""
    text = unify_apostrophes(text.lower())
    if looks_uzbek_cyrillic(text):
        text = transliterate_uzbek(text)
    return text


def tokens(text: str) -> list[str]:
    """The words of a normalised text; apostrophes at word edges (quotes) are dropped."""
    words = (word.strip(APOSTROPHE) for word in _WORD.findall(text))
    return [word for word in words if word]


def _is_cyrillic(word: str) -> bool:
    return any("а" <= ch <= "я" or ch == "ё" for ch in word)


def stem(word: str) -> str:
    """Remove common endings: up to three Uzbek suffixes, or one Russian ending; keep ≥ 3 letters."""
    if _is_cyrillic(word):
        for ending in RUSSIAN_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
                return word[: -len(ending)]
        return word
    for _ in range(3):
        for suffix in UZBEK_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)].rstrip(APOSTROPHE)
                break
        else:
            break
    return word


def _prefixes(word: str) -> list[str]:
    """Beginnings of a word (four letters or more, the whole word included), each marked with ``*``."""
    return [word[:end].rstrip(APOSTROPHE) + "*" for end in range(MIN_PREFIX, len(word) + 1)]


def features(text: str) -> frozenset[str]:
    """What a keyword can match in a text.

    * ``word``: a word as written or without its endings (``suv`` matches ``suvi``, ``suvlar``);
    * ``beginning*``: a word starting with it (``o'g'irla*`` matches ``o'g'irlangan``);
    * ``two words``: neighbouring words, the first as written or without endings, the second
      likewise or as a beginning (``kam ta'minlan*``, ``ichimlik suv``).
    """
    words = tokens(normalise(text))
    stems = [stem(word) for word in words]
    found: set[str] = set(words) | set(stems)
    for word in words:
        found.update(_prefixes(word))
    for index in range(len(words) - 1):
        second, second_stem = words[index + 1], stems[index + 1]
        for first in {words[index], stems[index]}:
            found.update({f"{first} {second}", f"{first} {second_stem}"})
            found.update(f"{first} {prefix}" for prefix in _prefixes(second))
    return frozenset(found)
