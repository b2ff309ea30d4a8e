"""Fonts for the PDFs are prepared once per process; the letters still carry every letter they need."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fpdf import FPDF
from fpdf.fonts import TTFFont

from webapp.casework.replies.pdf import DEFAULT_FONT_PATH, render_pdf
from webapp.platform import pdf_fonts

UZBEK_AND_RUSSIAN = (
    "Hurmatli fuqaro! Murojaatingiz boʻyicha koʻcha toʻgʻrilandi, gʻamxoʻrlik — “rahmat”.\n"
    "Ҳурматли фуқаро! Мурожаатингиз бўйича чоралар кўрилди, ғамхўрлик қилинди. № 5 → 6\n"
    "По Вашему обращению проведена профилактическая беседа."
)


def _plain_fpdf(text: str) -> bytes:
    """The letter as fpdf2 writes it when the font is added the ordinary way."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(left=25, top=20, right=15)
    pdf.add_font("Plain", fname=DEFAULT_FONT_PATH)
    pdf.add_page()
    pdf.set_font("Plain", size=12)
    pdf.multi_cell(w=0, h=6.5, text=text, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_the_font_is_parsed_once_per_process_and_style() -> None:
    render_pdf(UZBEK_AND_RUSSIAN, title="a")
    parsed = pdf_fonts._parsed.cache_info().misses
    for index in range(3):
        render_pdf(f"{UZBEK_AND_RUSSIAN} {index}", title="b")
    assert pdf_fonts._parsed.cache_info().misses == parsed


def test_uzbek_and_russian_letters_survive_the_lean_font(pdf_text: Callable[[bytes], str]) -> None:
    text = pdf_text(render_pdf(UZBEK_AND_RUSSIAN, title="x"))
    for expected in ("boʻyicha", "toʻgʻrilandi", "“rahmat”", "Ҳурматли фуқаро", "бўйича", "№ 5 → 6", "беседа."):
        assert expected in text, expected


def test_a_letter_outside_the_lean_font_gets_the_whole_font(pdf_text: Callable[[bytes], str]) -> None:
    greek_and_armenian = "Ελληνικά Հայերեն"
    assert any(ord(ch) not in pdf_fonts.LEAN_CODEPOINTS for ch in greek_and_armenian)
    assert greek_and_armenian in pdf_text(render_pdf(f"Salom. {greek_and_armenian}", title="x"))


def test_two_documents_at_once_do_not_share_their_subset(pdf_text: Callable[[bytes], str]) -> None:
    first, second = FPDF(), FPDF()
    for pdf, word in ((first, "Birinchi"), (second, "Второй")):
        pdf_fonts.add_font(pdf, "F", DEFAULT_FONT_PATH, text=word)
        pdf.add_page()
        pdf.set_font("F", size=12)
        pdf.cell(text=word)
    assert pdf_text(bytes(second.output())).strip() == "Второй"
    assert pdf_text(bytes(first.output())).strip() == "Birinchi"


def test_a_letter_parses_no_font_and_subsets_the_lean_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """What made a letter dear is gone from each letter: fpdf2 adding the font parsed the whole
    font file every time (135 ms of CPU per letter against 48 ms prepared, ``pdf_fonts``). Counted,
    not timed: a CPU-time ratio taken inside the long suite lost its margin on a slower machine
    (1.39 against the 1.5 asked; 2.0 when run alone)."""
    render_pdf(UZBEK_AND_RUSSIAN, title="warm")
    parses: list[TTFFont] = []
    parse = TTFFont.__init__

    def counted(font: TTFFont, *args: Any, **kwargs: Any) -> None:
        parses.append(font)
        parse(font, *args, **kwargs)

    monkeypatch.setattr(TTFFont, "__init__", counted)
    for index in range(3):
        render_pdf(f"{UZBEK_AND_RUSSIAN} {index}", title="x")
    assert parses == []
    _plain_fpdf(UZBEK_AND_RUSSIAN)
    assert len(parses) == 1  # the ordinary way parses the font for each letter
    monkeypatch.undo()
    lean, _template = pdf_fonts._template(DEFAULT_FONT_PATH, "", lean=True)
    whole, _template = pdf_fonts._template(DEFAULT_FONT_PATH, "", lean=False)
    assert len(lean) * 5 < len(whole)  # what each letter's subset is cut from
    assert len(render_pdf(UZBEK_AND_RUSSIAN, title="x")) < len(_plain_fpdf(UZBEK_AND_RUSSIAN))
