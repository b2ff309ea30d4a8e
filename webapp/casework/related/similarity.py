"""Normalising phones, addresses and texts, and the text similarity of two appeals (stdlib only)."""

from __future__ import annotations

import re

# Uzbek Latin writes oʻ/gʻ with a turned comma; people type ’ ‘ ` ' or nothing at all.
_APOSTROPHES = str.maketrans({"ʻ": "", "ʼ": "", "’": "", "‘": "", "`": "", "'": "", "´": ""})
_TOKEN = re.compile(r"\w+")
MIN_TOKEN_LENGTH = 3


def phone_digits(phone: str) -> str:
    """The last nine digits (the subscriber number without the +998 country code)."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-9:] if len(digits) >= 7 else ""


def normalise_text(text: str) -> str:
    return (text or "").lower().translate(_APOSTROPHES)


def normalise_address(address: str) -> str:
    return " ".join(_TOKEN.findall(normalise_text(address)))


def tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in _TOKEN.findall(normalise_text(text)) if len(t) >= MIN_TOKEN_LENGTH)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
