"""Form definitions read from the diagrams, and validation of submitted values."""

from __future__ import annotations

import datetime as dt

import pytest

from engine import FieldError, FieldOption, FormDefinition, FormField, FormInvalid, validate_submission

# --- definitions read from camunda:formData ------------------------------------------------


def test_every_user_task_has_its_form(library):
    assert sorted(library.user_tasks) == sorted(
        [
            "check_registration",
            "write_conclusion",
            "approve_conclusion",
            "forward_appeal",
            "analyse_appeal",
            "write_repeated_conclusion",
            "approve_repeated_conclusion",
            "refer_law_enforcement",
            "refer_social_services",
            "evaluate_proposal",
            "take_measures",
            "prepare_reply",
            "approve_reply",
            "record_result",
            "evaluate_effectiveness",
            "consider_related_appeal",
            "review_overdue_case",
            "acknowledge_referral",
            "report_referral_outcome",
            "review_overdue_referral",
        ]
    )
    for task_id, info in library.user_tasks.items():
        assert info.form.key == task_id
        assert info.form.fields, task_id
        assert info.lane in ("inspector", "supervisor", "partner")
    lanes = {task_id: info.lane for task_id, info in library.user_tasks.items()}
    assert {t for t, lane in lanes.items() if lane == "supervisor"} == {
        "approve_conclusion",
        "approve_repeated_conclusion",
        "approve_reply",
        "evaluate_effectiveness",
        "review_overdue_case",
        "review_overdue_referral",
    }


def test_enum_field_with_options(library):
    form = library.user_task("check_registration").form
    assert [f.id for f in form.fields] == [
        "kind",
        "category",
        "urgency",
        "anonymous",
        "within_competence",
        "registration_note",
    ]
    kind = form.field("kind")
    assert kind.type == "enum"
    assert kind.label == "Murojaat turi"
    assert kind.required is True
    assert kind.readonly is False
    assert kind.default is None
    assert kind.options == (
        FieldOption("ariza", "Ariza"),
        FieldOption("taklif", "Taklif"),
        FieldOption("shikoyat", "Shikoyat"),
    )
    assert [o.id for o in form.field("urgency").options] == ["normal", "urgent"]
    assert len(form.field("category").options) == 7
    assert form.field("category").options[-1] == FieldOption("other", "Boshqa")


def test_boolean_default_from_default_value(library):
    form = library.user_task("check_registration").form
    within = form.field("within_competence")
    assert within.type == "boolean"
    assert within.default is True  # defaultValue="true"
    assert within.required is False
    anonymous = form.field("anonymous")
    assert anonymous.type == "boolean"
    assert anonymous.default is False  # no defaultValue
    measures = library.user_task("take_measures").form
    assert measures.field("personal_data_protected").default is True
    assert measures.field("problem_resolved").default is False


def test_string_constraints(library):
    conclusion = library.user_task("write_conclusion").form.field("conclusion_text")
    assert (conclusion.type, conclusion.required, conclusion.minlength, conclusion.maxlength) == (
        "string",
        True,
        20,
        4000,
    )
    note = library.user_task("check_registration").form.field("registration_note")
    assert (note.type, note.required, note.minlength, note.maxlength) == ("string", False, None, 1000)
    assert note.min is None and note.max is None


def test_long_and_date_fields(library):
    form = library.user_task("evaluate_effectiveness").form
    score = form.field("effectiveness_score")
    assert (score.type, score.required, score.min, score.max) == ("long", True, 1, 5)
    assert score.minlength is None and score.maxlength is None
    assert score.label == "Baho (1–5)"
    date = library.user_task("forward_appeal").form.field("forward_date")
    assert (date.type, date.required, date.default) == ("date", True, None)


def test_field_as_dict(library):
    assert library.user_task("evaluate_effectiveness").form.field("effectiveness_score").as_dict() == {
        "id": "effectiveness_score",
        "type": "long",
        "label": "Baho (1–5)",
        "required": True,
        "readonly": False,
        "default": None,
        "options": [],
        "min": 1,
        "max": 5,
        "minlength": None,
        "maxlength": None,
    }


def test_form_field_lookup_missing(library):
    assert library.user_task("write_conclusion").form.field("nope") is None
    assert library.user_task("no_such_task") is None


