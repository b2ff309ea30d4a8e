"""Refusals of the process library in the user's language (diagram problems: webapp.platform.engine_messages)."""

from __future__ import annotations

from webapp.studio.library.service import LibraryRefused


def refusal_message(exc: LibraryRefused) -> str:
    text = str(exc.message)
    return text % exc.params if exc.params else text
