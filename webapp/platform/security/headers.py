"""Security headers on every response.

The Content-Security-Policy allows scripts from this site only: no inline script, no event
handler attributes (pages use data-* attributes read by static/js/ui.js), no plugins, no framing
(``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``). JSON data blocks
(``<script type="application/json">``) are not executed and need no exception. The DMN editor's
library compiles selectors with ``new Function``, so the modeler page alone also allows
``'unsafe-eval'`` (still no inline script).
"""

from __future__ import annotations

from flask import Flask, Response, request

_POLICY = (
    "default-src 'self'; script-src 'self'{eval}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Endpoints whose page embeds the DMN editor (see the module docstring).
EVAL_ENDPOINTS = frozenset({"process_library.edit_file"})


def content_security_policy(endpoint: str | None) -> str:
    return _POLICY.format(eval=" 'unsafe-eval'" if endpoint in EVAL_ENDPOINTS else "")


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(request.endpoint))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
