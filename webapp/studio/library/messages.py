"""Validation problems and refusals in the user's language.

The engine reports problems in English with the element's id; the messages our own checks
produce follow a few fixed patterns, translated here. Anything else (SpiffWorkflow's own parse
and XSD messages) is shown as the engine wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import gettext as _

from engine import DiagramProblem
from webapp.studio.library.service import LibraryRefused

_PATTERNS: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (re.compile(r"^not supported: (?P<what>.+)$"), lambda what: _("Not supported: %(what)s", what=what)),
    (
        re.compile(r"^normalised: timer value (?P<value>\S+) quoted as .+$"),
        lambda value: _('Normalised: the timer value %(value)s was quoted ("%(value)s").', value=value),
    ),
    (
        re.compile(r"^timer value '(?P<value>.*)' is not a valid ISO 8601 duration, date or cycle$"),
        lambda value: _("The timer value %(value)s is not a valid ISO 8601 duration, date or cycle.", value=value),
    ),
    (
        re.compile(r"^this flow leaves the gateway '(?P<gateway>.+)' without a condition and is not its default flow$"),
        lambda gateway: _(
            "This flow leaves the gateway %(gateway)s without a condition and is not its default flow.",
            gateway=gateway,
        ),
    ),
    (
        re.compile(r"^timer value (?P<value>\S+) is not quoted: .+$"),
        lambda value: _(
            'The timer value %(value)s is not quoted: our engine would read it as a variable; write "%(value)s".',
            value=value,
        ),
    ),
    (
        re.compile(r"^timer value (?P<value>'.*') is a JUEL expression.*$"),
        lambda value: _(
            'The timer value %(value)s is a JUEL expression; write an ISO 8601 value such as "P15D".', value=value
        ),
    ),
    (
        re.compile(r"^condition (?P<value>'.*') is a JUEL expression.*$"),
        lambda value: _(
            "The condition %(value)s is a JUEL expression; conditions are Python expressions.", value=value
        ),
    ),
    (
        re.compile(r"^(?P<what>condition|script|expression|timer expression) ?(?P<value>'.*')? refused: (?P<why>.+)$"),
        lambda what, value, why: _("Refused by the restricted script engine: %(why)s", why=why),
    ),
    (
        re.compile(r"^business rule task has no camunda:decisionRef$"),
        lambda: _("The business rule task names no DMN decision (camunda:decisionRef)."),
    ),
    (
        re.compile(r"^call activity names no called process$"),
        lambda: _("The call activity names no called process."),
    ),
    (
        re.compile(r"^camunda:inputOutput mappings are ignored by this engine$"),
        lambda: _("Input/output mappings (camunda:inputOutput) are ignored by this engine."),
    ),
    (
        re.compile(r"^the DMN decision '(?P<ref>.+)' is not in the process library$"),
        lambda ref: _("The DMN decision %(ref)s is not in the process library.", ref=ref),
    ),
    (
        re.compile(r"^the called process '(?P<ref>.+)' is not in the process library$"),
        lambda ref: _("The called process %(ref)s is not in the process library.", ref=ref),
    ),
    (
        re.compile(r"^form field id '(?P<field>.*)' is not a valid identifier.*$"),
        lambda field: _(
            "The form field id %(field)s is not a valid identifier (letters, digits and _, starting with a letter).",
            field=field,
        ),
    ),
    (
        re.compile(r"^user task must sit in a lane named after a role \((?P<roles>[^)]*)\); found (?P<lane>.*)$"),
        lambda roles, lane: _(
            "A user task must sit in a lane named after a role (%(roles)s); found %(lane)s.", roles=roles, lane=lane
        ),
    ),
    (
        re.compile(r"^user task has no form.*$"),
        lambda: _("The user task has no form (camunda:formKey and formData)."),
    ),
    (
        re.compile(r"^malformed XML: (?P<detail>.+)$"),
        lambda detail: _("Malformed XML: %(detail)s", detail=detail),
    ),
    (
        re.compile(r"^the file is not valid UTF-8 \(byte (?P<byte>\d+)\)$"),
        lambda byte: _("The file is not UTF-8 text (byte %(byte)s).", byte=byte),
    ),
    (
        re.compile(r"^document type declarations (and entities )?are not allowed in diagrams$"),
        lambda: _("Document type declarations and entities are not allowed in diagrams."),
    ),
    (
        re.compile(r"^the file is larger than (?P<size>\d+) MB$"),
        lambda size: _("The file is larger than %(size)s MB.", size=size),
    ),
    (
        re.compile(r"^this is a (?P<kind>\w+) document where a (?P<expected>\w+) document is expected$"),
        lambda kind, expected: _(
            "This is a %(kind)s document where a %(expected)s document is expected.", kind=kind, expected=expected
        ),
    ),
    (
        re.compile(r"^this is not a BPMN or DMN document \(its root element is (?P<root>.+)\)$"),
        lambda root: _("This is not a BPMN or DMN document (its root element is %(root)s).", root=root),
    ),
    (
        re.compile(r"^(?P<what>serviceTask|sendTask) does nothing in this engine.*$"),
        lambda what: _("%(what)s does nothing in this engine; use a script task.", what=what),
    ),
    (
        re.compile(r"^exclusive gateway has no default flow$"),
        lambda: _("The exclusive gateway has no default flow."),
    ),
]


def problem_message(problem: DiagramProblem) -> str:
    for pattern, translate in _PATTERNS:
        match = pattern.match(problem.message)
        if match:
            return translate(**match.groupdict())
    return problem.message


def problem_dicts(problems: Iterable[DiagramProblem]) -> list[dict[str, Any]]:
    return [{**problem.as_dict(), "message": problem_message(problem)} for problem in problems]


def refusal_message(exc: LibraryRefused) -> str:
    text = str(exc.message)
    return text % exc.params if exc.params else text
