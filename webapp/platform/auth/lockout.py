"""Sign-in throttling: failed sign-ins counted per account and per address in the rate limiter's
storage (``RATELIMIT_STORAGE_URI``: memory on the embedded default, Redis shared by every gunicorn
worker and node), over a moving window. At the limit the account (or address) is locked until its
oldest failure leaves the window, even for the right password; an admin can lift an account's lockout.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse
from limits.strategies import MovingWindowRateLimiter

from webapp.extensions import limiter

NAMESPACE = "mahalla-login"


@dataclass(frozen=True)
class Lock:
    locked: bool
    until: float = 0.0  # epoch seconds

    @property
    def minutes_left(self) -> int:
        return max(1, int((self.until - time.time() + 59) // 60)) if self.locked else 0


def _item(setting: str) -> RateLimitItem:
    return parse(current_app.config[setting])


def _strategy() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(limiter.storage)


def _keys(username: str, address: str) -> list[tuple[str, str, str]]:
    return [
        ("LOGIN_ACCOUNT_LIMIT", "account", username.strip().lower()[:80]),
        ("LOGIN_ADDRESS_LIMIT", "address", address[:64]),
    ]


def lock_of(username: str, address: str) -> Lock:
    """Whether the account or the address is locked now, and until when."""
    strategy = _strategy()
    until = 0.0
    for setting, kind, value in _keys(username, address):
        item = _item(setting)
        if not strategy.test(item, NAMESPACE, kind, value):
            until = max(until, strategy.get_window_stats(item, NAMESPACE, kind, value).reset_time)
    return Lock(until > 0, until)


def record_failure(username: str, address: str) -> Lock:
    strategy = _strategy()
    for setting, kind, value in _keys(username, address):
        strategy.hit(_item(setting), NAMESPACE, kind, value)
    return lock_of(username, address)


def lift(username: str) -> None:
    """An admin lifts the account's lockout (its failures are forgotten)."""
    _strategy().clear(_item("LOGIN_ACCOUNT_LIMIT"), NAMESPACE, "account", username.strip().lower()[:80])


def lift_address(address: str) -> None:
    """An admin lifts an address's lockout (an office behind one address, say)."""
    _strategy().clear(_item("LOGIN_ADDRESS_LIMIT"), NAMESPACE, "address", address.strip()[:64])
