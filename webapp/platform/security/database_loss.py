"""A lost database connection, or a clash with another transaction, never gives the user a 500.

An idempotent request (GET, HEAD, OPTIONS) whose connection was lost — in a ``before_request``
hook (loading the signed-in user) or in the view — is run once more on a fresh connection;
anything else, or a second loss, is answered 503 with a message in the user's language (JSON
for the API). Writes are not retried after a lost connection: the commit may have reached the
database, and the user repeats the action knowingly.

A deadlock or a serialization failure (PostgreSQL rolled the whole transaction back, by design,
so that one of two simultaneous actions goes on) is different: nothing of the action was kept,
so the view is run once more — any method — when the request had committed nothing before
(one transaction per user action; the uploaded files are read again from the start). A second
clash is answered 409: nothing was saved, try again.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, g, has_app_context, render_template, request
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from webapp.extensions import db

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
# deadlock_detected, serialization_failure: the database rolled the transaction back to let the other go on
TRANSIENT_CONFLICTS = frozenset({"40P01", "40001"})


def is_transient_conflict(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in TRANSIENT_CONFLICTS


def is_connection_loss(exc: BaseException) -> bool:
    if is_transient_conflict(exc):
        return False
    return isinstance(exc, DBAPIError) and (exc.connection_invalidated or isinstance(exc, OperationalError))


@event.listens_for(Session, "after_commit")
def _count_commit(_session: Session) -> None:
    if has_app_context():
        g._mahalla_commits = _commits() + 1


def _commits() -> int:
    return int(g.get("_mahalla_commits", 0))


def _rewind_uploads() -> None:
    """Every uploaded file back to its start (several files may share a field's name)."""
    for uploads in request.files.listvalues():
        for upload in uploads:
            upload.stream.seek(0)


def _forget_connection() -> None:
    with contextlib.suppress(DBAPIError):
        db.session.rollback()
    db.session.remove()


def _retrying(call: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(call)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        commits = _commits()
        try:
            return call(*args, **kwargs)
        except DBAPIError as exc:
            if is_transient_conflict(exc) and _commits() == commits:
                db.session.rollback()  # the signed-in user's row stays in the session, read again
                _rewind_uploads()
                return call(*args, **kwargs)
            if not (is_connection_loss(exc) and request.method in IDEMPOTENT):
                raise
            _forget_connection()
            return call(*args, **kwargs)

    return wrapper


def unavailable(error: DBAPIError) -> Any:
    from webapp.errors import _json_error, is_open311, open311_error, wants_json

    if is_transient_conflict(error):
        status = 409
        with contextlib.suppress(DBAPIError):
            db.session.rollback()
        message = _("Someone else changed the same records at the same moment. Nothing was saved; please try again.")
    elif is_connection_loss(error):
        status = 503
        _forget_connection()
        message = _("The database cannot be reached right now. Nothing was lost; please try again in a minute.")
    else:
        raise error
    if is_open311():
        return open311_error(status, message)
    if wants_json():
        return _json_error(status, message)
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    """Call after every blueprint is registered: wraps every view and the before-request hooks."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = _retrying(view)
    app.preprocess_request = _retrying(app.preprocess_request)  # type: ignore[method-assign]
    app.register_error_handler(DBAPIError, unavailable)
