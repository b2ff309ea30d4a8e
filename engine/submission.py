"""A person's submission for a ready task: the task looked up, the form validated, the data checked.

The same on both sides of the isolation: the engine process (engine.sandbox_worker) validates
when the web process has not parsed the state (the usual completion), engine.instance when it has.
Our own code only: no diagram code runs here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.data_limits import DataLimits, submission_problem
from engine.errors import FieldError, FormInvalid, TaskNotReady
from engine.forms import FormDefinition, validate_submission
from engine.library import PERSON_TASKS, ProcessLibrary


def ready_task(workflow: BpmnWorkflow, task_id: str) -> Any:
    """The READY task of a person with this id; TaskNotReady otherwise."""
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (TaskNotFoundException, ValueError, WorkflowException):
        raise TaskNotReady(f"task {task_id} does not exist in this case") from None
    if not (task.has_state(TaskState.READY) and isinstance(task.task_spec, PERSON_TASKS)):
        raise TaskNotReady(f"task {task_id} is not waiting for input")
    return task


def clean_submission(
    library: ProcessLibrary,
    task: Any,
    submitted: Mapping[str, Any],
    extra_data: Mapping[str, Any] | None,
    today: date,
    limits: DataLimits,
    *,
    files: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The clean form answers and the data to set on the task (extra case data, then the answers).
    ``files``: the references of the files stored for the task's file fields (engine.form_files).
    Raises FormInvalid."""
    info = library.user_task(task.task_spec.bpmn_id)
    form = info.form if info else FormDefinition(key="")
    clean = validate_submission(form, submitted, context=task.data, today=today, files=files)
    data = {**dict(extra_data or {}), **clean}
    problem = submission_problem(task.data, data, limits)
    if problem is not None:
        field = str(problem.params.get("field"))
        raise FormInvalid([FieldError(field, problem.code, dict(problem.params))])
    return clean, data
