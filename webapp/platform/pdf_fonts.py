"""TrueType fonts for fpdf2, prepared once per process.

``FPDF.add_font`` reads the whole font file and decodes its character map, metrics and layout
tables on every call, and writing the document subsets that font (DejaVu Sans: about 6,000 glyphs,
750 KB) — together most of the cost of a one-page letter. Here, once per process and font file:

- a *lean* copy of the font is made: only the letters our documents are written in (Latin with
  its extensions and the Uzbek ``ʻ``, Cyrillic with the Uzbek letters, punctuation, ``№``), without
  hinting and without the layout tables fpdf2 does not use (about 1,100 glyphs, 80 KB);
- fpdf2's parse of that font (widths, character map, descriptor) is kept as a template.

Each document then gets a light copy of the template with a fresh fontTools object opened lazily
from the cached bytes (fpdf2 subsets that object in place when it writes the document). Two things
keep that subset cheap: the lean font keeps its glyph names (a ``post`` table of format 2), so
fontTools does not derive them from the character map for every document, and the glyphs' bounding
boxes are not computed again when the subset is written (``recalcBBoxes=False``): subsetting keeps
every glyph's outline, so its stored box stays true, where recomputing it meant decoding and
re-encoding each glyph. A text with
a character outside the lean font is set with the whole font (also parsed once). The file is read
again when it changes (its size and mtime are part of the key). Measured on this machine (CPU time,
a 16-line letter): 135 ms per letter with ``add_font`` each time, 48 ms with the lean font; on a
later machine 17 ms, and 8 ms with these two and the letter's own line wrapping (webapp.casework.replies.pdf).

Written against fpdf2 2.8 (``fpdf.fonts.TTFFont``, ``SubsetMap``); ``tests/replies/test_pdf_fonts.py``
checks that the text and the glyphs survive.
"""

from __future__ import annotations

import copy
import io
import os
import threading
from functools import lru_cache

from fontTools import subset, ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

LEAN_CODEPOINTS = frozenset(
    [
        *range(0x20, 0x7F),  # ASCII
        *range(0xA0, 0x250),  # Latin-1 supplement, Latin extended A and B
        *range(0x2B0, 0x300),  # spacing modifiers: ʻ ʼ (Uzbek Latin)
        *range(0x400, 0x530),  # Cyrillic and its supplement (Uzbek, Russian, Kazakh, …)
        *range(0x2000, 0x2070),  # general punctuation: dashes, quotes, ellipsis
        *range(0x20A0, 0x20C0),  # currency signs
        0x2116,  # №
        0x2122,  # ™
        *range(0x2190, 0x2300),  # arrows, mathematical operators (→ ≤ ≥ −)
    ]
)
_LOCK = threading.Lock()


def _lean_bytes(data: bytes) -> bytes:
    font = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False)
    options = subset.Options(
        notdef_outline=True,
        recommended_glyphs=True,
        hinting=False,
        glyph_names=True,
        layout_features=[],
        name_IDs=["*"],
        name_languages=["*"],
        drop_tables=[*subset.Options().drop_tables, "GSUB", "GPOS", "GDEF", "kern", "FFTM"],
    )
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=LEAN_CODEPOINTS)
    subsetter.subset(font)
    output = io.BytesIO()
    font.save(output)
    return output.getvalue()


@lru_cache(maxsize=16)
def _parsed(path: str, style: str, lean: bool, _size: int, _mtime_ns: int) -> tuple[bytes, TTFFont]:
    """The font's bytes and fpdf2's parse of them (a template: never handed to a document itself)."""
    with open(path, "rb") as handle:
        data = handle.read()
    if lean:
        data = _lean_bytes(data)
    return data, TTFFont(FPDF(), io.BytesIO(data), f"template{style}", style)  # type: ignore[arg-type]


def _template(path: str, style: str, lean: bool) -> tuple[bytes, TTFFont]:
    stat = os.stat(path)
    with _LOCK:  # one parse per file even when several threads ask at once
        return _parsed(path, style, lean, stat.st_size, stat.st_mtime_ns)


def add_font(pdf: FPDF, family: str, path: str, *, style: str = "", text: str | None = None) -> None:
    """``pdf.add_font(family, style, fname=path)`` from a font prepared once per process.

    ``text`` is everything the document will write in this font: when all its characters are in
    the lean font, that one is used; ``None`` (not known beforehand) or any other character: the
    whole font.
    """
    style = "".join(sorted(style.upper()))
    lean = text is not None and all(ord(ch) in LEAN_CODEPOINTS for ch in text if ch not in "\r\n\t")
    data, template = _template(path, style, lean)
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    font.fontkey = f"{family.lower()}{style}"
    font.ttfont = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None  # fpdf2 builds it on demand from ttfont
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font
