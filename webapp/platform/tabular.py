"""Write a table (headers + rows) as a streamed CSV or an XLSX download.

CSV is UTF-8 with a byte-order mark so that spreadsheet programs read Uzbek (oʻ, gʻ) and Cyrillic
text correctly, and it streams row by row: a large export never builds the whole file in memory.
XLSX is written by XlsxWriter in constant-memory mode to a temporary file, then sent.

Usage in a view::

    return export_response(requested_format(), "appeals", headers, rows)

``rows`` may be any iterable (a generator over a server-side cursor is best for big lists).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

import xlsxwriter
from flask import Response, send_file, stream_with_context
from pydantic import Field

from webapp.platform.query_params import QueryModel, query

FORMATS = ("csv", "xlsx")
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOM = "\ufeff"
_FLUSH_EVERY = 500  # rows per streamed chunk


class FormatArgs(QueryModel):
    """``format`` in the query string of a download: csv or xlsx (anything else is a BadParameter)."""

    fmt: Literal["csv", "xlsx"] | None = Field(None, alias="format")


def requested_format() -> str:
    """The download format the query string asks for (csv when it says none)."""
    return query(FormatArgs).fmt or "csv"


def export_requested() -> bool:
    """Whether the query string asks for a download (``format`` given) rather than the page."""
    return query(FormatArgs).fmt is not None


class UnknownFormat(ValueError):
    def __init__(self, fmt: str) -> None:
        super().__init__(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
        self.format = fmt


# A text cell starting with one of these is read as a formula by spreadsheet programs (CSV
# injection): a citizen's "=HYPERLINK(...)" must stay text, so it gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text that a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> Any:
    """A value as a spreadsheet cell: dates as ISO text in CSV, None as empty, text neutralised."""
    if isinstance(value, str):
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(_BOM)
    writer.writerow(headers)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_cell(value) for value in row])
        if count % _FLUSH_EVERY == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(target: Any, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Data") -> None:
    """Write the table into ``target`` (a path or a binary file object)."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_urls": False})
    try:
        worksheet = workbook.add_worksheet(sheet[:31])
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        worksheet.write_row(0, 0, list(headers), bold)
        worksheet.freeze_panes(1, 0)
        for row_index, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    worksheet.write_datetime(row_index, column, value.replace(tzinfo=None), datetime_format)
                elif isinstance(value, dt.date):
                    worksheet.write_datetime(row_index, column, value, date_format)
                elif value is None:
                    continue
                elif isinstance(value, bool):
                    worksheet.write_number(row_index, column, int(value))
                elif isinstance(value, int | float):
                    worksheet.write_number(row_index, column, value)
                else:
                    worksheet.write_string(row_index, column, neutralise(str(value)))
    finally:
        workbook.close()


def export_response(fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A download of the table in ``fmt`` ("csv" or "xlsx"); raises UnknownFormat otherwise."""
    if fmt == "csv":
        response = Response(stream_with_context(csv_chunks(headers, rows)), mimetype=CSV_MIMETYPE)
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if fmt == "xlsx":
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it after the response
        write_xlsx(spool, headers, rows)
        spool.seek(0)
        return send_file(spool, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=f"{filename}.xlsx")
    raise UnknownFormat(fmt)
