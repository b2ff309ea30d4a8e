"""The demo's archive: closed appeals of the past months, so the dashboards have trends to show.

These cases were considered before the demo's live cases: they are stored as closed records with
their registration, the inspector's work and the closing in the case log (no running procedure),
and some carry the citizen's rating. The numbers are deterministic (a seeded generator).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping

from sqlalchemy import insert

from devtools.demo.texts import APPEALS, NAMES, STREETS
from webapp.cases.models import CaseEvent
from webapp.casework.appeals.deadlines import consideration_deadline, registration_date
from webapp.casework.appeals.models import Appeal, AppealRating
from webapp.casework.appeals.service import _next_sequence, format_number
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.territory.models import Mahalla

MONTHS = 6
PER_MONTH = (18, 26)  # appeals per month across the demo's mahallas (a range)
CHANNELS = ("walk_in", "written", "oral", "api", "web", "walk_in", "oral")
COMMENTS = (
    "Rahmat, muammo tez hal qilindi.",
    "Inspektor e'tiborli bo'ldi.",
    "Javob kechikdi, lekin masala hal bo'ldi.",
    "Muammo to'liq hal qilinmadi.",
    "",
)


def seed_history(
    mahallas: Mapping[str, Mahalla],
    inspectors: Mapping[str, User],
    supervisors: Mapping[str, User],
    now: dt.datetime,
) -> int:
    """Add the closed appeals of the last MONTHS months (before the live demo's 40 days)."""
    rng = random.Random(2026)  # noqa: S311 - demo data, deterministic on purpose
    codes = sorted(mahallas)
    start = now - dt.timedelta(days=45 + 30 * MONTHS)
    events: list[dict[str, object]] = []
    ratings: list[AppealRating] = []
    created = 0
    for month in range(MONTHS):
        for _number in range(rng.randint(*PER_MONTH)):
            received = start + dt.timedelta(days=30 * month + rng.uniform(0, 30), hours=rng.uniform(0, 8))
            kind, category, urgency, text = APPEALS[rng.randrange(len(APPEALS))]
            mahalla = mahallas[codes[rng.randrange(len(codes))]]
            inspector = inspectors[mahalla.code]
            supervisor = supervisors[mahalla.district.code]
            registered_on = registration_date(received)
            deadline = consideration_deadline(kind, registered_on)
            roll = rng.random()
            status = "answered" if roll < 0.86 else ("forwarded" if roll < 0.94 else "rejected")
            # Most answers come well within the term; a few are late.
            if status == "answered":
                days = rng.choice((rng.uniform(2, 12), rng.uniform(5, 14), rng.uniform(9, 24)))
            else:
                days = rng.uniform(1, 5)
            closed = received + dt.timedelta(days=days)
            sequence = _next_sequence(registered_on.year)
            anonymous = status == "rejected"
            appeal = Appeal(
                number=format_number(registered_on.year, sequence),
                year=registered_on.year,
                sequence=sequence,
                channel=CHANNELS[rng.randrange(len(CHANNELS))],
                kind=kind,
                category=category,
                urgency=urgency,
                suggested_category=category,
                anonymous=anonymous,
                applicant_name="" if anonymous else NAMES[rng.randrange(len(NAMES))],
                address=f"{STREETS[rng.randrange(len(STREETS))]}, {rng.randint(1, 90)}-uy",
                text=text,
                mahalla_id=mahalla.id,
                district_id=mahalla.district_id,
                status=status,
                stage=5 if status == "answered" else 1,
                is_open=False,
                received_at=received,
                registered_on=registered_on,
                deadline=deadline,
                closed_at=closed,
                registered_by_id=inspector.id,
                is_repeated=rng.random() < 0.08,
                categorisation_overridden=rng.random() < 0.1,
            )
            db.session.add(appeal)
            db.session.flush()
            created += 1
            worker = inspector if status != "rejected" else supervisor
            events += [
                {"appeal_id": appeal.id, "occurred_at": received, "actor_id": inspector.id, "kind": "registered"},
                {
                    "appeal_id": appeal.id,
                    "occurred_at": closed - dt.timedelta(hours=2),
                    "actor_id": worker.id,
                    "kind": "task_completed",
                },
                {"appeal_id": appeal.id, "occurred_at": closed, "actor_id": None, "kind": "case_closed"},
            ]
            if status == "answered" and rng.random() < 0.55:
                late = closed.date() > deadline
                score = rng.choice((5, 5, 4, 4, 4, 3, 2) if not late else (4, 3, 3, 2, 1))
                ratings.append(
                    AppealRating(
                        appeal_id=appeal.id,
                        score=score,
                        resolved=score >= 3,
                        comment=COMMENTS[rng.randrange(len(COMMENTS))],
                        created_at=closed + dt.timedelta(days=rng.uniform(0.5, 4)),
                    )
                )
    db.session.execute(insert(CaseEvent.__table__), [{"data": {}, "stage": None, **event} for event in events])
    db.session.add_all(ratings)
    db.session.commit()
    return created
