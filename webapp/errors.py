"""Error pages for people and JSON errors for the API: never a bare 500."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


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

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        messages = {
            400: _("The request could not be understood."),
            403: _("You do not have access to this page."),
            404: _("Not found, or you do not have access to it."),
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
