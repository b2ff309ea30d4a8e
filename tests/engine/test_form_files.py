"""The ``file`` form field: its options within hard limits, the lint of a diagram using it, and the
validation of the stored files' references (the engine never sees bytes, and a submission cannot
name references itself)."""

from __future__ import annotations

import pytest

from engine import DiagramError, FieldError, FormDefinition, FormField, FormInvalid, files_error, validate_submission
from engine.form_files import DOCX_TYPE, MAX_FILES_LIMIT, MAX_SIZE_MB_LIMIT, XLSX_TYPE, file_rules

MB = 1024 * 1024
PDF = {"id": 7, "name": "dalolatnoma.pdf", "size": 2048, "content_type": "application/pdf"}
PHOTO = {"id": 8, "name": "surat.jpg", "size": 4096, "content_type": "image/jpeg"}


def file_field(required: bool = False, **properties: str) -> FormField:
    return FormField(id="papers", type="file", label="Fayllar", required=required, properties=properties)


def form(*fields: FormField) -> FormDefinition:
    return FormDefinition(key="report", fields=(FormField(id="note", type="string", label="Izoh"), *fields))


def refused(definition: FormDefinition, submitted: dict, files: dict | None = None) -> list[tuple[str, str]]:
    with pytest.raises(FormInvalid) as info:
        validate_submission(definition, submitted, files=files)
    return [(e.field, e.code) for e in info.value.errors]


# --- options and their hard limits -----------------------------------------------------------


def test_the_defaults_are_one_file_of_five_mb_of_the_common_office_types() -> None:
    rules = file_field().files
    assert rules is not None
    assert (rules.multiple, rules.max_files, rules.max_size_mb) == (False, 1, 5)
    assert rules.types == ("pdf", "jpg", "jpeg", "png", "docx", "xlsx")
    assert rules.content_types == {"application/pdf", "image/jpeg", "image/png", DOCX_TYPE, XLSX_TYPE}


def test_a_methodologist_sets_several_files_a_size_and_the_types_within_the_hard_limits() -> None:
    rules = file_rules({"multiple": "true", "max_files": "3", "max_size_mb": "2", "allowed_types": "PDF, .png"})
    assert (rules.multiple, rules.max_files, rules.max_bytes, rules.types) == (True, 3, 2 * MB, ("pdf", "png"))
    assert file_rules({"multiple": "true"}).max_files == 5
    assert file_rules({"max_files": "4"}).max_files == 1  # without multiple: one file
    capped = file_rules({"multiple": "true", "max_files": "500", "max_size_mb": "900"})
    assert (capped.max_files, capped.max_size_mb) == (MAX_FILES_LIMIT, MAX_SIZE_MB_LIMIT)


def test_the_api_describes_a_file_field_with_its_rules() -> None:
    described = file_field(multiple="true", max_files="2", allowed_types="pdf").as_dict()
    assert described["type"] == "file"
    assert described["files"] == {"multiple": True, "max_files": 2, "max_size_mb": 5, "allowed_types": ["pdf"]}
    assert "files" not in FormField(id="note", type="string", label="Izoh").as_dict()


FILE_FIELD = '<camunda:formField id="not_our_competence" label="Tashkilotimiz vakolatiga kirmaydi" type="boolean"/>'


def _with_file_field(properties: str) -> str:
    return (
        FILE_FIELD + '\n<camunda:formField id="extra_papers" label="Qo\'shimcha" type="file">'
        f"<camunda:properties>{properties}</camunda:properties></camunda:formField>"
    )


def test_a_diagram_using_the_file_type_validates(load_modified) -> None:
    library = load_modified(
        "partner_referral.bpmn",
        FILE_FIELD,
        _with_file_field(
            '<camunda:property id="multiple" value="true"/><camunda:property id="max_size_mb" value="20"/>'
        ),
    )
    field = library.user_task("report_referral_outcome").form.field("extra_papers")
    assert field is not None and field.type == "file" and field.files is not None and field.files.max_size_mb == 20


