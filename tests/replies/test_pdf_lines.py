"""A letter's lines are wrapped by ``wrapped_lines``, word by word, as fpdf2's ``multi_cell`` wraps
them; only the cost differs (multi_cell measures each line again after every character). A text
with characters multi_cell treats specially (other spaces, the soft hyphen, …) is left to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from webapp.casework.replies.pdf import DEFAULT_FONT_PATH, LINE_HEIGHT, SET_BY_MULTI_CELL, render_pdf, wrapped_lines
from webapp.platform import pdf_fonts

LETTER = (
    "Toshkent shahri\nChilonzor tumani Ichki ishlar boʻlimi\n\nHurmatli Aliyev Vali Karimovich!\n\n"
    "Qatortol mahallasi hududidagi masala yuzasidan yuborgan murojaatingiz «Jismoniy va yuridik "
    "shaxslarning murojaatlari toʻgʻrisida»gi Oʻzbekiston Respublikasi Qonuni talablariga muvofiq "
    "koʻrib chiqildi.\n\nПо Вашему обращению проведена профилактическая беседа с подростками; жильцам "
    "разъяснён порядок обращения в органы внутренних дел. № 2026-000123 → 03.12.2026\n"
)
TEXTS = {
    "letter": LETTER,
    "a long paragraph": "Murojaat yuzasidan quyidagi choralar koʻrildi: " * 40,
    "a word longer than a line": "Havola: https://mahalla.example.uz/" + "murojaat/" * 30 + " oxiri",
    "only a long word": "Ж" * 400,
    "spaces": "  boshida ikki boʻsh joy,  ichida  ikki  va oxirida   \n \n\n" + "soʻz  " * 60,
    "empty": "",
    "empty lines only": "\n\n\n",
    "pages": "\n".join(f"{index}. qator: " + "bir necha soʻz " * index for index in range(80)),
}


def _pdf(text: str) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(left=25, top=20, right=15)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf_fonts.add_font(pdf, "F", DEFAULT_FONT_PATH, text=text)
    pdf.add_page()
    pdf.set_font("F", size=12)
    return pdf


def _multi_cell_lines(text: str) -> list[str]:
    pdf = _pdf(text)
    lines = pdf.multi_cell(
        w=0, h=LINE_HEIGHT, text=text, align="L", dry_run=True, output=MethodReturnValue.LINES, new_x="LMARGIN"
    )
    return list(lines)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_the_lines_are_those_multi_cell_sets(name: str) -> None:
    text = TEXTS[name]
    assert SET_BY_MULTI_CELL.isdisjoint(text)
    pdf = _pdf(text)
    ours = list(wrapped_lines(text, pdf.get_string_width, pdf.epw - 2 * pdf.c_margin))
    assert ours == _multi_cell_lines(text)


def test_no_line_is_wider_than_the_page_allows() -> None:
    pdf = _pdf(TEXTS["a word longer than a line"])
    width = pdf.epw - 2 * pdf.c_margin
    lines = list(wrapped_lines(TEXTS["a word longer than a line"] + TEXTS["spaces"], pdf.get_string_width, width))
    assert len(lines) > 5
    assert all(pdf.get_string_width(line) <= width for line in lines)


def test_a_long_letter_runs_onto_the_next_pages_with_every_line(pdf_text: Callable[[bytes], str]) -> None:
    text = TEXTS["pages"]
    extracted = pdf_text(render_pdf(text, title="x"))
    assert extracted.count("\f") >= 3  # pdftotext ends every page with a form feed: several pages
    assert " ".join(extracted.split()) == " ".join(text.split())


def _multi_cell_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    original = FPDF.multi_cell

    def counted(self: FPDF, *args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs["text"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FPDF, "multi_cell", counted)
    return calls


def test_the_letter_is_not_wrapped_by_multi_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    """multi_cell's cost grows with the square of a line's length; an ordinary letter avoids it."""
    calls = _multi_cell_calls(monkeypatch)
    assert render_pdf(LETTER + "\r\nOxiri.\r\n", title="x").startswith(b"%PDF")
    assert calls == []


SPECIAL = {
    "tab": "bir\tikki",
    "no-break space": "5\u00a0000 soʻm",
    "soft hyphen": "profilak\u00adtika",
    "thin space": "1\u2009000",
    "zero-width space": "uzun\u200bsoʻz",
    "form feed": "birinchi bet\fikkinchi bet",
    "carriage return": "bir\rikki",
}


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_a_text_with_what_multi_cell_treats_specially_is_set_by_it(
    name: str, monkeypatch: pytest.MonkeyPatch, pdf_text: Callable[[bytes], str]
) -> None:
    calls = _multi_cell_calls(monkeypatch)
    text = f"Hurmatli fuqaro! {SPECIAL[name]} " * 12
    extracted = pdf_text(render_pdf(text, title="x"))
    assert len(calls) == 1
    assert "Hurmatli fuqaro!" in extracted
