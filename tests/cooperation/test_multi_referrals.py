"""A referral to several partners at once (issue 20): the analysis' referral is a parallel
multi-instance over the partners the inspector ticks. On the real diagrams and database: each
partner acknowledges and answers in its own inbox (browser and API) and the case goes on only
after both; one overdue referral reminds and escalates while the other was answered (injected
time); withdrawing or re-routing one leaves the other running; the figures, the case page and
the reply letter show each referral with its partner and outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.admin.test_people import post_form
from tests.conftest import World
from tests.cooperation.test_referrals import TEXT, Partners, partner_orgs  # noqa: F401 - the shared fixture
from tests.webapp.cases import answers, browser_form, drive_to, pending_names, register
from webapp.cases.models import CaseEvent, Notification, PendingTask
from webapp.cases.timer_service import fire_due_timers
from webapp.casework.appeals.deadlines import current_calendar
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import complete_task
from webapp.casework.appeals.timer_data import overdue_at
from webapp.casework.replies.service import draft_reply
from webapp.cooperation.partners.models import PartnerOrganisation
from webapp.cooperation.referrals.figures import cooperation
from webapp.cooperation.referrals.models import Referral
from webapp.cooperation.referrals.norms import referral_dues
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today

AsUser = Callable[[User], FlaskClient]
SOCIAL_OUTCOME = "Oilaga moddiy yordam tayinlandi, ijtimoiy xodim biriktirildi."


def referred_to_both(world: World) -> Appeal:
    """A crime-related complaint referred to the district police and, ticked on the same form,
    to the social protection department."""
    appeal = register(world, kind="shikoyat", text=TEXT)
    pending = drive_to(world, appeal, "refer_law_enforcement")
    complete_task(pending, world.inspector, answers("refer_law_enforcement", law_also_social_protection=True))
    return appeal


def referrals(appeal: Appeal) -> dict[str, Referral]:
    db.session.expire_all()
    rows = db.session.scalars(select(Referral).where(Referral.appeal_id == appeal.id).order_by(Referral.id))
    return {r.partner_kind: r for r in rows if r.status != "rerouted"}


def task_of(appeal: Appeal, organisation: PartnerOrganisation) -> PendingTask:
    (task,) = db.session.scalars(
        select(PendingTask).where(PendingTask.appeal_id == appeal.id, PendingTask.organisation_id == organisation.id)
    )
    return task


def test_each_partner_gets_its_own_referral_and_task(
    world: World,
    partner_orgs: Partners,  # noqa: F811
) -> None:
    appeal = referred_to_both(world)
    sent = referrals(appeal)
    assert sorted(sent) == ["police", "social_protection"]
    assert {r.organisation_id for r in sent.values()} == {partner_orgs.police.id, partner_orgs.social.id}
    dues = referral_dues(local_today(), current_calendar())
    assert {(r.status, r.acknowledge_due, r.answer_due) for r in sent.values()} == {
        ("sent", dues.acknowledge, dues.answer)
    }
    police, social = task_of(appeal, partner_orgs.police), task_of(appeal, partner_orgs.social)
    assert (police.name, social.name) == ("acknowledge_referral", "acknowledge_referral")
    assert police.id != social.id
    # each organisation is told of its own task only
    told = {
        (n.user_id, n.link)
        for n in db.session.scalars(select(Notification).where(Notification.kind == "referral_sent"))
    }
    assert told == {(partner_orgs.police1.id, f"/tasks/{police.id}"), (partner_orgs.social1.id, f"/tasks/{social.id}")}


def test_two_partners_answer_in_their_own_inboxes_and_the_case_goes_on_after_both(
    world: World,
    partner_orgs: Partners,  # noqa: F811
    as_user: AsUser,
    api: Any,
) -> None:
    appeal = referred_to_both(world)
    police_page, social_api = as_user(partner_orgs.police1), api(partner_orgs.social1)

    # the police, in the browser
    police_task = task_of(appeal, partner_orgs.police)
    inbox = police_page.get("/tasks").get_data(as_text=True)
    assert f"/tasks/{police_task.id}" in inbox and f"/tasks/{task_of(appeal, partner_orgs.social).id}" not in inbox
    done = post_form(police_page, f"/tasks/{police_task.id}", browser_form(answers("acknowledge_referral")))
    assert done.status_code == 302  # type: ignore[attr-defined]
    report = task_of(appeal, partner_orgs.police)
    assert report.name == "report_referral_outcome"
    done = post_form(police_page, f"/tasks/{report.id}", browser_form(answers("report_referral_outcome")))
    assert done.status_code == 302  # type: ignore[attr-defined]
    assert referrals(appeal)["police"].status == "answered"
    assert referrals(appeal)["social_protection"].status == "sent"
    assert pending_names(appeal) == ["acknowledge_referral"]  # the analysis waits for social protection

    # social protection, through the API
    (listed,) = social_api("GET", "/tasks").get_json()["tasks"]
    assert listed["name"] == "acknowledge_referral"
    answer = social_api("POST", f"/tasks/{listed['id']}/complete", json={"referral_responsible": "N. Yusupova"})
    assert answer.status_code == 200
    (listed,) = social_api("GET", "/tasks").get_json()["tasks"]
    answer = social_api(
        "POST",
        f"/tasks/{listed['id']}/complete",
        json={"referral_outcome": SOCIAL_OUTCOME, "referral_outcome_date": local_today().isoformat()},
    )
    assert answer.status_code == 200
    both = referrals(appeal)
    assert both["social_protection"].status == "answered" and both["social_protection"].responsible == "N. Yusupova"
    assert both["police"].responsible == "Navbatchi A. Karimov"  # each answer on its own record
    assert both["social_protection"].outcome == SOCIAL_OUTCOME
    assert pending_names(appeal) == ["take_measures"]

    # the case page and the reply letter show each referral with its partner and outcome
    page = as_user(world.inspector).get(f"/appeals/{appeal.number}").get_data(as_text=True)
    police_outcome = answers("report_referral_outcome")["referral_outcome"]
    for name in ("Chilonzor tumani IIB", "Chilonzor ijtimoiy himoya", SOCIAL_OUTCOME, police_outcome):
        assert name.replace("'", "&#39;") in page
    timeline = {
        (kind, data["partner"])
        for kind, data in db.session.execute(
            select(CaseEvent.kind, CaseEvent.data).where(
                CaseEvent.appeal_id == appeal.id, CaseEvent.kind.in_(("referral_sent", "referral_answered"))
            )
        )
    }
    assert timeline == {
        (kind, name)
        for kind in ("referral_sent", "referral_answered")
        for name in ("Chilonzor tumani IIB", "Chilonzor ijtimoiy himoya")
    }
    assert page.count('class="small referral-event"') == 4
    letter = draft_reply(appeal, world.inspector, {})
    assert f"- Chilonzor tumani IIB ({local_today():%d.%m.%Y}): {police_outcome}" in letter
    assert f"- Chilonzor ijtimoiy himoya ({local_today():%d.%m.%Y}): {SOCIAL_OUTCOME}" in letter

    # the figures count each referral
    today = local_today()
    figures = cooperation(today, today, today, district_id=world.district.id)
    assert figures.total.sent == 2 and figures.total.answered == 2
    assert {(row.key, row.sent) for row in figures.partners} == {
        (str(partner_orgs.police.id), 1),
        (str(partner_orgs.social.id), 1),
    }


def test_the_api_inbox_lists_each_partners_own_task_and_the_other_answers_404(
    world: World,
    partner_orgs: Partners,  # noqa: F811
    as_user: AsUser,
    api: Any,
) -> None:
    appeal = referred_to_both(world)
    police, social = task_of(appeal, partner_orgs.police), task_of(appeal, partner_orgs.social)
    police_api, social_api = api(partner_orgs.police1), api(partner_orgs.social1)
    assert [t["id"] for t in police_api("GET", "/tasks").get_json()["tasks"]] == [police.id]
    assert [t["id"] for t in social_api("GET", "/tasks").get_json()["tasks"]] == [social.id]
    assert api(partner_orgs.foreign1)("GET", "/tasks").get_json()["tasks"] == []
    refused = social_api("POST", f"/tasks/{police.id}/complete", json={"referral_responsible": "X"})
    assert refused.status_code == 404
    refused = police_api("POST", f"/tasks/{social.id}/complete", json={"referral_responsible": "X"})
    assert refused.status_code == 404
    assert as_user(partner_orgs.social1).get(f"/tasks/{police.id}").status_code == 404
    assert as_user(partner_orgs.police1).get(f"/tasks/{social.id}").status_code == 404
    db.session.expire_all()
    assert {r.status for r in referrals(appeal).values()} == {"sent"}  # nothing moved


def test_one_overdue_referral_escalates_while_the_other_was_answered(
    world: World,
    partner_orgs: Partners,  # noqa: F811
) -> None:
    appeal = referred_to_both(world)
    police = task_of(appeal, partner_orgs.police)
    complete_task(police, partner_orgs.police1, answers("acknowledge_referral"))
    complete_task(task_of(appeal, partner_orgs.police), partner_orgs.police1, answers("report_referral_outcome"))
    social = referrals(appeal)["social_protection"]

    fire_due_timers(now=overdue_at(social.acknowledge_due) + dt.timedelta(hours=1))
    reminded = db.session.scalars(select(Notification.user_id).where(Notification.kind == "referral_reminder")).all()
    assert reminded == [partner_orgs.social1.id]  # the police answered: only social protection is reminded
    assert pending_names(appeal) == ["acknowledge_referral"]

    dues = referral_dues(social.sent_on, current_calendar())
    fire_due_timers(now=overdue_at(dues.escalate) + dt.timedelta(hours=1))
    waiting = pending_names(appeal)  # (the appeal's own deadline passed too: its escalation besides)
    assert waiting.count("acknowledge_referral") == 1 and waiting.count("review_overdue_referral") == 1
    review = db.session.scalar(
        select(PendingTask).where(PendingTask.appeal_id == appeal.id, PendingTask.name == "review_overdue_referral")
    )
    assert review is not None and review.role == "supervisor"
    assert task_of(appeal, partner_orgs.social).name == "acknowledge_referral"  # social protection still owes it
    assert referrals(appeal)["police"].status == "answered"


def test_withdrawing_one_of_two_leaves_the_other_running(
    world: World,
    partner_orgs: Partners,  # noqa: F811
    as_user: AsUser,
) -> None:
    appeal = referred_to_both(world)
    social = referrals(appeal)["social_protection"]
    inspector = as_user(world.inspector)
    done = post_form(
        inspector, f"/appeals/{appeal.number}/referrals/{social.id}/withdraw", {}, page_url=f"/appeals/{appeal.number}"
    )
    assert done.status_code == 302  # type: ignore[attr-defined]
    both = referrals(appeal)
    assert (both["social_protection"].status, both["police"].status) == ("withdrawn", "sent")
    assert pending_names(appeal) == ["acknowledge_referral"]
    assert task_of(appeal, partner_orgs.police).name == "acknowledge_referral"
    complete_task(task_of(appeal, partner_orgs.police), partner_orgs.police1, answers("acknowledge_referral"))
    complete_task(task_of(appeal, partner_orgs.police), partner_orgs.police1, answers("report_referral_outcome"))
    assert pending_names(appeal) == ["take_measures"]


def test_rerouting_one_of_two_leaves_the_other_running(
    world: World,
    partner_orgs: Partners,  # noqa: F811
    as_user: AsUser,
) -> None:
    health = PartnerOrganisation(name="Chilonzor poliklinikasi", kind="health", district_id=world.district.id)
    db.session.add(health)
    db.session.commit()
    appeal = referred_to_both(world)
    complete_task(task_of(appeal, partner_orgs.police), partner_orgs.police1, answers("acknowledge_referral"))
    social = referrals(appeal)["social_protection"]
    inspector = as_user(world.inspector)
    url = f"/appeals/{appeal.number}/referrals/{social.id}/reroute"
    # not to a partner the case already waits on
    post_form(inspector, url, {"partner": "police"}, page_url=f"/appeals/{appeal.number}")
    assert referrals(appeal)["social_protection"].status == "sent"
    post_form(inspector, url, {"partner": "health"}, page_url=f"/appeals/{appeal.number}")
    now = referrals(appeal)
    assert sorted(now) == ["health", "police"]
    assert now["health"].organisation_id == health.id and now["health"].status == "sent"
    assert task_of(appeal, health).name == "acknowledge_referral"
    assert task_of(appeal, partner_orgs.police).name == "report_referral_outcome"  # the police's work goes on
    assert not db.session.scalars(
        select(PendingTask).where(PendingTask.organisation_id == partner_orgs.social.id)
    ).all()
