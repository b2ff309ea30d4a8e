"""The national import: a CSV of 14 regions, 200 districts, ~9,400 mahallas and ~10,000 staff
(~19,600 rows) through the dry run and the import, on a fresh schema built by the migrations.

The file is generated from a seed (names, codes and e-mail addresses are synthetic), so the figures
hold on data that did not shape the code. Timed: reading the file, the dry run on the empty
database, the import (all or nothing, with the audit entries, staffing history and set-password
links), and a second dry run of the same file against the imported data (everything unchanged).

    .venv/bin/python bench/national_import.py                                # SQLite in a temp folder
    .venv/bin/python bench/national_import.py --database-url postgresql://postgres@127.0.0.1:5432/issue_12_admin
    .venv/bin/python bench/national_import.py --scale 0.01                   # a tiny run (the smoke test)
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGIONS, DISTRICTS, MAHALLAS, ADVISERS = 14, 200, 9400, 386
SYLLABLES = [
    "bo",
    "dor",
    "qa",
    "tor",
    "yun",
    "so",
    "chi",
    "lon",
    "zor",
    "ming",
    "o'",
    "rik",
    "sa",
    "mar",
    "nav",
    "ro'z",
    "g'a",
    "lla",
]
COLUMNS = [
    "kind",
    "code",
    "parent",
    "name",
    "name_cyrl",
    "name_ru",
    "status",
    "username",
    "full_name",
    "role",
    "email",
    "serves",
]


@dataclass(frozen=True)
class Figures:
    rows: int
    read_s: float
    dry_run_s: float
    import_s: float
    second_dry_run_s: float
    created: int


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def generate(scale: float = 1.0, seed: int = 12) -> bytes:
    """A national file at ``scale`` (1.0: 14 regions, 200 districts, 9,400 mahallas, ~10,000 staff)."""
    rng = random.Random(seed)
    regions = max(1, round(REGIONS * min(1.0, scale * 10)))
    districts = max(regions, round(DISTRICTS * scale))
    mahallas = max(districts, round(MAHALLAS * scale))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    empty_staff = ["", "", "", "", ""]
    for r in range(regions):
        name = _name(rng)
        writer.writerow(
            [
                "region",
                f"R{r:02d}",
                "",
                f"{name} viloyati",
                f"{name} вилояти",
                f"{name}ская область",
                "active",
                *empty_staff,
            ]
        )
    staff: list[list[str]] = []
    for d in range(districts):
        region = f"R{d % regions:02d}"
        name = _name(rng)
        writer.writerow(
            [
                "district",
                f"D{d:03d}",
                region,
                f"{name} tumani",
                f"{name} тумани",
                f"{name}ский район",
                "active",
                *empty_staff,
            ]
        )
        staff.append(
            [
                "staff",
                "",
                "",
                "",
                "",
                "",
                "",
                f"sup.d{d:03d}",
                f"{_name(rng)} {_name(rng)}ov",
                "supervisor",
                f"sup.d{d:03d}@example.uz",
                f"D{d:03d}",
            ]
        )
    for m in range(mahallas):
        district = f"D{m % districts:03d}"
        name = _name(rng)
        status = "active" if m % 97 else "renamed"
        writer.writerow(
            ["mahalla", f"M{m:05d}", district, f"{name} MFY", f"{name} МФЙ", f"махалля {name}", status, *empty_staff]
        )
        email = f"ins.m{m:05d}@example.uz" if m % 3 else ""  # a third without e-mail (links handed over later)
        staff.append(
            [
                "staff",
                "",
                "",
                "",
                "",
                "",
                "",
                f"ins.m{m:05d}",
                f"{_name(rng)} {_name(rng)}ov",
                "inspector",
                email,
                f"M{m:05d}",
            ]
        )
    for a in range(max(1, round(ADVISERS * scale))):
        served = ";".join(f"M{(a * 7 + k) % mahallas:05d}" for k in range(3))
        staff.append(
            [
                "staff",
                "",
                "",
                "",
                "",
                "",
                "",
                f"adv.{a:04d}",
                f"{_name(rng)} {_name(rng)}ova",
                "youth_adviser",
                "",
                served,
            ]
        )
    rng.shuffle(staff)
    writer.writerows(staff)
    return out.getvalue().encode("utf-8")


def measure(database_url: str, scale: float = 1.0) -> Figures:
    from bench.scenario import build_world
    from webapp.admin.imports.apply import apply_plan
    from webapp.admin.imports.parsing import read_file
    from webapp.admin.imports.plan import make_plan
    from webapp.extensions import db
    from webapp.platform.auth.models import User

    data = generate(scale)
    app = build_world(database_url)
    app.config["SERVER_NAME"] = "mahalla.example"
    with app.app_context(), app.test_request_context():
        admin = User(username="bench_admin", full_name="Bench Admin", role="admin", password_hash="")
        db.session.add(admin)
        db.session.commit()
        started = time.perf_counter()
        records = read_file("national.csv", data)
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        plan = make_plan(records)
        dry_run_s = time.perf_counter() - started
        if not plan.ok:
            raise SystemExit(f"refused rows: {plan.refused[:3]}")
        started = time.perf_counter()
        applied = apply_plan(plan, admin)
        import_s = time.perf_counter() - started
        db.session.expire_all()
        started = time.perf_counter()
        again = make_plan(read_file("national.csv", data))
        second_s = time.perf_counter() - started
        assert again.count("unchanged") == len(again.rows), "a second dry run must find nothing to change"
        db.session.remove()
        db.engine.dispose()
    return Figures(len(records), read_s, dry_run_s, import_s, second_s, applied.created)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/national.sqlite3"
        figures = measure(url, args.scale)
    if args.output:
        # completed: rows the import created; errors: none, measure() asserts every step
        result = {"completed": figures.created, "errors": 0, **dataclasses.asdict(figures)}
        args.output.write_text(json.dumps(result, indent=2))
    print(f"database: {url.split('@')[-1]}")
    print(f"rows: {figures.rows}  created: {figures.created}")
    print(f"read file: {figures.read_s:.2f} s")
    print(f"dry run (empty database): {figures.dry_run_s:.2f} s")
    print(f"import (one transaction): {figures.import_s:.2f} s")
    print(f"dry run again (all unchanged): {figures.second_dry_run_s:.2f} s")
    print(f"dry run + import: {figures.dry_run_s + figures.import_s:.2f} s")


if __name__ == "__main__":
    main()
