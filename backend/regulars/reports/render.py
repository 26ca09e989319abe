"""A report table as CSV (UTF-8 with BOM, so Excel opens Chinese correctly) or XLSX."""

from __future__ import annotations

import csv
import io

import xlsxwriter

from regulars.reports.registry import Table

# A spreadsheet reads a cell starting with one of these as a formula (CSV injection): a name typed as
# "=cmd|' /C calc'!A0" must open as the text it is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """Text that a spreadsheet would run as a formula, prefixed with ' so it shows as typed; numbers unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value, kind: str):
    if value is None:
        return ""
    if isinstance(value, str):
        return inert(value)
    if kind == "fen":
        return f"{value / 100:.2f}"
    return value


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([inert(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow([_cell(row.get(c.key), c.kind) for c in table.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(table.name[:31])
    bold = workbook.add_format({"bold": True})
    percent = workbook.add_format({"num_format": "0.0%"})
    money = workbook.add_format({"num_format": "#,##0.00"})
    for col, column in enumerate(table.columns):
        sheet.write(0, col, column.label, bold)
        sheet.set_column(col, col, max(10, len(column.label) * 2))
    for index, row in enumerate(table.rows, start=1):
        for col, column in enumerate(table.columns):
            value = row.get(column.key)
            if value is None:
                continue
            if column.kind == "percent":
                sheet.write_number(index, col, float(value), percent)
            elif column.kind == "fen":
                sheet.write_number(index, col, value / 100, money)
            elif isinstance(value, (int, float)):
                sheet.write_number(index, col, value)
            else:
                sheet.write_string(index, col, str(value))
    workbook.close()
    return buffer.getvalue()
