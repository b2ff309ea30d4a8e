"""Fixtures for the process library tests: the web harness of tests/webapp and helpers for drafts."""

from __future__ import annotations

from tests.webapp.conftest import (  # noqa: F401 - shared web fixtures
    Api,
    as_user,
    bearer_api,
    fresh_g_per_request,
)
