"""The engine's problems in the user's language: one message per code of engine.problems.CATALOGUE.

The engine reports a problem as a code with plain parameters (and the element's id); this is the
one place that turns it into a sentence, with Flask-Babel, for every page, the JSON API and the
command line. tests/webapp/test_engine_messages.py checks that every code of the catalogue has a
message here and a Uzbek and Russian translation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from engine import UNKNOWN_PROBLEM, DiagramProblem, EngineStepFailed
from engine.problems import english

MESSAGES: dict[str, Any] = {
    UNKNOWN_PROBLEM: _l("The process engine reported: %(detail)s"),
    "xml.too_large": _l("The file is larger than %(size)s MB."),
    "xml.doctype": _l("Document type declarations and entities are not allowed in diagrams."),
    "xml.not_utf8": _l("The file is not UTF-8 text (byte %(byte)s)."),
    "xml.malformed": _l("Malformed XML: %(detail)s"),
    "document.not_a_diagram": _l("This is not a BPMN or DMN document (its root element is %(root)s)."),
    "document.wrong_kind": _l("This is a %(kind)s document where a %(expected)s document is expected."),
    "schema.unexpected_element": _l("The element %(element)s is not allowed here by the %(schema)s schema."),
    "schema.invalid": _l("The element %(element)s does not follow the %(schema)s schema: %(detail)s"),
    "unsupported.zeebe": _l(
        "Not supported: the Camunda 8 (Zeebe) extension zeebe:%(name)s; use the Camunda 7 dialect."
    ),
    "unsupported.connector": _l("Not supported: camunda:connector (HTTP and SOAP connectors are not run)."),
    "unsupported.listener": _l("Not supported: camunda:%(name)s (listeners are not run; use a script task)."),
    "unsupported.external_task": _l('Not supported: an external task (camunda:type="external") on %(element)s.'),
    "unsupported.java_delegate": _l(
        "Not supported: camunda:%(attribute)s on %(element)s (Java delegates are not run)."
    ),
    "unsupported.element": _l("Not supported: the element %(element)s."),
    "unsupported.complex_gateway": _l(
        "Not supported: %(element)s (there is no complex gateway; use an inclusive gateway with conditions)."
    ),
    "unsupported.compensation": _l("Not supported: %(element)s (compensation is not run; draw the undo as a flow)."),
    "unsupported.link_event": _l("Not supported: %(element)s (link events are not run; draw the sequence flow)."),
    "unsupported.choreography": _l("Not supported: %(element)s (conversations and choreographies are not executable)."),
    "unsupported.data_store": _l("Not supported: %(element)s (no data store is registered; use data objects)."),
    "multi_instance.no_collection": _l(
        "A multi-instance activity needs what it runs over: camunda:collection with camunda:elementVariable, "
        "a loop data input (loopDataInputRef) or a loop cardinality."
    ),
    "unsupported.ad_hoc": _l(
        "Not supported: %(element)s (an ad hoc sub-process has no order an inbox can follow; "
        "draw a parallel or inclusive gateway)."
    ),
    "unsupported.global_task": _l("Not supported: %(element)s (use a call activity to a process of the library)."),
    "unsupported.script_language": _l("Not supported: the script language %(language)s; scripts are Python."),
    "unsupported.input_output": _l("Input/output mappings (camunda:inputOutput) are ignored by this engine."),
    "unsupported.passive_task": _l("%(element)s does nothing in this engine; use a script task."),
    "process.no_start_event": _l("The process %(process)s has no start event."),
    "process.not_executable": _l("The process %(process)s is not marked as executable (isExecutable)."),
    "process.duplicate_id": _l("The process id %(process)s is defined more than once in the library."),
    "process.cannot_build": _l("The process %(process)s cannot be built: %(detail)s"),
    "flow.implicit_split": _l(
        "Several sequence flows leave this activity, and the engine takes only one: draw a parallel gateway after it."
    ),
    "flow.missing_end": _l("The sequence flow points to %(ref)s, which is not in this process."),
    "call.no_called_process": _l("The call activity names no called process."),
    "call.missing_process": _l("The called process %(ref)s is not in the process library."),
    "event.uncaught_error": _l("The error %(name)s (code %(code)s) was thrown and nothing in the diagram catches it."),
    "event.uncaught_escalation": _l(
        "The escalation %(name)s (code %(code)s) was thrown and nothing in the diagram catches it."
    ),
    "call.missing_at_runtime": _l("The called process of this call activity could not be started."),
    "timer.normalised": _l('Normalised: the timer value %(value)s was quoted ("%(value)s").'),
    "timer.empty": _l("The timer has no value."),
    "timer.juel": _l('The timer value %(value)s is a JUEL expression; write an ISO 8601 value such as "P15D".'),
    "timer.unquoted": _l(
        'The timer value %(value)s is not quoted: our engine would read it as a variable; write "%(value)s".'
    ),
    "timer.invalid": _l("The timer value %(value)s is not a valid ISO 8601 duration, date or cycle."),
    "gateway.flow_without_condition": _l(
        "This flow leaves the gateway %(gateway)s without a condition and is not its default flow."
    ),
    "gateway.no_default": _l("The exclusive gateway has no default flow."),
    "gateway.no_condition_met": _l("No condition of the gateway holds and it has no default flow."),
    "condition.juel": _l("The condition %(value)s is a JUEL expression; conditions are Python expressions."),
    "script.missing": _l("The script task has no script."),
    "script.syntax_error": _l("Line %(line)s: syntax error (%(detail)s)."),
    "script.import": _l("Line %(line)s: import statements are not allowed in diagram scripts."),
    "script.definition": _l("Line %(line)s: functions, lambdas and classes cannot be defined in diagram scripts."),
    "script.global": _l("Line %(line)s: global statements are not allowed in diagram scripts."),
    "script.augmented_assignment": _l("Line %(line)s: %(operator)s is not allowed in diagram scripts."),
    "script.forbidden_name": _l("Line %(line)s: the name %(name)s is not allowed in diagram scripts."),
    "script.forbidden_attribute": _l("Line %(line)s: the attribute %(name)s is not allowed in diagram scripts."),
    "script.forbidden_call": _l("Line %(line)s: %(name)s() is not allowed in diagram scripts."),
    "script.forbidden_statement": _l("Line %(line)s: %(statement)s statements are not allowed in diagram scripts."),
    "script.refused": _l("Line %(line)s: refused by the restricted script engine: %(detail)s"),
    "script.timeout": _l("The script ran longer than its time limit."),
    "script.too_large": _l("The result of %(operation)s would be too large for a diagram script."),
    "script.undefined_name": _l("Line %(line)s: the name %(name)s is not defined."),
    "script.missing_key": _l("Line %(line)s: the key %(key)s is missing."),
    "script.division_by_zero": _l("Line %(line)s: division by zero."),
    "script.failed": _l("Line %(line)s: the script failed (%(error_type)s: %(detail)s)."),
    "script.too_long": _l("The code is %(length)s characters long; at most %(limit)s are allowed."),
    "script.too_complex": _l("The code has more than %(limit)s parts; split or simplify it."),
    "script.too_deep": _l("The code is nested deeper than %(limit)s levels."),
    "script.constant_too_large": _l("Line %(line)s: a constant this large is not allowed in diagram code."),
    "script.unbounded": _l("Line %(line)s: %(name)s is not available in diagram code (it can run without bound)."),
    "script.format_width": _l("Line %(line)s: a width or precision of %(width)s is larger than %(limit)s."),
    "sandbox.time_limit": _l("The step ran longer than its limit of %(seconds)s s and was stopped."),
    "sandbox.memory_limit": _l("The step needed more memory than its budget allows and was stopped."),
    "sandbox.crashed": _l("The isolated engine process stopped unexpectedly (%(detail)s)."),
    "data.field_too_large": _l("The case field %(field)s is larger than %(limit_kb)s KB."),
    "data.too_large": _l("The case data is larger than %(limit_kb)s KB (at the field %(field)s)."),
    "data.too_deep": _l("The case field %(field)s is nested deeper than %(limit)s levels."),
    "lane.not_a_role": _l("A user task must sit in a lane named after a role (%(roles)s); found %(lane)s."),
    "form.missing": _l("The user task has no form (camunda:formKey and formData)."),
    "form.field_id_invalid": _l(
        "The form field id %(field)s is not a valid identifier (letters, digits and _, starting with a letter)."
    ),
    "form.field_id_reserved": _l("The form field id %(field)s is reserved; choose another name."),
    "form.field_type_unsupported": _l("The form field %(field)s has an unsupported type %(type)s."),
    "form.constraint_unknown": _l("The form field %(field)s has an unknown constraint %(constraint)s."),
    "form.constraint_not_a_number": _l("The form field %(field)s: the constraint %(constraint)s needs a whole number."),
    "form.enum_without_values": _l("The form field %(field)s is a choice (enum) without values."),
    "form.date_bound_invalid": _l(
        "The form field %(field)s: %(property)s “%(value)s” is not a date bound (today or a case variable, "
        "optionally +/- N d, m or y, e.g. received_on or today+1y)."
    ),
    "form.file_option_invalid": _l(
        "The form field %(field)s: the file option %(property)s “%(value)s” is not allowed (multiple: true or "
        "false; max_files 1–10; max_size_mb 1–20; allowed_types among pdf jpg jpeg png docx xlsx)."
    ),
    "decision.no_decision_ref": _l("The business rule task names no DMN decision (camunda:decisionRef)."),
    "decision.missing": _l("The DMN decision %(ref)s is not in the process library."),
    "decision.none": _l("The DMN document has no decision."),
    "decision.several": _l("A DMN document may hold one decision only; this one has %(count)s."),
    "decision.table_count": _l("A DMN decision must hold exactly one decision table; this one has %(count)s."),
}


def problem_message(code: str | None, params: Mapping[str, Any] | None) -> str:
    """The problem in the user's language; an unknown code keeps its English text as the detail."""
    values = dict(params or {})
    template = MESSAGES.get(code or "")
    if template is None:
        template = MESSAGES[UNKNOWN_PROBLEM]
        values = {"detail": english(code, values) if code else values.get("detail", "")}
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return english(code or UNKNOWN_PROBLEM, values)


def problem_dicts(problems: Iterable[DiagramProblem]) -> list[dict[str, Any]]:
    """Problems as the validate API and the modeler show them: element, code, params, translated message."""
    return [{**problem.as_dict(), "message": problem_message(problem.code, problem.params)} for problem in problems]


def step_failure_message(failure: EngineStepFailed) -> str:
    return problem_message(failure.code, failure.params)


def incident_message(code: str | None, params: Mapping[str, Any] | None, error: str = "") -> str:
    """A stored incident: coded since the incident model kept codes; older rows hold only English text."""
    if code is None:
        return problem_message(UNKNOWN_PROBLEM, {"detail": error})
    return problem_message(code, params)
