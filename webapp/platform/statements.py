"""Statements built once per shape.

Building a SQLAlchemy statement and computing its cache key costs more than running a small one on
a warm connection; the hot paths of a request (a task's completion, the bearer token's lookup) send
the same few shapes every time. ``built_once(key, build)`` keeps the statement ``build`` returns
for ``key`` (the shape: which table, which columns), written with ``bindparam`` for the values, so
SQLAlchemy keeps its cache key on it and each execution passes only the values.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

_BUILT: dict[Hashable, Any] = {}
_BOUND = 2000  # shapes are few; a bound all the same (keys may come from data)


def built_once(key: Hashable, build: Callable[[], T]) -> T:
    """The statement built for ``key``, built by ``build`` the first time."""
    found = _BUILT.get(key)
    if found is None:
        if len(_BUILT) >= _BOUND:
            _BUILT.clear()
        found = _BUILT[key] = build()
    return found  # type: ignore[no-any-return]


def built_count() -> int:
    """How many statements are kept (tests check that a repeated shape builds nothing)."""
    return len(_BUILT)
