"""Related appeals in the analysis task: same applicant, same address, similar text; linking."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.webapp.cases import appeal_by_number, drive_to, event_kinds, parse
from webapp.casework.appeals.models import Appeal, AppealLink
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.casework.related.service import related_appeals
from webapp.casework.related.similarity import jaccard, tokens
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import utcnow

AsUser = Callable[[User], FlaskClient]

TEXT = "Ko'chadagi chiroqlar yonmayapti, kechqurun bolalar uchun xavfli bo'lib qoldi."
SIMILAR = "Ko‘chadagi chiroqlar hamon yonmayapti, kechqurun xavfli."


def appeal_at(world: World, days_ago: float, *, mahalla: Any = None, **fields: Any) -> Appeal:
    fields.setdefault("applicant_name", "Aliyev Vali")
    fields.setdefault("text", " ".join(uuid.uuid4().hex for _ in range(4)))  # shares no word with others
    new = NewAppeal(mahalla=mahalla or world.mahalla, kind="ariza", channel="walk_in", **fields)
    return register_appeal(new, world.inspector, received_at=utcnow() - dt.timedelta(days=days_ago))


def found(appeal: Appeal) -> dict[str, tuple[str, float]]:
    return {r.appeal.number: (r.reason, r.score) for r in related_appeals(appeal)}


def test_same_phone_in_any_format_and_any_mahalla_is_the_same_applicant(world: World) -> None:
    earlier = appeal_at(world, 30, mahalla=world.foreign_mahalla, applicant_phone="+998 (90) 123-45-67")
    unrelated = appeal_at(world, 20, applicant_phone="+998 91 765 43 21")
    current = appeal_at(world, 0, applicant_phone="90 123 45 67")
    assert found(current) == {earlier.number: ("same_applicant", 1.0)}
    assert unrelated.number not in found(current)


def test_same_passport_is_the_same_applicant(world: World) -> None:
    earlier = appeal_at(world, 100, mahalla=world.second_mahalla, applicant_passport="AA1234567")
    current = appeal_at(world, 0, applicant_passport="aa1234567")
    assert found(current) == {earlier.number: ("same_applicant", 1.0)}


def test_same_address_counts_only_in_the_same_mahalla(world: World) -> None:
    earlier = appeal_at(world, 10, address="Bunyodkor ko‘chasi, 12-uy")
    appeal_at(world, 10, mahalla=world.second_mahalla, address="Bunyodkor ko'chasi 12-uy")
    current = appeal_at(world, 0, address="BUNYODKOR KOʻCHASI 12-UY")
    assert found(current) == {earlier.number: ("same_address", 0.8)}


def test_similar_text_has_its_jaccard_score_and_stays_in_the_mahalla(world: World) -> None:
    earlier = appeal_at(world, 5, text=SIMILAR)
    appeal_at(world, 5, mahalla=world.second_mahalla, text=SIMILAR)
    current = appeal_at(world, 0, text=TEXT)
    expected = round(jaccard(tokens(TEXT), tokens(SIMILAR)), 2)
    assert expected == 0.5  # 5 shared of 10 distinct tokens; apostrophe variants normalised
    assert found(current) == {earlier.number: ("similar_text", expected)}


def test_older_than_twelve_months_and_newer_appeals_are_left_out(world: World) -> None:
    appeal_at(world, 380, applicant_phone="+998 90 123 45 67")
    current = appeal_at(world, 10, applicant_phone="+998 90 123 45 67")
    appeal_at(world, 0, applicant_phone="+998 90 123 45 67")
    assert found(current) == {}


def test_strongest_first_and_at_most_ten(world: World) -> None:
    for day in range(12):
        appeal_at(world, 40 + day, text=SIMILAR)
    same = appeal_at(world, 60, applicant_passport="AB7654321")
    current = appeal_at(world, 0, text=TEXT, applicant_passport="AB7654321")
    result = related_appeals(current)
    assert len(result) == 10
    assert (result[0].appeal.number, result[0].reason) == (same.number, "same_applicant")


def _panel_rows(html: str) -> list[str]:
    return [str(e.get("data-number")) for e in parse(html) if e.tag == "li" and "related-appeal" in e.classes]


def _post(client: FlaskClient, url: str, page_html: str, **data: Any) -> Any:
    return client.post(url, data={"csrf_token": csrf_token(page_html), **data})


def test_inspector_links_from_the_analysis_task_and_the_case_is_flagged_repeated(as_user: AsUser, world: World) -> None:
    earlier = appeal_at(world, 30, applicant_phone="+998 90 123 45 67")
    current = appeal_at(world, 0, applicant_phone="+998901234567")
    task = drive_to(world, current, "analyse_appeal")
    client = as_user(world.inspector)
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert _panel_rows(page) == [earlier.number]

    response = _post(client, f"/appeals/{current.number}/links", page, related_id=earlier.id, next=f"/tasks/{task.id}")
    assert response.status_code == 302 and response.location.endswith(f"/tasks/{task.id}")
    row = db.session.scalar(select(AppealLink).where(AppealLink.appeal_id == current.id))
    assert row is not None and (row.related_appeal_id, row.reason, row.score) == (earlier.id, "same_applicant", 1.0)
    assert appeal_by_number(current.number).is_repeated is True
    assert ("appeal_linked", None) in event_kinds(current)
    case_page = client.get(f"/appeals/{current.number}").get_data(as_text=True)
    assert [e.text.split()[0] for e in parse(case_page) if "linked-appeal" in e.classes] == [earlier.number]

    _post(client, f"/appeals/{current.number}/links/{earlier.id}/delete", page)
    assert db.session.scalar(select(AppealLink).where(AppealLink.appeal_id == current.id)) is None
    assert appeal_by_number(current.number).is_repeated is False
    assert ("appeal_unlinked", None) in event_kinds(current)


def test_similar_text_link_does_not_flag_a_repeat(as_user: AsUser, world: World) -> None:
    earlier = appeal_at(world, 3, text=SIMILAR)
    current = appeal_at(world, 0, text=TEXT)
    client = as_user(world.inspector)
    page = client.get(f"/appeals/{current.number}").get_data(as_text=True)
    assert _post(client, f"/appeals/{current.number}/links", page, related_id=earlier.id).status_code == 302
    assert appeal_by_number(current.number).is_repeated is False


def test_link_post_checks_territory_and_relation(as_user: AsUser, world: World) -> None:
    earlier = appeal_at(world, 30, applicant_phone="+998 90 123 45 67")
    current = appeal_at(world, 0, applicant_phone="+998 90 123 45 67")
    unrelated = appeal_at(world, 5)
    foreign = appeal_at(world, 5, mahalla=world.foreign_mahalla, applicant_phone="+998 90 123 45 67")
    outsider = as_user(world.foreign_inspector)
    page = outsider.get("/appeals").get_data(as_text=True)
    assert _post(outsider, f"/appeals/{current.number}/links", page, related_id=earlier.id).status_code == 404
    client = as_user(world.inspector)
    page = client.get("/appeals").get_data(as_text=True)
    assert _post(client, f"/appeals/{current.number}/links", page, related_id=unrelated.id).status_code == 404
    # related by phone, but in a mahalla the inspector does not serve
    assert _post(client, f"/appeals/{current.number}/links", page, related_id=foreign.id).status_code == 404
    assert _post(client, f"/appeals/{current.number}/links", page, related_id="x").status_code == 400
    assert db.session.scalar(select(AppealLink)) is None
