"""Shared helpers for the web tests: valid task answers, registering appeals, driving cases,
reading the database state and parsing the rendered forms."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import func, select

from tests.conftest import World
from webapp.cases.models import CaseEvent, PendingTask, ProcessInstance
from webapp.cases.tasks.service import tasks_of_appeal
from webapp.cases.timer_service import fire_due_timers
from webapp.casework.appeals.deadlines import current_calendar
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.reminders import ESCALATION_TASK
from webapp.casework.appeals.runtime import complete_task
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.casework.appeals.timer_data import overdue_at
from webapp.casework.related.service import link_appeal
from webapp.cooperation.referrals.norms import referral_dues
from webapp.cooperation.referrals.service import REVIEW_TASK as REFERRAL_ESCALATION
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.timeutil import local_today

RELATED_NOTICE_TASK = "consider_related_appeal"  # the lifecycle's non-interrupting event sub-process
UNKNOWN_TASK_ID = "3f1c2a9e-7b4d-4e8f-9a61-0c5d2e7b8f10"  # a well-formed id no task has
APPEAL_TEXT = "Ko'chadagi chiroqlar yonmayapti, kechqurun xavfli bo'lib qoldi."

# Valid answers for every user task of the diagrams (values as an API client sends them).
ANSWERS: dict[str, dict[str, Any]] = {
    "check_registration": {
        "kind": "ariza",
        "category": "public_safety",
        "urgency": "normal",
        "anonymous": False,
        "within_competence": True,
        "registration_note": "",
    },
    "write_conclusion": {"conclusion_text": "Anonim murojaat: ism va manzil ko'rsatilmagan."},
    "approve_conclusion": {"conclusion_approved": True, "supervisor_comment": ""},
    "write_repeated_conclusion": {"repeated_conclusion": "Avval javob berilgan masala, yangi dalillar keltirilmagan."},
    "approve_repeated_conclusion": {"repeated_approved": True, "repeated_supervisor_comment": ""},
    "forward_appeal": {
        "competent_body": "Tuman hokimligi",
        "forward_date": "2026-01-12",
        "forward_letter": "Murojaat vakolatga ko'ra yuborildi.",
        "applicant_notified": True,
    },
    "analyse_appeal": {
        "causes": "Ko'cha chiroqlari uch oydan beri ishlamaydi.",
        "severity": "medium",
        "crime_related": False,
        "social_need": False,
        "extra_study_needed": False,
        "related_appeals": "",
    },
    "refer_law_enforcement": {
        "law_enforcement_body": "Tuman IIB",
        "referral_date": "2026-01-13",
        "referral_number": "12/345",
    },
    "refer_social_services": {"social_service": "social_protection", "social_referral_note": ""},
    "acknowledge_referral": {"referral_responsible": "Navbatchi A. Karimov"},
    "report_referral_outcome": {
        "referral_outcome": "Oila bilan profilaktik suhbat o'tkazildi.",
        "referral_outcome_date": "",
    },
    "review_overdue_referral": {
        "referral_escalation_decision": "contact_partner_head",
        "referral_escalation_comment": "",
    },
    "evaluate_proposal": {"proposal_accepted": True, "implementation_plan": "Taklif keyingi oyda amalga oshiriladi."},
    "take_measures": {
        "measures": "prevention_talk",
        "measures_description": "Mas'ullar bilan profilaktik suhbat o'tkazildi.",
        "measures_date": "2026-01-14",
        "personal_data_protected": True,
        "problem_resolved": True,
    },
    "prepare_reply": {
        "reply_text": "Hurmatli fuqaro, murojaatingiz ko'rib chiqildi va choralar ko'rildi.",
        "reply_channel": "letter",
    },
    "approve_reply": {"reply_approved": True, "reply_comment": ""},
    "record_result": {"result": "satisfied", "reply_date": "2026-01-15", "result_note": ""},
    "evaluate_effectiveness": {
        "effective": True,
        "effectiveness_score": 4,
        "recurring_issue": False,
        "recommendation": "",
    },
    "review_overdue_case": {"overdue_decision": "instruct", "overdue_instruction": "Javobni ertagacha tayyorlang."},
    "consider_related_appeal": {"related_appeal_note": "Yangi murojaat ishda hisobga olindi."},
}

SUPERVISOR_TASKS = frozenset(
    {
        "approve_conclusion",
        "approve_repeated_conclusion",
        "approve_reply",
        "evaluate_effectiveness",
        "review_overdue_case",
        "review_overdue_referral",
    }
)

# Answers that steer a case onto the branch that holds the target task.
ROUTES: dict[str, dict[str, dict[str, Any]]] = {
    "write_conclusion": {"check_registration": {"anonymous": True}},
    "approve_conclusion": {"check_registration": {"anonymous": True}},
    "write_repeated_conclusion": {"analyse_appeal": {"leave_as_repeated": True}},
    "approve_repeated_conclusion": {"analyse_appeal": {"leave_as_repeated": True}},
    "forward_appeal": {"check_registration": {"within_competence": False}},
    "refer_law_enforcement": {"analyse_appeal": {"crime_related": True}},
    "refer_social_services": {"analyse_appeal": {"social_need": True}},
    "acknowledge_referral": {"analyse_appeal": {"crime_related": True}},
    "report_referral_outcome": {"analyse_appeal": {"crime_related": True}},
    "review_overdue_referral": {"analyse_appeal": {"crime_related": True}},
    "evaluate_proposal": {"check_registration": {"kind": "taklif"}},
    "approve_reply": {"check_registration": {"kind": "shikoyat"}},
}


# Dates of things done (a referral, the measures, the reply): the day the task is completed, which
# is what the diagrams' date ranges (received_on … today) accept.
DONE_DATES = frozenset({"forward_date", "referral_date", "measures_date", "reply_date", "referral_outcome_date"})


def answers(task_name: str, **overrides: Any) -> dict[str, Any]:
    values = copy.deepcopy(ANSWERS[task_name])
    for name in DONE_DATES & set(values):
        values[name] = local_today().isoformat()  # the engine's today (frozen clocks included)
    return {**values, **overrides}


APPROVAL_FIELDS = frozenset({"conclusion_approved", "reply_approved", "plan_approved"})


def browser_form(values: Mapping[str, Any]) -> dict[str, str]:
    """Values as a browser posts them: checked boxes as 'y', unchecked ones left out; an approval
    as the button pressed (``decision``: approve / return)."""
    posted: dict[str, str] = {}
    for name, value in values.items():
        if name in APPROVAL_FIELDS:
            posted["decision"] = "approve" if value else "return"
        elif value is True:
            posted[name] = "y"
        elif value is False or value is None:
            continue
        else:
            posted[name] = str(value)
    return posted


def register(
    world: World,
    *,
    kind: str = "ariza",
    mahalla: Any = None,
    actor: User | None = None,
    **fields: Any,
) -> Appeal:
    """Register an appeal through the service (default: an ariza in M1 by inspector1)."""
    fields.setdefault("applicant_name", "Aliyev Vali")
    new = NewAppeal(
        mahalla=mahalla or world.mahalla,
        kind=kind,
        text=fields.pop("text", APPEAL_TEXT),
        channel=fields.pop("channel", "walk_in"),
        **fields,
    )
    return register_appeal(new, actor or world.inspector)


def worker_for(world: World, pending: PendingTask) -> User:
    """The user of the task's lane who serves the task's territory (a partner's task: the service
    does not check roles, the routes do; the mahalla's inspector stands in)."""
    if pending.role == "supervisor":
        return world.supervisor if pending.district_id == world.district.id else world.foreign_supervisor
    by_mahalla = {
        world.mahalla.id: world.inspector,
        world.second_mahalla.id: world.inspector2,
        world.foreign_mahalla.id: world.foreign_inspector,
    }
    return by_mahalla[pending.mahalla_id]


def pending_tasks(appeal: Appeal) -> list[PendingTask]:
    return sorted(tasks_of_appeal(appeal.id), key=lambda t: t.name)


def pending_names(appeal: Appeal) -> list[str]:
    return [t.name for t in pending_tasks(appeal)]


def the_task(appeal: Appeal, name: str) -> PendingTask:
    matches = [t for t in tasks_of_appeal(appeal.id) if t.name == name]
    assert len(matches) == 1, f"{appeal.number}: expected one pending {name}, found {pending_names(appeal)}"
    return matches[0]


def complete(world: World, appeal: Appeal, name: str, **overrides: Any) -> None:
    """Complete the pending task ``name`` of the appeal with valid answers (plus overrides)."""
    pending = the_task(appeal, name)
    complete_task(pending, worker_for(world, pending), answers(name, **overrides))


def drive_to(
    world: World,
    appeal: Appeal,
    target: str,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> PendingTask:
    """Complete tasks with valid answers until ``target`` is pending; return it.

    The branch is chosen by ROUTES; ``overrides`` (task name → field values) add to it.
    """
    if target == RELATED_NOTICE_TASK:
        # A later appeal with the same text, linked to this one: its running case is told.
        link_appeal(world.inspector, register(world, text=appeal.text, actor=world.inspector), appeal.id)
    steer: dict[str, dict[str, Any]] = {name: dict(values) for name, values in ROUTES.get(target, {}).items()}

    for name, values in (overrides or {}).items():
        steer.setdefault(name, {}).update(values)
    for _step in range(20):
        waiting = tasks_of_appeal(appeal.id)
        for pending in waiting:
            if pending.name == target:
                return pending
        assert waiting, f"{appeal.number} finished without reaching {target}"
        if target == REFERRAL_ESCALATION and waiting[0].name == "acknowledge_referral":
            # The partner never answers: the referral's escalation timer fires.
            dues = referral_dues(local_today(), current_calendar())
            fire_due_timers(now=overdue_at(dues.escalate) + dt.timedelta(hours=1))
            continue
        if target == ESCALATION_TASK and waiting[0].name == "analyse_appeal":
            # Nobody touches the case: its deadline passes and the timer job escalates it.
            fire_due_timers(now=overdue_at(appeal.deadline) + dt.timedelta(hours=1))
            continue
        pending = waiting[0]
        data = answers(pending.name, **steer.get(pending.name, {}))
        if pending.name == "check_registration" and "kind" not in steer.get(pending.name, {}):
            data["kind"] = appeal.kind
        complete_task(pending, worker_for(world, pending), data)
    raise AssertionError(f"{appeal.number}: {target} not reached in 20 steps")


# --- database state --------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseState:
    """Everything a task completion may change, to compare before and after."""

    instance_version: int
    instance_state: str
    pending: tuple[tuple[str, str], ...]
    events: int
    status: str
    stage: int
    is_open: bool


def case_state(appeal: Appeal) -> CaseState:
    db.session.expire_all()
    record = db.session.scalar(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal.id))
    assert record is not None
    row = db.session.get(Appeal, appeal.id)
    assert row is not None
    return CaseState(
        instance_version=record.version,
        instance_state=record.state,
        pending=tuple(sorted((t.id, t.name) for t in tasks_of_appeal(appeal.id))),
        events=event_count(appeal),
        status=row.status,
        stage=row.stage,
        is_open=row.is_open,
    )


def event_count(appeal: Appeal | None = None) -> int:
    query = select(func.count()).select_from(CaseEvent)
    if appeal is not None:
        query = query.where(CaseEvent.appeal_id == appeal.id)
    return int(db.session.scalar(query) or 0)


def event_kinds(appeal: Appeal) -> list[tuple[str, str | None]]:
    rows = db.session.scalars(
        select(CaseEvent).where(CaseEvent.appeal_id == appeal.id).order_by(CaseEvent.occurred_at, CaseEvent.id)
    )
    return [(e.kind, e.task_name) for e in rows]


def appeal_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Appeal)) or 0)


