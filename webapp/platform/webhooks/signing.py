"""The signature on every delivery: ``X-Mahalla-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`` of
``"<t>.<body>"`` with the subscription's secret. Receivers recompute it and refuse old ``t``."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Mahalla-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does: the signature matches and ``t`` is within ``tolerance`` seconds."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), f"t={timestamp},v1={parts.get('v1', '')}")
