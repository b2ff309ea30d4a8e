"""Rate limits of the public pages and API (Flask-Limiter), configurable per deployment.

Filing: PUBLIC_APPEAL_LIMIT per IP on POST. Tracking: wrong codes (404 answers) count per IP
and per appeal number, so guessing codes is slow from one address and against one appeal from
many; a right code costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_limiter.util import get_remote_address

from webapp.extensions import limiter

DEFAULTS = {
    "PUBLIC_APPEAL_LIMIT": "5/minute;30/day",
    "TRACKING_IP_LIMIT": "10/hour",
    "TRACKING_NUMBER_LIMIT": "20/day",
    "RECOVERY_LIMIT": "5/hour;20/day",
    "NOTICE_SUBSCRIBE_LIMIT": "5/hour;20/day",
}


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config.get(name, DEFAULTS[name]))


def _was_not_found(response: Any) -> bool:
    return bool(response.status_code == 404)


def _number_key() -> str:
    number = (request.view_args or {}).get("number") or request.form.get("number", "")
    return f"appeal-number:{str(number).strip()[:20]}"


appeal_form_limit = limiter.limit(_setting("PUBLIC_APPEAL_LIMIT"), methods=["POST"], key_func=get_remote_address)


def tracking_limits(view: Callable[..., Any]) -> Callable[..., Any]:
    """Both limits on wrong codes: per IP address and per appeal number, shared by the page and the API."""
    per_ip = limiter.shared_limit(
        _setting("TRACKING_IP_LIMIT"), "tracking-ip", key_func=get_remote_address, deduct_when=_was_not_found
    )
    per_number = limiter.shared_limit(
        _setting("TRACKING_NUMBER_LIMIT"), "tracking-number", key_func=_number_key, deduct_when=_was_not_found
    )
    return per_ip(per_number(view))


# Lost-code requests and confirmations: per IP on POST (the service also limits per appeal).
recovery_limit = limiter.shared_limit(
    _setting("RECOVERY_LIMIT"), "recovery-ip", key_func=get_remote_address, methods=["POST"]
)

# Subscriptions to prevention notices and their confirmations: per IP on POST (the service also
# limits requests per phone).
subscription_limit = limiter.shared_limit(
    _setting("NOTICE_SUBSCRIBE_LIMIT"), "notice-subscription-ip", key_func=get_remote_address, methods=["POST"]
)
