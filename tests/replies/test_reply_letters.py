"""Filling the reply-letter templates: Uzbek and Russian, with the case's data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from webapp.casework.replies.letters import LetterData, case_fields, detect_language, render_letter, render_notice
from webapp.casework.replies.pdf import PdfFontMissing, render_pdf


def letter(**case_data: object) -> LetterData:
    return LetterData(
        number="2026-000123",
        received=dt.date(2026, 1, 10),
        applicant_name="Aliyev Vali",
        address="Navroʻz koʻchasi 5",
        mahalla="Bunyodkor MFY",
        district="Chilonzor tumani",
        region="Toshkent shahri",
        inspector_name="Karimov Anvar",
        today=dt.date(2026, 1, 20),
        **case_fields(case_data),
    )


MEASURES = {
    "measures": "prevention_talk",
    "measures_description": "Mas'ullar bilan suhbat oʻtkazildi.",
    "measures_date": "2026-01-14",
    "problem_resolved": True,
}


def test_uzbek_letter_has_heading_applicant_measures_result_and_signature() -> None:
    text = render_letter(letter(**MEASURES), "uz")
    lines = text.splitlines()
    assert lines[:3] == [
        "Toshkent shahri",
        "Chilonzor tumani Ichki ishlar boʻlimi",
        "Huquqbuzarliklar profilaktikasi xizmati",
    ]
    assert "Fuqaro Aliyev Valiga\nNavroʻz koʻchasi 5\n" in text
    assert "Murojaatingiz (№ 2026-000123, 10.01.2026) boʻyicha" in lines
    assert (
        "Murojaat yuzasidan quyidagi choralar koʻrildi: profilaktik suhbat oʻtkazildi (14.01.2026). "
        "Mas'ullar bilan suhbat oʻtkazildi."
    ) in lines
    assert "Natijada murojaatingizda koʻrsatilgan muammo hal qilindi." in lines
    assert lines[-4:] == ["huquqbuzarliklar profilaktikasi inspektori", "Karimov Anvar", "", "20.01.2026"]
    assert "\n\n\n" not in text


def test_russian_letter_for_an_accepted_proposal() -> None:
    text = render_letter(letter(proposal_accepted=True, implementation_plan="Скамейки установят в марте."), "ru")
    lines = text.splitlines()
    assert "По Вашему обращению (№ 2026-000123 от 10.01.2026)" in lines
    assert "Уважаемый(ая) Aliyev Vali!" in lines
    assert "Ваше предложение принято. Скамейки установят в марте." in lines
    assert "приняты следующие меры" not in text
    assert lines[-4:] == ["инспектор профилактики правонарушений", "Karimov Anvar", "", "20.01.2026"]


def test_unresolved_problem_says_work_continues() -> None:
    text = render_letter(letter(**{**MEASURES, "problem_resolved": False}), "uz")
    assert "Muammoni toʻliq hal qilish ishlari davom ettirilmoqda" in text
    assert "muammo hal qilindi" not in text


def test_case_data_is_data_not_template_code() -> None:
    text = render_letter(letter(measures="other", measures_description="{{ 7 * 7 }} {% raw %}"), "uz")
    assert "tegishli choralar koʻrildi. {{ 7 * 7 }} {% raw %}" in text
    assert "49" not in text


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="'en'"):
        render_letter(letter(), "en")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ko'chadagi chiroqlar yonmayapti, kechqurun xavfli.", "uz"),
        ("Koʻchadagi chiroqlar yonmayapti.", "uz"),
        ("Кўчадаги чироқлар ёнмаяпти, кечқурун хавфли бўлиб қолди.", "uz"),
        ("Во дворе по ночам шумят подростки, прошу принять меры.", "ru"),
        ("Здравствуйте, помогите", "ru"),
        ("", "uz"),
    ],
)
def test_language_detection(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_notice_subject_and_text() -> None:
    subject, text = render_notice("2026-000123", "uz", attached=True)
    assert subject == "Murojaatingiz (№ 2026-000123) boʻyicha javob"
    assert text.startswith("Murojaatingiz (№ 2026-000123) koʻrib chiqildi, javob xati tayyorlandi va ilova qilindi.")
    subject, text = render_notice("2026-000123", "ru", attached=False)
    assert subject == "Ответ на Ваше обращение № 2026-000123"
    assert "ответное письмо подготовлено." in text


def test_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "NoSuchFont.ttf")
    with pytest.raises(PdfFontMissing, match=r"install the Debian package fonts-dejavu-core or set PDF_FONT_PATH"):
        render_pdf("Salom", title="x", font_path=missing)
