"""Response times at national scale: every analytics page, an inspector's inbox, the stuck-case list.

Against PostgreSQL databases filled by ``mahalla generate`` (default: mahalla_scale on the local
server; created, migrated and generated when asked with --generate N). Each page is requested
through the Flask test client as the user who would open it (the supervisor of the busiest
district, its region's head, a methodologist for the country, the inspector with the most open
tasks), 3 warm-ups then 20 timed requests; the table shows median and 90th percentile against the
target. The analytics pages: the district dashboard (last 30 days), the region dashboard over a
year, the country's figures over two years (the statistics API by district), the monthly report
and the bottleneck page over two years. With several --url (databases of growing size) the growth
of each page's median from one size to the next is shown too. For a page over its target the
slowest SQL statements of one request are shown with the head of their EXPLAIN ANALYZE.

    .venv/bin/python bench/dashboard_scale.py [--url postgresql://postgres@127.0.0.1:5432/mahalla_scale ...]
        [--generate 1000000] [--runs 20] [--warmup 3] [--rounds 4]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_throughput import ensure_database  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/mahalla_scale"


@dataclass
class Target:
    name: str
    path: str
    user: Any
    target_ms: float
    optional: bool = False  # a page another branch adds: skipped when the route is missing
    bearer: bool = False  # the JSON API: a bearer token instead of the session


def _app(url: str) -> Any:
    from webapp import create_app
    from webapp.platform.garbage_collection import collect_less_often

    collect_less_often()  # as the served app's processes do (webapp/wsgi.py)
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
        }
    )


def _generate(url: str, appeals: int, mahallas: int | None = None) -> None:
    ensure_database(url)
    env = {"DATABASE_URL": url.replace("postgresql://", "postgresql+psycopg://", 1), "MAHALLA_DEMO": "1"}
    command = [sys.executable, "-c", "from webapp.cli import main; main()"]
    subprocess.run([*command, "db", "upgrade"], check=True, cwd=ROOT, env={**os.environ, **env})
    territory = ["--mahallas", str(mahallas)] if mahallas else []
    generate = [*command, "generate", "--appeals", str(appeals), *territory]
    subprocess.run(generate, check=True, cwd=ROOT, env={**os.environ, **env})


def _methodologist() -> Any:
    """A methodologist (nationwide figures); the generator makes none, so the bench adds one."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.platform.auth.models import Role, User
    from webapp.platform.auth.service import hash_password

    user = db.session.scalar(select(User).where(User.username == "bench.methodologist"))
    if user is None:
        user = User(
            username="bench.methodologist",
            full_name="Bench Methodologist",
            password_hash=hash_password("bench-only-password"),
            role=Role.METHODOLOGIST.value,
        )
        db.session.add(user)
        db.session.commit()
    return user


def _region_head(district_code: str) -> Any:
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.platform.auth.models import Role, User
    from webapp.platform.territory.models import District

    district = db.session.scalar(select(District).where(District.code == district_code))
    assert district is not None
    head = db.session.scalar(
        select(User).where(
            User.role == Role.SUPERVISOR.value, User.region_id == district.region_id, User.district_id.is_(None)
        )
    )
    return head, district.region.code


def _subjects() -> tuple[Any, Any, str]:
    """The busiest district's supervisor and its inspector with the most open tasks."""
    from sqlalchemy import func, select

    from webapp.cases.models import PendingTask
    from webapp.casework.appeals.models import Appeal
    from webapp.extensions import db
    from webapp.platform.auth.models import Role, User, user_mahallas
    from webapp.platform.territory.models import District

    district_id = db.session.scalar(
        select(Appeal.district_id).group_by(Appeal.district_id).order_by(func.count().desc()).limit(1)
    )
    district = db.session.get(District, district_id)
    supervisor = db.session.scalar(
        select(User).where(User.role == Role.SUPERVISOR.value, User.district_id == district_id).order_by(User.id)
    )
    inspector_id = db.session.scalar(
        select(user_mahallas.c.user_id)
        .join(PendingTask, PendingTask.mahalla_id == user_mahallas.c.mahalla_id)
        .where(PendingTask.district_id == district_id, PendingTask.role == Role.INSPECTOR.value)
        .group_by(user_mahallas.c.user_id)
        .order_by(func.count().desc())
        .limit(1)
    )
    inspector = db.session.get(User, inspector_id)
    if district is None or supervisor is None or inspector is None:
        raise SystemExit("no generated data: run with --generate N first")
    return supervisor, inspector, district.code


def _fresh_g(_sender: Any, **_extra: Any) -> None:
    """Each request its own ``g`` although the bench holds an app context (else the first
    request's logged-in user would be cached for every later client)."""
    from flask import g

    for name in list(g):
        g.pop(name, None)


def _client(app: Any, user: Any) -> Any:
    from flask import request_started

    request_started.connect(_fresh_g, app)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    return client


