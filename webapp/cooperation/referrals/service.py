"""Referrals to partner organisations on the case runtime: where a partner task goes, its timer
moments, the referral's record as the partner works, the reminders, and the inspector's
withdrawal and re-routing (BPMN messages to the case).

Registered with the case runtime when this module is imported (see webapp/__init__.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from flask import current_app, has_request_context, request
from flask_babel import force_locale, gettext
from sqlalchemy import ColumnElement, select

from webapp.cases.events import log_event
from webapp.cases.hooks import Events, TaskCompletion, after_task
from webapp.cases.models import APPEAL, Notification, PendingTask
from webapp.cases.notices import render_notice
from webapp.cases.task_views import on_task_view
from webapp.casework.appeals.deadlines import current_calendar
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.reminders import escalation_task, reminder_handler
from webapp.casework.appeals.runtime import deliver_case_message
from webapp.casework.appeals.task_routing import route_lane
from webapp.casework.appeals.timer_data import timer_source
from webapp.cooperation.partners.models import PartnerKind, PartnerOrganisation
from webapp.cooperation.partners.roles import MAHALLA_CHAIR, PARTNER
from webapp.cooperation.partners.service import organisation_id_of, staff_of
from webapp.cooperation.referrals.models import OPEN_STATUSES, Referral, ReferralStatus
from webapp.cooperation.referrals.norms import MOMENTS, referral_dues, referral_moments
from webapp.extensions import db
from webapp.platform.audit.service import record
from webapp.platform.auth.models import PARTNER_LANE, User
from webapp.platform.notifications.service import queue_message
from webapp.platform.territory.service import register_task_scope
from webapp.platform.timeutil import local_today
from webapp.platform.transaction import rolled_back_on_error

SEND_TASKS = ("refer_law_enforcement", "refer_social_services")
ACKNOWLEDGE_TASK = "acknowledge_referral"
REPORT_TASK = "report_referral_outcome"
PARTNER_TASKS = (ACKNOWLEDGE_TASK, REPORT_TASK)
REVIEW_TASK = "review_overdue_referral"
WITHDRAWN_MESSAGE = "referral_withdrawn"
REROUTED_MESSAGE = "referral_rerouted"


class ReferralRefused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- where a partner task goes --------------------------------------------------------------


def organisation_in_district(appeal: Appeal, kind: str) -> int | None:
    """The active organisation of ``kind`` serving the appeal: its district's, or for a mahalla
    assembly the assembly of the appeal's mahalla."""
    query = select(PartnerOrganisation.id).where(
        PartnerOrganisation.kind == kind,
        PartnerOrganisation.district_id == appeal.district_id,
        PartnerOrganisation.active.is_(True),
    )
    if kind == PartnerKind.MAHALLA_ASSEMBLY:
        query = query.where(PartnerOrganisation.mahalla_id == appeal.mahalla_id)
    return db.session.scalar(query.order_by(PartnerOrganisation.id).limit(1))


@route_lane(PARTNER_LANE)
def _route_partner_task(appeal: Appeal, variables: Mapping[str, Any]) -> int | None:
    kind = variables.get("referral_partner")
    return organisation_in_district(appeal, kind) if isinstance(kind, str) else None


def _partner_tasks(user: User) -> ColumnElement[bool]:
    """A partner (or a chair, for their assembly) works on the partner tasks addressed to their organisation."""
    organisation_id = organisation_id_of(user)
    if organisation_id is None:
        return PendingTask.id.is_(None)
    return (PendingTask.role == PARTNER_LANE) & (PendingTask.organisation_id == organisation_id)


register_task_scope(PARTNER, _partner_tasks)
register_task_scope(MAHALLA_CHAIR, _partner_tasks)


# --- the timers' moments --------------------------------------------------------------------


def open_referrals(appeal_id: int) -> list[Referral]:
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.appeal_id == appeal_id, Referral.status.in_(OPEN_STATUSES))
            .order_by(Referral.id)
        )
    )


def open_referral(appeal_id: int, kind: str | None = None) -> Referral | None:
    """The open referral of the appeal to a partner of ``kind`` (the partner an instance of the
    referral diagram serves); without a kind, the newest open one."""
    found = [r for r in open_referrals(appeal_id) if kind is None or r.partner_kind == kind]
    return found[-1] if found else None


@timer_source(*MOMENTS)
def _referral_timers(appeal_id: int) -> dict[str, Any]:
    """Each open referral's moments from its own sending day (a kind with none open: from today,
    a referral sent by this action); the flat moments from the newest open one's."""
    today = local_today()
    sent = {r.partner_kind: r.sent_on for r in open_referrals(appeal_id)}
    newest = max(sent.values(), default=today)
    return referral_moments(newest, current_calendar(), kinds=sent, new_on=today)


# --- the record, as the diagram moves -------------------------------------------------------


def _partner_name(referral: Referral) -> str:
    organisation = db.session.get(PartnerOrganisation, referral.organisation_id) if referral.organisation_id else None
    return organisation.name if organisation is not None else referral.partner_kind


