"""Legal deadlines in the running system: registration after hours, the supervisor's one extension
(service, case page, API), and the notices the law requires (extension, proposal study, forwarding)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.clock import frozen_at
from tests.conftest import World, csrf_token
from tests.webapp.cases import (
    APPEAL_TEXT,
    answers,
    appeal_by_number,
    complete,
    drive_to,
    event_kinds,
    invalid_fields,
    is_access_code_notice,
    parse,
    pending_tasks,
    the_task,
    worker_for,
)
from webapp.api.schemas import AppealOut, ErrorOut
from webapp.cases.models import CaseEvent, ProcessInstance
from webapp.casework.appeals.deadlines import ExtensionRefused
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import complete_task
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.casework.legal_terms.service import NotPermitted, extend_deadline
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.auth.service import issue_token
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.timeutil import TASHKENT, local_today

AsUser = Callable[[User], FlaskClient]
D = dt.date.fromisoformat
REASON = "Tuman hokimligidan qo'shimcha hujjatlar kutilmoqda."
WEDNESDAY_MORNING = dt.datetime(2026, 1, 14, 10, 0, tzinfo=TASHKENT)  # registered 14.01, deadline 29.01
PHONE, EMAIL = "+998901234567", "vali@example.uz"


def registered(
    world: World, *, kind: str = "ariza", received_at: dt.datetime = WEDNESDAY_MORNING, **fields: Any
) -> Appeal:
    fields.setdefault("applicant_name", "Aliyev Vali")
    fields.setdefault("applicant_phone", PHONE)
    fields.setdefault("applicant_email", EMAIL)
    new = NewAppeal(
        mahalla=fields.pop("mahalla", world.mahalla), kind=kind, text=APPEAL_TEXT, channel="walk_in", **fields
    )
    appeal = register_appeal(new, world.inspector, received_at=received_at)
    return appeal_by_number(appeal.number)


def outbox(appeal: Appeal) -> list[OutboxMessage]:
    """The appeal's notices besides the registration's access code."""
    query = select(OutboxMessage).where(OutboxMessage.appeal_id == appeal.id).order_by(OutboxMessage.id)
    return [m for m in db.session.scalars(query) if not is_access_code_notice(m)]


def events_of(appeal: Appeal, kind: str) -> list[CaseEvent]:
    return list(db.session.scalars(select(CaseEvent).where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind == kind)))


def instance_version(appeal: Appeal) -> int:
    return int(db.session.scalar(select(ProcessInstance.version).where(ProcessInstance.appeal_id == appeal.id)) or 0)


def closed(world: World) -> Appeal:
    """An anonymous appeal left unconsidered: the case is closed."""
    appeal = registered(world, anonymous=True)
    drive_to(world, appeal, "approve_conclusion")
    complete(world, appeal, "approve_conclusion")
    appeal = appeal_by_number(appeal.number)
    assert appeal.is_open is False
    return appeal


# --- registration (Art. 23) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "registered_on", "deadline"),
    [
        (dt.datetime(2026, 1, 14, 8, 0, tzinfo=TASHKENT), "2026-01-14", "2026-01-29"),
        (dt.datetime(2026, 1, 16, 19, 0, tzinfo=TASHKENT), "2026-01-19", "2026-02-03"),  # Friday evening
        (dt.datetime(2026, 1, 17, 12, 0, tzinfo=TASHKENT), "2026-01-19", "2026-02-03"),  # Saturday
        (dt.datetime(2026, 1, 13, 23, 30, tzinfo=dt.UTC), "2026-01-14", "2026-01-29"),  # 04:30 in Tashkent
    ],
)
def test_registration_after_hours_counts_from_the_next_working_day(
    world: World, received: dt.datetime, registered_on: str, deadline: str
) -> None:
    with frozen_at(received):  # registered when received: its first task runs from then
        appeal = registered(world, received_at=received)

    assert (appeal.registered_on, appeal.deadline) == (D(registered_on), D(deadline))
    assert appeal.number.startswith("2026-")
    # the first task: its norm (P1D) from the registration day, within the deadline
    assert [t.due_date for t in pending_tasks(appeal)] == [D(registered_on) + dt.timedelta(days=1)]


def test_registration_at_new_year_evening_belongs_to_the_next_year(world: World) -> None:
    appeal = registered(world, received_at=dt.datetime(2026, 12, 31, 19, 0, tzinfo=TASHKENT))

    assert appeal.registered_on == D("2027-01-04")  # 1 January is a holiday, then the weekend
    assert appeal.number == "2027-000001"


# --- the extension service -------------------------------------------------------------------


def test_supervisor_extends_the_deadline_once(world: World) -> None:
    appeal = registered(world)
    version = instance_version(appeal)

    extend_deadline(appeal, world.supervisor, until=D("2026-02-20"), reason=f"  {REASON}  ")

    appeal = appeal_by_number(appeal.number)
    assert (appeal.deadline, appeal.extended_until, appeal.extension_reason, appeal.extended_by_id) == (
        D("2026-02-20"),
        D("2026-02-20"),
        REASON,
        world.supervisor.id,
    )
    assert [t.due_date for t in pending_tasks(appeal)] == [D("2026-02-20")]
    assert instance_version(appeal) == version + 1
    [event] = events_of(appeal, "deadline_extended")
    assert (event.actor_id, event.data) == (
        world.supervisor.id,
        {"previous": "2026-01-29", "until": "2026-02-20", "reason": REASON, "notified": ["email", "sms"]},
    )
    email, sms = outbox(appeal)
    assert (email.channel, email.recipient, sms.channel, sms.recipient) == ("email", EMAIL, "sms", PHONE)
    assert "20.02.2026 gacha uzaytirildi" in email.body
    assert REASON in email.body
    assert email.subject == f"{appeal.number}-sonli murojaat: koʻrib chiqish muddati uzaytirildi"
    assert sms.body.startswith(email.subject)


def test_extension_by_months_and_by_a_region_supervisor(world: World) -> None:
    appeal = registered(world)

    extend_deadline(appeal, world.region_supervisor, months=1, reason=REASON)

    assert appeal_by_number(appeal.number).deadline == D("2026-02-28")  # 29 January + 1 month


def test_applicant_without_contacts_gets_no_message_but_the_event_is_logged(world: World) -> None:
    appeal = registered(world, applicant_phone="", applicant_email="")

    extend_deadline(appeal, world.supervisor, until=D("2026-02-01"), reason=REASON)

    assert outbox(appeal) == []
    assert events_of(appeal, "deadline_extended")[0].data["notified"] == []


def _refusal(world: World, appeal: Appeal, user: User, **kwargs: Any) -> Exception:
    before = (appeal.deadline, len(outbox(appeal)), len(event_kinds(appeal)), instance_version(appeal))
    kwargs.setdefault("reason", REASON)
    with pytest.raises((ExtensionRefused, NotPermitted)) as refused:
        extend_deadline(appeal, user, **kwargs)
    again = appeal_by_number(appeal.number)
    assert (again.deadline, len(outbox(again)), len(event_kinds(again)), instance_version(again)) == before
    return refused.value


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"until": D("2026-03-01")}, "too_long", "until"),  # more than a month beyond 29.01
        ({"until": D("2026-01-29")}, "too_short", "until"),
        ({"until": D("2026-01-10")}, "too_short", "until"),
        ({"months": 2}, "too_long", "until"),
        ({"until": D("2026-02-10"), "reason": "Kerak."}, "reason_short", "reason"),
        ({"until": D("2026-02-10"), "reason": "     a          b     "}, "reason_short", "reason"),
        ({"until": D("2026-02-10"), "reason": "x" * 1001}, "reason_long", "reason"),
        ({}, "until_or_months", "until"),
    ],
)
def test_the_law_refuses(world: World, kwargs: dict[str, Any], code: str, field: str) -> None:
    appeal = registered(world)

    refused = _refusal(world, appeal, world.supervisor, **kwargs)

    assert isinstance(refused, ExtensionRefused)
    assert (refused.code, refused.field) == (code, field)


def test_only_one_extension(world: World) -> None:
    appeal = registered(world)
    extend_deadline(appeal, world.supervisor, until=D("2026-02-05"), reason=REASON)

    refused = _refusal(world, appeal_by_number(appeal.number), world.supervisor, until=D("2026-02-10"))

    assert isinstance(refused, ExtensionRefused) and refused.code == "already_extended"


def test_a_closed_case_is_not_extended(world: World) -> None:
    refused = _refusal(world, closed(world), world.supervisor, until=D("2026-02-05"))

    assert isinstance(refused, ExtensionRefused) and refused.code == "closed"


@pytest.mark.parametrize(
    ("who", "code"), [("inspector", "role"), ("admin", "role"), ("foreign_supervisor", "territory")]
)
def test_only_supervisors_of_the_territory(world: World, who: str, code: str) -> None:
    refused = _refusal(world, registered(world), getattr(world, who), until=D("2026-02-05"))

    assert isinstance(refused, NotPermitted) and refused.code == code


def test_the_runtime_keeps_the_extended_deadline(world: World) -> None:
    appeal = registered(world)
    extend_deadline(appeal, world.supervisor, until=D("2026-02-20"), reason=REASON)

    complete(world, appeal, "check_registration")  # the diagram sets deadline_term P15D again

    appeal = appeal_by_number(appeal.number)
    assert appeal.deadline == D("2026-02-20")
    # Registered in January, so even the extended deadline has passed: the case is escalated at once.
    # Tasks created after the deadline are due by their creation plus their norm, not overdue at birth.
    today = local_today()
    assert sorted((t.name, t.due_date) for t in pending_tasks(appeal)) == [
        ("analyse_appeal", today + dt.timedelta(days=3)),
        ("review_overdue_case", today + dt.timedelta(days=1)),
    ]


def test_extra_study_after_a_shorter_extension_takes_the_longer_term(world: World) -> None:
    appeal = registered(world)
    extend_deadline(appeal, world.supervisor, until=D("2026-02-05"), reason=REASON)
    drive_to(world, appeal, "analyse_appeal")

    complete(world, appeal, "analyse_appeal", extra_study_needed=True)

    assert appeal_by_number(appeal.number).deadline == D("2026-02-14")  # 14.01 + 1 month


def test_a_task_completed_on_a_stale_read_after_an_extension_is_a_conflict(world: World) -> None:
    from webapp.casework.appeals.runtime import Conflict

    appeal = registered(world)
    pending = the_task(appeal, "check_registration")
    version = instance_version(appeal)
    extend_deadline(appeal, world.supervisor, until=D("2026-02-20"), reason=REASON)

    with pytest.raises(Conflict):
        complete_task(pending, world.inspector, answers("check_registration"), expected_version=version)
    assert appeal_by_number(appeal.number).deadline == D("2026-02-20")


# --- notices on completing tasks ---------------------------------------------------------------


def test_forwarding_is_due_in_five_days_and_the_applicant_is_told(as_user: AsUser, world: World) -> None:
    with frozen_at(WEDNESDAY_MORNING):  # worked on when registered, not eleven months later
        appeal = registered(world)
        pending = drive_to(world, appeal, "forward_appeal")
    assert pending.due_date == D("2026-01-19")

    complete_task(pending, worker_for(world, pending), answers("forward_appeal", competent_body="Tuman hokimligi"))

    email, sms = outbox(appeal)
    assert "vakolatli organga — Tuman hokimligi — yuborildi" in email.body
    assert email.subject == f"{appeal.number}-sonli murojaat vakolatli organga yuborildi"
    assert sms.recipient == PHONE
    [event] = events_of(appeal, "forwarding_notice")
    assert event.data == {"competent_body": "Tuman hokimligi", "notified": ["email", "sms"]}
    assert event.actor_id == world.inspector.id
    page = as_user(world.inspector).get(f"/appeals/{appeal.number}").get_data(as_text=True)
    [shown] = [e.text for e in parse(page) if e.tag == "li" and "timeline-forwarding_notice" in e.classes]
    assert "Tuman hokimligi" in shown and "email, sms" in shown


def test_a_proposal_needing_study_gets_a_one_month_notice(world: World) -> None:
    appeal = registered(world, kind="taklif")
    drive_to(world, appeal, "analyse_appeal")
    assert outbox(appeal) == []

    complete(world, appeal, "analyse_appeal", extra_study_needed=True)

    [email, _sms] = outbox(appeal)
    assert "Javob bir oy ichida, 14.02.2026 gacha beriladi." in email.body
    [event] = events_of(appeal, "proposal_study_notice")
    assert event.data == {"deadline": "2026-02-14", "notice_due": "2026-01-24", "notified": ["email", "sms"]}


@pytest.mark.parametrize(("kind", "extra"), [("taklif", False), ("ariza", True), ("shikoyat", True)])
def test_no_proposal_notice_otherwise(world: World, kind: str, extra: bool) -> None:
    appeal = registered(world, kind=kind)
    drive_to(world, appeal, "analyse_appeal")

    complete(world, appeal, "analyse_appeal", extra_study_needed=extra)

    assert outbox(appeal) == []
    assert events_of(appeal, "proposal_study_notice") == []
    assert appeal_by_number(appeal.number).deadline == D("2026-02-14")  # one month either way


# --- the case page ---------------------------------------------------------------------------


def _extension_form(html: str) -> dict[str, Any] | None:
    elements = parse(html)
    forms = [e for e in elements if e.tag == "form" and (e.get("action") or "").endswith("/extend")]
    if not forms:
        return None
    inputs = {e.get("name"): e for e in forms[0].inner if e.tag in ("input", "textarea")}
    return {"action": forms[0].get("action"), "until": inputs.get("until"), "reason": inputs.get("reason")}


def test_supervisor_sees_the_form_limited_to_the_allowed_dates(as_user: AsUser, world: World) -> None:
    appeal = registered(world)

    page = as_user(world.supervisor).get(f"/appeals/{appeal.number}").get_data(as_text=True)

    form = _extension_form(page)
    assert form is not None
    assert form["action"] == f"/appeals/{appeal.number}/extend"
    until = form["until"]
    assert (until.get("type"), until.get("min"), until.get("max")) == ("date", "2026-01-30", "2026-02-28")
    assert form["reason"] is not None


@pytest.mark.parametrize("who", ["inspector", "admin"])
def test_others_do_not_see_the_form(as_user: AsUser, world: World, who: str) -> None:
    appeal = registered(world)

    response = as_user(getattr(world, who)).get(f"/appeals/{appeal.number}")

    assert response.status_code == 200
    assert _extension_form(response.get_data(as_text=True)) is None


def test_no_form_on_a_closed_case(as_user: AsUser, world: World) -> None:
    appeal = closed(world)

    assert _extension_form(as_user(world.supervisor).get(f"/appeals/{appeal.number}").get_data(as_text=True)) is None


def _post_extension(client: FlaskClient, number: str, **data: str) -> Any:
    page = client.get(f"/appeals/{number}")
    return client.post(
        f"/appeals/{number}/extend", data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data}
    )


def test_supervisor_extends_on_the_case_page(as_user: AsUser, world: World) -> None:
    appeal = registered(world)
    client = as_user(world.supervisor)

    response = _post_extension(client, appeal.number, until="2026-02-20", reason=REASON)

    assert response.status_code == 302
    assert response.location.endswith(f"/appeals/{appeal.number}")
    assert appeal_by_number(appeal.number).extended_until == D("2026-02-20")
    page = client.get(f"/appeals/{appeal.number}").get_data(as_text=True)
    elements = parse(page)
    assert [e.text.strip() for e in elements if "extension-reason" in e.classes] == [REASON]
    assert len([e for e in elements if "extended-until" in e.classes]) == 1
    assert any("deadline-extended-badge" in e.classes and e.get("title") == REASON for e in elements)
    assert _extension_form(page) is None
    assert len(outbox(appeal)) == 2
    timeline = [e.text for e in elements if e.tag == "li" and "timeline-deadline_extended" in e.classes]
    assert len(timeline) == 1 and "29.01.2026 → 20.02.2026" in timeline[0] and REASON in timeline[0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"until": "2026-03-15", "reason": REASON}, "until"),
        ({"until": "2026-01-20", "reason": REASON}, "until"),
        ({"until": "not-a-date", "reason": REASON}, "until"),
        ({"until": "", "reason": REASON}, "until"),
        ({"until": "2026-02-20", "reason": "qisqa"}, "reason"),
        ({"until": "2026-02-20", "reason": ""}, "reason"),
    ],
)
def test_bad_input_shows_inline_errors_and_changes_nothing(
    as_user: AsUser, world: World, data: dict[str, str], field: str
) -> None:
    appeal = registered(world)

    response = _post_extension(as_user(world.supervisor), appeal.number, **data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert invalid_fields(html) == {field}
    assert appeal_by_number(appeal.number).extended_until is None
    assert outbox(appeal) == []


def test_extension_post_without_csrf_changes_nothing(as_user: AsUser, world: World) -> None:
    appeal = registered(world)

    response = as_user(world.supervisor).post(
        f"/appeals/{appeal.number}/extend", data={"until": "2026-02-20", "reason": REASON}
    )

    assert response.status_code == 400
    assert appeal_by_number(appeal.number).extended_until is None


@pytest.mark.parametrize(("who", "status"), [("inspector", 403), ("foreign_supervisor", 404)])
def test_extension_post_by_others(as_user: AsUser, world: World, who: str, status: int) -> None:
    appeal = registered(world)
    client = as_user(getattr(world, who))
    token = csrf_token(client.get("/tasks").get_data(as_text=True))  # every page carries one (log-out form)

    response = client.post(
        f"/appeals/{appeal.number}/extend", data={"csrf_token": token, "until": "2026-02-20", "reason": REASON}
    )

    assert response.status_code == status
    assert appeal_by_number(appeal.number).extended_until is None


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def api(client: FlaskClient, world: World) -> Callable[[User], Callable[..., Any]]:
    def for_user(user: User) -> Callable[..., Any]:
        token = issue_token(user, "test")

        def call(number: str, body: Any = None, **kwargs: Any) -> Any:
            headers = {"Authorization": f"Bearer {token}"}
            if body is not None:
                kwargs["json"] = body
            return client.post(f"/api/v1/appeals/{number}/extend", headers=headers, **kwargs)

        return call

    return for_user


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    ErrorOut.model_validate(body)
    assert body["error"]["status"] == status and body["error"]["message"]
    return dict(body["error"])


def test_api_extends(api: Callable[[User], Callable[..., Any]], world: World) -> None:
    appeal = registered(world)

    response = api(world.supervisor)(appeal.number, {"until": "2026-02-20", "reason": REASON})

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    AppealOut.model_validate(body)
    assert (body["number"], body["deadline"], body["extended_until"]) == (appeal.number, "2026-02-20", "2026-02-20")
    assert appeal_by_number(appeal.number).extension_reason == REASON


def test_api_403_404_409(api: Callable[[User], Callable[..., Any]], world: World) -> None:
    appeal = registered(world)
    good = {"until": "2026-02-05", "reason": REASON}

    _error(api(world.inspector)(appeal.number, good), 403)
    _error(api(world.foreign_supervisor)(appeal.number, good), 404)
    _error(api(world.supervisor)("2026-999999", good), 404)
    assert api(world.supervisor)(appeal.number, good).status_code == 200
    conflict = _error(api(world.supervisor)(appeal.number, {"until": "2026-02-10", "reason": REASON}), 409)
    assert conflict["fields"] == []
    _error(api(world.supervisor)(closed(world).number, good), 409)
    assert appeal_by_number(appeal.number).deadline == D("2026-02-05")


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"until": "2026-02-30", "reason": REASON}, "until", "date_from_datetime_parsing"),
        ({"until": "tomorrow", "reason": REASON}, "until", "date_from_datetime_parsing"),
        ({"reason": REASON}, "until", "missing"),
        ({"until": "2026-02-20", "reason": "qisqa"}, "reason", "string_too_short"),
        ({"until": "2026-02-20"}, "reason", "missing"),
        ({"until": "2026-03-15", "reason": REASON}, "until", "too_long"),
        ({"until": "2026-01-29", "reason": REASON}, "until", "too_short"),
        ({"until": "2026-02-20", "reason": REASON, "months": 1}, "months", "extra_forbidden"),
    ],
)
def test_api_422_names_the_field(
    api: Callable[[User], Callable[..., Any]], world: World, body: dict[str, Any], field: str, code: str
) -> None:
    appeal = registered(world)

    error = _error(api(world.supervisor)(appeal.number, body), 422)

    assert [(f["field"], f["code"]) for f in error["fields"]] == [(field, code)]
    assert appeal_by_number(appeal.number).extended_until is None


def test_api_400_for_a_body_that_is_not_json(api: Callable[[User], Callable[..., Any]], world: World) -> None:
    appeal = registered(world)

    _error(api(world.supervisor)(appeal.number, data="until=2026-02-20", content_type="text/plain"), 400)


def test_openapi_documents_the_extension(client: FlaskClient, world: World) -> None:
    document = client.get("/api/v1/openapi.json").get_json()

    operation = document["paths"]["/api/v1/appeals/{number}/extend"]["post"]
    assert set(operation["responses"]) == {"200", "400", "403", "404", "409", "422"}
    assert document["components"]["schemas"]["ExtensionIn"]["required"] == ["until", "reason"]
    assert "extended_until" in document["components"]["schemas"]["AppealOut"]["properties"]
