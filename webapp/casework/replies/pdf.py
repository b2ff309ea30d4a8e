"""Render a letter's text to PDF with an embedded Unicode TTF font (Uzbek Latin and Cyrillic, Russian).

The text is wrapped here, not by ``FPDF.multi_cell``: fpdf2's line breaking measures the line
again from its start after every character it adds (``Fragment.get_width``), so a line of *n*
characters costs about *n*²/2 width lookups — about half of a one-page letter's CPU. Wrapping word
by word, each word measured once, sets the same lines (``tests/replies/test_pdf_lines.py``
compares them with ``multi_cell``'s) and each is written with ``FPDF.cell``. A text with a character
that fpdf2 breaks at, drops or replaces besides the plain space (tabs and other Unicode spaces, the
no-break space, the soft hyphen, a form feed, a lone carriage return) is left to ``multi_cell``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from fpdf import FPDF
from fpdf.line_break import BREAKING_SPACE_SYMBOLS_STR, FORM_FEED, NBSP, SOFT_HYPHEN
from fpdf.util import FloatTolerance

from webapp.platform.pdf_fonts import add_font

DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_FONT = "LetterFont"
LINE_HEIGHT = 6.5  # mm, for 12 pt
# What multi_cell treats specially besides the plain space and the line break (fpdf2 2.8's rules).
SET_BY_MULTI_CELL = frozenset(BREAKING_SPACE_SYMBOLS_STR.replace(" ", "") + NBSP + SOFT_HYPHEN + FORM_FEED + "\r")


class PdfFontMissing(RuntimeError):
    """The configured TTF font file is not there (install fonts-dejavu-core or set PDF_FONT_PATH)."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"PDF font not found at {path!r}: install the Debian package fonts-dejavu-core "
            "or set PDF_FONT_PATH to a TrueType font with Latin and Cyrillic letters"
        )
        self.path = path


def render_pdf(text: str, *, title: str, font_path: str = DEFAULT_FONT_PATH) -> bytes:
    """An A4 letter: the text as written, line breaks kept, long lines wrapped."""
    if not Path(font_path).is_file():
        raise PdfFontMissing(font_path)
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("Mahalla")
    pdf.set_margins(left=25, top=20, right=15)
    pdf.set_auto_page_break(auto=True, margin=20)
    add_font(pdf, _FONT, font_path, text=text + title)
    pdf.add_page()
    pdf.set_font(_FONT, size=12)
    text = text.replace("\r\n", "\n")
    if SET_BY_MULTI_CELL.isdisjoint(text):
        for line in wrapped_lines(text, pdf.get_string_width, pdf.epw - 2 * pdf.c_margin):
            pdf.cell(w=0, h=LINE_HEIGHT, text=line, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(w=0, h=LINE_HEIGHT, text=text, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def wrapped_lines(text: str, width_of: Callable[[str], float], width: float) -> Iterator[str]:
    """The lines of ``text`` no wider than ``width`` as ``multi_cell`` breaks them, left-aligned,
    for a text without the characters of SET_BY_MULTI_CELL: a new line at each line break, else at
    the last space that fits (the space itself dropped); a word wider than a line is cut after the
    last character that fits. A final line break ends the last line rather than starting an empty
    one. Widths are compared with fpdf2's tolerance."""
    width += FloatTolerance.TOLERANCE
    space = width_of(" ")
    paragraphs = text.split("\n")
    if len(paragraphs) > 1 and not paragraphs[-1]:
        paragraphs.pop()
    for paragraph in paragraphs:
        line, line_width = "", 0.0
        for index, word in enumerate(paragraph.split(" ")):
            word_width = width_of(word)
            if index and line_width + space + word_width <= width:
                line, line_width = f"{line} {word}", line_width + space + word_width
                continue
            if index:
                yield line
            line, line_width = word, word_width
            while line_width > width:
                head, rest = _cut(line, width_of, width)
                yield head
                line, line_width = rest, width_of(rest)
        yield line


def _cut(word: str, width_of: Callable[[str], float], width: float) -> tuple[str, str]:
    """``word`` split after its last character that fits in ``width`` (at least one character)."""
    used = 0.0
    for index, character in enumerate(word):
        used += width_of(character)
        if used > width:
            return word[: max(index, 1)], word[max(index, 1) :]
    return word, ""
