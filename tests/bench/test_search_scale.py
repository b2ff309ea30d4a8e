"""Smoke test of bench/search_scale.py: the SQL generator, the growing database and the timed
searches at tiny sizes (PostgreSQL: the generator uses generate_series; the figures come from the
full run at 20,000, 200,000 and 1,000,000)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select, text

from bench import search_scale
from tests.conftest import require_postgres
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.normalise import normalise
from webapp.casework.appeals.service import AppealFilters, filtered_appeals
from webapp.extensions import db
from webapp.platform.auth.models import User


def test_the_benchmark_generates_searchable_appeals_and_times_every_query(app: Flask, app_context: None) -> None:
    require_postgres(app)
    admin = search_scale.prepare_world(db)
    search_scale.fill(db, 300, batch=120)
    appeals = db.session.query(Appeal).order_by(Appeal.id).all()
    assert len(appeals) == 300
    sample = appeals[17]
    assert normalise(sample.text) in sample.search_text  # generated text and its normalised form agree
    word = normalise(sample.text).split()[0]
    assert (
        sample in filtered_appeals(admin, AppealFilters(q=word), limit=100)
        or len(filtered_appeals(admin, AppealFilters(q=word), limit=100)) == 100
    )
    figures = search_scale.measure(db, admin, runs=2, warmup=1)
    assert [f.query for f in figures] == [q for _name, q in search_scale.QUERIES]
    assert all(f.median_ms > 0 for f in figures)
    narrow = db.session.scalar(select(User).where(User.username == search_scale.DISTRICT_USER))
    scoped = search_scale.measure(db, narrow, runs=1, warmup=0)
    assert all(f.rows <= g.rows for f, g in zip(scoped, figures, strict=True))  # a tenth of the country
    assert "district supervisor" in search_scale.report(300, scoped, "a district supervisor")[0]


def test_the_sizes_grow_one_database_and_report_medians(app: Flask, app_context: None) -> None:
    """The full run's path at tiny sizes: start, continue, keep as is; a table per size and a summary."""
    require_postgres(app)
    results = {}
    for number, size in enumerate((60, 150, 150)):
        search_scale.grow(db, size, keep=number > 0)
        assert db.session.query(Appeal).count() == size
        admin = db.session.scalar(select(User).where(User.username == "bench-admin"))
        results[size] = search_scale.measure(db, admin, runs=1, warmup=0)
    vector = db.session.execute(text("SELECT count(*) FROM appeals WHERE search_tsv IS NOT NULL")).scalar_one()
    assert vector == 150  # the stored vector is there after a continued fill
    table = search_scale.report(150, results[150])
    assert table[0].startswith("search over 150 appeals") and len(table) == len(search_scale.QUERIES) + 3
    lines = search_scale.summary(results)
    assert lines[0].split()[-2:] == ["60", "150"] and len(lines) == len(search_scale.QUERIES) + 2


def test_the_queried_phone_belongs_to_a_frequent_applicant(app: Flask, app_context: None) -> None:
    """Every 20,000th appeal is applicant 0's, whose number the bench's phone query asks for."""
    require_postgres(app)
    admin = search_scale.prepare_world(db)
    search_scale.fill(db, 20_010, first=19_990)
    found = filtered_appeals(admin, AppealFilters(q="90 555 12 34"), limit=100)
    assert [(a.sequence, a.applicant_phone, a.applicant_name) for a in found] == [
        (20_000, "+998 90 555 12 34", "Fuqaro 0")
    ]
    others = db.session.query(Appeal).filter(Appeal.sequence != 20_000).all()
    assert len(others) == 20 and len({a.applicant_phone for a in others}) == 20  # people writing once
