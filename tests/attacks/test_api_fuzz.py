"""Property-based fuzzing of the JSON API from its OpenAPI document (schemathesis): every
operation, with generated valid and invalid bodies, query strings and path parameters, as a
supervisor with a real bearer token. No answer may be a 5xx, and every documented answer must
match its schema. A small run here; ``bench/api_fuzz.py`` runs the long pass."""

from __future__ import annotations

import pytest
from flask import Flask

from bench.api_fuzz import fuzz
from tests.conftest import World
from webapp.extensions import db
from webapp.platform.auth.service import issue_token

pytestmark = pytest.mark.attack
EXAMPLES = 4  # per operation; bench/api_fuzz.py runs many more


def test_no_operation_answers_5xx_or_off_schema(app: Flask, world: World) -> None:
    token = issue_token(world.supervisor, "fuzz")
    db.session.commit()
    report = fuzz(app, {"Authorization": f"Bearer {token}"}, EXAMPLES)
    assert report.requests >= 19 * 2
    assert report.server_errors == []
    assert report.off_schema == []
