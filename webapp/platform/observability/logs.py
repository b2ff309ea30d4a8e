"""Logs: one JSON object a line in production, readable text in the demo; a request id on each.

The request id comes from the client's ``X-Request-ID`` (when it is a sane token) or is made
here, is put on every log line written while the request runs, and is returned in the
response's ``X-Request-ID``. ``LOG_FORMAT`` = ``json`` | ``text`` (default: text in the demo,
json otherwise); ``LOG_LEVEL`` (default INFO).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, g, has_request_context, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
HANDLER_NAME = "mahalla-console"
access_log = logging.getLogger("mahalla.request")
QUIET_LIBRARIES = ("fontTools", "fpdf")


def current_request_id() -> str:
    if has_request_context():
        return str(getattr(g, "request_id", "") or "")
    return ""


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    FIELDS = ("method", "path", "status", "duration_ms", "endpoint")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "")
        if request_id:
            entry["request_id"] = request_id
        for name in self.FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    """Install the console handler on the root logger once per process (tests keep pytest's)."""
    fmt = app.config.get("LOG_FORMAT") or ("text" if app.config.get("MAHALLA_DEMO") else "json")
    root = logging.getLogger()
    if app.testing or any(h.get_name() == HANDLER_NAME for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(str(app.config.get("LOG_LEVEL") or "INFO").upper())
    # Libraries that narrate their work at INFO (fpdf2's font subsetting: a line per table, per letter).
    for chatty in QUIET_LIBRARIES:
        logging.getLogger(chatty).setLevel(logging.WARNING)
    # The development server logs each request itself; the JSON access line is for production.
    app.config["LOG_REQUESTS"] = fmt == "json"


def init_app(app: Flask) -> None:
    from webapp.platform.observability.metrics import HTTP_LATENCY, HTTP_REQUESTS

    configure_logging(app)

    @app.before_request
    def take_request_id() -> None:
        sent = request.headers.get("X-Request-ID", "")
        g.request_id = sent if REQUEST_ID.match(sent) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def give_request_id(response: Any) -> Any:
        request_id = getattr(g, "request_id", "")
        if request_id:
            response.headers["X-Request-ID"] = request_id
        started = getattr(g, "request_started", None)
        endpoint = request.endpoint or "unmatched"
        if started is not None:
            elapsed = time.perf_counter() - started
            HTTP_REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
            HTTP_LATENCY.labels(endpoint).observe(elapsed)
            if app.config.get("LOG_REQUESTS"):
                access_log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round(elapsed * 1000, 1),
                        "endpoint": endpoint,
                    },
                )
        return response
