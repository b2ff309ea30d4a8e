"""Cost of completing a monthly check-in of a prevention plan: in month 1 and in month 60.

A plan runs each quarter as a fresh engine instance ("continue as new"), so a check-in in the
plan's fifth year should cost what it costs in its first month. Measured through the service layer
(load the plan, restore its live state, complete the task, start the next quarter when one ends,
write state + task projection + history + access log, commit). Usage:

    .venv/bin/python bench/prevention_checkin.py [--plans 20] [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scenario  # noqa: E402

START = dt.date(2026, 1, 10)
CHECKIN = {
    "work_done": "Profilaktik suhbat o'tkazildi, ahvoli o'rganildi.",
    "person_situation": "stable",
    "situation_note": "",
    "next_steps": "Keyingi oy yana uchrashish.",
}
ANSWERS: dict[str, dict[str, Any]] = {
    "draft_plan": {"measure_talk": True, "plan_goals": "Har oy profilaktik suhbat o'tkazish.", "plan_months": 12},
    "approve_plan": {"plan_approved": True, "supervisor_comment": ""},
    "evaluate_quarter": {"evaluation_summary": "Chorak natijalari ijobiy.", "evaluation_decision": "continue"},
}


def _person(index: int) -> Any:
    from webapp.extensions import db
    from webapp.platform.territory.models import Mahalla
    from webapp.prevention.registry.service import PersonInput, register_person

    inspector, _supervisor = scenario.users()
    mahalla = db.session.scalar(db.select(Mahalla))
    return register_person(
        PersonInput(
            full_name=f"Bench Person {index}",
            birth_date=dt.date(2000, 1, 1),
            passport="",
            phone="",
            address="Bench ko'chasi",
            mahalla=mahalla,
            risk_group="other",
            grounds="Benchmark uchun yaratilgan yozuv.",
            responsible_inspector_id=inspector.id,
            registered_on=START,
        ),
        inspector,
    )


def _only_task(plan_id: int) -> Any:
    from webapp.prevention.registry.plans import tasks_of_plan

    (task,) = tasks_of_plan(plan_id)
    return task


def _step(plan_id: int, day: dt.date, **changes: Any) -> Any:
    from webapp.prevention.registry.plans import complete_plan_task

    inspector, supervisor = scenario.users()
    task = _only_task(plan_id)
    answers = {**CHECKIN, "checkin_date": day.isoformat()} if task.name == "monthly_checkin" else ANSWERS[task.name]
    return complete_plan_task(
        task, inspector if task.role == "inspector" else supervisor, {**answers, **changes}, today=day
    )


def plan_at_month(index: int, month: int) -> int:
    """A plan whose next task is check-in number ``month`` (3 extensions on the way to month 60)."""
    from webapp.casework.appeals.deadlines import add_months
    from webapp.prevention.registry.plans import open_plan

    inspector, _ = scenario.users()
    plan = open_plan(_person(index), inspector, today=START)
    _step(plan.id, START)
    _step(plan.id, START)
    for done in range(1, month):
        day = add_months(START, done)
        _step(plan.id, day)
        if done % 3 == 0:
            quarter = done // 3
            _step(plan.id, day, evaluation_decision="extend" if quarter in (4, 8, 12) else "continue")
    return int(plan.id)


STATEMENTS = [0]
WIDTHS = (9, 3, 9, 7, 6, 3, 11)


def _count(*_args: Any) -> None:
    STATEMENTS[0] += 1


def measure_one(plan_id: int, month: int) -> tuple[float, float, int, int]:
    """Wall time, this process's CPU time, SQL statements and the live state's size of one check-in."""
    from webapp.cases.instances import instance_row
    from webapp.casework.appeals.deadlines import add_months
    from webapp.extensions import db
    from webapp.prevention.registry.models import PreventionPlan
    from webapp.prevention.registry.plans import subject

    db.session.expire_all()
    STATEMENTS[0] = 0
    start, cpu = time.perf_counter(), time.process_time()
    _step(plan_id, add_months(START, month))
    elapsed, cpu_used, statements = time.perf_counter() - start, time.process_time() - cpu, STATEMENTS[0]
    plan = db.session.get(PreventionPlan, plan_id)
    assert plan is not None and plan.checkins_done == month
    found = instance_row(subject(plan_id))  # the plan's state lives on the one case runtime
    assert found is not None
    return elapsed, cpu_used, statements, len(found[0].state.encode("utf-8"))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--plans", type=int, default=20, help="plans measured per month")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "prevention_checkin.json")
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = scenario.build_world(url)
    from sqlalchemy import event

    from webapp.extensions import db

    rows = []
    months = (1, 60)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count)
        plans = {month: [plan_at_month(month * 1000 + i, month) for i in range(args.plans)] for month in months}
        results: dict[int, list[tuple[float, float, int, int]]] = {month: [] for month in months}
        # Interleaved, so that a busy machine slows both columns alike.
        for index in range(args.plans):
            for month in months:
                results[month].append(measure_one(plans[month][index], month))
        for month in months:
            ms = sorted(r[0] * 1000 for r in results[month])
            cpu = statistics.median(r[1] * 1000 for r in results[month])
            statements = max(r[2] for r in results[month])
            size = max(r[3] for r in results[month])
            rows.append(
                (month, len(ms), statistics.median(ms), ms[max(0, int(len(ms) * 0.9) - 1)], cpu, statements, size)
            )
    print(f"database: {url.split(':', 1)[0]}")
    header = ("check-in", "n", "median ms", "p90 ms", "cpu ms", "SQL", "state bytes")
    print(" | ".join(f"{text:>{width}}" for text, width in zip(header, WIDTHS, strict=True)))
    print("-" * 67)
    for month, count, median, p90, cpu, statements, size in rows:
        cells = (f"month {month}", count, f"{median:.2f}", f"{p90:.2f}", f"{cpu:.2f}", statements, size)
        print(" | ".join(f"{cell!s:>{width}}" for cell, width in zip(cells, WIDTHS, strict=True)))
    result = {
        "database": url.split(":", 1)[0],
        "rows": [
            dict(zip(("month", "n", "median_ms", "p90_ms", "cpu_ms", "statements", "state_bytes"), row, strict=True))
            for row in rows
        ],
        # Check-ins completed and verified (measure_one asserts the plan counted each one).
        "completed": sum(row[1] for row in rows),
        "errors": 0,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
