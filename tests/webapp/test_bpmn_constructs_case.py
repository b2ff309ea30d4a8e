"""BPMN constructs in a real case: a multi-instance user task gives one pending task per instance,
each in the inbox of its lane's role and territory, each assignable on its own; the case goes on
when the last one is done. A non-interrupting message event sub-process (a linked new appeal)
adds a task beside the running flow. (The interrupting one, the citizen's withdrawal, is in
tests/public/test_withdrawal.py.)"""

from __future__ import annotations

from flask import current_app

from tests.conftest import World
from tests.intake.test_related import appeal_at
from tests.webapp.cases import answers, drive_to, event_kinds, pending_names, pending_tasks, register
from webapp.cases.assignment.service import claim, unclaim
from webapp.cases.tasks.service import inbox
from webapp.cases.versions import APPEAL_PROCESS, publish_files, read_process_directory
from webapp.casework.appeals.runtime import complete_task
from webapp.casework.related.service import link_appeal
from webapp.extensions import db

REFERRAL_END = (
    "      <bpmn:outgoing>flow_refer_social_services_to_prepare_social_referral</bpmn:outgoing>\n    </bpmn:userTask>"
)
TWO_SERVICES = (
    "      <bpmn:outgoing>flow_refer_social_services_to_prepare_social_referral</bpmn:outgoing>\n"
    "      <bpmn:multiInstanceLoopCharacteristics>\n"
    "        <bpmn:loopCardinality>2</bpmn:loopCardinality>\n"
    "      </bpmn:multiInstanceLoopCharacteristics>\n    </bpmn:userTask>"
)


def publish_referral_to_two_services() -> None:
    files = read_process_directory(current_app.config["PROCESSES_DIR"])
    source = files["appeal_analysis.bpmn"]
    assert source.count(REFERRAL_END) == 1
    files["appeal_analysis.bpmn"] = source.replace(REFERRAL_END, TWO_SERVICES)
    publish_files(APPEAL_PROCESS, files, note="two social services")
    db.session.commit()


def test_multi_instance_user_task_one_inbox_task_per_instance(world: World) -> None:
    publish_referral_to_two_services()
    appeal = register(world)
    drive_to(world, appeal, "refer_social_services")
    first, second = [t for t in pending_tasks(appeal) if t.name == "refer_social_services"]
    assert first.id != second.id
    assert {(t.role, t.mahalla_id) for t in (first, second)} == {("inspector", world.mahalla.id)}
    assert {first.id, second.id} <= {t.id for t in inbox(world.inspector)}
    assert not {first.id, second.id} & {t.id for t in inbox(world.inspector2)}  # another mahalla's inbox

    # each instance is assignable on its own
    if first.assignee_id == world.inspector.id:
        unclaim(world.inspector, first)
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.assignee_id is None
    claim(world.inspector, first)
    db.session.refresh(first)
    assert first.assignee_id == world.inspector.id

    complete_task(first, world.inspector, answers("refer_social_services", social_service="health"))
    remaining = [t for t in pending_tasks(appeal) if t.name == "refer_social_services"]
    assert [t.id for t in remaining] == [second.id]
    complete_task(second, world.inspector, answers("refer_social_services", social_service="youth_affairs"))
    names = [t.name for t in pending_tasks(appeal)]
    assert "refer_social_services" not in names and names, names
    completed = [name for kind, name in event_kinds(appeal) if kind == "task_completed"]
    assert completed.count("refer_social_services") == 2


def test_a_linked_new_appeal_notifies_the_running_case_without_interrupting_it(world: World) -> None:
    earlier = appeal_at(world, 30, applicant_phone="+998 90 123 45 67")
    current = appeal_at(world, 0, applicant_phone="+998901234567")
    assert pending_names(earlier) == ["check_registration"]
    link_appeal(world.inspector, current, earlier.id)
    assert pending_names(earlier) == ["check_registration", "consider_related_appeal"]
    notice = next(t for t in pending_tasks(earlier) if t.name == "consider_related_appeal")
    assert (notice.role, notice.mahalla_id) == ("inspector", world.mahalla.id)
    assert notice.id in {t.id for t in inbox(world.inspector)}
    complete_task(notice, world.inspector, answers("consider_related_appeal"))
    assert pending_names(earlier) == ["check_registration"]  # the main flow went on untouched
    db.session.refresh(earlier)
    assert earlier.is_open and earlier.reopened_count == 0
    assert ("message_received", None) in event_kinds(earlier)