class _Statements:
    """The SQL statements of one request, with their time."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.engine = engine
        self.rows: list[tuple[float, str, Any]] = []
        self.active = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if self.active:
            self.rows.append((time.perf_counter() - conn.info.pop("bench_started"), statement, parameters))


def _explain(engine: Any, statement: str, parameters: Any) -> list[str]:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        lines = [row[0] for row in cursor.fetchall()]
        raw.rollback()
        return lines
    finally:
        raw.close()


def _headers(target: Target) -> dict[str, str]:
    if not target.bearer:
        return {}
    from webapp.extensions import db
    from webapp.platform.auth.service import issue_token

    token = issue_token(target.user, "bench")
    db.session.commit()
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


@dataclass
class Measured:
    wall: list[float]  # ms per request, as the client sees it
    sql: list[float]  # ms per request spent waiting for the database
    cpu: list[float]  # ms of this process's CPU per request (Flask, Jinja, SQLAlchemy)
    status: int


def measure(app: Any, target: Target, runs: int, warmup: int, statements: _Statements) -> Measured:
    client = _client(app, target.user)
    headers = _headers(target)
    status = 0
    for _ in range(warmup):
        status = client.get(target.path, headers=headers).status_code
    result = Measured([], [], [], status)
    for _ in range(runs):
        statements.rows.clear()
        statements.active = True
        started, cpu = time.perf_counter(), time.process_time()
        result.status = client.get(target.path, headers=headers).status_code
        result.wall.append(1000 * (time.perf_counter() - started))
        result.cpu.append(1000 * (time.process_time() - cpu))
        statements.active = False
        result.sql.append(1000 * sum(row[0] for row in statements.rows))
    return result


def _targets(supervisor: Any, inspector: Any, district: str, today: dt.date) -> list[Target]:
    head, region = _region_head(district)
    methodologist = _methodologist()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    year = f"from={today - dt.timedelta(days=364)}&to={today}"
    two_years = f"from={today - dt.timedelta(days=729)}&to={today}"
    return [
        Target("district dashboard (30 days)", f"/dashboards/district/{district}", supervisor, 300),
        Target("region dashboard (a year)", f"/dashboards/region/{region}?{year}", head, 300),
        Target(
            "country figures (2 years, API)",
            f"/api/v1/stats/appeals?{two_years}&group_by=district",
            methodologist,
            300,
            bearer=True,
        ),
        Target("monthly report (district)", f"/reports/district/{district}/{last_month}", supervisor, 300),
        Target("bottleneck page (2 years)", f"/bottlenecks?{two_years}", methodologist, 300),
        Target("inspector inbox (/tasks)", "/tasks", inspector, 50),
        Target("stuck-case list (/supervision)", "/supervision?tab=stuck", supervisor, 100),
        Target("stuck cases API (JSON)", "/api/v1/supervision/stuck", supervisor, 100, bearer=True),
    ]


def run_database(url: str, runs: int, warmup: int) -> dict[str, Any]:
    """Every page against one database: {"appeals": N, "pages": [...], "completed", "errors"}."""
    result: dict[str, Any] = {"url": url, "pages": [], "completed": 0, "errors": 0}
    app = _app(url)
    with app.app_context():
        from sqlalchemy import func, select

        from webapp.cases.models import CaseEvent, PendingTask
        from webapp.casework.appeals.models import Appeal
        from webapp.extensions import db
        from webapp.platform.timeutil import local_today

        counts = {
            "appeals": db.session.scalar(select(func.count()).select_from(Appeal)),
            "case events": db.session.scalar(select(func.count()).select_from(CaseEvent)),
            "pending tasks": db.session.scalar(select(func.count()).select_from(PendingTask)),
        }
        result["appeals"] = counts["appeals"]
        supervisor, inspector, district = _subjects()
        targets = _targets(supervisor, inspector, district, local_today())
        print("\ndata: " + ", ".join(f"{value:,} {name}" for name, value in counts.items()))
        print(f"as: {supervisor.username} (district {district}), {inspector.username}")
        print(f"\n{'page':<32} {'median ms':>9} {'p90 ms':>8} {'SQL ms':>7} {'CPU ms':>7} {'target':>7}  result")
        slow: list[Target] = []
        statements = _Statements(db.engine)
        for target in targets:
            measured = measure(app, target, runs, warmup, statements)
            timings, status = measured.wall, measured.status
            if status == 404 and target.optional:
                print(f"{target.name:<32} {'—':>9} {'—':>8} {'':>24}  skipped: {target.path} is not on this branch")
                continue
            if status != 200:
                print(f"{target.name:<32} {'—':>9} {'—':>8} {'':>24}  HTTP {status} for {target.path}")
                result["errors"] += 1
                continue
            median = statistics.median(timings)
            p90 = statistics.quantiles(timings, n=10)[-1] if len(timings) > 1 else median
            verdict = "—" if not target.target_ms else ("ok" if median < target.target_ms else "OVER")
            goal = f"< {target.target_ms:g}" if target.target_ms else ""
            sql, cpu = statistics.median(measured.sql), statistics.median(measured.cpu)
            print(f"{target.name:<32} {median:>9.1f} {p90:>8.1f} {sql:>7.1f} {cpu:>7.1f} {goal:>7}  {verdict}")
            result["pages"].append(
                {
                    "page": target.name,
                    "median_ms": median,
                    "p90_ms": p90,
                    "target_ms": target.target_ms,
                    "verdict": verdict,
                    "wall_ms": timings,
                }
            )
            result["completed"] += 1
            if target.target_ms and median >= target.target_ms:
                slow.append(target)
        print(f"(load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores)")
        for target in slow:
            _explain_slowest(app, target, statements)
        db.session.remove()
        db.engine.dispose()
    return result


def measure_sizes(urls: list[str], runs: int, warmup: int, rounds: int = 1) -> list[dict[str, Any]]:
    """Every database, ``rounds`` times in turn; each page's median and 90th percentile over the
    requests of all rounds (a page that failed in any round is left out)."""
    rounds = max(1, min(rounds, runs))
    per_round = [run_database(url, max(1, runs // rounds), warmup) for _ in range(rounds) for url in urls]
    sizes = []
    for index in range(len(urls)):
        measured = per_round[index :: len(urls)]
        merged = dict(measured[0])
        merged["completed"] = sum(size["completed"] for size in measured)
        merged["errors"] = sum(size["errors"] for size in measured)
        pages = []
        for page in measured[0]["pages"]:
            found = [next((p for p in size["pages"] if p["page"] == page["page"]), None) for size in measured]
            if any(p is None for p in found):
                continue
            timings = [ms for p in found if p is not None for ms in p["wall_ms"]]
            median = statistics.median(timings)
            p90 = statistics.quantiles(timings, n=10)[-1] if len(timings) > 1 else median
            target = page["target_ms"]
            verdict = "—" if not target else ("ok" if median < target else "OVER")
            pages.append({**page, "median_ms": median, "p90_ms": p90, "verdict": verdict, "wall_ms": timings})
        merged["pages"] = pages
        sizes.append(merged)
    return sizes


def growth(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per page, the median at each size and its growth from one size to the next (sizes ascending)."""
    ordered = sorted(sizes, key=lambda size: size.get("appeals") or 0)
    names = [page["page"] for page in ordered[-1]["pages"]] if ordered else []
    rows = []
    for name in names:
        medians = [next((p["median_ms"] for p in size["pages"] if p["page"] == name), None) for size in ordered]
        ratios = [(later / earlier) if earlier and later else None for earlier, later in itertools.pairwise(medians)]
        rows.append({"page": name, "medians_ms": medians, "growth": ratios})
    return rows


