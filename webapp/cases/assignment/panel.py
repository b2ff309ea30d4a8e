"""The assignment box of the task page: which forms the current user gets."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.cases.assignment.eligibility import candidates, offered
from webapp.cases.assignment.forms import ActionForm, DelegateForm, FollowUpForm, ReassignForm
from webapp.cases.assignment.messages import offered_label
from webapp.cases.assignment.service import may_complete, supervises_task
from webapp.cases.models import PendingTask
from webapp.platform.auth.models import User


@dataclass(frozen=True)
class AssignmentPanel:
    may_complete: bool
    action: ActionForm | None
    delegate: DelegateForm | None
    follow_up: FollowUpForm | None
    reassign: ReassignForm | None


def assignment_panel(task: PendingTask, user: User) -> AssignmentPanel:
    mine = task.assignee_id == user.id
    people = candidates(task)
    delegate = None
    if mine and any(p.id != user.id for p in people):
        delegate = DelegateForm(prefix="delegate")
        delegate.user.choices = [(p.id, p.full_name) for p in people if p.id != user.id]
    reassign = None
    if supervises_task(user, task):
        reassign = ReassignForm(prefix="reassign")
        reassign.user.choices = [(p.id, offered_label(p, warning)) for p, warning in offered(task)]
    follow_up = FollowUpForm(prefix="follow", data={"follow_up": task.follow_up_date}) if mine else None
    action = ActionForm() if task.assignee_id in (None, user.id) else None
    return AssignmentPanel(may_complete(user, task), action, delegate, follow_up, reassign)
