"""Fixtures for the process-change tests: the web harness of tests/webapp."""

from tests.webapp.conftest import as_user, fresh_g_per_request  # noqa: F401 - shared web fixtures
