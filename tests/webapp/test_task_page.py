"""The task page: the form built from the diagram, inline errors, completing, completing twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.webapp.cases import (
    ANSWERS,
    alerts,
    answers,
    appeal_by_number,
    browser_form,
    case_state,
    controls,
    drive_to,
    event_kinds,
    feedback_count,
    invalid_fields,
    parse,
    path_of,
    pending_names,
    register,
    required_marked,
    the_task,
    worker_for,
)
from webapp.cases.models import CaseEvent, PendingTask
from webapp.cases.versions import current_version, library_for
from webapp.casework.appeals.deadlines import add_term
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today

AsUser = Callable[[User], FlaskClient]

# The controls each task page must render: field → control, and which fields are required.
# select = enum, checkbox = boolean, date = date, number = long, textarea = string longer than 300
# characters (or unbounded), text = short string.
FORMS: dict[str, tuple[dict[str, str], set[str]]] = {
    "check_registration": (
        {
            "kind": "select",
            "category": "select",
            "urgency": "select",
            "anonymous": "checkbox",
            "within_competence": "checkbox",
            "registration_note": "textarea",
        },
        {"kind", "category", "urgency"},
    ),
    "write_conclusion": ({"conclusion_text": "textarea"}, {"conclusion_text"}),
    "approve_conclusion": ({"conclusion_approved": "decision", "supervisor_comment": "textarea"}, set()),
    "forward_appeal": (
        {
            "competent_body": "text",
            "forward_date": "date",
            "forward_letter": "textarea",
            "applicant_notified": "checkbox",
        },
        {"competent_body", "forward_date", "forward_letter"},
    ),
    "analyse_appeal": (
        {
            "causes": "textarea",
            "severity": "select",
            "crime_related": "checkbox",
            "social_need": "checkbox",
            "extra_study_needed": "checkbox",
            "leave_as_repeated": "checkbox",
            "earlier_appeal": "text",
            "related_appeals": "textarea",
        },
        {"causes", "severity"},
    ),
    "write_repeated_conclusion": ({"repeated_conclusion": "textarea"}, {"repeated_conclusion"}),
    "approve_repeated_conclusion": (
        {"repeated_approved": "decision", "repeated_supervisor_comment": "textarea"},
        set(),
    ),
    "refer_law_enforcement": (
        {
            "law_enforcement_body": "text",
            "referral_date": "date",
            "referral_number": "text",
            # the partners to refer to as well, each its own referral (issue 20)
            "law_also_social_protection": "checkbox",
            "law_also_health": "checkbox",
            "law_also_youth_agency": "checkbox",
            "law_also_womens_committee": "checkbox",
            "law_also_mahalla_assembly": "checkbox",
        },
        {"law_enforcement_body", "referral_date"},
    ),
    "refer_social_services": (
        {
            "social_service": "select",
            "social_referral_note": "textarea",
            "social_also_social_protection": "checkbox",
            "social_also_health": "checkbox",
            "social_also_youth_agency": "checkbox",
            "social_also_womens_committee": "checkbox",
            "social_also_mahalla_assembly": "checkbox",
        },
        {"social_service"},
    ),
    "evaluate_proposal": (
        {"proposal_accepted": "checkbox", "implementation_plan": "textarea"},
        {"implementation_plan"},
    ),
    "take_measures": (
        {
            "measures": "select",
            "measures_description": "textarea",
            "measures_date": "date",
            "personal_data_protected": "checkbox",
            "problem_resolved": "checkbox",
        },
        {"measures", "measures_description", "measures_date"},
    ),
    "prepare_reply": ({"reply_text": "textarea", "reply_channel": "select"}, {"reply_text", "reply_channel"}),
    "approve_reply": ({"reply_approved": "decision", "reply_comment": "textarea"}, set()),
    "record_result": ({"result": "select", "reply_date": "date", "result_note": "textarea"}, {"result", "reply_date"}),
    "evaluate_effectiveness": (
        {
            "effective": "checkbox",
            "effectiveness_score": "number",
            "recurring_issue": "checkbox",
            "recommendation": "textarea",
        },
        {"effectiveness_score"},
    ),
    "review_overdue_case": ({"overdue_decision": "select", "overdue_instruction": "textarea"}, {"overdue_decision"}),
    "consider_related_appeal": ({"related_appeal_note": "textarea"}, set()),
    "acknowledge_referral": (
        {"referral_summary": "textarea", "referral_responsible": "text"},
        {"referral_responsible"},
    ),
    "report_referral_outcome": (
        {
            "referral_summary": "textarea",
            "referral_outcome": "textarea",
            "referral_outcome_date": "date",
            "not_our_competence": "checkbox",
        },
        {"referral_outcome", "referral_outcome_date"},
    ),
    "review_overdue_referral": (
        {"referral_escalation_decision": "select", "referral_escalation_comment": "textarea"},
        {"referral_escalation_decision"},
    ),
}

ENUM_OPTIONS = {
    ("check_registration", "kind"): ["ariza", "taklif", "shikoyat"],
    ("check_registration", "urgency"): ["normal", "urgent"],
    ("analyse_appeal", "severity"): ["low", "medium", "high"],
    ("refer_social_services", "social_service"): [
        "mahalla_assembly",
        "social_protection",
        "youth_affairs",
        "womens_affairs",
        "health",
    ],
    ("take_measures", "measures"): [
        "prevention_talk",
        "official_warning",
        "legal_advice",
        "mediation",
        "referral",
        "other",
    ],
    ("prepare_reply", "reply_channel"): ["letter", "email", "sms", "in_person"],
    ("record_result", "result"): ["satisfied", "partially_satisfied", "explained", "rejected"],
}
CHECKED_BY_DEFAULT = {("check_registration", "within_competence"), ("take_measures", "personal_data_protected")}


def control_kind(element: Any) -> str:
    if element.tag in ("select", "textarea"):
        return str(element.tag)
    return str(element.get("type"))


def open_task(world: World, as_user: AsUser, target: str) -> tuple[Appeal, PendingTask, FlaskClient]:
    appeal = register(world)
    pending = drive_to(world, appeal, target)
    return appeal, pending, as_user(worker_for(world, pending))


def test_every_user_task_of_the_diagrams_is_covered(world: World) -> None:
    library = library_for(current_version())

    assert set(FORMS) == set(library.user_tasks) == set(ANSWERS)
    for name, (expected, _required) in FORMS.items():
        assert [f.id for f in library.user_tasks[name].form.fields] == list(expected)


@pytest.mark.parametrize("task_name", sorted(FORMS))
def test_task_page_renders_every_field_with_the_right_control(as_user: AsUser, world: World, task_name: str) -> None:
    expected, required = FORMS[task_name]
    _appeal, pending, client = open_task(world, as_user, task_name)

    response = client.get(f"/tasks/{pending.id}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    fields = controls(html)
    decisions = [name for name, kind in expected.items() if kind == "decision"]  # explicit buttons, no switch
    expected = {name: kind for name, kind in expected.items() if kind != "decision"}
    if decisions:
        assert 'name="decision" value="approve"' in html and 'name="decision" value="return"' in html
    assert list(fields) == list(expected)  # every field, in diagram order, nothing else
    assert {name: control_kind(element) for name, element in fields.items()} == expected
    assert required_marked(html) == required
    assert {name for name, element in fields.items() if element.has("required")} == required
    for (task, field_name), options in ENUM_OPTIONS.items():
        if task == task_name:
            values = [e.get("value") for e in fields[field_name].inner if e.tag == "option"]
            assert values == ["", *options]
    checked = {name for name, element in fields.items() if element.has("checked")}
    assert checked == {f for (task, f) in CHECKED_BY_DEFAULT if task == task_name}
    assert invalid_fields(html) == set()
    assert csrf_token(html)


def test_long_field_carries_its_range(as_user: AsUser, world: World) -> None:
    _appeal, pending, client = open_task(world, as_user, "evaluate_effectiveness")

    score = controls(client.get(f"/tasks/{pending.id}").get_data(as_text=True))["effectiveness_score"]

    assert (score.get("min"), score.get("max")) == ("1", "5")


def test_task_page_prefills_values_from_the_case(as_user: AsUser, world: World) -> None:
    appeal = register(world, kind="shikoyat", category="utilities", urgency="urgent")
    pending = drive_to(world, appeal, "check_registration")

    html = as_user(world.inspector).get(f"/tasks/{pending.id}").get_data(as_text=True)

    selected = {
        name: [o.get("value") for o in element.inner if o.tag == "option" and o.has("selected")]
        for name, element in controls(html).items()
        if element.tag == "select"
    }
    assert selected == {"kind": ["shikoyat"], "category": ["utilities"], "urgency": ["urgent"]}


INVALID = [
    pytest.param("check_registration", {"kind": ""}, {"kind"}, id="missing-enum"),
    pytest.param("check_registration", {"kind": "petition"}, {"kind"}, id="enum-not-a-choice"),
    pytest.param(
        "check_registration",
        {"kind": "", "category": "", "urgency": ""},
        {"kind", "category", "urgency"},
        id="three-missing-enums",
    ),
    pytest.param("check_registration", {"registration_note": "x" * 1001}, {"registration_note"}, id="too-long"),
    pytest.param("analyse_appeal", {"causes": "Qisqa"}, {"causes"}, id="too-short-text"),
    pytest.param(
        "analyse_appeal", {"causes": "Qisqa", "severity": ""}, {"causes", "severity"}, id="short-text-and-missing-enum"
    ),
    # passes the browser-side length check, but the engine strips it to one character
    pytest.param("analyse_appeal", {"causes": " " * 12 + "x"}, {"causes"}, id="engine-strips-to-too-short"),
    pytest.param("evaluate_effectiveness", {"effectiveness_score": "9"}, {"effectiveness_score"}, id="long-above-max"),
    pytest.param("evaluate_effectiveness", {"effectiveness_score": "0"}, {"effectiveness_score"}, id="long-below-min"),
    # "not a whole number" and "not in the allowed range": two messages on the one field
    pytest.param(
        "evaluate_effectiveness", {"effectiveness_score": "four"}, {"effectiveness_score"}, 2, id="long-not-a-number"
    ),
    pytest.param("evaluate_effectiveness", {"effectiveness_score": ""}, {"effectiveness_score"}, id="long-missing"),
    pytest.param("forward_appeal", {"forward_date": "2026-13-45"}, {"forward_date"}, id="bad-date"),
    pytest.param("forward_appeal", {"forward_date": "12.01.2026"}, {"forward_date"}, id="date-wrong-format"),
    pytest.param("forward_appeal", {"competent_body": ""}, {"competent_body"}, id="missing-text"),
    pytest.param("prepare_reply", {"reply_text": "Qisqa javob."}, {"reply_text"}, id="reply-under-20"),
    pytest.param("write_conclusion", {"conclusion_text": "x" * 19}, {"conclusion_text"}, id="conclusion-under-20"),
]


@pytest.mark.parametrize(
    ("task_name", "changes", "expected", "messages"),
    [p if len(p.values) == 4 else pytest.param(*p.values, None, id=p.id) for p in INVALID],
)
def test_invalid_submission_shows_inline_errors_and_changes_nothing(
    as_user: AsUser, world: World, task_name: str, changes: dict[str, Any], expected: set[str], messages: int | None
) -> None:
    appeal, pending, client = open_task(world, as_user, task_name)
    before = case_state(appeal)
    page = client.get(f"/tasks/{pending.id}").get_data(as_text=True)
    data = {**browser_form(answers(task_name)), **changes}

    response = client.post(f"/tasks/{pending.id}", data={"csrf_token": csrf_token(page), **data})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert invalid_fields(html) == expected
    assert feedback_count(html) == (messages or len(expected))
    assert case_state(appeal) == before


def test_engine_error_keeps_the_submitted_values(as_user: AsUser, world: World) -> None:
    appeal, pending, client = open_task(world, as_user, "analyse_appeal")
    page = client.get(f"/tasks/{pending.id}").get_data(as_text=True)
    data = {**browser_form(answers("analyse_appeal")), "causes": " " * 12 + "x", "severity": "high"}

    html = client.post(f"/tasks/{pending.id}", data={"csrf_token": csrf_token(page), **data}).get_data(as_text=True)

    severity = controls(html)["severity"]
    assert [o.get("value") for o in severity.inner if o.tag == "option" and o.has("selected")] == ["high"]
    assert pending_names(appeal) == ["analyse_appeal"]


def test_valid_submission_completes_the_task_and_creates_the_next(as_user: AsUser, world: World) -> None:
    appeal, pending, client = open_task(world, as_user, "check_registration")
    events_before = len(event_kinds(appeal))
    page = client.get(f"/tasks/{pending.id}").get_data(as_text=True)
    data = browser_form(answers("check_registration", category="minors_youth", urgency="urgent"))

    response = client.post(f"/tasks/{pending.id}", data={"csrf_token": csrf_token(page), **data})

    assert response.status_code == 302
    assert path_of(response.location) == "/tasks"
    appeal = appeal_by_number(appeal.number)
    assert (appeal.status, appeal.stage, appeal.is_open) == ("under_review", 2, True)
    assert (appeal.category, appeal.urgency) == ("minors_youth", "urgent")
    assert pending_names(appeal) == ["analyse_appeal"]
    assert event_kinds(appeal)[events_before:] == [
        ("task_completed", "check_registration"),
        ("status_changed", None),
        ("task_created", "analyse_appeal"),
        ("assigned", "analyse_appeal"),
        ("categorisation_overridden", None),  # the text suggests utilities
    ]
    completed = db.session.scalars(
        select(CaseEvent).where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind == "task_completed")
    ).one()
    assert completed.actor_id == world.inspector.id
    assert completed.data == {
        "kind": "ariza",
        "category": "minors_youth",
        "urgency": "urgent",
        "anonymous": False,
        "within_competence": True,
        "registration_note": None,
    }
    inbox = client.get("/tasks").get_data(as_text=True)
    assert alerts(inbox, "success")
    next_task = drive_to(world, appeal, "analyse_appeal")
    assert f'href="/tasks/{next_task.id}"' in inbox


def test_unchecked_box_is_submitted_as_false(as_user: AsUser, world: World) -> None:
    appeal, pending, client = open_task(world, as_user, "check_registration")
    page = client.get(f"/tasks/{pending.id}").get_data(as_text=True)
    data = browser_form(answers("check_registration", within_competence=False))

    response = client.post(f"/tasks/{pending.id}", data={"csrf_token": csrf_token(page), **data})

    assert response.status_code == 302
    assert pending_names(appeal) == ["forward_appeal"]


def test_supervisor_completes_the_last_task_and_closes_the_case(as_user: AsUser, world: World) -> None:
    appeal, pending, client = open_task(world, as_user, "evaluate_effectiveness")
    page = client.get(f"/tasks/{pending.id}").get_data(as_text=True)

    response = client.post(
        f"/tasks/{pending.id}", data={"csrf_token": csrf_token(page), **browser_form(answers("evaluate_effectiveness"))}
    )

    assert response.status_code == 302
    appeal = appeal_by_number(appeal.number)
    assert (appeal.status, appeal.stage, appeal.is_open) == ("answered", 5, False)
    assert appeal.closed_at is not None
    assert pending_names(appeal) == []
    assert event_kinds(appeal)[-2:] == [("task_completed", "evaluate_effectiveness"), ("case_closed", None)]


def test_supervisor_approving_a_conclusion_leaves_the_appeal_unconsidered(as_user: AsUser, world: World) -> None:
    appeal = register(world, anonymous=True, applicant_name="")
    pending = drive_to(world, appeal, "approve_conclusion")
    client = as_user(world.supervisor)
    page = client.get(f"/tasks/{pending.id}").get_data(as_text=True)

    response = client.post(f"/tasks/{pending.id}", data={"csrf_token": csrf_token(page), "decision": "approve"})

    assert response.status_code == 302
    appeal = appeal_by_number(appeal.number)
    assert (appeal.status, appeal.is_open) == ("rejected", False)


def test_reposting_a_completed_task_redirects_to_the_case_and_changes_nothing(as_user: AsUser, world: World) -> None:
    appeal, pending, client = open_task(world, as_user, "check_registration")
    url = f"/tasks/{pending.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    data = {"csrf_token": token, **browser_form(answers("check_registration"))}
    assert client.post(url, data=data).status_code == 302
    after_first = case_state(appeal)

    response = client.post(url, data=data)

    assert response.status_code == 302
    assert path_of(response.location) == f"/appeals/{appeal.number}"
    assert case_state(appeal) == after_first
    case_page = client.get(path_of(response.location))
    assert case_page.status_code == 200
    assert alerts(case_page.get_data(as_text=True), "warning")


def test_completed_task_is_404_for_someone_who_cannot_see_the_case(as_user: AsUser, world: World) -> None:
    appeal, pending, _client = open_task(world, as_user, "check_registration")
    drive_to(world, appeal, "analyse_appeal")

    assert as_user(world.foreign_inspector).get(f"/tasks/{pending.id}").status_code == 404
    assert as_user(world.supervisor).get(f"/tasks/{pending.id}").status_code == 302


def test_task_post_without_csrf_changes_nothing(as_user: AsUser, world: World) -> None:
    appeal, pending, client = open_task(world, as_user, "check_registration")
    before = case_state(appeal)

    response = client.post(f"/tasks/{pending.id}", data=browser_form(answers("check_registration")))

    assert response.status_code == 400
    assert case_state(appeal) == before


def test_case_page_shows_the_timeline_in_order(as_user: AsUser, world: World) -> None:
    appeal = register(world)
    drive_to(world, appeal, "take_measures", {"analyse_appeal": {"crime_related": True}})

    html = as_user(world.inspector).get(f"/appeals/{appeal.number}").get_data(as_text=True)

    items = [e for e in parse(html) if e.tag == "li" and "timeline-item" in e.classes]
    shown = [next(c.removeprefix("timeline-") for c in e.classes if c != "timeline-item") for e in items]
    assert shown == [kind for kind, _task in event_kinds(appeal)]
    assert [kind for kind in shown if kind in ("registered", "task_created", "task_completed")] == [
        "registered",
        "task_created",
        "task_completed",  # check_registration
        "task_created",
        "task_completed",  # analyse_appeal
        "task_created",
        "task_completed",  # refer_law_enforcement
        "task_created",
        "task_completed",  # acknowledge_referral (the police)
        "task_created",
        "task_completed",  # report_referral_outcome (the police)
        "task_created",  # take_measures
    ]
    titled = [
        e.task_name
        for e in db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.appeal_id == appeal.id, CaseEvent.task_name.is_not(None))
            .order_by(CaseEvent.occurred_at, CaseEvent.id)
        )
    ]
    assert titled == [  # created, assigned to the mahalla's inspector, completed
        *["check_registration"] * 3,
        *["analyse_appeal"] * 3,
        *["refer_law_enforcement"] * 3,
        *["acknowledge_referral"] * 2,  # a partner's task is nobody's by name: created, completed
        *["report_referral_outcome"] * 2,
        *["take_measures"] * 2,
    ]
    completed = [item for item in items if "timeline-task_completed" in item.classes]
    shown_values = [[d.text.strip() for d in item.inner if d.tag == "dd"] for item in completed]
    # one row per non-empty field; values of free fields are shown as entered
    # the partner's answers too: the acknowledgement, and the outcome with its date ("not our competence" No)
    # analysis: "repeated" No is shown too; the referral: the five partners not ticked as well
    assert [len(values) for values in shown_values] == [5, 6, 8, 1, 3]
    assert shown_values[2][:3] == ["Tuman IIB", local_today().strftime("%d.%m.%Y"), "12/345"]  # one date format
    assert "Ko'cha chiroqlari uch oydan beri ishlamaydi." in shown_values[1]
    waiting = [e.get("href") for e in parse(html) if e.tag == "a" and str(e.get("href") or "").startswith("/tasks/")]
    assert waiting == [f"/tasks/{drive_to(world, appeal, 'take_measures').id}"]


def submit_check_registration(as_user: AsUser, world: World, registered_as: str, classified_as: str) -> Appeal:
    appeal = register(world, kind=registered_as)
    pending = drive_to(world, appeal, "check_registration")
    client = as_user(world.inspector)
    page = client.get(f"/tasks/{pending.id}").get_data(as_text=True)
    data = browser_form(answers("check_registration", kind=classified_as))

    assert client.post(f"/tasks/{pending.id}", data={"csrf_token": csrf_token(page), **data}).status_code == 302

    appeal = appeal_by_number(appeal.number)
    assert appeal.kind == classified_as
    assert pending_names(appeal) == ["analyse_appeal"]
    return appeal


def test_reclassifying_as_taklif_extends_the_deadline(as_user: AsUser, world: World) -> None:
    appeal = submit_check_registration(as_user, world, "ariza", "taklif")

    assert appeal.deadline == add_term(appeal.registered_on, "P1M")
    # the task's norm in the diagram (P3D) comes before the legal deadline
    assert the_task(appeal, "analyse_appeal").due_date == max(local_today(), appeal.registered_on) + dt.timedelta(
        days=3
    )


def test_reclassifying_a_taklif_as_ariza_shortens_the_deadline(as_user: AsUser, world: World) -> None:
    appeal = submit_check_registration(as_user, world, "taklif", "ariza")

    assert appeal.deadline == add_term(appeal.registered_on, "P15D")
