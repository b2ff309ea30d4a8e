"""Partners and mahalla chairs learn nothing from a refusal: a page or API call their role may not
use (403) answers exactly like a missing object (404), so they cannot tell what exists."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import NotFound

from webapp.cooperation.partners.roles import MAHALLA_CHAIR, PARTNER
from webapp.errors import NotFoundError

NEED_TO_KNOW_ROLES = (PARTNER, MAHALLA_CHAIR)


def _need_to_know_user() -> bool:
    user = g.get("api_user") if request.path.startswith("/api/") else current_user
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.role in NEED_TO_KNOW_ROLES)


def register(app: Flask) -> None:
    @app.after_request
    def refusal_as_not_found(response: Response) -> Response:
        if response.status_code != 403 or request.method not in ("GET", "HEAD") or not _need_to_know_user():
            return response
        if request.path.startswith("/api/"):
            # As the API answers an unknown object (webapp/errors.py, NotFoundError).
            body = {"error": {"status": 404, "message": NotFoundError().text(), "fields": []}}
            missing = jsonify(body)
        else:
            missing = current_app.make_response(current_app.handle_http_exception(NotFound()))
        # The refusal's own headers (security headers, cookies) stay; status and body become a 404's.
        response.status_code = 404
        response.set_data(missing.get_data())
        response.content_type = missing.content_type
        return response