def appeal_by_number(number: str) -> Appeal:
    db.session.expire_all()
    appeal = db.session.scalar(select(Appeal).where(Appeal.number == number))
    assert appeal is not None, f"no appeal {number}"
    return appeal


# --- rendered HTML ---------------------------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""
    inner: list[Element] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def has(self, name: str) -> bool:
        return name in self.attrs


class _Collector(HTMLParser):
    """Collects every element in document order, with the text of textareas/options/labels."""

    TEXT_TAGS = ("textarea", "option", "label", "span", "div", "dt", "dd", "li", "a", "button", "h1", "title")
    VOID = ("input", "meta", "link", "br", "img", "hr")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        for parent in self._open:
            parent.inner.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        for parent in self._open:
            parent.inner.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data


def parse(html: str) -> list[Element]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


# The task page's assignment box (follow-up, delegate, reassign) has small forms of its own.
ASSIGNMENT_FORM_PREFIXES = ("follow-", "delegate-", "reassign-")


def controls(html: str) -> dict[str, Element]:
    """Form controls (input, select, textarea) by name, hidden inputs, CSRF and the assignment box excluded."""
    found: dict[str, Element] = {}
    for element in parse(html):
        if element.tag not in ("input", "select", "textarea"):
            continue
        name = element.get("name")
        if not name or name == "csrf_token" or element.get("type") == "hidden":
            continue
        if name.startswith(ASSIGNMENT_FORM_PREFIXES):
            continue
        found[name] = element
    return found


