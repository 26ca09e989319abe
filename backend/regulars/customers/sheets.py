"""Reading the tables that other systems export: CSV in UTF-8 (with or without BOM) or GBK, and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io

from regulars.core.errors import BadInput

MAX_BYTES = 20 * 1024 * 1024


def decode(content: bytes) -> str:
    """UTF-8 (a BOM is dropped) or, as Excel on Chinese Windows writes it, GB18030/GBK."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("gb18030")


def read_table(filename: str, content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The header row and every following row as a dict of strings."""
    if len(content) > MAX_BYTES:
        raise BadInput("import.too_large", max=MAX_BYTES // (1024 * 1024))
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        rows = _xlsx_rows(content, filename)
    else:
        try:
            text = decode(content)
        except UnicodeDecodeError as exc:
            raise BadInput("import.unreadable", filename=filename, problem=str(exc)[:80])
        rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise BadInput("import.missing_columns", columns="—")
    header = [h.strip() for h in rows[0]]
    return header, [dict(zip(header, row)) for row in rows[1:]]


def _xlsx_rows(content: bytes, filename: str) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise BadInput("import.unreadable", filename=filename, problem=type(exc).__name__)
    sheet = workbook.worksheets[0]
    return [[_cell_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
