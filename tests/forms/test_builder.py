"""Unit tests of forms/: WTForms classes built from engine form definitions, and the messages
shown for the engine's field error codes.

Forms are bound inside a POST test request (CSRF off for the unit test) and English locale unless
a test says otherwise; the engine's FormDefinition/FormField/FieldOption are built directly.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField

import engine.form_files
import engine.forms
from engine import FieldError, FieldOption, FormDefinition, FormField, FormInvalid, validate_submission
from forms import apply_engine_errors, build_form_class, engine_values, field_error_message, prefill
from forms.builder import LONG_TEXT_THRESHOLD, RESERVED_FIELD_IDS, ReservedFieldId

REQUIRED_MESSAGE = "This field is required."
CHOICE_MESSAGE = "Choose one of the offered options."
RANGE_MESSAGE = "Enter a number in the allowed range."

CHANNELS = (FieldOption("letter", "Yozma xat"), FieldOption("email", "Elektron pochta"))


def definition(*fields: FormField) -> FormDefinition:
    return FormDefinition(key="test_form", fields=fields)


@contextmanager
def posted(app: Flask, data: Mapping[str, Any] | None = None, *, locale: str = "en") -> Iterator[None]:
    with app.test_request_context("/", method="POST", data=dict(data or {})), force_locale(locale):
        yield


def bind(form_definition: FormDefinition, **kwargs: Any) -> FlaskForm:
    """An instance of the built class, bound to the current request's form data, without CSRF."""
    return build_form_class(form_definition)(meta={"csrf": False}, **kwargs)


def field_errors(form: FlaskForm, name: str) -> list[str]:
    return [str(e) for e in form[name].errors]


def validated(form_definition: FormDefinition) -> tuple[bool, FlaskForm]:
    """Validate the posted data; call inside ``posted`` so lazy messages render in its locale."""
    form = bind(form_definition)
    return form.validate(), form


# --- field classes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form_field", "expected"),
    [
        (FormField("f", "string", "F", maxlength=100), StringField),
        (FormField("f", "string", "F", maxlength=LONG_TEXT_THRESHOLD), StringField),
        (FormField("f", "string", "F", maxlength=LONG_TEXT_THRESHOLD + 1), TextAreaField),
        (FormField("f", "string", "F"), TextAreaField),
        (FormField("f", "string", "F", minlength=5), TextAreaField),
        (FormField("f", "long", "F"), IntegerField),
        (FormField("f", "boolean", "F"), BooleanField),
        (FormField("f", "date", "F"), DateField),
        (FormField("f", "enum", "F", options=CHANNELS), SelectField),
    ],
    ids=["short", "at-threshold", "over-threshold", "unbounded", "min-only", "long", "boolean", "date", "enum"],
)
def test_each_field_type_gets_its_wtforms_field(app: Flask, form_field: FormField, expected: type) -> None:
    with posted(app):
        form = bind(definition(form_field))
        # exact type: TextAreaField is a StringField subclass
        assert type(form["f"]) is expected


def test_long_text_is_a_textarea_with_rows(app: Flask) -> None:
    with posted(app):
        html = bind(definition(FormField("f", "string", "F")))["f"]()
    assert html.startswith("<textarea")
    assert 'rows="4"' in html


def test_enum_has_an_empty_first_choice_then_the_option_labels(app: Flask) -> None:
    with posted(app):
        form = bind(definition(FormField("channel", "enum", "Kanal", options=CHANNELS)))
        choices = [(c.value, str(c.label)) for c in form["channel"].choices]
        assert choices == [("", "—"), ("letter", gettext("Yozma xat")), ("email", gettext("Elektron pochta"))]


def test_labels_and_option_names_are_translated(app: Flask) -> None:
    field = FormField("reply_channel", "enum", "Javob matni", options=(FieldOption("letter", "Yozma xat"),))
    with posted(app, locale="ru"):
        form = bind(definition(field))
        label = form["reply_channel"].label.text
        option = str(form["reply_channel"].choices[1].label)
        assert label == gettext("Javob matni")
        assert option == gettext("Yozma xat")
    assert label != "Javob matni"
    assert option != "Yozma xat"


