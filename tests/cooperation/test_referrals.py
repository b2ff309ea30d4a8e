"""The referral loop on the real diagrams and database: the inspector refers a crime-related
appeal to the district police; police1 finds it in their inbox (browser and API) and only there,
acknowledges and reports the outcome; the answer is on the case timeline and in the referral's
record; an unanswered referral reminds the partner through the outbox and then escalates to the
supervisor (injected time); the inspector withdraws or re-routes a referral."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.clock import frozen_at
from tests.admin.test_people import post_form
from tests.conftest import World
from tests.webapp.cases import answers, browser_form, drive_to, pending_names, register, the_task
from webapp.cases.models import CaseEvent, Notification, PendingTask
from webapp.cases.timer_service import fire_due_timers
from webapp.casework.appeals.deadlines import current_calendar
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import complete_task
from webapp.casework.appeals.timer_data import overdue_at
from webapp.cooperation.partners import service as partners
from webapp.cooperation.partners.models import PartnerOrganisation
from webapp.cooperation.partners.roles import PARTNER
from webapp.cooperation.referrals.models import Referral
from webapp.cooperation.referrals.norms import referral_dues
from webapp.extensions import db
from webapp.platform.audit.models import AuditEntry
from webapp.platform.auth.models import User
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.timeutil import local_today

AsUser = Callable[[User], FlaskClient]
TEXT = "Qo'shni hovlida o'g'irlik sodir bo'ldi, gumondor ma'lum."


class Partners:
    def __init__(self, world: World) -> None:
        self.police = self._organisation(world, "Chilonzor tumani IIB", "police", "iib@example.uz", "+998711112233")
        self.social = self._organisation(world, "Chilonzor ijtimoiy himoya", "social_protection", None, None)
        self.foreign_police = self._organisation(world, "Yunusobod IIB", "police", None, None, world.other_district.id)
        self.police1 = self._staff("police1", self.police, "police1@example.uz")
        self.social1 = self._staff("social1", self.social, None)
        self.foreign1 = self._staff("police9", self.foreign_police, None)
        db.session.commit()

    @staticmethod
    def _organisation(
        world: World, name: str, kind: str, email: str | None, phone: str | None, district_id: int | None = None
    ) -> PartnerOrganisation:
        organisation = PartnerOrganisation(
            name=name, kind=kind, district_id=district_id or world.district.id, email=email, phone=phone
        )
        db.session.add(organisation)
        db.session.flush()
        return organisation

    @staticmethod
    def _staff(username: str, organisation: PartnerOrganisation, email: str | None) -> User:
        user = User(username=username, full_name=username.title(), role=PARTNER, password_hash="x", email=email)
        db.session.add(user)
        db.session.flush()
        partners.set_organisation(user, organisation.id)
        return user


@pytest.fixture
def partner_orgs(world: World) -> Partners:
    return Partners(world)


def referred(world: World) -> Appeal:
    appeal = register(world, kind="shikoyat", text=TEXT)
    pending = drive_to(world, appeal, "refer_law_enforcement")
    complete_task(pending, world.inspector, answers("refer_law_enforcement"))
    return appeal


def referral_of(appeal: Appeal) -> Referral:
    (referral,) = db.session.scalars(
        select(Referral).where(Referral.appeal_id == appeal.id, Referral.status != "rerouted")
    )
    return referral


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 12, 4, 14, 30, tzinfo=dt.UTC),  # Friday 19:30 in Tashkent: after working hours
        dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC),  # Saturday
        dt.datetime(2026, 12, 3, 6, 0, tzinfo=dt.UTC),  # Thursday 11:00: within working hours
    ],
)
def test_the_partners_inbox_shows_the_referrals_own_due_day_at_any_hour(
    world: World, partner_orgs: Partners, moment: dt.datetime
) -> None:
    """An appeal that came after hours is registered on the next working day, but a referral runs
    from the day it is sent: the partner's task is due on the referral's own acknowledgement day."""
    with frozen_at(moment):
        appeal = referred(world)
    referral = referral_of(appeal)
    assert referral.sent_on == local_today(moment)
    assert the_task(appeal, "acknowledge_referral").due_date == referral.acknowledge_due


def test_the_referral_goes_to_the_district_police_with_working_day_norms(world: World, partner_orgs: Partners) -> None:
    appeal = referred(world)
    task = the_task(appeal, "acknowledge_referral")
    assert task.role == "partner" and task.organisation_id == partner_orgs.police.id
    referral = referral_of(appeal)
    dues = referral_dues(local_today(), current_calendar())
    assert (referral.organisation_id, referral.status, referral.partner_kind) == (
        partner_orgs.police.id,
        "sent",
        "police",
    )
    assert (referral.acknowledge_due, referral.answer_due) == (dues.acknowledge, dues.answer)
    assert task.due_date == dues.acknowledge  # the partner's inbox shows the working-day norm
    # 5 and 15 working days: never on a weekend, and later than as many calendar days
    assert dues.acknowledge.weekday() < 5 and dues.answer >= local_today() + dt.timedelta(days=15)


def test_the_partner_is_told_when_the_referral_is_sent(world: World, partner_orgs: Partners) -> None:
    partner_orgs.police1.language = "ru"
    db.session.commit()
    appeal = referred(world)
    task = the_task(appeal, "acknowledge_referral")
    messages = {
        (m.channel, m.recipient): m.body
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.appeal_id == appeal.id))
    }
    assert {("email", "police1@example.uz"), ("email", "iib@example.uz"), ("sms", "+998711112233")} <= set(messages)
    for body in messages.values():
        assert f"/tasks/{task.id}" in body and appeal.number in body
    assert messages[("email", "police1@example.uz")] != messages[("email", "iib@example.uz")]  # ru, the staff's
    notice = db.session.scalar(select(Notification).where(Notification.user_id == partner_orgs.police1.id))
    assert notice is not None and notice.kind == "referral_sent" and notice.link == f"/tasks/{task.id}"
    assert not db.session.scalars(
        select(Notification).where(Notification.user_id == partner_orgs.social1.id)
    ).all()  # only the organisation the referral goes to


def test_every_partner_view_is_logged(world: World, partner_orgs: Partners, as_user: AsUser, api: Any) -> None:
    appeal = referred(world)
    task = the_task(appeal, "acknowledge_referral")
    police1 = partner_orgs.police1.id

    def logged(action: str) -> list[AuditEntry]:
        return list(
            db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == police1, AuditEntry.action == action))
        )

    assert as_user(partner_orgs.police1).get(f"/tasks/{task.id}").status_code == 200
    (viewed,) = logged("partner_viewed_referral")
    assert viewed.object_id == appeal.number and viewed.after == {"task": "acknowledge_referral", "via": "browser"}
    as_user(partner_orgs.police1).get("/tasks")
    assert [e.after for e in logged("partner_listed_referrals")] == [{"numbers": [appeal.number], "via": "browser"}]
    api(partner_orgs.police1)("GET", "/tasks")
    assert {"numbers": [appeal.number], "via": "api"} in [e.after for e in logged("partner_listed_referrals")]
    as_user(world.inspector).get("/tasks")  # staff reads are not partner views
    api(partner_orgs.social1)("GET", "/tasks")  # nothing addressed to social protection: nothing read
    others = db.session.scalars(
        select(AuditEntry.actor_id).where(
            AuditEntry.action.in_(("partner_viewed_referral", "partner_listed_referrals"))
        )
    ).all()
    assert set(others) == {police1}


def test_police1_sees_only_their_referral_and_answers_it_in_the_browser(
    world: World, partner_orgs: Partners, as_user: AsUser
) -> None:
    appeal = referred(world)
    task = the_task(appeal, "acknowledge_referral")
    police, social, foreign = (as_user(u) for u in (partner_orgs.police1, partner_orgs.social1, partner_orgs.foreign1))
    inbox = police.get("/tasks").get_data(as_text=True)
    assert appeal.number in inbox and f"/appeals/{appeal.number}" not in inbox  # no link to the full case
    for other in (social, foreign):
        assert appeal.number not in other.get("/tasks").get_data(as_text=True)
        assert other.get(f"/tasks/{task.id}").status_code == 404
    page = police.get(f"/tasks/{task.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ko&#39;cha chiroqlari" in html  # the shared summary: the analysis's causes
    assert "Aliyev Vali" not in html and TEXT.replace("'", "&#39;") not in html  # not the applicant, not the text
    assert police.get(f"/appeals/{appeal.number}").status_code == 404

    done = post_form(police, f"/tasks/{task.id}", browser_form(answers("acknowledge_referral")))
    assert done.status_code == 302  # type: ignore[attr-defined]
    report = the_task(appeal, "report_referral_outcome")
    done = post_form(police, f"/tasks/{report.id}", browser_form(answers("report_referral_outcome")))
    assert done.status_code == 302  # type: ignore[attr-defined]
    assert pending_names(appeal) == ["take_measures"]
    referral = referral_of(appeal)
    assert referral.status == "answered" and referral.acknowledged_in_time and referral.answered_in_time
    assert referral.outcome == answers("report_referral_outcome")["referral_outcome"]
    assert referral.responsible == "Navbatchi A. Karimov"
    completed = db.session.scalars(
        select(CaseEvent.task_name).where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind == "task_completed")
    ).all()
    assert {"acknowledge_referral", "report_referral_outcome"} <= set(completed)
    case_page = as_user(world.inspector).get(f"/appeals/{appeal.number}").get_data(as_text=True)
    assert "Oila bilan profilaktik suhbat" in case_page and 'id="referrals"' in case_page


def test_police1_answers_through_the_api(world: World, partner_orgs: Partners, api: Any) -> None:
    appeal = referred(world)
    call = api(partner_orgs.police1)
    listed = call("GET", "/tasks").get_json()["tasks"]
    assert [t["name"] for t in listed] == ["acknowledge_referral"]
    assert [f["id"] for f in listed[0]["form"]["fields"]][:2] == ["referral_summary", "referral_responsible"]
    answer = call("POST", f"/tasks/{listed[0]['id']}/complete", json={"referral_responsible": "A. Karimov"})
    assert answer.status_code == 200 and "appeal" not in answer.get_json()  # nothing of the appeal beyond the form
    assert pending_names(appeal) == ["report_referral_outcome"]
    social = api(partner_orgs.social1)
    assert social("GET", "/tasks").get_json()["tasks"] == []
    report = the_task(appeal, "report_referral_outcome")
    refused = social("POST", f"/tasks/{report.id}/complete", json={"referral_outcome": "x" * 20})
    assert refused.status_code == 404


def test_an_unanswered_referral_reminds_the_partner_then_escalates(world: World, partner_orgs: Partners) -> None:
    appeal = referred(world)
    referral = referral_of(appeal)
    before = set(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.appeal_id == appeal.id)))
    fire_due_timers(now=overdue_at(referral.acknowledge_due) + dt.timedelta(hours=1))
    sent = {
        (m.channel, m.recipient)
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.appeal_id == appeal.id))
        if m.id not in before
    }
    assert {("email", "police1@example.uz"), ("email", "iib@example.uz"), ("sms", "+998711112233")} <= sent
    notice = db.session.scalar(
        select(Notification).where(
            Notification.user_id == partner_orgs.police1.id, Notification.kind == "referral_reminder"
        )
    )
    assert notice is not None and notice.link.startswith("/tasks/")
    assert "review_overdue_referral" not in pending_names(appeal)
    dues = referral_dues(referral.sent_on, current_calendar())
    fire_due_timers(now=overdue_at(dues.escalate) + dt.timedelta(hours=1))
    escalation = the_task(appeal, "review_overdue_referral")
    assert escalation.role == "supervisor" and escalation.district_id == world.district.id
    events = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.appeal_id == appeal.id)).all()
    assert "reminder_sent" in events and "case_escalated" in events
    assert "acknowledge_referral" in pending_names(appeal)  # the partner still owes the answer


def test_the_inspector_withdraws_a_referral(world: World, partner_orgs: Partners, as_user: AsUser) -> None:
    appeal = referred(world)
    referral = referral_of(appeal)
    inspector = as_user(world.inspector)
    url = f"/appeals/{appeal.number}/referrals/{referral.id}/withdraw"
    assert post_form(as_user(partner_orgs.police1), url, {}, page_url="/tasks").status_code in (403, 404)  # type: ignore[attr-defined]
    done = post_form(inspector, url, {}, page_url=f"/appeals/{appeal.number}")
    assert done.status_code == 302  # type: ignore[attr-defined]
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).status == "withdrawn"
    assert pending_names(appeal) == ["take_measures"]
    again = post_form(inspector, url, {}, page_url=f"/appeals/{appeal.number}")
    assert again.status_code == 302  # type: ignore[attr-defined]
    assert pending_names(appeal) == ["take_measures"]


def test_the_inspector_reroutes_a_referral_to_social_protection(
    world: World, partner_orgs: Partners, as_user: AsUser
) -> None:
    appeal = referred(world)
    first = referral_of(appeal)
    inspector = as_user(world.inspector)
    url = f"/appeals/{appeal.number}/referrals/{first.id}/reroute"
    refused = post_form(inspector, url, {"partner": "health"}, page_url=f"/appeals/{appeal.number}")
    assert refused.status_code == 302  # type: ignore[attr-defined]
    db.session.expire_all()
    assert db.session.get(Referral, first.id).status == "sent"  # no health facility in the district: nothing moved
    post_form(inspector, url, {"partner": "social_protection"}, page_url=f"/appeals/{appeal.number}")
    db.session.expire_all()
    assert db.session.get(Referral, first.id).status == "rerouted"
    second = referral_of(appeal)
    assert second.id != first.id and second.organisation_id == partner_orgs.social.id
    task = db.session.scalar(select(PendingTask).where(PendingTask.appeal_id == appeal.id))
    assert task is not None and task.name == "acknowledge_referral" and task.organisation_id == partner_orgs.social.id
    assert appeal.number in as_user(partner_orgs.social1).get("/tasks").get_data(as_text=True)
    assert appeal.number not in as_user(partner_orgs.police1).get("/tasks").get_data(as_text=True)


def test_without_a_partner_in_the_system_the_inspector_records_the_answer(world: World, as_user: AsUser) -> None:
    appeal = referred(world)  # the district has no partner organisations at all
    task = the_task(appeal, "acknowledge_referral")
    assert task.organisation_id is None
    referral = referral_of(appeal)
    assert referral.organisation_id is None and referral.partner_kind == "police"
    inspector = as_user(world.inspector)
    assert appeal.number in inspector.get("/tasks").get_data(as_text=True)
    assert as_user(world.foreign_inspector).get(f"/tasks/{task.id}").status_code == 404
    done = post_form(inspector, f"/tasks/{task.id}", browser_form(answers("acknowledge_referral")))
    assert done.status_code == 302  # type: ignore[attr-defined]
    assert pending_names(appeal) == ["report_referral_outcome"]


def test_an_acknowledged_but_unreported_referral_reminds_then_escalates_at_the_report_norm(
    world: World, partner_orgs: Partners
) -> None:
    """The 15-working-day norm of the report: the acknowledgement's timers ended with it; past the
    answer's due day the partner is reminded, and past the escalation day the supervisor gets the task."""
    appeal = referred(world)
    referral = referral_of(appeal)
    complete_task(the_task(appeal, "acknowledge_referral"), partner_orgs.police1, answers("acknowledge_referral"))
    report = the_task(appeal, "report_referral_outcome")
    assert report.due_date == referral.answer_due  # the partner's inbox shows the 15-working-day norm

    def sent_since(before: set[int]) -> set[tuple[str, str]]:
        return {
            (m.channel, m.recipient)
            for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.appeal_id == appeal.id))
            if m.id not in before
        }

    def reminders() -> list[Notification]:
        return list(
            db.session.scalars(
                select(Notification).where(
                    Notification.user_id == partner_orgs.police1.id, Notification.kind == "referral_reminder"
                )
            )
        )

    def outbox() -> set[int]:
        return set(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.appeal_id == appeal.id)))

    before = outbox()
    fire_due_timers(now=overdue_at(referral.acknowledge_due) + dt.timedelta(hours=1))
    assert sent_since(before) == set() and reminders() == []  # acknowledged: nothing owed at 5 days
    assert pending_names(appeal) == ["report_referral_outcome"]

    fire_due_timers(now=overdue_at(referral.answer_due) - dt.timedelta(hours=1))
    assert sent_since(before) == set()  # not yet past the answer's due day

    fire_due_timers(now=overdue_at(referral.answer_due) + dt.timedelta(hours=1))
    assert {("email", "police1@example.uz"), ("email", "iib@example.uz"), ("sms", "+998711112233")} <= sent_since(
        before
    )
    (notice,) = reminders()
    assert notice.link == f"/tasks/{report.id}"  # the report task, the one still owed
    assert "review_overdue_referral" not in pending_names(appeal)  # no escalation yet
    reminded = db.session.scalars(
        select(CaseEvent.data).where(CaseEvent.appeal_id == appeal.id, CaseEvent.kind == "reminder_sent")
    ).all()
    assert {"task": "report_referral_outcome", "users": [partner_orgs.police1.id]} in reminded

    dues = referral_dues(referral.sent_on, current_calendar())
    assert dues.escalate > referral.answer_due
    fire_due_timers(now=overdue_at(dues.escalate) - dt.timedelta(hours=1))
    assert "review_overdue_referral" not in pending_names(appeal)
    fire_due_timers(now=overdue_at(dues.escalate) + dt.timedelta(hours=1))
    escalation = the_task(appeal, "review_overdue_referral")
    assert escalation.role == "supervisor" and escalation.district_id == world.district.id
    assert "report_referral_outcome" in pending_names(appeal)  # the partner still owes the answer
    assert len(reminders()) == 1  # reminded once, not again at the escalation
