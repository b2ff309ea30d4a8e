"""One after-task hook registry for every subject kind: a hook runs for the tasks of the kind it
was registered for (the same task name of another kind does not run it), the hooks of the task's
own name first, then those registered for every task of the kind (ANY_TASK), in registration order;
what a hook answers reaches the completing subject."""

from __future__ import annotations

from collections import defaultdict

import pytest

from webapp.cases import hooks
from webapp.cases.events import EventLog
from webapp.cases.hooks import ANY_TASK, TaskCompletion, after_task, run_hooks
from webapp.cases.instances import Subject
from webapp.platform.auth.models import User


def _completion(kind: str, task_name: str) -> TaskCompletion:
    return TaskCompletion(Subject(kind, 7), object(), task_name, User(username="u"), {}, {}, EventLog())


def test_hooks_run_per_subject_kind_and_task_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "_HOOKS", defaultdict(list))  # this test's registrations only
    ran: list[str] = []

    @after_task("kind_a", ANY_TASK)
    def every_a(done: TaskCompletion) -> None:
        ran.append(f"every_a:{done.task_name}")

    @after_task("kind_a", "review", "draft")
    def review_a(done: TaskCompletion) -> None:
        ran.append(f"review_a:{done.task_name}")
        done.answers["seen"] = done.subject.id

    @after_task("kind_b", "review")
    def review_b(done: TaskCompletion) -> None:
        ran.append("review_b")

    after_task("kind_a", "review")(review_a)  # registering again changes nothing

    first = _completion("kind_a", "review")
    run_hooks(first)
    assert ran == ["review_a:review", "every_a:review"] and first.answers == {"seen": 7}
    ran.clear()
    run_hooks(_completion("kind_a", "other"))
    assert ran == ["every_a:other"]
    ran.clear()
    run_hooks(_completion("kind_b", "review"))
    assert ran == ["review_b"]
    ran.clear()
    run_hooks(_completion("kind_c", "review"))
    assert ran == []