def test_description_property_becomes_the_field_description(app: Flask) -> None:
    field = FormField("f", "string", "F", maxlength=20, properties={"description": "Qisqa izoh"})
    with posted(app):
        assert bind(definition(field))["f"].description == "Qisqa izoh"


# --- required ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "form_field",
    [
        FormField("f", "string", "F", required=True, maxlength=100),
        FormField("f", "string", "F", required=True),
        FormField("f", "long", "F", required=True),
        FormField("f", "date", "F", required=True),
        FormField("f", "enum", "F", required=True, options=CHANNELS),
    ],
    ids=["short", "text", "long", "date", "enum"],
)
def test_required_fields_refuse_an_empty_value(app: Flask, form_field: FormField) -> None:
    form_definition = definition(form_field)
    with posted(app, {"f": ""}):
        ok, form = validated(form_definition)
        assert not ok
        assert field_errors(form, "f") == [REQUIRED_MESSAGE]
    with posted(app, {}):
        ok, form = validated(form_definition)
        assert not ok
        assert field_errors(form, "f") == [REQUIRED_MESSAGE]


@pytest.mark.parametrize(
    ("form_field", "expected"),
    [
        (FormField("f", "string", "F", maxlength=100), ""),
        (FormField("f", "string", "F", minlength=3), ""),
        (FormField("f", "long", "F", min=1, max=5), None),
        (FormField("f", "date", "F"), None),
        (FormField("f", "enum", "F", options=CHANNELS), ""),
        (FormField("f", "boolean", "F"), False),
    ],
    ids=["short", "text-minlength", "long-range", "date", "enum", "boolean"],
)
def test_optional_fields_accept_an_empty_value(app: Flask, form_field: FormField, expected: Any) -> None:
    form_definition = definition(form_field)
    with posted(app, {"f": ""}):
        ok, form = validated(form_definition)
        assert ok, form.errors
        values = engine_values(form, form_definition)
    assert values == {"f": expected}
    # and the engine accepts what the form hands it
    assert validate_submission(form_definition, values)["f"] in (None, False)


# --- string lengths ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minlength", "maxlength", "value", "message"),
    [
        (5, 10, "abcd", "Enter between 5 and 10 characters."),
        (5, 10, "abcdefghijk", "Enter between 5 and 10 characters."),
        (5, None, "abcd", "Enter at least 5 characters."),
        (None, 10, "abcdefghijk", "Enter at most 10 characters."),
        (None, 400, "x" * 401, "Enter at most 400 characters."),
    ],
    ids=["too-short", "too-long", "min-only", "max-only", "textarea-max"],
)
def test_string_length_limits_are_enforced(
    app: Flask, minlength: int | None, maxlength: int | None, value: str, message: str
) -> None:
    form_definition = definition(FormField("f", "string", "F", minlength=minlength, maxlength=maxlength))
    with posted(app, {"f": value}):
        ok, form = validated(form_definition)
        assert not ok
        assert field_errors(form, "f") == [message]


@pytest.mark.parametrize("value", ["abcde", "abcdefghij"])
def test_string_lengths_at_the_limits_are_accepted(app: Flask, value: str) -> None:
    form_definition = definition(FormField("f", "string", "F", minlength=5, maxlength=10))
    with posted(app, {"f": value}):
        ok, form = validated(form_definition)
        assert ok, form.errors
        assert engine_values(form, form_definition) == {"f": value}


