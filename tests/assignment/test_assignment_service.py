"""Automatic assignment, candidates, claim / unclaim / delegate / reassign / bulk, absences."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.assignment.conftest import assignee_of, assignment_events, emails_to, fresh, notifications_of
from tests.conftest import World
from tests.webapp.cases import drive_to, register, the_task
from webapp.cases.assignment import service
from webapp.cases.assignment.service import AssignmentRefused
from webapp.cases.models import PendingTask, UserAbsence
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today


def test_registration_assigns_the_first_task_to_the_mahallas_inspector_and_notifies_them(world: World) -> None:
    world.inspector.email = "inspector1@mahalla.uz"
    db.session.commit()

    appeal = register(world, actor=world.supervisor)

    task = the_task(appeal, "check_registration")
    assert assignee_of(task) == "inspector1"
    assert fresh(task).assigned_at is not None
    assert assignment_events(appeal.id) == [
        ("assigned", "check_registration", {"assignee": "inspector1", "automatic": True})
    ]
    [note] = notifications_of(world.inspector)
    assert (note.kind, note.appeal_id, note.link, note.read_at) == ("assigned", appeal.id, f"/tasks/{task.id}", None)
    assert appeal.number in note.text
    [email] = emails_to("inspector1@mahalla.uz")
    assert appeal.number in email.body and email.status == "pending"


def test_every_new_inspector_task_is_assigned_and_supervisor_tasks_wait_for_a_claim(world: World) -> None:
    appeal = register(world, kind="shikoyat")

    measures = drive_to(world, appeal, "approve_reply")

    assert assignee_of(measures) is None  # a supervisor's task: any supervisor of the district claims it
    assigned = [name for kind, name, _data in assignment_events(appeal.id) if kind == "assigned"]
    assert assigned == ["check_registration", "analyse_appeal", "take_measures", "prepare_reply"]


def test_the_inspector_with_fewest_open_tasks_who_is_not_absent_gets_the_task(world: World, colleague: User) -> None:
    first = the_task(register(world), "check_registration")
    second = the_task(register(world), "check_registration")
    assert {assignee_of(first), assignee_of(second)} == {"inspector1", "inspector1b"}  # balanced

    service.mark_absent(colleague, colleague, local_today(), local_today() + dt.timedelta(days=3), "ta'til")
    third = the_task(register(world), "check_registration")
    fourth = the_task(register(world), "check_registration")

    assert (assignee_of(third), assignee_of(fourth)) == ("inspector1", "inspector1")


def test_a_task_stays_unassigned_when_nobody_serves_the_mahalla_today(world: World) -> None:
    today = local_today()
    service.mark_absent(world.inspector, world.inspector, today, today, "kasallik")

    task = the_task(register(world), "check_registration")

    assert assignee_of(task) is None
    assert assignment_events(task.appeal_id) == []


def test_candidates_are_users_of_the_lane_role_serving_the_territory(world: World, colleague: User) -> None:
    inspector_task = the_task(register(world), "check_registration")
    supervisor_task = drive_to(world, register(world, kind="shikoyat"), "approve_reply")
    foreign_task = the_task(
        register(world, mahalla=world.foreign_mahalla, actor=world.foreign_inspector), "check_registration"
    )

    assert [u.username for u in service.candidates(inspector_task)] == ["inspector1", "inspector1b"]
    assert sorted(u.username for u in service.candidates(supervisor_task)) == ["cityhead", "supervisor"]
    assert [u.username for u in service.candidates(foreign_task)] == ["inspector3"]


def test_claim_unclaim_and_claiming_a_held_task(world: World, colleague: User) -> None:
    task = the_task(register(world), "check_registration")
    holder = world.inspector if assignee_of(task) == "inspector1" else colleague
    other = colleague if holder is world.inspector else world.inspector

    with pytest.raises(AssignmentRefused) as refused:
        service.claim(other, fresh(task))
    assert refused.value.code == "held_by_other"
    assert assignee_of(task) == holder.username

    with pytest.raises(AssignmentRefused):
        service.unclaim(other, fresh(task))
    service.unclaim(holder, fresh(task))
    assert assignee_of(task) is None
    service.claim(other, fresh(task))
    assert assignee_of(task) == other.username
    kinds = [
        (kind, data.get("assignee") or data.get("previous")) for kind, _n, data in assignment_events(task.appeal_id)
    ]
    assert kinds[1:] == [("unclaimed", holder.username), ("claimed", other.username)]


def test_delegate_to_a_colleague_checks_role_and_territory(world: World, colleague: User) -> None:
    task = the_task(register(world), "check_registration")
    service.unclaim(db.session.get(User, fresh(task).assignee_id), fresh(task))
    service.claim(world.inspector, fresh(task))

    for target, code in (
        (world.inspector2, "wrong_territory"),
        (world.supervisor, "wrong_role"),
        (None, "unknown_user"),
    ):
        with pytest.raises(AssignmentRefused) as refused:
            service.delegate(world.inspector, fresh(task), target)
        assert (refused.value.code, refused.value.field) == (code, "user")
        assert assignee_of(task) == "inspector1"

    service.delegate(world.inspector, fresh(task), colleague, "men tuman kengashidaman")

    assert assignee_of(task) == "inspector1b"
    assert assignment_events(task.appeal_id)[-1] == (
        "delegated",
        "check_registration",
        {"assignee": "inspector1b", "previous": "inspector1", "reason": "men tuman kengashidaman"},
    )
    assert [n.kind for n in notifications_of(colleague)] == ["assigned"] * len(notifications_of(colleague))
    assert any(task.appeal.number in m.body for m in emails_to("b@mahalla.uz"))


def test_bulk_reassign_is_all_or_nothing(world: World, colleague: User) -> None:
    tasks = [the_task(register(world), "check_registration") for _ in range(3)]
    foreign = the_task(
        register(world, mahalla=world.foreign_mahalla, actor=world.foreign_inspector), "check_registration"
    )
    before = [assignee_of(t) for t in tasks]

    with pytest.raises(AssignmentRefused) as refused:
        service.bulk_reassign(world.supervisor, [t.id for t in tasks] + [foreign.id], colleague, "ta'til")
    assert refused.value.code == "unknown_task"
    with pytest.raises(AssignmentRefused) as refused:
        service.bulk_reassign(world.supervisor, [t.id for t in tasks], colleague, "  ")
    assert refused.value.code == "reason_required"
    with pytest.raises(AssignmentRefused) as refused:
        service.bulk_reassign(world.inspector, [t.id for t in tasks], colleague, "ta'til")
    assert refused.value.code == "not_supervisor"
    assert [assignee_of(t) for t in tasks] == before

    moved = service.bulk_reassign(world.supervisor, [t.id for t in tasks], colleague, "inspector1 ta'tilda")

    assert len(moved) == sum(1 for holder in before if holder != "inspector1b")  # real changes only
    assert [assignee_of(t) for t in tasks] == ["inspector1b"] * 3
    last = assignment_events(tasks[0].appeal_id)[-1]
    assert last[0] == "reassigned" and last[2]["reason"] == "inspector1 ta'tilda"


def test_absence_flags_the_absent_users_tasks_and_clears_when_they_return(world: World, colleague: User) -> None:
    task = the_task(register(world), "check_registration")
    holder = db.session.get(User, fresh(task).assignee_id)
    assert holder is not None
    today = local_today()

    service.mark_absent(world.supervisor, holder, today + dt.timedelta(days=1), today + dt.timedelta(days=5), "ta'til")
    assert fresh(task).needs_reassignment is False  # not yet away
    assert service.refresh_absence_flags(today + dt.timedelta(days=1)) == 1
    assert fresh(task).needs_reassignment is True
    service.refresh_absence_flags(today + dt.timedelta(days=6))
    assert fresh(task).needs_reassignment is False


def test_absences_are_recorded_by_the_user_their_supervisor_or_an_admin(world: World) -> None:
    today = local_today()
    with pytest.raises(AssignmentRefused) as refused:
        service.mark_absent(world.inspector2, world.inspector, today, today)
    assert refused.value.code == "not_permitted"
    with pytest.raises(AssignmentRefused):
        service.mark_absent(world.foreign_supervisor, world.inspector, today, today)
    with pytest.raises(AssignmentRefused) as refused:
        service.mark_absent(world.inspector, world.inspector, today, today - dt.timedelta(days=1))
    assert refused.value.code == "ends_before_start"

    for actor in (world.inspector, world.supervisor, world.region_supervisor, world.admin):
        service.mark_absent(actor, world.inspector, today, today)
    assert len(service.absences_for(world.supervisor)) == 4
    assert service.absences_for(world.foreign_supervisor) == []


def test_held_tasks_may_be_completed_only_by_their_assignee(world: World, colleague: User) -> None:
    task: PendingTask = the_task(register(world), "check_registration")
    holder = db.session.get(User, fresh(task).assignee_id)
    other = colleague if holder is world.inspector else world.inspector
    assert service.may_complete(holder, fresh(task)) and not service.may_complete(other, fresh(task))
    assert service.held_by_other(other, task.id) and not service.held_by_other(holder, task.id)


def test_automatic_choice_leaves_out_finished_tasks_and_follows_the_day_of_a_cover(
    world: World, colleague: User
) -> None:
    """auto_assignee directly: the open tasks counted (but not those the same step finishes), the
    absences and covers of the day asked for (a cover that starts tomorrow counts tomorrow only)."""
    mine = [the_task(register(world), "check_registration") for _ in range(3)]
    for task in mine:
        if assignee_of(task) != "inspector1":
            service.reassign(world.supervisor, fresh(task), world.inspector, "test")
    today, tomorrow = local_today(), local_today() + dt.timedelta(days=1)

    def chosen(day: dt.date = today, finished: tuple[str, ...] = ()) -> str | None:
        user = service.auto_assignee("inspector", world.mahalla.id, world.district.id, day, finished)
        return user.username if user is not None else None

    assert chosen() == "inspector1b"  # three open tasks against none
    assert chosen(finished=tuple(t.id for t in mine)) == "inspector1"  # finishing now: none counted
    assert chosen(finished=(mine[0].id,)) == "inspector1b"
    for user in (world.inspector, colleague):  # both away tomorrow; inspector2 covers inspector1
        db.session.add(
            UserAbsence(
                user_id=user.id,
                starts_on=tomorrow,
                ends_on=tomorrow + dt.timedelta(days=2),
                kind="leave",
                reason="",
                substitute_id=world.inspector2.id if user is world.inspector else None,
                return_tasks=False,
                created_by_id=world.supervisor.id,
            )
        )
    db.session.commit()
    assert chosen(today) == "inspector1b"
    assert chosen(tomorrow) == "inspector2"  # serves another mahalla, covers this one tomorrow
    assert service.auto_assignee("supervisor", world.mahalla.id, world.district.id) is None
