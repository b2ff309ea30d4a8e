"""Untrusted diagram documents: hostile XML is refused, broken libraries are reported precisely."""

from __future__ import annotations

import re
import time

import pytest

import engine.xml_safety
from engine import DiagramError, load_library
from engine.xml_safety import MAX_DIAGRAM_BYTES, parse_diagram_xml

LANES = ("inspector", "supervisor", "partner")

XML_DECL = b'<?xml version="1.0" encoding="UTF-8"?>\n'
DEFINITIONS = (
    b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
    b'targetNamespace="http://mahalla.uz/bpmn">'
)


def single_problem(exc: DiagramError):
    assert len(exc.problems) == 1, exc.problems
    return exc.problems[0]


@pytest.fixture
def no_xml_parsing(monkeypatch):
    """Fail the test if the document ever reaches lxml's parser."""

    def forbidden():
        raise AssertionError("the document reached the XML parser")

    monkeypatch.setattr(engine.xml_safety, "_parser", forbidden)


def test_xxe_is_refused_without_reading_the_file(tmp_path, no_xml_parsing):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    payload = (
        XML_DECL
        + f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>\n'.encode()
        + DEFINITIONS
        + b"<bpmn:process id='p' isExecutable='true'><bpmn:documentation>&e;</bpmn:documentation>"
        + b"</bpmn:process></bpmn:definitions>"
    )
    with pytest.raises(DiagramError) as info:
        parse_diagram_xml(payload, "evil.bpmn")
    problem = single_problem(info.value)
    assert problem.message == "document type declarations and entities are not allowed in diagrams"
    assert problem.file == "evil.bpmn"
    assert "TOP-SECRET" not in str(info.value)


def test_xxe_against_etc_passwd_refused_by_load_library(process_files):
    payload = (
        XML_DECL
        + b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        + DEFINITIONS
        + b"<bpmn:process id='p' isExecutable='true'><bpmn:documentation>&e;</bpmn:documentation>"
        + b"</bpmn:process></bpmn:definitions>"
    )
    with pytest.raises(DiagramError) as info:
        load_library({**process_files, "evil.bpmn": payload}, "appeal_lifecycle", allowed_lanes=LANES)
    problem = single_problem(info.value)
    assert problem.file == "evil.bpmn"
    assert "not allowed" in problem.message
    assert "root:" not in str(info.value)


def test_billion_laughs_is_refused_quickly(no_xml_parsing):
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    payload = (
        XML_DECL
        + b"<!DOCTYPE lolz ["
        + "".join(entities).encode()
        + b"]>\n"
        + DEFINITIONS
        + b"<bpmn:process id='p'><bpmn:documentation>&lol9;</bpmn:documentation></bpmn:process>"
        + b"</bpmn:definitions>"
    )
    started = time.monotonic()
    with pytest.raises(DiagramError) as info:
        parse_diagram_xml(payload, "lol.bpmn")
    assert time.monotonic() - started < 1
    assert single_problem(info.value).message == ("document type declarations and entities are not allowed in diagrams")


def test_entity_declaration_far_into_the_file_is_refused(no_xml_parsing):
    padding = b"<!--" + b" " * 10_000 + b"-->\n"
    payload = XML_DECL + padding + b'<!DOCTYPE x [<!ENTITY e "boom">]>' + DEFINITIONS + b"&e;</bpmn:definitions>"
    with pytest.raises(DiagramError) as info:
        parse_diagram_xml(payload, "late.bpmn")
    assert "entities are not allowed" in single_problem(info.value).message


def test_doctype_after_a_long_comment_is_refused():
    # no <!ENTITY, and the DOCTYPE sits beyond the first 4 KB: the parsed tree is checked too
    padding = b"<!--" + b" " * 10_000 + b"-->\n"
    payload = XML_DECL + padding + b'<!DOCTYPE x SYSTEM "file:///etc/passwd">' + DEFINITIONS + b"</bpmn:definitions>"
    with pytest.raises(DiagramError) as info:
        parse_diagram_xml(payload, "late.bpmn")
    assert single_problem(info.value).code == "xml.doctype"


