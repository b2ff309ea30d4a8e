"""Rating the answer: a low rating or "not resolved" reopens the running case through the BPMN
message ``citizen_dissatisfied`` (or registers a linked appeal once closed) and tells the
district's supervisors."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.webapp.cases import (
    appeal_by_number,
    appeal_count,
    complete,
    drive_to,
    event_kinds,
    is_access_code_notice,
    pending_names,
    register,
)
from webapp.casework.appeals.models import Appeal, AppealLink, AppealRating
from webapp.casework.appeals.service import access_code_digest
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.notifications.models import OutboxMessage

APPLICANT = {"applicant_name": "Rahimov Jasur", "applicant_phone": "+998 91 555 44 33", "address": "Navro'z ko'chasi 7"}


def answered(world: World, kind: str = "ariza") -> tuple[Appeal, str]:
    """An appeal waiting at evaluate_effectiveness (stage 5, status answered)."""
    world.supervisor.email = "rahbar@chilonzor.uz"
    world.foreign_supervisor.email = "rahbar@yunusobod.uz"
    db.session.commit()
    appeal = register(world, kind=kind, **APPLICANT)
    drive_to(world, appeal, "evaluate_effectiveness")
    return appeal, str(appeal.issued_access_code)


def rate(client: FlaskClient, appeal: Appeal, code: str, **fields: Any) -> Any:
    page = client.get("/kuzatish").get_data(as_text=True)
    client.post("/kuzatish", data={"csrf_token": csrf_token(page), "number": appeal.number, "code": code})
    status = client.get(f"/kuzatish/{appeal.number}").get_data(as_text=True)
    return client.post(f"/kuzatish/{appeal.number}/baho", data={"csrf_token": csrf_token(status), **fields})


def ratings(appeal: Appeal) -> list[tuple[int, bool, str]]:
    rows = db.session.scalars(select(AppealRating).where(AppealRating.appeal_id == appeal.id).order_by(AppealRating.id))
    return [(r.score, r.resolved, r.comment) for r in rows]


def outbox() -> list[tuple[str, str]]:
    """Messages queued because of the rating: the reply letter's own notices (to the applicant,
    queued when the answer was recorded) are left out."""
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.document_id.is_(None)).order_by(OutboxMessage.id)
    )
    return [
        (m.recipient, m.subject)
        for m in rows
        if not m.body.startswith("Murojaatingiz (№") and not is_access_code_notice(m)
    ]


def test_low_rating_in_stage_five_reopens_the_case(
    client: FlaskClient, world: World, as_user: Callable[[User], FlaskClient]
) -> None:
    appeal, code = answered(world)
    response = rate(client, appeal, code, score="2", resolved="yes", comment="Chiroqlar hali ham yonmayapti.")
    assert response.status_code == 302
    after = appeal_by_number(appeal.number)
    assert pending_names(after) == ["take_measures"]
    assert (after.stage, after.status, after.is_open, after.reopened_count) == (3, "under_review", True, 1)
    assert ratings(after) == [(2, True, "Chiroqlar hali ham yonmayapti.")]
    [(recipient, subject)] = [m for m in outbox() if m[0] == "rahbar@chilonzor.uz"]
    assert recipient == "rahbar@chilonzor.uz"  # not the other district's supervisor (no email for the region head)
    assert appeal.number in subject
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.recipient == "rahbar@chilonzor.uz"))
    assert "2" in body and "Chiroqlar hali ham yonmayapti." in body
    kinds = event_kinds(after)
    tail = kinds[kinds.index(("rated", None)) :]
    assert tail == [
        ("rated", None),
        ("message_received", None),
        ("status_changed", None),
        ("task_created", "take_measures"),
        ("assigned", "take_measures"),
        ("supervisor_notified", None),
    ]
    # the inspector's case page shows the reopened case with its new events
    world.inspector.language = "en"
    db.session.commit()
    case_page = as_user(world.inspector).get(f"/appeals/{appeal.number}")
    assert case_page.status_code == 200
    page = case_page.get_data(as_text=True)
    assert "Rated by the citizen" in page
    assert "Supervisor notified" in page
    # the rating form is gone until the case is answered again
    assert 'id="rating"' not in client.get(f"/kuzatish/{appeal.number}").get_data(as_text=True)


def test_not_resolved_reopens_a_proposal_to_its_evaluation(client: FlaskClient, world: World) -> None:
    appeal, code = answered(world, kind="taklif")
    rate(client, appeal, code, score="4", resolved="no")
    after = appeal_by_number(appeal.number)
    assert pending_names(after) == ["evaluate_proposal"]
    assert after.reopened_count == 1
    assert ratings(after) == [(4, False, "")]


def test_reopened_and_answered_again_may_be_rated_again(client: FlaskClient, world: World) -> None:
    appeal, code = answered(world)
    rate(client, appeal, code, score="1", resolved="no")
    drive_to(world, appeal, "evaluate_effectiveness")
    assert appeal_by_number(appeal.number).status == "answered"
    response = rate(client, appeal, code, score="5", resolved="yes")
    assert response.status_code == 302
    after = appeal_by_number(appeal.number)
    assert ratings(after) == [(1, False, ""), (5, True, "")]
    assert pending_names(after) == ["evaluate_effectiveness"]
    assert after.reopened_count == 1


def test_good_rating_does_not_reopen_and_is_given_once(client: FlaskClient, world: World) -> None:
    appeal, code = answered(world)
    assert rate(client, appeal, code, score="5", resolved="yes", comment="Rahmat!").status_code == 302
    again = rate(client, appeal, code, score="1", resolved="no")
    assert again.status_code == 302
    after = appeal_by_number(appeal.number)
    assert ratings(after) == [(5, True, "Rahmat!")]
    assert pending_names(after) == ["evaluate_effectiveness"]
    assert after.reopened_count == 0
    assert outbox() == []
    assert [k for k in event_kinds(after) if k[0] in ("rated", "message_received", "supervisor_notified")] == [
        ("rated", None)
    ]


def test_invalid_rating_shows_errors_and_saves_nothing(client: FlaskClient, world: World) -> None:
    appeal, code = answered(world)
    response = rate(client, appeal, code, resolved="maybe", comment="x" * 2001)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count("invalid-feedback") == 3
    assert ratings(appeal) == []
    assert pending_names(appeal_by_number(appeal.number)) == ["evaluate_effectiveness"]


def test_unanswered_appeal_cannot_be_rated(client: FlaskClient, world: World) -> None:
    appeal = register(world, **APPLICANT)
    response = rate(client, appeal, str(appeal.issued_access_code), score="1", resolved="no")
    assert response.status_code == 302
    assert ratings(appeal) == []
    assert appeal_by_number(appeal.number).reopened_count == 0


def test_rating_without_a_looked_up_code_is_refused(client: FlaskClient, world: World) -> None:
    appeal, _code = answered(world)
    page = client.get("/kuzatish").get_data(as_text=True)
    response = client.post(
        f"/kuzatish/{appeal.number}/baho", data={"csrf_token": csrf_token(page), "score": "1", "resolved": "no"}
    )
    assert response.status_code == 302
    assert ratings(appeal) == []


def test_dissatisfied_with_a_closed_case_registers_a_linked_appeal(client: FlaskClient, world: World) -> None:
    appeal, code = answered(world)
    complete(world, appeal, "evaluate_effectiveness")
    closed = appeal_by_number(appeal.number)
    assert closed.is_open is False
    response = rate(client, appeal, code, score="3", resolved="no", comment="Muammo takrorlandi.")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert appeal_count() == 2
    new = db.session.scalar(select(Appeal).where(Appeal.id != appeal.id))
    assert new is not None
    assert new.number in html
    shown_code = re.search(r'id="access-code">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    assert new.access_code_hash == access_code_digest(new.number, shown_code)
    assert new.channel == "web"
    assert (new.applicant_name, new.applicant_phone, new.address) == (
        "Rahimov Jasur",
        "+998 91 555 44 33",
        "Navro'z ko'chasi 7",
    )
    assert new.mahalla_id == appeal.mahalla_id
    assert new.text == f"Qayta murojaat: {appeal.number}\nMuammo takrorlandi."
    assert pending_names(new) == ["check_registration"]
    links = db.session.scalars(select(AppealLink)).all()
    assert [(link.appeal_id, link.related_appeal_id, link.reason) for link in links] == [
        (new.id, appeal.id, "reopened")
    ]
    assert ratings(appeal) == [(3, False, "Muammo takrorlandi.")]
    assert [r for r, _s in outbox()] == ["rahbar@chilonzor.uz"]
    old_events = [k for k, _t in event_kinds(appeal_by_number(appeal.number))]
    assert old_events[-3:] == ["rated", "reopened_as", "supervisor_notified"]
    assert ("linked", None) in event_kinds(new)
    assert appeal_by_number(appeal.number).is_open is False
