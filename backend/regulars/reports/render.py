"""A report table as CSV (UTF-8 with BOM, so Excel opens Chinese correctly) or XLSX."""

from __future__ import annotations

import csv
import io

import xlsxwriter

from regulars.reports.registry import Table


def _cell(value, kind: str):
    if value is None:
        return ""
    if kind == "fen":
        return f"{value / 100:.2f}"
    return value


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.label for c in table.columns])
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
