"""The monthly report as an A4 PDF in Uzbek or Russian (fpdf2 with the replies' Unicode font)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF, FontFace

from webapp.analytics.reports.figures import KEY_FIGURES, format_change, format_value
from webapp.casework.replies.pdf import DEFAULT_FONT_PATH, PdfFontMissing
from webapp.platform import labels
from webapp.platform.pdf_fonts import add_font

_FONT = "ReportFont"


def _font_paths() -> tuple[str, str]:
    regular = str(current_app.config.get("PDF_FONT_PATH") or DEFAULT_FONT_PATH)
    if not Path(regular).is_file():
        raise PdfFontMissing(regular)
    bold = regular.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
    return regular, bold if Path(bold).is_file() else regular


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, size=8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, f"Mahalla · {self.page_no()}", align="R")


def report_pdf(content: dict[str, Any], language: str) -> bytes:
    """Render the report data (``service.build``) in ``language`` (uz | ru)."""
    regular, bold = _font_paths()
    with force_locale(language):
        return _render(content, language, regular, bold)


def _render(content: dict[str, Any], language: str, regular: str, bold: str) -> bytes:
    pdf = _Report(orientation="portrait", unit="mm", format="A4")
    title = _("Monthly analytical report")
    pdf.set_title(f"{title}: {content['name']}, {content['month']}")
    pdf.set_creator("Mahalla")
    pdf.set_margins(left=18, top=16, right=15)
    pdf.set_auto_page_break(auto=True, margin=18)
    # The labels come from our catalogues (Latin and Cyrillic); the names and figures from ``content``.
    text = json.dumps(content, ensure_ascii=False, default=str)
    add_font(pdf, _FONT, regular, text=text)
    add_font(pdf, _FONT, bold, style="B", text=text)
    pdf.add_page()
    pdf.set_font(_FONT, style="B", size=15)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, size=11)
    region = f" ({content['region']})" if content["scope"] == "district" else ""
    pdf.multi_cell(0, 6, f"{content['name']}{region} · {content['month']}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(110, 110, 110)
    pdf.set_font(_FONT, size=9)
    pdf.multi_cell(0, 5, _("Compared with %(month)s.", month=content["previous_month"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)

    _heading(pdf, _("Key figures"))
    rows = [
        [
            str(label),
            format_value(content["figures"].get(name), kind),
            format_value(content["previous"].get(name), kind),
            format_change(content["changes"].get(name), kind),
        ]
        for name, label, kind in KEY_FIGURES
    ]
    _table(pdf, [_("Figure"), content["month"], content["previous_month"], _("Change")], rows, (80, 30, 30, 37))

    _heading(pdf, _("Recommendations"))
    _recommendations(pdf, content, language)

    _movers(pdf, _("Mahallas with the largest rise in appeals"), content["mahallas_up"], mahalla=True)
    _movers(pdf, _("Mahallas with the largest fall in appeals"), content["mahallas_down"], mahalla=True)
    _movers(pdf, _("Categories that grew most"), content["categories_up"], mahalla=False)
    _movers(pdf, _("Categories that fell most"), content["categories_down"], mahalla=False)

    _heading(pdf, _("Inspectors with the most overdue work"))
    if content["inspectors"]:
        rows = [
            [r["name"], str(r["overdue_open"]), str(r["answered_late"]), str(r["overdue"])]
            for r in content["inspectors"]
        ]
        _table(pdf, [_("Inspector"), _("Open, overdue"), _("Answered late"), _("Total")], rows, (85, 32, 32, 28))
    else:
        _note(pdf, _("No overdue work."))

    _heading(pdf, _("Repeated-appeal hot spots"))
    if content["hot_mahallas"]:
        rows = [[r["name"], str(r["repeated"]), str(r["received"])] for r in content["hot_mahallas"]]
        _table(pdf, [_("Mahalla"), _("Repeated appeals"), _("Appeals received")], rows, (95, 41, 41))
    if content["hot_addresses"]:
        rows = [[r["address"], r["mahalla"], str(r["repeated"])] for r in content["hot_addresses"]]
        _table(pdf, [_("Address"), _("Mahalla"), _("Repeated appeals")], rows, (80, 62, 35))
    if not content["hot_mahallas"] and not content["hot_addresses"]:
        _note(pdf, _("No repeated appeals."))

    _heading(pdf, _("Cooperation with partner organisations"))
    partners = content.get("cooperation", {}).get("partners", [])  # reports archived before it have none
    if partners:
        rows = [
            [
                r["name"],
                str(r["sent"]),
                str(r["acknowledged_on_time"]),
                str(r["answered_on_time"]),
                format_value(r["median_days_to_answer"], "days"),
                str(r["overdue_now"]),
            ]
            for r in partners
        ]
        header = [
            _("Partner"),
            _("Sent"),
            _("Acknowledged on time"),
            _("Answered on time"),
            _("Median days to answer"),
            _("Overdue now"),
        ]
        _table(pdf, header, rows, (57, 20, 25, 25, 25, 25))
    else:
        _note(pdf, _("No referrals to partners."))
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(_FONT, style="B", size=12)
    pdf.set_text_color(20, 80, 70)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(_FONT, size=9.5)


def _note(pdf: FPDF, text: str) -> None:
    pdf.set_text_color(110, 110, 110)
    pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _table(pdf: FPDF, header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
    pdf.set_font(_FONT, size=9)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        text_align=("LEFT", *("RIGHT",) * (len(widths) - 1)),
        line_height=5.5,
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD", fill_color=(226, 239, 236)),
    ) as table:
        heading = table.row()
        for cell in header:
            heading.cell(cell)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(1)


def _recommendations(pdf: FPDF, content: dict[str, Any], language: str) -> None:
    items = content["recommendations"]
    if not items:
        _note(pdf, _("The rules found nothing to recommend this month."))
        return
    for item in items:
        marker = {1: "!!", 2: "!"}.get(item["priority"], "·")
        pdf.multi_cell(0, 5.5, f"{marker} {item[language] or item['uz']}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def _movers(pdf: FPDF, heading: str, rows: list[dict[str, Any]], *, mahalla: bool) -> None:
    if not rows:
        return
    _heading(pdf, heading)
    names = labels.CATEGORY
    table = [
        [
            row["name"] if mahalla else str(names.get(row["key"], row["key"])),
            str(row["previous"]),
            str(row["current"]),
            f"{row['delta']:+d}",
        ]
        for row in rows
    ]
    first = _("Mahalla") if mahalla else _("Category")
    _table(pdf, [first, _("Previous month"), _("This month"), _("Change")], table, (85, 32, 32, 28))
