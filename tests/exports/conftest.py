"""The web harness of tests/webapp for the export tests."""

from tests.webapp.conftest import as_user, fresh_g_per_request  # noqa: F401 - shared web fixtures
