"""CSV and XLSX exports keep Uzbek and Cyrillic text, dates and numbers intact."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from flask import Flask

from webapp.platform.tabular import UnknownFormat, csv_chunks, export_response, write_xlsx

HEADERS = ["Raqam", "Mahalla", "Sana", "Soni"]
ROWS = [
    ["2026-000001", "Gʻalaba MFY", dt.date(2026, 3, 1), 3],
    ["2026-000002", "Навоий маҳалласи", dt.datetime(2026, 3, 2, 9, 30), None],
]


def test_csv_has_bom_and_round_trips_uzbek_and_cyrillic() -> None:
    text = "".join(csv_chunks(HEADERS, ROWS))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [
        HEADERS,
        ["2026-000001", "Gʻalaba MFY", "2026-03-01", "3"],
        ["2026-000002", "Навоий маҳалласи", "2026-03-02 09:30", ""],
    ]


def test_csv_streams_in_chunks() -> None:
    chunks = list(csv_chunks(["n"], ([i] for i in range(1200))))
    assert len(chunks) == 3
    assert sum(chunk.count("\n") for chunk in chunks) == 1201


def test_xlsx_holds_the_text_as_shared_or_inline_strings() -> None:
    buffer = io.BytesIO()
    write_xlsx(buffer, HEADERS, ROWS)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "Gʻalaba MFY" in sheet and "Навоий маҳалласи" in sheet
    assert "<v>3</v>" in sheet


def test_export_response_sets_download_headers() -> None:
    app = Flask(__name__)
    with app.test_request_context():
        response = export_response("csv", "appeals", HEADERS, ROWS)
        assert response.headers["Content-Disposition"] == 'attachment; filename="appeals.csv"'
        assert response.mimetype == "text/csv"
        xlsx = export_response("xlsx", "appeals", HEADERS, ROWS)
        assert xlsx.headers["Content-Disposition"].endswith("appeals.xlsx")
        xlsx.close()
        with pytest.raises(UnknownFormat, match="pdf"):
            export_response("pdf", "appeals", HEADERS, ROWS)