def test_malformed_xml_names_the_line(process_files):
    text = process_files["appeal_registration.bpmn"].decode()
    broken = text.replace("</bpmn:process>", "</bpmn:proces>")
    expected_line = text[: text.index("</bpmn:process>")].count("\n") + 1
    with pytest.raises(DiagramError) as info:
        load_library({**process_files, "appeal_registration.bpmn": broken.encode()}, "appeal_lifecycle")
    problem = single_problem(info.value)
    assert problem.message.startswith("malformed XML: ")
    assert problem.file == "appeal_registration.bpmn"
    assert problem.line == expected_line
    assert re.search(rf"line {expected_line}\b", problem.message)


def test_malformed_xml_truncated():
    with pytest.raises(DiagramError) as info:
        parse_diagram_xml(XML_DECL + DEFINITIONS + b"\n<bpmn:process id='p'>", "cut.bpmn")
    problem = single_problem(info.value)
    assert "malformed XML" in problem.message
    assert problem.line == 3


def test_non_utf8_bytes_are_refused(process_files):
    data = process_files["appeal_registration.bpmn"]
    marker = b"Murojaat kelib tushdi"
    position = data.index(marker)
    latin1 = data.replace(marker, b"Murojaat \xe9 tushdi", 1)
    with pytest.raises(DiagramError) as info:
        load_library({**process_files, "appeal_registration.bpmn": latin1}, "appeal_lifecycle")
    problem = single_problem(info.value)
    assert problem.message == f"the file is not valid UTF-8 (byte {position + len(b'Murojaat ')})"
    assert problem.file == "appeal_registration.bpmn"


def test_file_over_the_size_limit_is_refused(process_files, no_xml_parsing):
    assert MAX_DIAGRAM_BYTES == 2 * 1024 * 1024
    data = process_files["appeal_monitoring.bpmn"]
    padded = data + b"<!--" + b"x" * (MAX_DIAGRAM_BYTES - len(data) - 7 + 1) + b"-->"
    assert len(padded) == MAX_DIAGRAM_BYTES + 1
    with pytest.raises(DiagramError) as info:
        parse_diagram_xml(padded, "big.bpmn")
    problem = single_problem(info.value)
    assert problem.message == "the file is larger than 2 MB"
    assert problem.file == "big.bpmn"


def test_file_at_the_size_limit_is_accepted(process_files):
    data = process_files["appeal_monitoring.bpmn"]
    padded = data + b"<!--" + b"x" * (MAX_DIAGRAM_BYTES - len(data) - 7) + b"-->"
    assert len(padded) == MAX_DIAGRAM_BYTES
    tree = parse_diagram_xml(padded, "big.bpmn")
    assert tree.getroot().get("id") == "definitions_appeal_monitoring"


def test_string_input_is_accepted(process_files):
    tree = parse_diagram_xml(process_files["appeal_reply.bpmn"].decode(), "appeal_reply.bpmn")
    assert tree.getroot().get("id") == "definitions_appeal_reply"


def test_call_activity_naming_a_missing_process(process_files):
    lifecycle = process_files["appeal_lifecycle.bpmn"].replace(
        b'calledElement="appeal_reply"', b'calledElement="appeal_missing"'
    )
    with pytest.raises(DiagramError) as info:
        load_library({**process_files, "appeal_lifecycle.bpmn": lifecycle}, "appeal_lifecycle", allowed_lanes=LANES)
    problem = single_problem(info.value)
    assert "'appeal_missing' is not in the process library" in problem.message
    assert (problem.element_id, problem.file) == ("call_reply", "appeal_lifecycle.bpmn")


def test_library_missing_a_called_file(process_files):
    files = {k: v for k, v in process_files.items() if k != "appeal_monitoring.bpmn"}
    with pytest.raises(DiagramError) as info:
        load_library(files, "appeal_lifecycle", allowed_lanes=LANES)
    problem = single_problem(info.value)
    assert "'appeal_monitoring' is not in the process library" in problem.message
    assert problem.element_id == "call_monitoring"


