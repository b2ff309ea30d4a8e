"""A letter's lines are wrapped by ``wrapped_lines``, word by word, as fpdf2's ``multi_cell`` wraps
them; only the cost differs (multi_cell measures each line again after every character)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from webapp.casework.replies.pdf import DEFAULT_FONT_PATH, LINE_HEIGHT, render_pdf, wrapped_lines
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


def test_the_letter_is_not_wrapped_by_multi_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    """multi_cell's cost grows with the square of a line's length; the letter does not use it."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("multi_cell called")

    monkeypatch.setattr(FPDF, "multi_cell", refuse)
    assert render_pdf(LETTER, title="x").startswith(b"%PDF")