def test_the_bundled_outcome_report_takes_up_to_five_files_of_ten_mb(library) -> None:
    field = library.user_task("report_referral_outcome").form.field("referral_attachments")
    assert field is not None and not field.required
    assert field.files is not None and (field.files.max_files, field.files.max_size_mb) == (5, 10)


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("multiple", "yes"),
        ("max_files", "11"),
        ("max_files", "0"),
        ("max_size_mb", "21"),
        ("max_size_mb", "big"),
        ("allowed_types", "pdf exe"),
        ("allowed_types", " "),
    ],
)
def test_an_option_out_of_range_is_a_diagram_error(load_modified, prop: str, value: str) -> None:
    with pytest.raises(DiagramError) as info:
        load_modified(
            "partner_referral.bpmn", FILE_FIELD, _with_file_field(f'<camunda:property id="{prop}" value="{value}"/>')
        )
    codes = [(p.element_id, p.code, p.params.get("property")) for p in info.value.problems if p.severity == "error"]
    assert codes == [("report_referral_outcome", "form.file_option_invalid", prop)]


# --- the files a user sends, before they are stored ----------------------------------------


def test_files_are_checked_for_count_emptiness_size_and_recognised_type() -> None:
    rules = file_rules({"multiple": "true", "max_files": "2", "max_size_mb": "1", "allowed_types": "pdf png"})
    assert files_error("papers", rules, [(100, "application/pdf"), (MB, "image/png")]) is None
    three = [(1, "application/pdf")] * 3
    assert files_error("papers", rules, three) == FieldError("papers", "too_many_files", {"max": 2})
    assert files_error("papers", rules, [(0, None)]) == FieldError("papers", "file_empty")
    assert files_error("papers", rules, [(MB + 1, "application/pdf")]) == FieldError(
        "papers", "file_too_large", {"max_mb": 1}
    )
    assert files_error("papers", rules, [(10, "image/jpeg")]) == FieldError(
        "papers", "file_type_not_allowed", {"types": "pdf, png"}
    )
    assert files_error("papers", rules, [(10, None)]).code == "file_type_not_allowed"  # unrecognised bytes


def test_the_server_wide_limit_caps_the_fields_size() -> None:
    rules = file_rules({"max_size_mb": "20"})
    assert files_error("papers", rules, [(3 * MB, "application/pdf")], server_max_bytes=2 * MB) == FieldError(
        "papers", "file_too_large", {"max_mb": 2}
    )


# --- the references the engine stores ---------------------------------------------------------


def test_the_case_data_gets_the_stored_files_references_only() -> None:
    definition = form(file_field(multiple="true"))
    clean = validate_submission(definition, {"note": "ok"}, files={"papers": [PDF, PHOTO]})
    assert clean == {"note": "ok", "papers": [PDF, PHOTO]}
    assert validate_submission(definition, {"note": "ok"})["papers"] == []  # an optional field left empty


def test_a_required_file_field_needs_a_file() -> None:
    assert refused(form(file_field(required=True)), {"note": "x"}, files={"papers": []}) == [("papers", "required")]


def test_a_submission_cannot_name_references_itself() -> None:
    definition = form(file_field())
    assert refused(definition, {"papers": [PDF]}) == [("papers", "file_upload_only")]
    assert refused(definition, {"papers": "../../etc/passwd"}) == [("papers", "file_upload_only")]


def test_references_are_checked_again_against_the_rules() -> None:
    definition = form(file_field(allowed_types="pdf"))
    assert refused(definition, {}, files={"papers": [PDF, PDF]}) == [("papers", "too_many_files")]
    assert refused(definition, {}, files={"papers": [PHOTO]}) == [("papers", "file_type_not_allowed")]
    assert refused(definition, {}, files={"papers": [{"id": "7", "name": "x"}]}) == [("papers", "not_file_references")]
    assert refused(definition, {}, files={"note": [PDF]}) == [("note", "unknown_field")]  # not a file field
