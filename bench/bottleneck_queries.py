"""How fast the bottlenecks page's figures come out of ``task_timings`` at national scale.

Fills a private PostgreSQL schema with the completed tasks of N appeals (default 1,000,000 appeals
× 8 tasks over two years, 200 districts in 14 regions, 9,400 mahallas, two process versions) and
as many pending tasks as a country has open (default 150,000), then times the page's two queries
(median/p90 per task with ``percentile_cont``, and the tasks waiting now) for a district, a region
and the whole country, over 90 days and over two years. Medians of repeated runs, in ms. Usage:

    .venv/bin/python bench/bottleneck_queries.py --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILL = """
INSERT INTO regions (id, code, name) SELECT r, 'R' || r, 'Region ' || r FROM generate_series(1, 14) r;
INSERT INTO districts (id, code, name, region_id)
  SELECT d, 'D' || d, 'District ' || d, 1 + (d % 14) FROM generate_series(1, 200) d;
INSERT INTO mahallas (id, code, name, district_id)
  SELECT m, 'M' || m, 'Mahalla ' || m, 1 + (m % 200) FROM generate_series(1, 9400) m;
INSERT INTO process_versions (id, process_id, content_hash, files, note, created_at)
  SELECT v, 'appeal_lifecycle', md5(v::text), '{{}}', '', now() FROM generate_series(1, 2) v;
ALTER TABLE task_timings DROP CONSTRAINT fk_task_timings_appeal_id_appeals;
ALTER TABLE task_timings DROP CONSTRAINT fk_task_timings_actor_id_users;
ALTER TABLE task_timings DROP CONSTRAINT fk_task_timings_district_id_districts;
ALTER TABLE task_timings DROP CONSTRAINT fk_task_timings_mahalla_id_mahallas;
ALTER TABLE task_timings DROP CONSTRAINT fk_task_timings_process_version_id_process_versions;
ALTER TABLE task_timings DROP CONSTRAINT pk_task_timings;
DROP INDEX ix_task_timings_version_completed;
DROP INDEX ix_task_timings_district_version_completed;
DROP INDEX ix_task_timings_appeal_id;
INSERT INTO task_timings (task_id, appeal_id, process_version_id, task_name, district_id, mahalla_id,
                          ready_at, completed_at, seconds, actor_id)
SELECT md5(a::text || ':' || t), a, 1 + (a % 4 = 0)::int,
       (ARRAY['check_registration','analyse_appeal','take_measures','prepare_reply','approve_reply',
              'record_result','evaluate_effectiveness','forward_appeal'])[t],
       1 + (m % 200), m,
       ready, ready + make_interval(secs => secs), secs, NULL
FROM (SELECT a, t, 1 + (a::bigint * 7919) % 9400 AS m,
             now() - make_interval(days => 12 + (a % 730)) + make_interval(hours => t * 30) AS ready,
             (3600 * (1 + t * 4) * (0.2 + random() * 2))::float AS secs
      FROM generate_series(1, {appeals}) a, generate_series(1, {tasks}) t) s;
ALTER TABLE task_timings ADD CONSTRAINT pk_task_timings PRIMARY KEY (task_id);
CREATE INDEX ix_task_timings_version_completed ON task_timings (process_version_id, completed_at)
  INCLUDE (task_name, seconds);
CREATE INDEX ix_task_timings_district_version_completed ON task_timings (district_id, process_version_id, completed_at)
  INCLUDE (task_name, seconds, mahalla_id);
"""
PENDING = """
ALTER TABLE pending_tasks DROP CONSTRAINT fk_pending_tasks_appeal_id_appeals;
ALTER TABLE pending_tasks DROP CONSTRAINT fk_pending_tasks_instance_id_process_instances;
ALTER TABLE process_instances DROP CONSTRAINT fk_process_instances_appeal_id_appeals;
INSERT INTO process_instances (id, appeal_id, subject_id, process_version_id, state, version, is_completed,
                               status, status_reason, incident_error, last_progress_at, created_at, updated_at)
  SELECT i, i, i, 1 + (i % 4 = 0)::int, '{{}}', 1, false, 'running', '', '', now(), now(), now()
  FROM generate_series(1, {pending}) i;
INSERT INTO pending_tasks (id, instance_id, appeal_id, subject_id, name, title, role, mahalla_id, district_id,
                           due_date, created_at, is_overdue, needs_reassignment)
  SELECT md5('p' || i), i, i, i,
         (ARRAY['check_registration','analyse_appeal','take_measures','prepare_reply'])[1 + i % 4],
         'Task', 'inspector', 1 + (i * 13) % 9400, 1 + ((i * 13) % 9400) % 200, current_date, now(), false, false
  FROM generate_series(1, {pending}) i;
"""


def timed(run: Any, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--pending", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print the plan of each durations query")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "bottleneck_queries.json")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"appeals": args.appeals, "rows": [], "completed": 0, "errors": 0}

    import psycopg
    from sqlalchemy import text

    from webapp import create_app
    from webapp.analytics.bottlenecks import service
    from webapp.extensions import db
    from webapp.platform.auth.models import Role, User
    from webapp.platform.territory.models import District, Region
    from webapp.platform.timeutil import local_today

    plain = args.database_url.replace("postgresql+psycopg://", "postgresql://")
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": plain.replace("postgresql://", "postgresql+psycopg://", 1),
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
        }
    )
    try:
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            for statement in (FILL + PENDING).format(**vars(args)).split(";"):
                if statement.strip():
                    db.session.execute(text(statement))
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))  # what autovacuum does: index-only scans
            rows = db.session.scalar(text("SELECT count(*) FROM task_timings"))
            took = time.perf_counter() - started
            print(f"filled {rows:,} task timings and {args.pending:,} pending tasks in {took:.0f} s")

            version = db.session.get(service.ProcessVersion, 1)
            district = db.session.get(District, 7)
            region = db.session.get(Region, 3)
            admin = User(username="bench", full_name="Bench", role=Role.ADMIN.value, password_hash="")
            today = local_today()
            for label, territory in (
                ("district", service.Territory(district=district)),
                ("region", service.Territory(region=region)),
                ("country", service.Territory()),
            ):
                for days in (90, 730):
                    query = service.Query(version, territory, today - dt.timedelta(days=days - 1), today)
                    durations = timed(
                        lambda q=query: service._durations_by_database(service._timing_filter(admin, q)), args.repeat
                    )
                    found = service._durations_by_database(service._timing_filter(admin, query))
                    result["rows"].append(
                        {"territory": label, "days": days, "durations_ms": durations, "tasks_found": len(found)}
                    )
                    result["completed"] += 1 if found else 0  # a query that found figures to show
                    waiting = timed(lambda q=query: service._waiting(admin, q), args.repeat)
                    print(f"{label:8} {days:4} days: durations {durations:7.1f} ms, waiting now {waiting:6.1f} ms")
                    if args.explain:
                        statement = service.durations_statement(service._timing_filter(admin, query))
                        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
                        plan = db.session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars()
                        print("\n".join(f"    {line}" for line in plan))
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