def _on_timeline(appeal: Appeal, kind: str, actor: User | None, referral: Referral, events: Events | None) -> None:
    """A referral's step on the case timeline, naming its partner (one of several, maybe)."""
    data = {"partner": _partner_name(referral), "partner_kind": referral.partner_kind}
    if events is not None:
        events.add(appeal, kind, actor, data=data)
    else:
        log_event(appeal, kind, actor, data=data)


def _record_sent(
    appeal: Appeal, kinds: Sequence[str], actor: User | None = None, events: Events | None = None
) -> list[Referral]:
    """The referrals the diagram just sent, one per partner kind without an open referral: each
    partner's task was projected in this transaction, addressed to its organisation."""
    db.session.flush()
    already = {r.partner_kind for r in open_referrals(appeal.id)}
    pending = {
        task.organisation_id: task
        for task in db.session.scalars(
            select(PendingTask).where(PendingTask.appeal_id == appeal.id, PendingTask.name == ACKNOWLEDGE_TASK)
        )
    }
    sent_on = local_today()
    dues = referral_dues(sent_on, current_calendar())
    made = []
    for kind in dict.fromkeys(kinds):
        if not kind or kind in already:
            continue
        organisation_id = organisation_in_district(appeal, kind)
        referral = Referral(
            appeal_id=appeal.id,
            district_id=appeal.district_id,
            mahalla_id=appeal.mahalla_id,
            organisation_id=organisation_id,
            partner_kind=kind[:30],
            status=ReferralStatus.SENT.value,
            sent_on=sent_on,
            acknowledge_due=dues.acknowledge,
            answer_due=dues.answer,
            responsible="",
            outcome="",
            not_our_competence=False,
        )
        db.session.add(referral)
        made.append(referral)
        _on_timeline(appeal, "referral_sent", actor, referral, events)
        task = pending.get(organisation_id) if organisation_id is not None else None
        if task is not None:
            tell_partner(appeal, task, "referral_sent")
    db.session.flush()
    return made


def chosen_partners(case_data: Mapping[str, Any]) -> list[str]:
    """The partner kinds the inspector sent the referral to: the diagram's collection
    (``referral_partners``), or the one partner of the diagram's previous version."""
    kinds = case_data.get("referral_partners")
    if isinstance(kinds, list) and kinds:
        return [str(kind) for kind in kinds]
    single = case_data.get("referral_partner")
    return [str(single)] if isinstance(single, str) and single else []


@after_task(APPEAL, *SEND_TASKS)
def _referral_sent(completion: TaskCompletion) -> None:
    _record_sent(completion.record, chosen_partners(completion.case_data), completion.actor, completion.events)


