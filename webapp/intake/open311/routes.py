"""Open311 GeoReport v2 endpoints (``/open311/v2/…json`` or ``…xml``): services and service requests.

Errors always come in the spec's error list, in the format of the URL's suffix. Mapping:
403 for a missing, unknown or revoked ``api_key``; 400 for any missing or invalid parameter of a
call, including an unknown ``service_code`` in a filter (the description names the parameter);
a POST whose location is in no known mahalla or whose service code is none of ours is kept for
staff triage and answered with a token only (``webapp.intake.open311.triage``); 404 for an
unknown service, request or token in the URL path; 405 and 429 as usual.

Reading needs no key (as in the spec), so it is conservative about personal data: GET requests
shows only appeals filed through Open311, and of those only what the submitting client itself
published (see ``presenters.request``); appeals registered at the desk or via API v1 are 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from webapp.casework.appeals.runtime import StepFailed
from webapp.extensions import limiter
from webapp.intake.open311 import intake, presenters, service, triage
from webapp.intake.open311.catalogue import SERVICE_CODES
from webapp.intake.open311.formats import error_response, respond
from webapp.platform.territory.locate import locate

PREFIX = "/open311/v2"
FMT = "<any(json, xml):fmt>"
blueprint = Blueprint("open311", __name__, url_prefix=PREFIX)


def _write_limit() -> str:
    return str(current_app.config.get("OPEN311_WRITE_LIMIT", "30/minute"))


def _read_limit() -> str:
    return str(current_app.config.get("OPEN311_READ_LIMIT", "120/minute"))


def _client_key() -> str:
    """Writes are counted per API key (per address for calls without one)."""
    key = request.form.get("api_key", "")
    return f"open311-key:{service.key_digest(key)}" if key else f"open311-ip:{get_remote_address()}"


writes = limiter.limit(_write_limit, key_func=_client_key)
reads = limiter.limit(_read_limit)


def _requests(fmt: str, data: list[dict[str, Any]]) -> Response:
    return respond(fmt, data, xml_root="service_requests", xml_item="request")


def _not_found(fmt: str, what: str) -> Response:
    return error_response(fmt, 404, f"{what}: {_('Not found.')}")


@blueprint.route(f"/services.{FMT}")
@reads
def services(fmt: str) -> Response:
    return respond(fmt, presenters.services(), xml_root="services", xml_item="service")


@blueprint.route(f"/services/<code>.{FMT}")
@reads
def service_definition(code: str, fmt: str) -> Response:
    if code not in SERVICE_CODES:
        return _not_found(fmt, "service_code")
    definition = presenters.service_definition(code, service.all_mahallas())
    return respond(fmt, definition, xml_root="service_definition", xml_item=None)


@blueprint.route(f"/requests.{FMT}", methods=["POST"])
@writes
def create_request(fmt: str) -> Response:
    client = service.client_for_key(request.form.get("api_key", "").strip())
    if client is None:
        return error_response(fmt, 403, f"api_key: {_('A valid API key is required.')}")
    try:
        new = intake.new_request(request.form, client.id, service.mahalla_with_code, locate)
    except intake.Invalid as invalid:
        return error_response(fmt, invalid.status, invalid.description)
    if isinstance(new, triage.Unplaced):
        return _requests(fmt, [presenters.held(triage.hold(new))])
    try:
        appeal = service.file_request(new)
    except StepFailed:
        return error_response(fmt, 503, _("The appeal procedure could not start; nothing was saved."))
    return _requests(fmt, [presenters.created(appeal)])


@blueprint.route(f"/requests.{FMT}")
@reads
def list_requests(fmt: str) -> Response:
    try:
        query = intake.request_query(request.args)
    except intake.Invalid as invalid:
        return error_response(fmt, invalid.status, invalid.description)
    return _requests(fmt, [presenters.request(a) for a in service.find_requests(query)])


@blueprint.route(f"/requests/<request_id>.{FMT}")
@reads
def get_request(request_id: str, fmt: str) -> Response:
    appeal = service.find_request(request_id)
    if appeal is None:
        return _not_found(fmt, "service_request_id")
    return _requests(fmt, [presenters.request(appeal)])


@blueprint.route(f"/tokens/<token>.{FMT}")
@reads
def get_token(token: str, fmt: str) -> Response:
    held = triage.by_token(token)
    if held is not None:
        return _requests(fmt, [presenters.triage_token(held, triage.appeal_number(held))])
    appeal = service.find_request(token)
    if appeal is None:
        return _not_found(fmt, "token")
    return _requests(fmt, [presenters.token(appeal)])
