"""The engine's BPMN parser: SpiffWorkflow's Camunda parser, plus what standard BPMN draws differently.

* A multi-instance activity over a standard data input (``loopDataInputRef`` with
  ``inputDataItem``/``outputDataItem``, no ``camunda:collection`` and no cardinality) is parsed as
  SpiffWorkflow's own BPMN parser parses it; the Camunda parser would refuse it.
* A collaboration of several pools with processes is built as one workflow: each pool's process
  runs beside the others, and a message thrown in one pool is caught by the pool waiting for it
  (``build_specs``).
* A message thrown without ``camunda:expression`` carries the thrower's data (standard BPMN draws
  it so), and correlation properties are read from the payload (``EngineMessage``).
* A correlation property that no correlation key uses correlates each catching event by its own
  data: the property's expression over the message's payload must equal the same expression over
  the catching task's data. One instance of a multi-instance activity (one referral among several)
  thus catches the message addressed to it, and the others keep waiting.
* A service task passes (no implementation is registered for it; the validator warns).
* A conditional event whose condition names a variable nobody has set yet keeps waiting (the
  condition is not met yet) instead of failing the step.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any, ClassVar

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.bpmn.specs.event_definitions.conditional import ConditionalEventDefinition
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition as CamundaMessageEventDefinition

_CAMUNDA_COLLECTION = "{http://camunda.org/schema/1.0/bpmn}collection"
_B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def is_standard_multi_instance(loop: Any) -> bool:
    """A multi-instance loop over a standard data input, without the Camunda collection or a cardinality."""
    return (
        loop.get(_CAMUNDA_COLLECTION) is None
        and loop.find(f"{_B}loopCardinality") is None
        and loop.find(f"{_B}loopDataInputRef") is not None
    )


class _StandardMultiInstance:
    """Mixed into each Camunda task parser: a standard multi-instance loop is parsed the standard way."""

    def _add_multiinstance_task(self, loop_characteristics: Any) -> None:
        if is_standard_multi_instance(loop_characteristics):
            TaskParser._add_multiinstance_task(self, loop_characteristics)  # type: ignore[arg-type]
        else:
            super()._add_multiinstance_task(loop_characteristics)  # type: ignore[misc]


def _unwrapped(payload: Any) -> Any:
    """The message's own payload, without the Camunda wrapper around it."""
    if isinstance(payload, dict) and set(payload) == {"payload", "result_var"}:
        return payload["payload"]
    return payload


class EngineMessage(CamundaMessageEventDefinition):  # type: ignore[misc]
    """A Camunda message whose payload without ``camunda:expression`` is the thrower's data (as
    SpiffWorkflow's standard BPMN parser sends it), correlated by the message's correlation
    properties evaluated over the payload itself (not over the Camunda wrapper around it)."""

    def throw(self, my_task: Any) -> None:
        if self.expression is None:
            payload = deepcopy(my_task.data)
        else:
            payload = my_task.workflow.script_engine.evaluate(my_task, self.expression)
        correlations = self.get_correlations(my_task, payload)
        my_task.workflow.correlations.update(correlations)
        wrapped = {"payload": payload, "result_var": self.result_var}
        my_task.workflow.top_workflow.catch(BpmnEvent(self, payload=wrapped, correlations=correlations))

    def catches(self, my_task: Any, event: Any) -> bool:
        own = [prop for prop in self.correlation_properties if not prop.correlation_keys]
        if not own:
            return bool(super().catches(my_task, event))
        if self != event.event_definition:
            return False
        payload = _unwrapped(event.payload)
        evaluate = my_task.workflow.script_engine.environment.evaluate
        for prop in own:
            try:
                if evaluate(prop.retrieval_expression, dict(payload)) != evaluate(
                    prop.retrieval_expression, dict(my_task.data)
                ):
                    return False
            except Exception:  # a key missing on either side: not this event's catcher
                return False
        return True

    def get_correlations(self, my_task: Any, payload: Any) -> dict[str, Any]:
        payload = _unwrapped(payload)
        if not self.correlation_properties:
            return {}
        context = payload if isinstance(payload, dict) else {}
        return dict(self.calculate_correlations(my_task.workflow.script_engine, self.correlation_properties, context))


