"""The dates a figure's plan depends on are written into the SQL, never sent as parameters.

After five runs psycopg prepares a statement, and PostgreSQL may then plan it once for any
parameters: without the dates it summed the country's rollups of two years by sorting them (94 ms
instead of 37 at a million appeals) and read every appeal of a period for its open ones. Every
statement of a dashboard, the country's figures and the bottleneck page is checked here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event

from tests.conftest import World
from tests.stats.conftest import Dataset
from tests.webapp.conftest import Api
from webapp.extensions import db
from webapp.platform.auth.models import User

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
READING = ("appeal_rollups", "task_rollups", "FROM appeals")


@contextmanager
def statements() -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _dates(parameters: Any) -> list[Any]:
    """The date parameters (SQLite's driver gets them as ISO text)."""
    values = parameters.values() if isinstance(parameters, dict) else (parameters or ())
    return [value for value in values if isinstance(value, dt.date) or ISO_DATE.fullmatch(str(value))]


def test_no_figure_sends_its_period_as_a_parameter(
    dataset: Dataset, world: World, as_user: Callable[[User], FlaskClient], bearer_api: Callable[[User], Api]
) -> None:
    supervisor, region_head = as_user(world.supervisor), as_user(world.region_supervisor)
    with statements() as seen:
        assert supervisor.get("/dashboards/district/D1").status_code == 200
        assert region_head.get("/dashboards/region/R1?from=2025-12-01&to=2026-11-20").status_code == 200
        api = bearer_api(world.methodologist)
        assert api("GET", "/stats/appeals?from=2024-12-06&to=2026-12-05&group_by=district").status_code == 200
        assert as_user(world.methodologist).get("/bottlenecks?from=2024-12-06&to=2026-12-05").status_code == 200
    figures = [(sql, params) for sql, params in seen if any(table in sql for table in READING)]
    assert any("appeal_rollups" in sql for sql, _ in figures)
    with_dates = [" ".join(sql.split())[:160] for sql, params in figures if _dates(params)]
    assert not with_dates, with_dates
