"""The DMN suggestion at registration, shown at check_registration, and overrides recorded for stage 5."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import DiagramError
from tests.conftest import World, csrf_token, submit_form
from tests.webapp.cases import (
    answers,
    appeal_by_number,
    browser_form,
    controls,
    event_kinds,
    path_of,
    register,
    the_task,
    worker_for,
)
from webapp.cases.models import CaseEvent
from webapp.cases.versions import APPEAL_PROCESS, publish_files, read_process_directory
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]
PROCESSES_DIR = Path(__file__).resolve().parents[2] / "processes"
FAMILY_TEXT = "Erim har kuni ichib kelib uyda janjal qiladi, bolalar qo'rqib qolgan."
URGENT_CRIME_TEXT = "Прямо сейчас неизвестные вскрывают соседний гараж, срочно приезжайте!"


def selected(html: str, name: str) -> list[str | None]:
    return [o.get("value") for o in controls(html)[name].inner if o.tag == "option" and o.has("selected")]


def override_events(appeal: Appeal) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind == "categorisation_overridden")
    return list(db.session.scalars(query))


def test_registration_stores_the_suggestion_and_starts_from_it(world: World) -> None:
    appeal = register(world, text=URGENT_CRIME_TEXT, channel="oral")

    assert (appeal.suggested_category, appeal.suggested_urgency, appeal.suggested_route) == (
        "crime_prevention",
        "urgent",
        "law_enforcement",
    )
    assert (appeal.category, appeal.urgency, appeal.categorisation_overridden) == ("crime_prevention", "urgent", False)


def test_an_explicit_intake_choice_wins_but_the_suggestion_is_kept(world: World) -> None:
    appeal = register(world, text=FAMILY_TEXT, category="other", urgency="urgent")

    assert (appeal.category, appeal.urgency) == ("other", "urgent")
    assert (appeal.suggested_category, appeal.suggested_urgency, appeal.suggested_route) == (
        "family_conflict",
        "normal",
        "inspector",
    )


def test_register_page_defaults_to_automatic_and_uses_the_suggestion(as_user: AsUser, world: World) -> None:
    client = as_user(world.inspector)
    page = client.get("/appeals/new").get_data(as_text=True)
    options = [o.get("value") for o in controls(page)["category"].inner if o.tag == "option"]
    assert options[0] == "" and len(options) == 8  # "Automatic", then the seven categories
    assert selected(page, "category") in ([""], [])
    assert [o.get("value") for o in controls(page)["urgency"].inner if o.tag == "option"] == ["", "normal", "urgent"]

    response = submit_form(
        client,
        "/appeals/new",
        {
            "channel": "walk_in",
            "mahalla": "M1",
            "kind": "ariza",
            "applicant_name": "Karimova Dilnoza",
            "category": "",
            "urgency": "",
            "text": FAMILY_TEXT,
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    appeal = appeal_by_number(path_of(response.location).rsplit("/", 1)[1])
    assert (appeal.category, appeal.urgency, appeal.suggested_category) == (
        "family_conflict",
        "normal",
        "family_conflict",
    )


def test_check_registration_shows_the_suggestion_prefilled(as_user: AsUser, world: World) -> None:
    appeal = register(world, text=FAMILY_TEXT)
    pending = the_task(appeal, "check_registration")

    html = as_user(worker_for(world, pending)).get(f"/tasks/{pending.id}").get_data(as_text=True)

    assert 'data-testid="categorisation-suggestion"' in html
    panel = html.split('data-testid="categorisation-suggestion"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "Tizim tavsiyasi" in panel
    assert "Prevention inspector" in panel or "inspektor" in panel.lower()
    assert selected(html, "category") == ["family_conflict"]
    assert selected(html, "urgency") == ["normal"]


def _complete_check_registration(as_user: AsUser, world: World, appeal: Appeal, **choice: str) -> None:
    pending = the_task(appeal, "check_registration")
    client = as_user(worker_for(world, pending))
    page = client.get(f"/tasks/{pending.id}").get_data(as_text=True)
    data = browser_form(answers("check_registration", kind=appeal.kind, **choice))
    response = client.post(f"/tasks/{pending.id}", data={"csrf_token": csrf_token(page), **data})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_overriding_the_suggestion_records_the_flag_and_an_event(as_user: AsUser, world: World) -> None:
    appeal = register(world, text=FAMILY_TEXT)

    _complete_check_registration(as_user, world, appeal, category="minors_youth", urgency="urgent")

    appeal = appeal_by_number(appeal.number)
    assert (appeal.category, appeal.urgency, appeal.categorisation_overridden) == ("minors_youth", "urgent", True)
    [event] = override_events(appeal)
    assert event.actor_id == world.inspector.id
    assert event.data == {
        "suggested": {"category": "family_conflict", "urgency": "normal", "route": "inspector"},
        "chosen": {"category": "minors_youth", "urgency": "urgent"},
    }


def test_changing_only_the_urgency_is_an_override_too(as_user: AsUser, world: World) -> None:
    appeal = register(world, text=FAMILY_TEXT)

    _complete_check_registration(as_user, world, appeal, category="family_conflict", urgency="urgent")

    assert appeal_by_number(appeal.number).categorisation_overridden is True
    assert [e.data["chosen"] for e in override_events(appeal)] == [{"category": "family_conflict", "urgency": "urgent"}]


def test_confirming_the_suggestion_records_nothing(as_user: AsUser, world: World) -> None:
    appeal = register(world, text=FAMILY_TEXT)

    _complete_check_registration(as_user, world, appeal, category="family_conflict", urgency="normal")

    appeal = appeal_by_number(appeal.number)
    assert appeal.categorisation_overridden is False
    assert override_events(appeal) == []
    assert ("task_completed", "check_registration") in event_kinds(appeal)


def test_publishing_a_version_with_a_hostile_decision_table_is_refused(world: World) -> None:
    files = read_process_directory(PROCESSES_DIR)
    marker = '<outputEntry id="rule_model_out_weight"><text>1</text>'
    assert marker in files["appeal_categorisation.dmn"]
    files["appeal_categorisation.dmn"] = files["appeal_categorisation.dmn"].replace(
        marker, "<outputEntry id=\"rule_model_out_weight\"><text>__import__('os').getpid()</text>"
    )

    with pytest.raises(DiagramError) as caught:
        publish_files(APPEAL_PROCESS, files)
    assert [p.element_id for p in caught.value.problems] == ["rule_model_out_weight"]