class _EngineMessages:
    """Mixed into each event parser (send and receive tasks too): messages are EngineMessages."""

    def parse_message_event(self, message_event: Any) -> Any:
        definition = super().parse_message_event(message_event)  # type: ignore[misc]
        return EngineMessage(
            definition.name,
            definition.correlation_properties,
            getattr(definition, "expression", None),  # send and receive tasks: the standard parser's
            getattr(definition, "result_var", None),
            description=definition.description,
        )


class WaitingCondition(ConditionalEventDefinition):  # type: ignore[misc]
    """A conditional event: a condition over a variable not set yet is not met yet."""

    def has_fired(self, my_task: Any) -> bool:
        try:
            return bool(super().has_fired(my_task))
        except WorkflowTaskException as exc:
            if exc.error_type != "NameError":
                raise
            my_task._set_internal_data(has_fired=False)
            return False


class _WaitingConditions:
    """Mixed into each event parser: conditional events are WaitingConditions."""

    def parse_conditional_event(self, event: Any) -> Any:
        definition = super().parse_conditional_event(event)  # type: ignore[misc]
        return WaitingCondition(definition.expression, description=definition.description)


def _engine_parser_class(parser_class: type) -> type:
    if not issubclass(parser_class, TaskParser):
        return parser_class
    mixins: tuple[type, ...] = (_StandardMultiInstance,)
    if hasattr(parser_class, "parse_message_event"):
        mixins += (_EngineMessages, _WaitingConditions)
    return type(parser_class.__name__, (*mixins, parser_class), {})


class PassingServiceTask(ServiceTask):  # type: ignore[misc]
    """A service task passes (no implementation is registered; the validator warns)."""

    def _run_hook(self, task: Any) -> bool:
        return True


def _engine_parser_classes() -> dict[str, tuple[type, type]]:
    classes = {**CamundaParser.PARSER_CLASSES, **CamundaParser.OVERRIDE_PARSER_CLASSES}
    found = {tag: (_engine_parser_class(parser_class), spec) for tag, (parser_class, spec) in classes.items()}
    service = f"{_B}serviceTask"
    found[service] = (found[service][0], PassingServiceTask)
    return found


class EngineParser(CamundaParser):  # type: ignore[misc]
    OVERRIDE_PARSER_CLASSES: ClassVar[dict[str, tuple[type, type]]] = _engine_parser_classes()


def executable_pools(parser: Any, collaboration: str) -> list[str]:
    """The processes of a collaboration's pools that the engine runs (a black-box pool has none)."""
    pools = []
    for process_id in parser.collaborations.get(collaboration, ()):
        process_parser = parser.get_process_parser(process_id)
        if process_parser is not None and process_parser.process_executable:
            pools.append(process_id)
    return pools


def collaboration_of(parser: Any, process_id: str) -> str | None:
    """The collaboration in which ``process_id`` is one of several executable pools, if any."""
    for name in parser.collaborations:
        pools = executable_pools(parser, name)
        if process_id in pools and len(pools) > 1:
            return str(name)
    return None


def build_specs(parser: Any, main_process_id: str) -> tuple[Any, dict[str, Any]]:
    """The spec a case of ``main_process_id`` runs and the specs of everything it starts.

    When the process is a pool of a collaboration with other executable pools, the case runs
    the whole collaboration: every pool starts together in one workflow.
    """
    collaboration = collaboration_of(parser, main_process_id)
    if collaboration is not None:
        spec, subprocess_specs = parser.get_collaboration(collaboration)
        return spec, dict(subprocess_specs)
    return parser.get_spec(main_process_id), dict(parser.get_subprocess_specs(main_process_id))
