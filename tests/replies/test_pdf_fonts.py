"""Fonts for the PDFs are prepared once per process; the letters still carry every letter they need."""

from __future__ import annotations

import time
from collections.abc import Callable

from fpdf import FPDF

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


def test_a_letter_costs_less_than_with_fpdf_adding_the_font_each_time() -> None:
    def cpu(render: Callable[[], bytes]) -> float:
        """The best of three rounds, in this thread's CPU time: a thread another test left running
        (a test server, a worker) is counted by the process clock but is not this letter's cost."""
        render()
        rounds = []
        for _ in range(3):
            started = time.thread_time()
            for _ in range(3):
                render()
            rounds.append(time.thread_time() - started)
        return min(rounds)

    plain = cpu(lambda: _plain_fpdf(UZBEK_AND_RUSSIAN * 3))
    prepared = cpu(lambda: render_pdf(UZBEK_AND_RUSSIAN * 3, title="x"))
    assert prepared < plain / 1.5, (prepared, plain)
    assert len(render_pdf(UZBEK_AND_RUSSIAN, title="x")) < len(_plain_fpdf(UZBEK_AND_RUSSIAN))