def test_unknown_main_process(process_files):
    with pytest.raises(DiagramError) as info:
        load_library(process_files, "appeal_unknown", allowed_lanes=LANES)
    assert "appeal_unknown" in str(info.value)


def test_user_task_in_citizen_lane(load_modified):
    with pytest.raises(DiagramError) as info:
        load_modified(
            "appeal_registration.bpmn",
            '<bpmn:lane id="lane_appeal_registration_supervisor" name="supervisor">',
            '<bpmn:lane id="lane_appeal_registration_supervisor" name="citizen">',
        )
    problem = single_problem(info.value)
    assert problem.element_id == "approve_conclusion"
    assert problem.message == (
        "user task must sit in a lane named after a role (inspector, partner, supervisor); found 'citizen'"
    )
    assert "#approve_conclusion" in str(info.value)


def test_every_task_of_a_bad_lane_is_named(load_modified):
    with pytest.raises(DiagramError) as info:
        load_modified(
            "appeal_reply.bpmn",
            '<bpmn:lane id="lane_appeal_reply_inspector" name="inspector">',
            '<bpmn:lane id="lane_appeal_reply_inspector" name="citizen">',
        )
    assert sorted(p.element_id for p in info.value.problems) == ["prepare_reply", "record_result"]


def test_lanes_unchecked_without_allowed_lanes(process_files):
    text = process_files["appeal_registration.bpmn"].replace(b'name="supervisor"', b'name="citizen"')
    library = load_library({**process_files, "appeal_registration.bpmn": text}, "appeal_lifecycle")
    assert library.user_task("approve_conclusion").lane == "citizen"


def test_user_task_without_a_form(process_files):
    text = process_files["appeal_registration.bpmn"].decode()
    start = text.index('<bpmn:userTask id="write_conclusion"')
    ext_start = text.index("<bpmn:extensionElements>", start)
    ext_end = text.index("</bpmn:extensionElements>", start) + len("</bpmn:extensionElements>")
    without_form = text[:ext_start] + text[ext_end:]
    with pytest.raises(DiagramError) as info:
        load_library(
            {**process_files, "appeal_registration.bpmn": without_form.encode()},
            "appeal_lifecycle",
            allowed_lanes=LANES,
        )
    problem = single_problem(info.value)
    assert problem.element_id == "write_conclusion"
    assert problem.message == "user task has no form (camunda:formKey and formData)"


def test_user_task_with_empty_form_data(load_modified):
    with pytest.raises(DiagramError) as info:
        load_modified(
            "appeal_reply.bpmn",
            '<camunda:formField id="reply_approved" label="Javob tasdiqlanadi" type="boolean">\n'
            "            <camunda:properties>\n"
            '              <camunda:property id="approval" value="reply_comment"/>\n'
            '              <camunda:property id="approval_shows" value="reply_text reply_channel"/>\n'
            "            </camunda:properties>\n"
            "          </camunda:formField>\n"
            '          <camunda:formField id="reply_comment" label="Rahbar izohi" type="string">\n'
            "            <camunda:validation>\n"
            '              <camunda:constraint name="maxlength" config="2000"/>\n'
            "            </camunda:validation>\n"
            "          </camunda:formField>",
            "",
        )
    assert [p.element_id for p in info.value.problems] == ["approve_reply"]


def test_xsd_violation_is_located(load_modified):
    with pytest.raises(DiagramError) as info:
        load_modified(
            "appeal_monitoring.bpmn", '<bpmn:startEvent id="start_event"', '<bpmn:startEvent ident="start_event"'
        )
    problem = single_problem(info.value)
    assert problem.file == "appeal_monitoring.bpmn"
    assert "ident" in problem.message
    assert isinstance(problem.line, int) and problem.line > 1


def test_problems_of_several_files_are_all_reported(process_files):
    files = {
        **process_files,
        "a.bpmn": b"<not-closed>",
        "b.bpmn": XML_DECL + b'<!DOCTYPE x [<!ENTITY e "e">]><x/>',
    }
    with pytest.raises(DiagramError) as info:
        load_library(files, "appeal_lifecycle", allowed_lanes=LANES)
    assert [p.file for p in info.value.problems] == ["a.bpmn", "b.bpmn"]
