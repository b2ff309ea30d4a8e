"""The supervisor evaluating effectiveness (stage 5) sees the case's outcome facts beside the form."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import update

from tests.conftest import World
from tests.webapp.cases import drive_to, register
from webapp.casework.appeals.models import Appeal, AppealRating
from webapp.casework.related.service import link_appeal
from webapp.extensions import db
from webapp.platform.auth.models import User


def panel_text(html: str) -> str:
    start = html.index("bi-clipboard-data")
    return html[start : html.index("</ul>", start)]


def test_panel_shows_timeliness_repetition_and_ratings(world: World, as_user: Callable[[User], FlaskClient]) -> None:
    earlier = register(world, applicant_phone="+998 90 111 22 33")
    appeal = register(world, applicant_phone="+998 90 111 22 33")
    link_appeal(world.inspector, appeal, earlier.id)
    pending = drive_to(world, appeal, "evaluate_effectiveness")
    db.session.add(AppealRating(appeal_id=appeal.id, score=2, resolved=False, comment="Yordam bermadi"))
    db.session.commit()

    html = as_user(world.supervisor).get(f"/tasks/{pending.id}").get_data(as_text=True)

    panel = panel_text(html)
    assert "deadline-ok" in panel  # answered before the deadline
    assert "text-bg-warning" in panel  # repeated appeal
    assert "2/5" in panel and "text-bg-danger" in panel
    assert 'title="Yordam bermadi">2/5</span>' in panel


def test_panel_marks_a_late_answer(world: World, as_user: Callable[[User], FlaskClient]) -> None:
    appeal = register(world)
    pending = drive_to(world, appeal, "evaluate_effectiveness")
    db.session.execute(
        update(Appeal).where(Appeal.id == appeal.id).values(deadline=appeal.registered_on.replace(year=2000))
    )
    db.session.commit()

    panel = panel_text(as_user(world.supervisor).get(f"/tasks/{pending.id}").get_data(as_text=True))

    assert "deadline-overdue" in panel and "deadline-ok" not in panel
    assert "text-bg-warning" not in panel