def test_readonly_constraint_is_read(load_modified):
    lib = load_modified(
        "appeal_registration.bpmn",
        '<camunda:formField id="registration_note" label="Izoh" type="string">\n            <camunda:validation>\n',
        '<camunda:formField id="registration_note" label="Izoh" type="string">\n'
        "            <camunda:validation>\n"
        '              <camunda:constraint name="readonly"/>\n',
    )
    note = lib.user_task("check_registration").form.field("registration_note")
    assert note.readonly is True
    assert note.maxlength == 1000


def test_unsupported_field_type_is_a_diagram_error(load_modified):
    from engine import DiagramError

    with pytest.raises(DiagramError) as info:
        load_modified(
            "appeal_registration.bpmn",
            '<camunda:formField id="registration_note" label="Izoh" type="string">',
            '<camunda:formField id="registration_note" label="Izoh" type="blob">',
        )
    problems = [(p.element_id, p.message) for p in info.value.problems]
    assert ("check_registration", "form field 'registration_note' has unsupported type 'blob'") in problems


def test_non_numeric_constraint_is_a_diagram_error(load_modified):
    from engine import DiagramError

    with pytest.raises(DiagramError) as info:
        load_modified(
            "appeal_monitoring.bpmn",
            '<camunda:constraint name="max" config="5"/>',
            '<camunda:constraint name="max" config="five"/>',
        )
    assert [(p.element_id, p.message) for p in info.value.problems if p.severity == "error"] == [
        ("evaluate_effectiveness", "form field 'effectiveness_score': constraint max needs a whole number")
    ]


# --- validate_submission, unit cases ---------------------------------------------------------

TEXT = FormField("text", "string", "Text", required=True, minlength=3, maxlength=5)
NOTE = FormField("note", "string", "Note")
COUNT = FormField("count", "long", "Count", required=True, min=1, max=5)
FLAG = FormField("flag", "boolean", "Flag")
WHEN = FormField("when", "date", "When", required=True)
CHOICE = FormField("choice", "enum", "Choice", required=True, options=(FieldOption("a", "A"), FieldOption("b", "B")))
LOCKED = FormField("locked", "string", "Locked", readonly=True)


def form(*fields: FormField) -> FormDefinition:
    return FormDefinition(key="unit", fields=fields)


def errors_of(definition: FormDefinition, submitted: dict) -> list[FieldError]:
    with pytest.raises(FormInvalid) as info:
        validate_submission(definition, submitted)
    return info.value.errors


def test_required_missing():
    assert errors_of(form(TEXT), {}) == [FieldError("text", "required")]


@pytest.mark.parametrize("value", ["", "   ", None])
def test_required_empty(value):
    assert errors_of(form(TEXT), {"text": value}) == [FieldError("text", "required")]


def test_string_too_short_and_too_long():
    assert errors_of(form(TEXT), {"text": "ab"}) == [FieldError("text", "too_short", {"min": 3})]
    assert errors_of(form(TEXT), {"text": "abcdef"}) == [FieldError("text", "too_long", {"max": 5})]
    # the boundaries are inclusive and the value is stripped before measuring
    assert validate_submission(form(TEXT), {"text": "abc"}) == {"text": "abc"}
    assert validate_submission(form(TEXT), {"text": "  abcde  "}) == {"text": "abcde"}
    assert errors_of(form(TEXT), {"text": "  ab  "}) == [FieldError("text", "too_short", {"min": 3})]


def test_string_must_be_text():
    assert errors_of(form(TEXT), {"text": 12345}) == [FieldError("text", "not_text")]


def test_long_valid_values():
    assert validate_submission(form(COUNT), {"count": 3}) == {"count": 3}
    assert validate_submission(form(COUNT), {"count": "4"}) == {"count": 4}
    assert validate_submission(form(COUNT), {"count": " 5 "}) == {"count": 5}
    assert type(validate_submission(form(COUNT), {"count": "4"})["count"]) is int


@pytest.mark.parametrize("value", ["3.5", 3.0, "abc", "1e2", True, False, "--1", [1]])
def test_long_not_integer(value):
    assert errors_of(form(COUNT), {"count": value}) == [FieldError("count", "not_integer")]


