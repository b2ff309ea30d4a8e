"""``/healthz``, ``/readyz`` and ``/metrics``: no login, no personal data.

``/metrics`` is open on the embedded demo; in production it answers only a request with
``Authorization: Bearer <METRICS_TOKEN>`` or from an address in METRICS_ALLOWED_NETWORKS
(comma-separated, e.g. ``10.0.0.0/8,127.0.0.1/32``), and 404 to everyone else.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request

from webapp.extensions import csrf, limiter
from webapp.platform.observability import health
from webapp.platform.observability.metrics import exposition

blueprint = Blueprint("observability", __name__)


@blueprint.route("/healthz")
@limiter.exempt
def healthz() -> Any:
    """The process is alive and answers."""
    return jsonify({"status": "ok"})


@blueprint.route("/readyz")
@limiter.exempt
def readyz() -> Any:
    """Ready for traffic: the database answers, its migrations are at head, the broker (when configured) answers."""
    checks = health.readiness(current_app.config)
    failing = [check.name for check in checks if not check.ok]
    body = {
        "status": "fail" if failing else "ok",
        "failing": failing,
        "checks": {check.name: ("ok" if check.ok else f"fail: {check.detail}") for check in checks},
    }
    return jsonify(body), 503 if failing else 200


def _networks(setting: str) -> list[Any]:
    return [ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip()]


def metrics_allowed() -> bool:
    config = current_app.config
    if config.get("MAHALLA_DEMO"):
        return True
    token = str(config.get("METRICS_TOKEN") or "")
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    networks = _networks(str(config.get("METRICS_ALLOWED_NETWORKS") or ""))
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in networks)


@blueprint.route("/metrics")
@limiter.exempt
def metrics() -> Any:
    if not metrics_allowed():
        abort(404)
    body, content_type = exposition(current_app._get_current_object())  # type: ignore[attr-defined]
    return Response(body, content_type=content_type)


def init_app(app: Any) -> None:
    app.register_blueprint(blueprint)
    csrf.exempt(blueprint)