def test_length_messages_are_translated(app: Flask) -> None:
    form_definition = definition(FormField("f", "string", "F", minlength=5, maxlength=10))
    with posted(app, {"f": "abc"}, locale="ru"):
        ok, form = validated(form_definition)
        assert not ok
        (message,) = field_errors(form, "f")
    assert message != "Enter between 5 and 10 characters."
    assert "5" in message
    assert "10" in message


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "valid"),
    [("0", False), ("1", True), ("7", True), ("10", True), ("11", False), ("-3", False)],
)
def test_long_min_and_max_are_enforced(app: Flask, value: str, valid: bool) -> None:
    form_definition = definition(FormField("f", "long", "F", min=1, max=10))
    with posted(app, {"f": value}):
        ok, form = validated(form_definition)
        assert ok is valid, form.errors
        if valid:
            assert engine_values(form, form_definition) == {"f": int(value)}
        else:
            assert field_errors(form, "f") == [RANGE_MESSAGE]


@pytest.mark.parametrize(("bounds", "value"), [({"min": 3}, "2"), ({"max": 3}, "4")], ids=["min-only", "max-only"])
def test_a_single_number_bound_is_enforced(app: Flask, bounds: dict[str, int], value: str) -> None:
    form_definition = definition(FormField("f", "long", "F", **bounds))
    with posted(app, {"f": value}):
        ok, form = validated(form_definition)
        assert not ok
        assert field_errors(form, "f") == [RANGE_MESSAGE]


@pytest.mark.parametrize("value", ["abc", "1.5", "2e3"])
def test_long_refuses_what_is_not_a_whole_number(app: Flask, value: str) -> None:
    form_definition = definition(FormField("f", "long", "F"))
    with posted(app, {"f": value}):
        ok, form = validated(form_definition)
        assert not ok
        assert field_errors(form, "f")
        assert all(field_errors(form, "f"))


# --- dates -------------------------------------------------------------------------------------


def test_date_is_parsed_and_engine_values_give_iso(app: Flask) -> None:
    form_definition = definition(FormField("f", "date", "F", required=True))
    with posted(app, {"f": "2026-11-20"}):
        ok, form = validated(form_definition)
        assert ok, form.errors
        assert form["f"].data == dt.date(2026, 11, 20)
        values = engine_values(form, form_definition)
    assert values == {"f": "2026-11-20"}
    assert validate_submission(form_definition, values) == {"f": "2026-11-20"}


@pytest.mark.parametrize("value", ["2026-02-30", "20.11.2026", "tomorrow"])
def test_date_refuses_what_is_not_an_iso_date(app: Flask, value: str) -> None:
    form_definition = definition(FormField("f", "date", "F"))
    with posted(app, {"f": value}):
        ok, form = validated(form_definition)
        assert not ok
        assert field_errors(form, "f")


# --- enums -------------------------------------------------------------------------------------


def test_enum_accepts_an_offered_option(app: Flask) -> None:
    form_definition = definition(FormField("f", "enum", "F", required=True, options=CHANNELS))
    with posted(app, {"f": "email"}):
        ok, form = validated(form_definition)
        assert ok, form.errors
        assert engine_values(form, form_definition) == {"f": "email"}


@pytest.mark.parametrize("required", [True, False])
def test_enum_refuses_a_value_that_is_not_an_option(app: Flask, required: bool) -> None:
    form_definition = definition(FormField("f", "enum", "F", required=required, options=CHANNELS))
    with posted(app, {"f": "telegram"}):
        ok, form = validated(form_definition)
        assert not ok
        assert field_errors(form, "f") == [CHOICE_MESSAGE]


def test_enum_refusal_is_translated(app: Flask) -> None:
    form_definition = definition(FormField("f", "enum", "F", options=CHANNELS))
    with posted(app, {"f": "telegram"}, locale="ru"):
        ok, form = validated(form_definition)
        assert not ok
        (message,) = field_errors(form, "f")
    assert message and message != CHOICE_MESSAGE


# --- booleans ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "expected"), [({"f": "y"}, True), ({}, False), ({"f": "false"}, False)])
def test_boolean_values_stay_booleans(app: Flask, data: dict[str, str], expected: bool) -> None:
    form_definition = definition(FormField("f", "boolean", "F"))
    with posted(app, data):
        ok, form = validated(form_definition)
        assert ok, form.errors
        values = engine_values(form, form_definition)
    assert values == {"f": expected}
    assert type(values["f"]) is bool
    assert validate_submission(form_definition, values) == {"f": expected}


