"""File names of documents produced on a case, as the applicant and the staff download them."""

from __future__ import annotations

_SUFFIXES = {"reply_letter": "javob"}


def document_filename(number: str, kind: str) -> str:
    """For example ``murojaat-2026-000123-javob.pdf`` for the reply letter of appeal 2026-000123."""
    return f"murojaat-{number}-{_SUFFIXES.get(kind, kind.replace('_', '-'))}.pdf"