def _print_growth(sizes: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    ordered = sorted(sizes, key=lambda size: size.get("appeals") or 0)
    heads = "".join(f"{size['appeals']:>12,}" for size in ordered)
    steps = "".join(
        f"{'×' + format(b['appeals'] // max(a['appeals'], 1), ','):>10}" for a, b in itertools.pairwise(ordered)
    )
    print(f"\nmedian ms by appeals\n{'page':<32}{heads}   growth per step {steps}")
    for row in rows:
        medians = "".join(f"{m:>12.1f}" if m is not None else f"{'—':>12}" for m in row["medians_ms"])
        ratios = "".join(f"{r:>10.2f}" if r is not None else f"{'—':>10}" for r in row["growth"])
        print(f"{row['page']:<32}{medians}   {'':>15} {ratios}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", action="append", help="a database (repeat for several sizes)")
    parser.add_argument("--generate", type=int, default=0, help="create, migrate and generate N appeals first")
    parser.add_argument(
        "--mahallas",
        type=int,
        default=None,
        help="with --generate: the same territory at every size (default: it grows with N, 1,000 mahallas "
        "up to 500,000 appeals, then N/500)",
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure the databases in turn this many times (runs/rounds requests per page each time), so "
        "that a slow spell of the machine falls on every size alike; medians over all rounds",
    )
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "dashboard_scale.json")
    args = parser.parse_args(argv)
    urls = args.url or [DEFAULT_URL]
    if args.generate:
        for url in urls:
            _generate(url, args.generate, args.mahallas)
    sizes = measure_sizes(urls, args.runs, args.warmup, args.rounds)
    rows = growth(sizes)
    if len(sizes) > 1:
        _print_growth(sizes, rows)
    result: dict[str, Any] = {
        "sizes": sizes,
        "growth": rows,
        "pages": [page for size in sizes for page in size["pages"]],
        "completed": sum(size["completed"] for size in sizes),
        "errors": sum(size["errors"] for size in sizes),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    return result


def _explain_slowest(app: Any, target: Target, statements: _Statements) -> None:
    from webapp.extensions import db

    statements.rows.clear()
    client = _client(app, target.user)
    headers = _headers(target)
    statements.active = True
    client.get(target.path, headers=headers)
    statements.active = False
    print(f"\n== {target.name}: the slowest statements of one request")
    for seconds, statement, parameters in sorted(statements.rows, key=lambda row: -row[0])[:2]:
        print(f"-- {1000 * seconds:.1f} ms: {' '.join(statement.split())[:300]}")
        for line in _explain(db.engine, statement, parameters)[:14]:
            print("   " + line)


if __name__ == "__main__":
    main()