# --- readonly ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "form_field",
    [
        FormField("f", "string", "F", readonly=True, maxlength=50),
        FormField("f", "string", "F", readonly=True),
        FormField("f", "long", "F", readonly=True),
        FormField("f", "boolean", "F", readonly=True),
        FormField("f", "date", "F", readonly=True),
        FormField("f", "enum", "F", readonly=True, options=CHANNELS),
    ],
    ids=["short", "text", "long", "boolean", "date", "enum"],
)
def test_readonly_fields_render_readonly_and_stay_out_of_engine_values(app: Flask, form_field: FormField) -> None:
    form_definition = definition(form_field, FormField("note", "string", "Note", maxlength=50))
    data = {"f": "tampered", "note": "hello"}
    with posted(app, data):
        form = bind(form_definition)
        assert " readonly" in form["f"]()
        assert "readonly" not in form["note"]()
        form.validate()
        values = engine_values(form, form_definition)
    assert values == {"note": "hello"}
    assert validate_submission(form_definition, values) == {"note": "hello"}


def test_an_empty_readonly_required_field_does_not_block_the_form(app: Flask) -> None:
    form_definition = definition(
        FormField("shown", "string", "Shown", required=True, readonly=True, maxlength=50),
        FormField("note", "string", "Note", maxlength=50),
    )
    data = {"shown": "", "note": "hello"}
    assert validate_submission(form_definition, {"note": "hello"}) == {"note": "hello"}
    with posted(app, data):
        ok, form = validated(form_definition)
        assert ok, form.errors


# --- whole forms, engine_values and the engine -------------------------------------------------

FULL = definition(
    FormField("title", "string", "Title", required=True, minlength=3, maxlength=100),
    FormField("text", "string", "Text", maxlength=5000),
    FormField("count", "long", "Count", min=0, max=99),
    FormField("urgent", "boolean", "Urgent"),
    FormField("due", "date", "Due"),
    FormField("channel", "enum", "Channel", required=True, options=CHANNELS),
    FormField("number", "string", "Number", readonly=True, maxlength=20),
)


def test_engine_values_of_a_full_form_are_what_the_engine_accepts(app: Flask) -> None:
    data = {
        "title": "Suv yo'q",
        "text": "Uzun matn",
        "count": "3",
        "urgent": "y",
        "due": "2026-12-01",
        "channel": "letter",
        "number": "2026-000001",
    }
    with posted(app, data):
        ok, form = validated(FULL)
        assert ok, form.errors
        values = engine_values(form, FULL)
    assert values == {
        "title": "Suv yo'q",
        "text": "Uzun matn",
        "count": 3,
        "urgent": True,
        "due": "2026-12-01",
        "channel": "letter",
    }
    assert validate_submission(FULL, values) == values


def test_the_form_class_includes_csrf_when_enabled(app: Flask) -> None:
    previous = app.config.get("WTF_CSRF_ENABLED", True)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with posted(app, {"title": "abc", "channel": "letter"}):
            form = build_form_class(FULL)()
            assert "csrf_token" in form
            assert not form.validate()
            assert "csrf_token" in form.errors
    finally:
        app.config["WTF_CSRF_ENABLED"] = previous


def test_the_class_name_follows_the_form_key(app: Flask) -> None:
    with posted(app):
        assert build_form_class(FULL).__name__ == "TaskForm_test_form"
        assert build_form_class(FormDefinition(key="")).__name__ == "TaskForm_anonymous"


# --- prefill -----------------------------------------------------------------------------------


