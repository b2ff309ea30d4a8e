"""Fuzz the JSON API from its OpenAPI document with schemathesis and count what came back.

Every operation of ``/api/v1/openapi.json`` gets ``--examples`` generated requests (valid and
invalid bodies, query strings, path parameters; derandomised, so a run is repeatable) with a
supervisor's bearer token, against the real app on a fresh SQLite database with the demo city.
Reported: requests sent, answers by status class, 5xx answers and answers off their documented
schema (each with the operation). The suite runs the same function at 4 examples per operation
(tests/attacks/test_api_fuzz.py). Usage:

    .venv/bin/python bench/api_fuzz.py [--examples 100]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class FuzzReport:
    requests: int = 0
    by_status: collections.Counter[str] = field(default_factory=collections.Counter)
    server_errors: list[str] = field(default_factory=list)
    off_schema: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "by_status": dict(sorted(self.by_status.items())),
            "5xx": len(self.server_errors),
            "off_schema": len(self.off_schema),
            "examples_of_failures": (self.server_errors + self.off_schema)[:10],
        }


def _fuzz_operation(
    operation: Any,
    headers: dict[str, str],
    examples: int,
    report: FuzzReport,
    conformance: Any,
    given: Any,
    settings: Any,
    health: Any,
) -> None:
    label = f"{operation.method.upper()} {operation.path}"

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True, suppress_health_check=list(health))
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        report.requests += 1
        report.by_status[f"{response.status_code // 100}xx"] += 1
        if response.status_code >= 500:
            report.server_errors.append(f"{label} -> {response.status_code}")
            return
        try:
            case.validate_response(response, checks=[conformance])
        except Exception as exc:  # schemathesis reports a mismatch as an exception (group)
            report.off_schema.append(f"{label} -> {response.status_code}: {str(exc)[:300]}")

    run()


def fuzz(app: Any, headers: dict[str, str], examples: int) -> FuzzReport:
    """Run ``examples`` generated requests per operation against the WSGI app."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.specs.openapi.checks import response_schema_conformance

    report = FuzzReport()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    for result in schema.get_all_operations():
        _fuzz_operation(
            result.ok(), headers, examples, report, response_schema_conformance, given, settings, HealthCheck
        )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=100, help="generated requests per operation")
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    from devtools.demo.seed import seed
    from webapp import create_app
    from webapp.extensions import db
    from webapp.platform.auth.models import User
    from webapp.platform.auth.service import issue_token

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/fuzz.sqlite3",
                "ATTACHMENTS_DIR": f"{folder}/attachments",
                "EXPORTS_DIR": f"{folder}/exports",
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            seed()
            supervisor = db.session.query(User).filter_by(username="supervisor").one()
            token = issue_token(supervisor, "fuzz")
            db.session.commit()
            started = time.monotonic()
            report = fuzz(app, {"Authorization": f"Bearer {token}"}, args.examples)
            seconds = time.monotonic() - started
    result = {"examples_per_operation": args.examples, "seconds": round(seconds, 1), **report.as_dict()}
    print(json.dumps(result))
    if args.output:
        # completed: requests answered without a 5xx and on their schema; errors: the others
        errors = result["5xx"] + result["off_schema"]
        args.output.write_text(
            json.dumps({"completed": report.requests - errors, "errors": errors, **result}, indent=2)
        )


if __name__ == "__main__":
    main()
