"""Render a letter's text to PDF with an embedded Unicode TTF font (Uzbek Latin and Cyrillic, Russian)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from webapp.platform.pdf_fonts import add_font

DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_FONT = "LetterFont"


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
    pdf.multi_cell(w=0, h=6.5, text=text.replace("\r\n", "\n"), align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
