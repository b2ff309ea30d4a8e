"""The web fixtures of tests/webapp for the report tests."""

from __future__ import annotations

from tests.webapp.conftest import as_user, fresh_g_per_request  # noqa: F401 - shared web fixtures
