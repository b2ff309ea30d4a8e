"""Cases running on the referral diagrams of the previous release (one partner per referral, flat
timer moments, withdrawal without correlation) go on working after the multi-partner version is
published: versions are immutable, a running case keeps its own, and new cases take the new one.
The previous diagrams are kept as they shipped in tests/cooperation/previous_diagrams/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.admin.test_people import post_form
from tests.conftest import World
from tests.cooperation.test_referrals import Partners, partner_orgs, referral_of, referred  # noqa: F401 - fixture
from tests.webapp.cases import answers, pending_names
from webapp.cases.models import Notification, PendingTask, ProcessInstance
from webapp.cases.timer_service import fire_due_timers
from webapp.cases.versions import APPEAL_PROCESS, publish_files, read_process_directory
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import complete_task
from webapp.casework.appeals.timer_data import overdue_at
from webapp.extensions import db
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]
PREVIOUS = Path(__file__).parent / "previous_diagrams"


def publish(previous: bool) -> int:
    files = read_process_directory(current_app.config["PROCESSES_DIR"])
    if previous:
        for name in ("appeal_analysis.bpmn", "partner_referral.bpmn"):
            files[name] = (PREVIOUS / name).read_text(encoding="utf-8")
    version = publish_files(APPEAL_PROCESS, files, note="previous referral diagrams" if previous else "current")
    db.session.commit()
    return version.id


def version_of(appeal: Appeal) -> int:
    return db.session.scalar(select(ProcessInstance.process_version_id).where(ProcessInstance.appeal_id == appeal.id))


def the_partner_task(appeal: Appeal) -> PendingTask:
    (task,) = db.session.scalars(
        select(PendingTask).where(PendingTask.appeal_id == appeal.id, PendingTask.role == "partner")
    )
    return task


def test_a_case_on_the_previous_version_is_reminded_and_answered_after_the_new_one_is_published(
    world: World,
    partner_orgs: Partners,  # noqa: F811
) -> None:
    previous = publish(previous=True)
    appeal = referred(world)
    assert version_of(appeal) == previous
    referral = referral_of(appeal)
    assert (referral.partner_kind, referral.organisation_id) == ("police", partner_orgs.police.id)
    current = publish(previous=False)
    assert current != previous and version_of(referred(world)) == current  # new cases take the new version
    assert version_of(appeal) == previous

    # the previous diagram's timers read the flat moments: the acknowledgement reminder comes
    fire_due_timers(now=overdue_at(referral.acknowledge_due) + dt.timedelta(hours=1))
    reminded = db.session.scalars(
        select(Notification.link).where(
            Notification.user_id == partner_orgs.police1.id, Notification.kind == "referral_reminder"
        )
    ).all()
    assert f"/tasks/{the_partner_task(appeal).id}" in reminded
    complete_task(the_partner_task(appeal), partner_orgs.police1, answers("acknowledge_referral"))
    complete_task(the_partner_task(appeal), partner_orgs.police1, answers("report_referral_outcome"))
    db.session.expire_all()
    assert referral_of(appeal).status == "answered"
    assert "take_measures" in pending_names(appeal)


def test_a_case_on_the_previous_version_withdraws_its_referral(
    world: World,
    partner_orgs: Partners,  # noqa: F811
    as_user: AsUser,
) -> None:
    publish(previous=True)
    appeal = referred(world)
    publish(previous=False)
    referral = referral_of(appeal)
    url = f"/appeals/{appeal.number}/referrals/{referral.id}/withdraw"
    done = post_form(as_user(world.inspector), url, {}, page_url=f"/appeals/{appeal.number}")
    assert done.status_code == 302  # type: ignore[attr-defined]
    db.session.expire_all()
    assert referral_of(appeal).status == "withdrawn"
    assert pending_names(appeal) == ["take_measures"]