def _day(value: Any) -> dt.date | None:
    """A date answer as the engine keeps it (a date, or its ISO text)."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _completed_referral(completion: TaskCompletion) -> Referral | None:
    kind = completion.task_variables.get("referral_partner")
    return open_referral(completion.record.id, kind if isinstance(kind, str) else None)


@after_task(APPEAL, ACKNOWLEDGE_TASK)
def _referral_acknowledged(completion: TaskCompletion) -> None:
    referral = _completed_referral(completion)
    if referral is None:
        return
    referral.status = ReferralStatus.ACKNOWLEDGED.value
    referral.acknowledged_on = local_today()
    referral.responsible = str(completion.data.get("referral_responsible") or "")[:200]


@after_task(APPEAL, REPORT_TASK)
def _referral_answered(completion: TaskCompletion) -> None:
    referral = _completed_referral(completion)
    if referral is None:
        return
    referral.status = ReferralStatus.ANSWERED.value
    referral.answered_on = local_today()
    if referral.acknowledged_on is None:
        referral.acknowledged_on = referral.answered_on
    referral.outcome = str(completion.data.get("referral_outcome") or "")
    referral.outcome_date = _day(completion.data.get("referral_outcome_date"))
    referral.not_our_competence = bool(completion.data.get("not_our_competence"))
    _on_timeline(completion.record, "referral_answered", completion.actor, referral, completion.events)


# --- reminders and escalation ----------------------------------------------------------------


def _absolute(path: str) -> str:
    """The link as the partner can follow it from an e-mail or SMS: absolute in a request, from
    ``PUBLIC_BASE_URL`` outside one (the timer job)."""
    if has_request_context():
        return request.host_url.rstrip("/") + path
    return f"{current_app.config.get('PUBLIC_BASE_URL', '').rstrip('/')}{path}"


def tell_partner(appeal: Appeal, pending: PendingTask, kind: str) -> list[int]:
    """Tell the organisation a partner task waits (``kind``: referral_sent or referral_reminder):
    its active staff in-app and by e-mail, each in their own language, and the organisation's
    e-mail and phone through the outbox; the link leads to the task, the only page a partner may
    open. The ids of the staff told."""
    from webapp import current_app_languages

    if pending.organisation_id is None:
        return []
    organisation = db.session.get(PartnerOrganisation, pending.organisation_id)
    languages = current_app_languages()
    params = {"number": appeal.number, "due": pending.due_date.isoformat()}
    link = f"/tasks/{pending.id}"
    url = _absolute(link)

    def words(language: str) -> tuple[str, str]:
        with force_locale(language):
            text = render_notice(kind, params)
            return text, gettext("Referral of appeal %(number)s", number=appeal.number)

    told = []
    for user in staff_of(pending.organisation_id):
        if not user.active:
            continue
        text, subject = words(user.language if user.language in languages else languages[0])
        db.session.add(
            Notification(user_id=user.id, appeal_id=appeal.id, kind=kind, params=params, text=text, link=link)
        )
        if user.email:
            queue_message(appeal, "email", user.email, f"{text}\n{url}", subject=subject)
        told.append(user.id)
    if organisation is not None:
        text, subject = words(languages[0])
        if organisation.email:
            queue_message(appeal, "email", organisation.email, f"{text}\n{url}", subject=subject)
        if organisation.phone:
            queue_message(appeal, "sms", organisation.phone, f"{text} {url}")
    return told


@reminder_handler(*PARTNER_TASKS)
def _remind_partner(appeal: Appeal, task_name: str, today: dt.date) -> list[int]:
    """Remind the organisations whose task of this name is past its norm today: each referral
    of a multi-partner referral has its own timers, so only the overdue ones are reminded."""
    referrals = open_referrals(appeal.id)
    if task_name == ACKNOWLEDGE_TASK:
        late = {r.organisation_id for r in referrals if r.status == ReferralStatus.SENT and r.acknowledge_due < today}
    else:
        late = {r.organisation_id for r in referrals if r.answer_due < today}
    told: list[int] = []
    for pending in db.session.scalars(
        select(PendingTask).where(PendingTask.appeal_id == appeal.id, PendingTask.name == task_name)
    ):
        if pending.organisation_id in late:
            told += tell_partner(appeal, pending, "referral_reminder")
    return told


escalation_task(REVIEW_TASK)


# --- every partner view is logged ------------------------------------------------------------


@on_task_view
def _log_partner_view(user: User, tasks: Sequence[PendingTask], via: str, listed: bool) -> bool:
    """A partner's (or a chair's) reading of the referral tasks addressed to their organisation:
    which appeals, which tasks, through the browser or the API."""
    if user.role not in (PARTNER, MAHALLA_CHAIR):
        return False
    read = [t for t in tasks if t.role == PARTNER_LANE]
    if listed and read:
        numbers = [t.appeal.number for t in read if t.appeal is not None]
        record("partner_listed_referrals", "appeal", "", actor_id=user.id, after={"numbers": numbers, "via": via})
    elif read:
        for task in read:
            number = task.appeal.number if task.appeal is not None else ""
            record("partner_viewed_referral", "appeal", number, actor_id=user.id, after={"task": task.name, "via": via})
    return bool(read)


# --- the inspector withdraws or re-routes ------------------------------------------------------


def referrals_of(appeal: Appeal) -> list[Referral]:
    return list(db.session.scalars(select(Referral).where(Referral.appeal_id == appeal.id).order_by(Referral.id)))


def referral_of(appeal: Appeal, referral_id: int) -> Referral | None:
    return db.session.scalar(select(Referral).where(Referral.id == referral_id, Referral.appeal_id == appeal.id))


def withdraw(appeal: Appeal, referral: Referral, actor: User) -> None:
    """Take one referral back: its partner's tasks end, the other referrals go on, and the analysis
    goes on when none is left open; commits, or raises ReferralRefused changing nothing."""
    kind = referral.partner_kind
    _close(referral, ReferralStatus.WITHDRAWN, actor)
    _deliver(appeal, WITHDRAWN_MESSAGE, {"referral_partner": kind}, actor, None)


def reroute(appeal: Appeal, referral: Referral, kind: str, actor: User) -> None:
    """Send one referral to another kind of partner instead (not one the case already waits on);
    commits, or raises ReferralRefused."""
    if kind not in {k.value for k in PartnerKind} or kind == referral.partner_kind:
        raise ReferralRefused("bad_partner")
    if any(r.partner_kind == kind for r in open_referrals(appeal.id)):
        raise ReferralRefused("already_sent")
    if organisation_in_district(appeal, kind) is None:
        raise ReferralRefused("no_partner")
    old_kind = referral.partner_kind
    _close(referral, ReferralStatus.REROUTED, actor)
    _deliver(
        appeal,
        REROUTED_MESSAGE,
        {"referral_partner": old_kind, "partner": kind},
        actor,
        lambda case_appeal: _record_sent(case_appeal, [kind], actor),
    )


def _close(referral: Referral, status: ReferralStatus, actor: User) -> None:
    """Closed before the message goes in, so the new partner's timers count from today."""
    if not referral.is_open:
        raise ReferralRefused("not_open")
    referral.status = status.value
    referral.closed_by_id = actor.id


def _deliver(appeal: Appeal, message: str, payload: dict[str, Any], actor: User, also: Any) -> None:
    """Deliver and commit; when the case does not wait for the message, the closed status goes too."""
    with rolled_back_on_error():
        if not deliver_case_message(appeal, message, payload, actor, also=also, reopens=False):
            raise ReferralRefused("not_waiting")