def test_prefill_parses_iso_dates_and_keeps_other_values() -> None:
    values = {
        "title": "Suv yo'q",
        "count": 4,
        "urgent": False,
        "due": "2026-12-01",
        "channel": "email",
        "number": "2026-000001",
        "not_in_form": "x",
    }
    assert prefill(FULL, values) == {
        "title": "Suv yo'q",
        "count": 4,
        "urgent": False,
        "due": dt.date(2026, 12, 1),
        "channel": "email",
        "number": "2026-000001",
    }


def test_prefill_skips_missing_none_and_unparseable_dates() -> None:
    assert prefill(FULL, {"title": None, "due": "01.12.2026"}) == {}
    assert prefill(FULL, {}) == {}


def test_prefill_leaves_date_objects_alone() -> None:
    assert prefill(FULL, {"due": dt.date(2026, 1, 2)}) == {"due": dt.date(2026, 1, 2)}


def test_prefilled_values_show_in_an_unsubmitted_form(app: Flask) -> None:
    values = prefill(FULL, {"title": "Suv", "due": "2026-12-01", "channel": "email", "urgent": True, "count": 7})
    with app.test_request_context("/", method="GET"), force_locale("en"):
        form = bind(FULL, data=values)
        assert not form.is_submitted()
        assert 'value="Suv"' in form["title"]()
        assert 'value="2026-12-01"' in form["due"]()
        assert 'selected value="email"' in form["channel"]()
        assert "checked" in form["urgent"]()
        assert 'value="7"' in form["count"]()


def test_engine_values_of_a_prefilled_form_round_trip(app: Flask) -> None:
    stored = {"title": "Suv", "due": "2026-12-01", "channel": "email", "urgent": True, "count": 7}
    with app.test_request_context("/", method="GET"), force_locale("en"):
        form = bind(FULL, data=prefill(FULL, stored))
        values = engine_values(form, FULL)
    assert values == {**stored, "text": None}


# --- apply_engine_errors -----------------------------------------------------------------------


def test_engine_errors_land_on_their_fields(app: Flask) -> None:
    errors = [
        FieldError("title", "too_short", {"min": 3}),
        FieldError("count", "too_large", {"max": 99}),
        FieldError("channel", "not_a_choice", {"choices": ["letter", "email"]}),
        FieldError("ghost", "unknown_field"),
    ]
    with posted(app, {"title": "abc", "channel": "letter"}):
        form = bind(FULL)
        assert form.validate(), form.errors
        apply_engine_errors(form, errors)
        assert field_errors(form, "title") == [field_error_message(errors[0])]
        assert field_errors(form, "count") == [field_error_message(errors[1])]
        assert field_errors(form, "channel") == [CHOICE_MESSAGE]
        assert field_errors(form, "text") == []
        assert "ghost" not in form
        assert "3" in field_errors(form, "title")[0]
        assert "99" in field_errors(form, "count")[0]


def test_engine_errors_add_to_existing_form_errors(app: Flask) -> None:
    with posted(app, {"title": "", "channel": "letter"}):
        form = bind(FULL)
        assert not form.validate()
        apply_engine_errors(form, [FieldError("title", "required"), FieldError("title", "not_text")])
        assert field_errors(form, "title") == [REQUIRED_MESSAGE, REQUIRED_MESSAGE, "Enter text."]


def test_engine_errors_from_a_real_refusal_are_shown(app: Flask) -> None:
    # WTForms counts the surrounding spaces; the engine strips them and finds the text too short.
    data = {"title": "  ab  ", "channel": "letter"}
    with posted(app, data):
        form = bind(FULL)
        assert form.validate(), form.errors
        with pytest.raises(FormInvalid) as refused:
            validate_submission(FULL, engine_values(form, FULL))
        apply_engine_errors(form, refused.value.errors)
        assert field_errors(form, "title") == ["Enter at least 3 characters."]


# --- field_error_message -----------------------------------------------------------------------

