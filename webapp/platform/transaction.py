"""One action, one transaction: commit what the block wrote, or roll all of it back and re-raise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from webapp.extensions import db

T = TypeVar("T")


class Transaction:
    """The handle of a ``with transaction() as tx:`` block, for the blocks that end without committing."""

    def __init__(self) -> None:
        self.commits = True

    def rollback(self) -> None:
        """Undo what the block wrote so far; the block then ends without a commit."""
        db.session.rollback()
        self.commits = False

    def skip_commit(self) -> None:
        """End the block without committing: what the caller added stays in the session, uncommitted."""
        self.commits = False


@contextmanager
def rolled_back_on_error() -> Iterator[None]:
    """Roll back and re-raise if the block fails; leave the transaction open otherwise (a read
    that the caller's transaction goes on with)."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise


@contextmanager
def transaction() -> Iterator[Transaction]:
    """``with transaction(): …`` commits at the end of the block; any exception rolls back."""
    handle = Transaction()
    with rolled_back_on_error():
        yield handle
        if handle.commits:
            db.session.commit()


def commit() -> None:
    """Commit what the session holds (the end of a service function); a failed commit is rolled back."""
    with transaction():
        pass


def committed(action: Callable[[], T]) -> T:
    """Run ``action`` as one transaction and return its result."""
    with transaction():
        return action()


def end_read() -> None:
    """End a read-only transaction (release its snapshot and row locks) before the next unit of work."""
    db.session.rollback()
