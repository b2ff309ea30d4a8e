"""Error pages for people and JSON errors for the API: never a bare 500.

This is the one place where errors become HTTP answers. Views raise a DomainError (NotFoundError,
ForbiddenError, ConflictError, ChangedMeanwhile) or let a BadParameter from the query-parameter parser
(webapp/platform/query_params.py) through; the handlers below choose the status and the translated
message, as a JSON body under /api/, as a flash and redirect when the error says where to go back,
or as the error page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.platform.query_params import BadParameter


class DomainError(Exception):
    """A refusal of the domain: ``status`` and a default translated message; ``back`` (a URL) makes
    pages flash the message and return there instead of showing the error page."""

    status = 400

    def __init__(self, message: str | None = None, *, back: str | None = None) -> None:
        super().__init__(message or "")
        self.message = message
        self.back = back

    def default_message(self) -> str:
        return _("The request could not be understood.")

    def text(self) -> str:
        return self.message or self.default_message()


class NotFoundError(DomainError):
    status = 404

    def default_message(self) -> str:
        return _("Not found, or you do not have access to it.")


class ForbiddenError(DomainError):
    status = 403

    def default_message(self) -> str:
        return _("You do not have access to this page.")


class ConflictError(DomainError):
    status = 409

    def default_message(self) -> str:
        return _("The case was changed meanwhile. Reload and try again.")


def changed_meanwhile_message(what: str) -> str:
    """ "Someone else completed or changed this … meanwhile", defined once for each kind of work."""
    messages = {
        "case": _("Someone else completed or changed this case meanwhile. Here is its current state."),
        "plan": _("Someone else completed or changed this plan meanwhile. Here is its current state."),
        "review": _("Someone else completed or changed this review meanwhile. Here is its current state."),
    }
    return messages[what]


class ChangedMeanwhile(ConflictError):
    """A task was completed or its case changed by someone else: pages go back to ``back`` and say so."""

    def __init__(self, what: str, back: str) -> None:
        super().__init__(changed_meanwhile_message(what), back=back)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def is_open311() -> bool:
    return request.path.startswith("/open311/")


def open311_error(status: int, message: str) -> Any:
    """Open311 clients get the GeoReport error list, as JSON or XML by the URL's suffix."""
    from webapp.intake.open311.formats import error_response, format_of_path

    return error_response(format_of_path(request.path), status, message)


def _json_error(status: int, message: str, **extra: Any) -> Any:
    response = jsonify({"error": {"status": status, "message": message, **extra}})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        message = _("The form has expired or was not sent from this site. Please try again.")
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Any:
        message = error.text()
        if is_open311():
            return open311_error(error.status, message)
        if wants_json():
            return _json_error(error.status, message, fields=[])
        if error.back:
            flash(message, "warning")
            return redirect(error.back)
        return render_template("error.html", status=error.status, message=message), error.status

    @app.errorhandler(BadParameter)
    def bad_parameter(error: BadParameter) -> Any:
        if is_open311():
            return open311_error(400, error.message)
        if wants_json():
            return _json_error(400, error.message, fields=[error.as_field()])
        return render_template("error.html", status=400, message=error.message, parameter=error.field), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        messages = {
            400: _("The request could not be understood."),
            403: _("You do not have access to this page."),
            404: NotFoundError().text(),
            405: _("This method is not allowed here."),
            409: _("The case was changed meanwhile. Reload and try again."),
            413: _("The request is too large."),
            429: _("Too many requests. Please wait a minute and try again."),
        }
        message = messages.get(status, error.description or _("Something went wrong."))
        if is_open311():
            return open311_error(status, str(message))
        if wants_json():
            return _json_error(status, str(message))
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Any:
        app.logger.exception("unhandled error on %s", request.path)
        message = _("Something went wrong on our side. The error has been recorded.")
        if is_open311():
            return open311_error(500, message)
        if wants_json():
            return _json_error(500, message)
        return render_template("error.html", status=500, message=message), 500