def invalid_fields(html: str) -> set[str]:
    """Names of the controls marked ``is-invalid``."""
    return {name for name, element in controls(html).items() if "is-invalid" in element.classes}


def feedback_count(html: str) -> int:
    return sum(1 for e in parse(html) if e.tag == "div" and "invalid-feedback" in e.classes)


def alerts(html: str, category: str) -> list[str]:
    return [e.text.strip() for e in parse(html) if e.tag == "div" and f"alert-{category}" in e.classes]


def html_lang(html: str) -> str | None:
    return next((e.get("lang") for e in parse(html) if e.tag == "html"), None)


def required_marked(html: str) -> set[str]:
    """Names of controls whose label carries the red required asterisk."""
    marked: set[str] = set()
    elements = parse(html)
    for index, element in enumerate(elements):
        if element.tag != "label" or not element.get("for"):
            continue
        following = elements[index + 1] if index + 1 < len(elements) else None
        if following is not None and following.tag == "span" and "text-danger" in following.classes:
            marked.add(str(element.get("for")))
    return marked


def path_of(location: str | None) -> str:
    """The path (and query) of a redirect target, whether absolute or relative."""
    assert location is not None, "no Location header"
    for prefix in ("http://localhost", "https://localhost"):
        if location.startswith(prefix):
            return location[len(prefix) :] or "/"
    return location


def is_access_code_notice(message: OutboxMessage) -> bool:
    """The registration's access-code SMS/e-mail (tested in tests/public/test_access_code.py), which
    tests of other notices leave out."""
    return message.subject.endswith(("access code", "kuzatish kodi", "код доступа"))