def test_long_min_max():
    assert errors_of(form(COUNT), {"count": 0}) == [FieldError("count", "too_small", {"min": 1})]
    assert errors_of(form(COUNT), {"count": "-2"}) == [FieldError("count", "too_small", {"min": 1})]
    assert errors_of(form(COUNT), {"count": "6"}) == [FieldError("count", "too_large", {"max": 5})]
    assert validate_submission(form(COUNT), {"count": 1}) == {"count": 1}
    assert validate_submission(form(COUNT), {"count": 5}) == {"count": 5}


def test_long_required_missing():
    assert errors_of(form(COUNT), {"count": ""}) == [FieldError("count", "required")]


@pytest.mark.parametrize("value", ["2026-02-30", "12.01.2026", "2026-13-01", "tomorrow", 20260112])
def test_date_invalid(value):
    assert errors_of(form(WHEN), {"when": value}) == [FieldError("when", "not_date")]


def test_date_valid():
    assert validate_submission(form(WHEN), {"when": "2026-01-12"}) == {"when": "2026-01-12"}
    assert validate_submission(form(WHEN), {"when": " 2024-02-29 "}) == {"when": "2024-02-29"}
    assert validate_submission(form(WHEN), {"when": dt.date(2026, 1, 12)}) == {"when": "2026-01-12"}


def test_enum_not_a_choice():
    assert errors_of(form(CHOICE), {"choice": "c"}) == [FieldError("choice", "not_a_choice", {"choices": ["a", "b"]})]
    # labels are not ids, and matching is exact
    assert errors_of(form(CHOICE), {"choice": "A"}) == [FieldError("choice", "not_a_choice", {"choices": ["a", "b"]})]
    assert validate_submission(form(CHOICE), {"choice": "b"}) == {"choice": "b"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("on", True),
        ("true", True),
        ("True", True),
        ("1", True),
        (True, True),
        ("false", False),
        ("0", False),
        (False, False),
    ],
)
def test_boolean_values(value, expected):
    result = validate_submission(form(FLAG), {"flag": value})
    assert result == {"flag": expected}
    assert type(result["flag"]) is bool


@pytest.mark.parametrize("value", ["yes", "off", 1, 0, "2"])
def test_boolean_refused(value):
    assert errors_of(form(FLAG), {"flag": value}) == [FieldError("flag", "not_boolean")]


def test_unknown_field_refused():
    assert errors_of(form(NOTE), {"note": "x", "status": "answered"}) == [FieldError("status", "unknown_field")]


def test_unknown_field_reported_with_other_errors():
    errors = errors_of(form(TEXT, COUNT), {"extra": 1, "count": "9"})
    assert errors == [
        FieldError("extra", "unknown_field"),
        FieldError("text", "required"),
        FieldError("count", "too_large", {"max": 5}),
    ]


def test_optional_fields_filled_with_none_or_false():
    definition = form(NOTE, FLAG, FormField("n", "long", "N"), FormField("d", "date", "D"), FormField("e", "enum", "E"))
    assert validate_submission(definition, {}) == {"note": None, "flag": False, "n": None, "d": None, "e": None}
    assert validate_submission(definition, {"note": "  ", "flag": "", "n": ""}) == {
        "note": None,
        "flag": False,
        "n": None,
        "d": None,
        "e": None,
    }


def test_readonly_field_ignored():
    assert validate_submission(form(NOTE, LOCKED), {"note": "hi", "locked": "overwritten"}) == {"note": "hi"}
    assert validate_submission(form(NOTE, LOCKED), {}) == {"note": None}


def test_form_invalid_message():
    with pytest.raises(FormInvalid) as info:
        validate_submission(form(TEXT, COUNT), {"count": "x"})
    assert str(info.value) == "text: required, count: not_integer"


def test_real_form_submission(library):
    definition = library.user_task("evaluate_effectiveness").form
    assert validate_submission(definition, {"effectiveness_score": "3", "effective": "on"}) == {
        "effective": True,
        "effectiveness_score": 3,
        "recurring_issue": False,
        "recommendation": None,
    }
    assert errors_of(definition, {"effectiveness_score": "0"}) == [
        FieldError("effectiveness_score", "too_small", {"min": 1})
    ]
