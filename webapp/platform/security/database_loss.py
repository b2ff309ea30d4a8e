"""A lost database connection never gives the user a 500.

An idempotent request (GET, HEAD, OPTIONS) whose connection was lost — in a ``before_request``
hook (loading the signed-in user) or in the view — is run once more on a fresh connection;
anything else, or a second loss, is answered 503 with a message in the user's language (JSON
for the API). Writes are never retried: the transaction was rolled back, and the
user repeats the action knowingly.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, OperationalError

from webapp.extensions import db

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


def is_connection_loss(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and (exc.connection_invalidated or isinstance(exc, OperationalError))


def _forget_connection() -> None:
    with contextlib.suppress(DBAPIError):
        db.session.rollback()
    db.session.remove()


def _retrying(call: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(call)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except DBAPIError as exc:
            if not (is_connection_loss(exc) and request.method in IDEMPOTENT):
                raise
            _forget_connection()
            return call(*args, **kwargs)

    return wrapper


def unavailable(error: DBAPIError) -> Any:
    from webapp.errors import _json_error, is_open311, open311_error, wants_json

    if not is_connection_loss(error):
        raise error
    _forget_connection()
    message = _("The database cannot be reached right now. Nothing was lost; please try again in a minute.")
    if is_open311():
        return open311_error(503, message)
    if wants_json():
        return _json_error(503, message)
    return render_template("error.html", status=503, message=message), 503


def init_app(app: Flask) -> None:
    """Call after every blueprint is registered: wraps every view and the before-request hooks."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = _retrying(view)
    app.preprocess_request = _retrying(app.preprocess_request)  # type: ignore[method-assign]
    app.register_error_handler(DBAPIError, unavailable)
