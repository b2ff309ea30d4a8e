"""The catalogue of every problem the engine reports: a stable code and its English template.

A problem travels as data — ``code``, ``params`` (plain values) and, where it has one, the
element's id — never as a sentence. The English templates here are for logs, tests and the
command line; the web layer translates the codes into the user's language (uz, ru, en) and
names every code of this catalogue once (a test checks both lists match).

Anything SpiffWorkflow, RestrictedPython or lxml reports that we do not recognise becomes
``engine.unknown`` with the original text as its ``detail``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

UNKNOWN: Final = "engine.unknown"

CATALOGUE: Final[Mapping[str, str]] = {
    UNKNOWN: "%(detail)s",
    # The document as XML (engine.xml_safety) and as the kind of diagram expected.
    "xml.too_large": "the file is larger than %(size)s MB",
    "xml.doctype": "document type declarations and entities are not allowed in diagrams",
    "xml.not_utf8": "the file is not valid UTF-8 (byte %(byte)s)",
    "xml.malformed": "malformed XML: %(detail)s",
    "document.not_a_diagram": "this is not a BPMN or DMN document (its root element is <%(root)s>)",
    "document.wrong_kind": "this is a %(kind)s document where a %(expected)s document is expected",
    # The BPMN and DMN schemas (XSD).
    "schema.unexpected_element": "the element %(element)s is not allowed here by the %(schema)s schema",
    "schema.invalid": "the element %(element)s does not follow the %(schema)s schema: %(detail)s",
    # Constructs of other tools and dialects that our engine does not run.
    "unsupported.zeebe": "not supported: Camunda 8 (Zeebe) extension zeebe:%(name)s; use the Camunda 7 dialect",
    "unsupported.connector": "not supported: camunda:connector (HTTP/SOAP connectors are not run)",
    "unsupported.listener": "not supported: camunda:%(name)s (listeners are not run; use a script task)",
    "unsupported.external_task": 'not supported: external task (camunda:type="external") on %(element)s',
    "unsupported.java_delegate": "not supported: camunda:%(attribute)s on %(element)s (Java delegates are not run)",
    "unsupported.element": "not supported: the element %(element)s",
    "unsupported.complex_gateway": (
        "not supported: %(element)s (the engine has no complex gateway; use an inclusive gateway with conditions)"
    ),
    "unsupported.compensation": "not supported: %(element)s (compensation is not run; model the undo as a flow)",
    "unsupported.link_event": "not supported: %(element)s (link events are not run; draw the sequence flow)",
    "unsupported.choreography": "not supported: %(element)s (conversations and choreographies are not executable)",
    "unsupported.data_store": "not supported: %(element)s (no data store is registered; use data objects)",
    "multi_instance.no_collection": (
        "multi-instance needs what it runs over: camunda:collection with camunda:elementVariable, "
        "a loop data input (loopDataInputRef) or a loop cardinality"
    ),
    "unsupported.ad_hoc": (
        "not supported: %(element)s (an ad hoc sub-process has no order an inbox can follow; "
        "draw a parallel or inclusive gateway)"
    ),
    "unsupported.global_task": "not supported: %(element)s (use a call activity to a process of the library)",
    "unsupported.script_language": "not supported: script language '%(language)s'; scripts are Python",
    "unsupported.input_output": "camunda:inputOutput mappings are ignored by this engine",
    "unsupported.passive_task": "%(element)s does nothing in this engine (it only passes); use a script task",
    # Processes and flows.
    "process.no_start_event": "the process '%(process)s' has no start event",
    "process.not_executable": "the process '%(process)s' is not marked executable (isExecutable)",
    "process.duplicate_id": "the process id '%(process)s' is defined more than once in the library",
    "process.cannot_build": "the process '%(process)s' cannot be built: %(detail)s",
    "flow.implicit_split": (
        "several sequence flows leave this activity; the engine takes only one: draw a parallel gateway after it"
    ),
    "flow.missing_end": "the sequence flow points to '%(ref)s', which is not in the process",
    "call.no_called_process": "call activity names no called process",
    "call.missing_process": "the called process '%(ref)s' is not in the process library",
    "event.uncaught_error": "the error '%(name)s' (code %(code)s) was thrown and nothing in the diagram catches it",
    "event.uncaught_escalation": (
        "the escalation '%(name)s' (code %(code)s) was thrown and nothing in the diagram catches it"
    ),
    "call.missing_at_runtime": "the called process of this call activity could not be started",
    # Timers.
    "timer.normalised": 'normalised: timer value %(value)s quoted as "%(value)s"',
    "timer.empty": "the timer has no value",
    "timer.juel": "timer value '%(value)s' is a JUEL expression; write an ISO 8601 string such as \"P15D\"",
    "timer.unquoted": 'timer value %(value)s is not quoted: SpiffWorkflow reads it as a Python name; write "%(value)s"',
    "timer.invalid": "timer value '%(value)s' is not a valid ISO 8601 duration, date or cycle",
    # Gateways and conditions.
    "gateway.flow_without_condition": (
        "this flow leaves the gateway '%(gateway)s' without a condition and is not its default flow"
    ),
    "gateway.no_default": "exclusive gateway has no default flow",
    "gateway.no_condition_met": "no condition of the gateway is true and it has no default flow",
    "condition.juel": "condition '%(value)s' is a JUEL expression; conditions are Python expressions",
    # Scripts, conditions and expressions under the restricted compiler (engine.scripting).
    "script.missing": "the script task has no script",
    "script.syntax_error": "line %(line)s: syntax error: %(detail)s",
    "script.import": "line %(line)s: import statements are not allowed in diagram scripts",
    "script.definition": "line %(line)s: function, lambda and class definitions are not allowed in diagram scripts",
    "script.global": "line %(line)s: global statements are not allowed in diagram scripts",
    "script.augmented_assignment": "line %(line)s: augmented %(operator)s is not allowed in diagram scripts",
    "script.forbidden_name": "line %(line)s: the name %(name)s is not allowed in diagram scripts",
    "script.forbidden_attribute": "line %(line)s: the attribute %(name)s is not allowed",
    "script.forbidden_call": "line %(line)s: %(name)s() is not allowed in diagram scripts",
    "script.forbidden_statement": "line %(line)s: %(statement)s statements are not allowed in diagram scripts",
    "script.refused": "line %(line)s: refused by the restricted compiler: %(detail)s",
    "script.timeout": "the script ran longer than its time limit",
    "script.too_large": "the result of %(operation)s would be too large for a diagram script",
    "script.undefined_name": "line %(line)s: the name '%(name)s' is not defined",
    "script.missing_key": "line %(line)s: the key %(key)s is missing",
    "script.division_by_zero": "line %(line)s: division by zero",
    "script.failed": "line %(line)s: %(error_type)s: %(detail)s",
    # Diagram code refused before it runs (engine.scripting): size, depth and unbounded constructs.
    "script.too_long": "the code is %(length)s characters long; at most %(limit)s are allowed",
    "script.too_complex": "the code has more than %(limit)s parts; split it or simplify it",
    "script.too_deep": "the code is nested deeper than %(limit)s levels",
    "script.constant_too_large": "line %(line)s: a constant this large is not allowed in diagram code",
    "script.unbounded": "line %(line)s: %(name)s is not available in diagram code (it can run without bound)",
    "script.format_width": "line %(line)s: a width or precision of %(width)s is larger than %(limit)s",
    # Limits of the isolated engine process (engine.sandbox), which the code cannot catch.
    "sandbox.time_limit": "the step ran longer than its limit of %(seconds)s s and was stopped",
    "sandbox.memory_limit": "the step needed more memory than its budget allows and was stopped",
    "sandbox.crashed": "the isolated engine process stopped unexpectedly (%(detail)s)",
    # Case data (engine.data_limits).
    "data.field_too_large": "the case field '%(field)s' is larger than %(limit_kb)s KB",
    "data.too_large": "the case data is larger than %(limit_kb)s KB (at the field '%(field)s')",
    "data.too_deep": "the case field '%(field)s' is nested deeper than %(limit)s levels",
    # User tasks: lanes and forms.
    "lane.not_a_role": "user task must sit in a lane named after a role (%(roles)s); found '%(lane)s'",
    "form.missing": "user task has no form (camunda:formKey and formData)",
    "form.field_id_invalid": (
        "form field id '%(field)s' is not a valid identifier (letters, digits and _; not starting with a digit)"
    ),
    "form.field_id_reserved": "form field id '%(field)s' is reserved; choose another name",
    "form.field_type_unsupported": "form field '%(field)s' has unsupported type '%(type)s'",
    "form.constraint_unknown": "form field '%(field)s' has unknown constraint '%(constraint)s'",
    "form.constraint_not_a_number": "form field '%(field)s': constraint %(constraint)s needs a whole number",
    "form.enum_without_values": "form field '%(field)s' is an enum without values",
    "form.date_bound_invalid": "form field '%(field)s': %(property)s '%(value)s' is not a date range bound "
    "(today or a case variable, optionally +/-N d, m or y)",
    "form.file_option_invalid": "form field '%(field)s': the file option %(property)s '%(value)s' is not allowed "
    "(multiple: true or false; max_files 1-10; max_size_mb 1-20; allowed_types among pdf jpg jpeg png docx xlsx)",
    # Decisions (DMN).
    "decision.no_decision_ref": "business rule task has no camunda:decisionRef",
    "decision.missing": "the DMN decision '%(ref)s' is not in the process library",
    "decision.none": "the DMN document has no decision",
    "decision.several": "a DMN document may hold one decision only; found %(count)s",
    "decision.table_count": "the DMN decision must hold exactly one decision table; found %(count)s",
}


def english(code: str, params: Mapping[str, Any]) -> str:
    """The English text of a problem (for logs and the command line)."""
    template = CATALOGUE.get(code)
    if template is None:
        return f"{code} {dict(params)}"
    try:
        return template % dict(params)
    except (KeyError, TypeError, ValueError):
        return f"{template} {dict(params)}"


def unknown(detail: object) -> tuple[str, dict[str, Any]]:
    """The generic problem for a message we do not recognise: its text kept as the detail."""
    return UNKNOWN, {"detail": str(detail)}
