"""SMS gateways: the outbox sender hands each SMS to the configured one (config SMS_GATEWAY).

A gateway is any object with ``send(phone, text)`` that raises ``SmsError`` (or OSError) when the
message was not accepted. ``local`` (the default) stores each SMS as a file in MAIL_DIR (the local
mailbox, nothing is sent); ``log`` only writes the message to the application log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

log = logging.getLogger("mahalla.sms")


class SmsError(Exception):
    """The gateway did not accept the message."""


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsGateway:
    """Writes every SMS to the log instead of sending it (development, demos, tests)."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


class LocalSmsGateway:
    """Stores every SMS in the local mailbox folder instead of sending it (the embedded default)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def send(self, phone: str, text: str) -> None:
        from webapp.platform.notifications.mailbox import store_sms

        store_sms(self.folder, phone, text)


GatewayFactory = Callable[[Mapping[str, Any]], SmsGateway]
_GATEWAYS: dict[str, GatewayFactory] = {
    "log": lambda _config: LogSmsGateway(),
    "local": lambda config: LocalSmsGateway(str(config["MAIL_DIR"])),
}


def register_gateway(name: str, factory: GatewayFactory) -> None:
    """Make a gateway available as SMS_GATEWAY=name (factory receives the app config)."""
    _GATEWAYS[name] = factory


def gateway_name(config: Mapping[str, Any]) -> str:
    return str(config.get("SMS_GATEWAY") or "local")


def gateway_from_config(config: Mapping[str, Any]) -> SmsGateway:
    name = gateway_name(config)
    if name not in _GATEWAYS:
        raise SmsError(f"unknown SMS gateway {name!r} (SMS_GATEWAY); known: {', '.join(sorted(_GATEWAYS))}")
    return _GATEWAYS[name](config)