ENGINE_CODES = {
    "required": {},
    "unknown_field": {},
    "not_boolean": {},
    "not_integer": {},
    "not_date": {},
    "not_a_choice": {"choices": ["a", "b"]},
    "not_text": {},
    "too_short": {"min": 17},
    "too_long": {"max": 4321},
    "too_small": {"min": -5},
    "too_large": {"max": 987},
    "decision_required": {},
    "comment_required": {},
    "date_too_early": {"min": "2026-01-02"},
    "date_too_late": {"max": "2027-01-02"},
    "file_upload_only": {},
    "file_empty": {},
    "file_too_large": {"max_mb": 7.5},
    "file_type_not_allowed": {"types": "pdf, png"},
    "too_many_files": {"max": 3},
    "not_file_references": {},
}


def test_the_code_list_covers_every_code_the_engine_emits() -> None:
    """The engine's source names its codes in FieldError(...) calls; this list must keep up."""
    emitted = set()
    sources = inspect.getsource(engine.forms) + "\n" + inspect.getsource(engine.form_files)
    for node in ast.walk(ast.parse(sources)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "FieldError" and len(node.args) >= 2:
            code = node.args[1]
            if isinstance(code, ast.Constant):
                emitted.add(code.value)
    assert emitted == set(ENGINE_CODES)


@pytest.mark.parametrize(("code", "params"), list(ENGINE_CODES.items()), ids=list(ENGINE_CODES))
def test_every_engine_code_has_a_message_in_english_and_russian(app: Flask, code: str, params: dict[str, Any]) -> None:
    error = FieldError("f", code, params)
    with force_locale("en"):
        english = field_error_message(error)
    with force_locale("ru"):
        russian = field_error_message(error)
    assert english.strip()
    assert russian.strip()
    assert russian != english
    assert english != field_error_message_fallback(app)
    for key in ("min", "max"):
        if key in params:
            # a date bound is shown in the reader's date format (its year stays visible)
            shown = str(params[key])[:4] if code.startswith("date_") else str(params[key])
            assert shown in english
            assert shown in russian
    assert "%(" not in english
    assert "%(" not in russian


def field_error_message_fallback(app: Flask) -> str:
    with force_locale("en"):
        return field_error_message(FieldError("f", "no_such_code"))


def test_an_unknown_code_gets_a_generic_message(app: Flask) -> None:
    with force_locale("en"):
        assert field_error_message(FieldError("f", "no_such_code")) == "The value is not valid."
    with force_locale("ru"):
        assert field_error_message(FieldError("f", "no_such_code")) not in ("", "The value is not valid.")


def test_messages_are_distinct_per_code(app: Flask) -> None:
    with force_locale("en"):
        messages = {field_error_message(FieldError("f", code, params)) for code, params in ENGINE_CODES.items()}
    assert len(messages) == len(ENGINE_CODES)


# --- field ids that clash with FlaskForm's own attributes ---------------------------------------


@pytest.mark.parametrize(
    ("field_id", "field_type"),
    [("meta", "string"), ("process", "string"), ("validate", "string"), ("on_submit", "enum")],
)
def test_field_ids_that_are_form_attribute_names_are_refused(app: Flask, field_id: str, field_type: str) -> None:
    form_field = FormField(field_id, field_type, "F", maxlength=20, options=CHANNELS)
    assert field_id in RESERVED_FIELD_IDS
    with app.test_request_context(), pytest.raises(ReservedFieldId, match=field_id):
        build_form_class(definition(form_field))


def test_a_diagram_using_a_reserved_field_id_is_refused_naming_the_task() -> None:
    from pathlib import Path

    from engine import DiagramError, load_library

    processes = Path(__file__).resolve().parents[2] / "processes"
    files = {p.name: p.read_text(encoding="utf-8") for p in processes.glob("*.bpmn")}
    files["appeal_monitoring.bpmn"] = files["appeal_monitoring.bpmn"].replace('id="recommendation"', 'id="meta"')
    with pytest.raises(DiagramError) as info:
        load_library(files, "appeal_lifecycle", reserved_field_ids=RESERVED_FIELD_IDS)
    assert [(p.element_id, "reserved" in p.message) for p in info.value.problems] == [("evaluate_effectiveness", True)]
