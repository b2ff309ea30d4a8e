"""Normalisation, transliteration, apostrophes and stems of engine.text_features."""

from __future__ import annotations

import pytest

from engine.text_features import features, looks_uzbek_cyrillic, normalise, stem, tokens, transliterate_uzbek


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("ўғил", "o'g'il"),
        ("қўшни", "qo'shni"),
        ("ҳовли", "hovli"),
        ("ғишт", "g'isht"),
        ("шаҳар", "shahar"),
        ("чироқ", "chiroq"),
        ("ёрдам", "yordam"),
        ("юрак", "yurak"),
        ("ярим", "yarim"),
        ("хона", "xona"),
        ("цемент", "tsement"),
        ("жанжал", "janjal"),
        ("еру", "yeru"),  # е is "ye" at a word start
        ("оилаег", "oilayeg"),  # … and after a vowel
        ("келин", "kelin"),  # … and "e" after a consonant
        ("маъмурият", "ma'muriyat"),  # ъ is the apostrophe (tutuq belgisi)
        ("Тошкент", "toshkent"),  # lower-cased
    ],
)
def test_uzbek_cyrillic_is_transliterated_letter_by_letter(cyrillic: str, latin: str) -> None:
    assert transliterate_uzbek(cyrillic) == latin


@pytest.mark.parametrize("spelling", ["o'g'irlik", "oʻgʻirlik", "o‘g‘irlik", "o’g’irlik", "o`g`irlik", "oʼgʼirlik"])
def test_every_apostrophe_spelling_gives_the_same_word(spelling: str) -> None:
    assert tokens(normalise(spelling)) == ["o'g'irlik"]


def test_uzbek_cyrillic_and_latin_texts_give_the_same_words() -> None:
    latin = tokens(normalise("Qoʻshnimning hovlisidan velosiped oʻgʻirlandi"))
    cyrillic = tokens(normalise("Қўшнимнинг ҳовлисидан велосипед ўғирланди"))
    assert latin == cyrillic == ["qo'shnimning", "hovlisidan", "velosiped", "o'g'irlandi"]


def test_russian_stays_cyrillic() -> None:
    assert looks_uzbek_cyrillic("У соседей постоянно шум и драки") is False
    assert normalise("У соседей Шум") == "у соседей шум"


def test_uzbek_cyrillic_without_its_own_letters_is_recognised_by_its_endings() -> None:
    assert looks_uzbek_cyrillic("Уч йилдан бери ишсизман, ишга жойлашишда ёрдам беринг") is True
    assert normalise("Уч йилдан бери ишсизман").startswith("uch yildan")


def test_quotes_around_words_are_not_part_of_them() -> None:
    assert tokens("'salom' dedi `u`") == ["salom", "dedi", "u"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("suvlari", "suv"),
        ("bolalarning", "bola"),
        ("mahalladan", "mahalla"),
        ("pensiyani", "pensiya"),
        ("o'g'irladi", "o'g'irla"),
        ("uyga", "uyga"),  # never shorter than three letters
        ("пенсии", "пенси"),
        ("пенсия", "пенси"),
        ("соседями", "сосед"),
        ("шум", "шум"),
    ],
)
def test_stems_drop_common_uzbek_suffixes_and_russian_endings(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_features_hold_words_stems_beginnings_and_word_pairs() -> None:
    found = features("Ichimlik suvi yoʻq, oilamiz kam taʼminlangan")
    assert {"suvi", "suv", "ichimlik suv", "ichimlik suvi"} <= found
    assert {"oila", "oila*", "kam ta'minlan*", "kam ta'minlangan"} <= found
    assert "ichi*" in found and "ich*" not in found  # beginnings have at least four letters
    assert "ta'minlan" in found and "ta'minlan" + "gan*" in found
