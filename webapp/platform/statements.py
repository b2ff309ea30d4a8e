"""Statements built once per shape.

Building a SQLAlchemy statement and computing its cache key costs more than running a small one on
a warm connection; the hot paths of a request (a task's completion, the bearer token's lookup) send
the same few shapes every time. ``built_once(key, build)`` keeps the statement ``build`` returns
for ``key`` (the shape: which table, which columns), written with ``bindparam`` for the values, so
SQLAlchemy keeps its cache key on it and each execution passes only the values.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import psycopg._queries as psycopg_queries

T = TypeVar("T")


class _Kept:
    """Statements by key, the least recently used dropped beyond ``bound``."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self.statements: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        found = self.statements.get(key)
        if found is None:
            found = self.statements[key] = build()
            if len(self.statements) > self.bound:
                self.statements.popitem(last=False)
        else:
            self.statements.move_to_end(key)
        return found  # type: ignore[no-any-return]


# psycopg rewrites a statement's ``%(name)s`` placeholders into ``$1``… on every execution and keeps
# the rewrite only for statements up to 4,096 characters and 50 parameters (to spare its cache the
# ever-new many-rows INSERTs of other ORMs). A completion's writes are one built-once statement of
# about 6,000 characters and 100 parameters (webapp.platform.write_batch): rewritten every time it
# cost ~0.16 ms. Its cache keeps 128 statements, the least recently used dropped, so the larger
# bounds keep at most ~2 MB; a statement longer still is rewritten as before.
DRIVER_CACHED_STATEMENT_CHARS = 16_384
DRIVER_CACHED_STATEMENT_PARAMETERS = 256


def keep_driver_rewrites() -> None:
    """Let psycopg keep its rewrite of the long statements built here (see above)."""
    psycopg_queries.MAX_CACHED_STATEMENT_LENGTH = max(
        psycopg_queries.MAX_CACHED_STATEMENT_LENGTH, DRIVER_CACHED_STATEMENT_CHARS
    )
    psycopg_queries.MAX_CACHED_STATEMENT_PARAMS = max(
        psycopg_queries.MAX_CACHED_STATEMENT_PARAMS, DRIVER_CACHED_STATEMENT_PARAMETERS
    )


_SHAPES = _Kept(2000)  # shapes are few; a bound all the same (keys may come from data)
_PER_USER = _Kept(500)  # the users working on this process today, a few statements each


def built_once(key: Hashable, build: Callable[[], T]) -> T:
    """The statement built for ``key``, built by ``build`` the first time."""
    return _SHAPES.get(key, build)


def built_for_user(key: Hashable, build: Callable[[], T]) -> T:
    """A statement that holds one user's scope (their id, territory and the day: the key must name
    everything ``build`` reads), built once while the user keeps working on this process."""
    return _PER_USER.get(key, build)


def built_count() -> int:
    """How many statements are kept (tests check that a repeated shape builds nothing)."""
    return len(_SHAPES.statements) + len(_PER_USER.statements)


def built_for_users_count() -> int:
    """How many statements holding a user's scope are kept."""
    return len(_PER_USER.statements)


def forget_built() -> None:
    """Drop every kept statement (a test that counts what is built starts from nothing)."""
    _SHAPES.statements.clear()
    _PER_USER.statements.clear()
