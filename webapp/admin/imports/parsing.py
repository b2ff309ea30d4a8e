"""Read an import file (CSV or XLSX) into numbered rows of lower-cased column names → text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

MAX_ROWS = 100_000
COLUMNS = (
    "kind",
    "code",
    "parent",
    "name",
    "name_cyrl",
    "name_ru",
    "status",
    "username",
    "full_name",
    "role",
    "email",
    "serves",
)


class FileRefused(Exception):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Record:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


def _records(rows: Iterator[list[str]]) -> list[Record]:
    try:
        header = [h.strip().lower() for h in next(rows)]
    except StopIteration:
        raise FileRefused("empty") from None
    if "kind" not in header:
        raise FileRefused("no_kind_column")
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise FileRefused("unknown_columns", columns=", ".join(unknown[:5]))
    records: list[Record] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(records) >= MAX_ROWS:
            raise FileRefused("too_many_rows", limit=MAX_ROWS)
        records.append(Record(number, {h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h}))
    return records


def read_csv(data: bytes) -> list[Record]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("not_utf8") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return _records(iter(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))


def read_xlsx(data: bytes) -> list[Record]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise FileRefused("not_xlsx") from None
    try:
        sheet = workbook.worksheets[0]
        rows = ([("" if cell is None else str(cell)) for cell in row] for row in sheet.iter_rows(values_only=True))
        return _records(rows)
    finally:
        workbook.close()


def read_file(filename: str, data: bytes) -> list[Record]:
    if filename.lower().endswith(".xlsx"):
        return read_xlsx(data)
    if filename.lower().endswith((".csv", ".txt")):
        return read_csv(data)
    raise FileRefused("unknown_format")
