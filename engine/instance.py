"""A running process instance: start, inspect, complete user tasks, fire timers, take messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition

from engine import sandbox
from engine.clock import TASHKENT, timer_now
from engine.compaction import compact
from engine.errors import EngineStepFailed
from engine.forms import FormDefinition
from engine.library import ProcessLibrary
from engine.scripting import no_local_script_engine
from engine.serialization import StateSerializer
from engine.submission import clean_submission, ready_task
from engine.timer_values import apply_timer_data
from engine.view import View, current_data, next_timer_due, ready_person_tasks, timer_reads

_SERIALIZER = StateSerializer()


@dataclass(frozen=True)
class ReadyTask:
    """A user task waiting for a person, as plain data."""

    id: str
    name: str
    title: str
    lane: str | None
    process_id: str
    documentation: str
    form: FormDefinition
    prefill: Mapping[str, Any] = field(default_factory=dict)
    properties: Mapping[str, str] = field(default_factory=dict)
    # The task's case variables (read-only view): what the application routes the task by (e.g. the
    # partner organisation of a referral); not part of the task's identity.
    variables: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


def _element_id(task: Any) -> str | None:
    spec = getattr(task, "task_spec", None)
    return getattr(spec, "bpmn_id", None) if spec is not None else None


def _restore(library: ProcessLibrary, state: str) -> BpmnWorkflow:
    workflow = _SERIALIZER.loads(state, library.spec, library.subprocess_specs)
    workflow.script_engine = no_local_script_engine()
    return workflow


def _step(library: ProcessLibrary, state: str | None, op: str, now: datetime | None, **args: Any) -> dict[str, Any]:
    return sandbox.step(library.sandbox_key, library.main_process_id, library.files, op, now, state=state, **args)


class Instance:
    """Wraps one SpiffWorkflow workflow. Nothing of SpiffWorkflow is visible through it."""

    def __init__(self, library: ProcessLibrary, workflow: BpmnWorkflow | None, state: str | None = None) -> None:
        self.library = library
        # The state travels as text (database → sandbox → database); it is parsed here only when
        # something asks about the workflow, and written again only when this side changed it:
        # ``_state`` is the exact text of ``_restored`` while this side has not changed it (else None).
        self._restored = workflow
        self._state = state
        self._ready_cache: list[Any] | None = None
        # What the engine process answered about ``_state`` with it (engine.view): asked about the
        # ready tasks, the data, the end or the next timer, this side reads it instead of parsing.
        self._view: View | None = None
        self._ready_before: list[str] | None = None  # see ready_ids_before
        self._task_variables: dict[str, Any] | None = None  # see task_variables_before
        self._timers_applied: dict[str, Any] | None = None  # what the last step set (see complete)
        self._path: list[tuple[str, str]] = []  # (process, element) completed by this object's steps
        # What this object's steps threw for the world outside the case (engine.steps.take_outgoing):
        # {"kind": "signal" | "message", "name": ...}; the application sends signals to other cases.
        self.thrown: list[dict[str, str]] = []

    @classmethod
    def start(cls, library: ProcessLibrary, data: Mapping[str, Any], *, now: datetime | None = None) -> Instance:
        """Start a case; ``now`` is the time its timers see (default: the real clock)."""
        answer = _step(library, None, "start", now, data=_SERIALIZER.dumps_data(dict(data)))
        instance = cls(library, None, answer["state"])
        instance._view = View(answer["view"], _SERIALIZER)
        instance._path.extend(answer["path"])
        instance.thrown.extend(answer.get("thrown", []))
        return instance

    @classmethod
    def restore(cls, library: ProcessLibrary, state: str) -> Instance:
        """The case from its stored text (parsed now: a state in an unknown format is refused here)."""
        return cls(library, _restore(library, state), state)

    @classmethod
    def load(cls, library: ProcessLibrary, state: str) -> Instance:
        """The case from its stored text, parsed only when something asks about it here: a
        completion sends the text to the engine process as it is and reads its answer."""
        return cls(library, None, state)

    @property
    def _workflow(self) -> BpmnWorkflow:
        if self._restored is None:
            assert self._state is not None
            self._restored = _restore(self.library, self._state)
        return self._restored

    def _changed(self) -> None:
        """This side changed the workflow: its text must be written again."""
        self._state = None
        self._view = None
        self._timers_applied = None

    @property
    def _answered(self) -> View | None:
        """The engine process's view of the state, while this side has not parsed it."""
        return self._view if self._restored is None else None

    def serialize(self) -> str:
        """The live state, without finished history (see engine.compaction). The text a step
        answered (or that was restored) is returned as it is unless this side changed the workflow."""
        if self._state is not None:
            return self._state
        workflow = self._workflow
        compact(workflow)
        try:
            self._state = _SERIALIZER.dumps(workflow)
        except RecursionError:
            params = {"field": "?", "limit": sandbox.limits().data.depth}
            raise EngineStepFailed(None, "data.too_deep", params) from None
        return self._state

    @property
    def is_completed(self) -> bool:
        view = self._answered
        return view.completed if view is not None else bool(self._workflow.is_completed())

    def _apply(self, op: str, now: datetime | None, **args: Any) -> dict[str, Any]:
        """Run one step in the isolated engine process and take its new state (parsed here only
        when asked about: see ``_workflow``)."""
        self._ready_cache = None
        request = {name: value for name, value in args.items() if name != "timers_set"}
        answer = _step(self.library, self.serialize(), op, now, **request)
        if self._ready_before is None and answer.get("before") is not None:
            self._ready_before = list(answer["before"])
        if self._task_variables is None and answer.get("variables") is not None:
            self._task_variables = dict(_SERIALIZER.loads_data(answer["variables"]))
        if answer.get("state") is not None:
            self._restored, self._state = None, answer["state"]
            self._view = View(answer["view"], _SERIALIZER)
            self._timers_applied = dict(args["timers_set"]) if "timers_set" in args else None
        self._path.extend(answer["path"])
        self.thrown.extend(answer.get("thrown", []))
        return answer

    def run(self, *, now: datetime | None = None) -> None:
        """Run automatic steps (scripts, gateways, call activities) until people are needed."""
        self._apply("run", now)

    def _ready_user_tasks(self) -> list[Any]:
        if self._ready_cache is None:
            self._ready_cache = ready_person_tasks(self._workflow)
        return self._ready_cache

    def _ready_triples(self) -> list[tuple[str, str, Mapping[str, Any]]]:
        """(task id, BPMN id, data) of the ready tasks of people."""
        view = self._answered
        if view is not None:
            return list(view.ready)
        return [(str(t.id), t.task_spec.bpmn_id, t.data) for t in self._ready_user_tasks()]

    def ready_user_tasks(self) -> list[ReadyTask]:
        result = []
        for task_id, bpmn_id, data in self._ready_triples():
            info = self.library.user_task(bpmn_id)
            if info is None:
                continue
            prefill = {f.id: data.get(f.id, f.default) for f in info.form.fields}
            result.append(
                ReadyTask(
                    id=task_id,
                    name=info.id,
                    title=info.title,
                    lane=info.lane,
                    process_id=info.process_id,
                    documentation=info.documentation,
                    form=info.form,
                    prefill=prefill,
                    properties=info.properties,
                    variables=MappingProxyType(data),
                )
            )
        return result

    def ready_ids_before(self) -> set[str]:
        """The ids of the ready user tasks before this object's first step (the engine process
        answers them with the step, so the state need not be parsed here to know them)."""
        if self._ready_before is None:
            self._ready_before = [task.id for task in self.ready_user_tasks()]
        return set(self._ready_before)

    def task_variables_before(self) -> dict[str, Any]:
        """The variables of the task this object's first ``complete`` completed, as the task waited
        (answered by the engine process with the step; empty before any completion)."""
        return dict(self._task_variables or {})

    def complete(
        self,
        task_id: str,
        submitted: Mapping[str, Any],
        extra_data: Mapping[str, Any] | None = None,
        *,
        now: datetime | None = None,
        timers: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Validate the submission against the task's form, complete it and run on.

        ``extra_data`` adds case variables besides the form (a supervised retry with corrected data);
        ``files`` the references of the files stored for the task's file fields (engine.form_files).
        ``timers``: timer data set right after the step, as ``set_timer_data`` would (the engine
        process does it, and a later ``set_timer_data`` with the same values has nothing to do).
        Returns the clean data that was stored. Raises FormInvalid, TaskNotReady or
        EngineStepFailed; on any of them the caller must discard this instance.
        """
        today = (now or timer_now()).astimezone(TASHKENT).date()
        step: dict[str, Any] = {"task_id": task_id}
        if timers is not None:
            step.update(timers=_SERIALIZER.dumps_data(dict(timers)), timers_set=dict(timers))
        if self._restored is None:
            # Not parsed here: the engine process looks the task up and validates (engine.submission).
            try:
                texts = {
                    "submitted": _SERIALIZER.dumps_data(dict(submitted)),
                    "extra": _SERIALIZER.dumps_data(dict(extra_data or {})),
                }
                if files is not None:
                    texts["form_files"] = _SERIALIZER.dumps_data(dict(files))
            except (TypeError, ValueError):
                texts = {}  # not plain data: validated on this side
            if texts:
                answer = self._apply("complete", now, today=today.isoformat(), **step, **texts)
                return dict(_SERIALIZER.loads_data(answer["clean"]))
        task = ready_task(self._workflow, task_id)
        clean, data = clean_submission(
            self.library, task, submitted, extra_data, today, sandbox.limits().data, files=files
        )
        # The engine process sets the task's data: this side's copy stays unchanged, so the state
        # it read goes to the step as it is (not written again).
        self._apply("complete", now, data=_SERIALIZER.dumps_data(data), answers=_SERIALIZER.dumps_data(clean), **step)
        return clean

    def deliver_message(self, name: str, payload: Mapping[str, Any]) -> bool:
        """Deliver a BPMN message; return False when nothing in the case waits for it.

        The diagram reads the payload as ``<catch event id>_Response`` (SpiffWorkflow's Camunda
        convention when the catch event names no result variable).
        """
        answer = self._apply("message", None, name=name, payload=_SERIALIZER.dumps_data(dict(payload)))
        return bool(answer.get("delivered"))

    def waits_for_signal(self, name: str) -> bool:
        """Whether anything in the case waits for the signal (read from the state; runs no code)."""
        event = BpmnEvent(SignalEventDefinition(name))
        if any(task.task_spec.catches(task, event) for task in self._workflow.event_manager.tasks.values()):
            return True
        # An event sub-process that started once is started again by SpiffWorkflow on the next event
        # (a new instance of it), without a waiting task: look at the process's event sub-processes.
        return not self.is_completed and self._starts_event_subprocess(event.event_definition)

    def _starts_event_subprocess(self, definition: Any) -> bool:
        workflow = self._workflow
        for name in getattr(workflow.spec.start, "trigger_specs", ()):
            spec = workflow.subprocess_specs.get(name)
            if spec is not None and any(start.event_definition == definition for start in spec.bpmn_start_events):
                return True
        return False

    def deliver_signal(self, name: str) -> bool:
        """Deliver a BPMN signal thrown elsewhere; return False when nothing in the case waits for it."""
        answer = self._apply("signal", None, name=name)
        return bool(answer.get("delivered"))

    def fire_due_timers(self, now: datetime | None = None) -> None:
        """Fire every timer due at ``now`` (default: the real clock) and run on."""
        self._apply("fire_timers", now)

    def set_timer_data(self, values: Mapping[str, Any], *, now: datetime | None = None) -> bool:
        """Set case variables that timer expressions and conditional events read (e.g. ``deadline_at``
        after the deadline moved) in every unfinished task. Waiting timers whose data changed forget
        their evaluated moment and are evaluated again at once (firing if already due); waiting
        conditional events check their condition again. Returns whether anything changed.
        """
        applied = self._timers_applied
        if applied is not None and all(name in applied and applied[name] == v for name, v in values.items()):
            return False  # the step that answered this state set these very values (see complete)
        changed = apply_timer_data(self._workflow, values)
        if changed:
            self._changed()
            self.fire_due_timers(now)
        return changed

    def timer_reads(self) -> frozenset[str]:
        """The case variables that the timers and conditional events the case waits on, or that its
        next step can reach, read (engine.timer_reads): the timer data worth computing now."""
        view = self._answered
        return view.reads if view is not None else timer_reads(self._workflow, self.library)

    def next_timer_due(self) -> datetime | None:
        """When the earliest waiting timer of the case is due (aware UTC), or None."""
        view = self._answered
        return view.next_timer if view is not None else next_timer_due(self._workflow)

    def current_data(self) -> dict[str, Any]:
        """The newest data: that of a waiting user task, or the finished case's final data."""
        view = self._answered
        if view is not None:
            return dict(view.current)
        return current_data(self._workflow, self._ready_user_tasks())

    def elements_completed(self, *, qualified: bool = False) -> list[str]:
        """BPMN ids of the tasks, events and gateways completed since this object was started or
        restored, oldest first. The live state forgets finished history (engine.compaction), so the
        application keeps this path in its own event log. ``qualified`` prefixes each id with its
        process id (``appeal_analysis:analyse_appeal``): ids repeat across a library's processes.
        """
        if qualified:
            return [f"{process}:{element}" for process, element in self._path]
        return [element for _process, element in self._path]
