"""Reading the tables that other systems export (CSV in UTF-8, GBK or Excel's UTF-16 "Unicode text", and XLSX),
and the numbers in their cells as those systems write them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

from regulars.core.errors import BadInput, DomainError

MAX_BYTES = 20 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
UPLOAD_LIMIT = MAX_BYTES + 256 * 1024  # a request body carrying the largest file read, with its multipart framing
MAX_FEN = 100_000_000  # the API's bound on an amount: ¥1,000,000
BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (OLE2), which is not read
AMOUNT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")  # commas only between thousands: 1,299.00
WHOLE = re.compile(r"([+-]?)0*([0-9]+)")


class FileTooLarge(DomainError):
    """An upload past MAX_BYTES (413), told in the clerk's language."""

    status_code = 413
    default_key = "import.upload_too_large"


def check_size(content: bytes) -> bytes:
    """The uploaded file, or FileTooLarge when it is past MAX_BYTES."""
    if len(content) > MAX_BYTES:
        raise FileTooLarge(max=MAX_MB)
    return content


def decode(content: bytes) -> str:
    """UTF-8 or UTF-16 by their BOM, UTF-8 without one, or, as Excel on Chinese Windows writes it, GB18030/GBK."""
    for bom, encoding in BOMS:
        if content.startswith(bom):
            return content[len(bom):].decode(encoding)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("gb18030")


def read_table(filename: str, content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The header row and every following row as a dict of strings; BadInput saying what keeps the file unread."""
    header, rows = read_rows(filename, content)
    return header, [row for _, row in rows]


def read_rows(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header row and every following non-blank row with its row number as a spreadsheet shows it (blank rows
    skipped but counted); BadInput saying what keeps the file unread."""
    if len(content) > MAX_BYTES:
        raise BadInput("import.too_large", max=MAX_MB)
    if content.startswith(OLD_EXCEL):
        raise BadInput("import.old_excel", filename=filename)
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        rows = _xlsx_rows(content, filename)
    else:
        rows = _csv_rows(content, filename)
    numbered = [(number, r) for number, r in enumerate(rows, start=1) if any(cell.strip() for cell in r)]
    if not numbered:
        raise BadInput("import.empty_file", filename=filename)
    header = [h.strip() for h in numbered[0][1]]
    return header, [(number, dict(zip(header, row))) for number, row in numbered[1:]]


def _csv_rows(content: bytes, filename: str) -> list[list[str]]:
    try:
        text = decode(content)
    except UnicodeDecodeError:
        raise BadInput("import.bad_encoding", filename=filename)
    if "\x00" in text:  # UTF-16 or UTF-32 without its BOM: no text export holds NUL characters
        raise BadInput("import.bad_encoding", filename=filename)
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" (and "Text (Tab delimited)") separates cells by TAB
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error:
        raise BadInput("import.bad_csv", filename=filename, line=reader.line_num)


def _xlsx_rows(content: bytes, filename: str) -> list[list[str]]:
    from openpyxl import load_workbook

    try:  # a damaged workbook can fail at any point of the lazy read, in any of openpyxl's parsers
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the stored <dimension> may be stale (some exporters never update it): read every row
        rows: list[list[str]] = []
        for row in sheet.iter_rows():
            cells = [c for c in row if getattr(c, "row", None)]
            if cells:  # a row's number is its own: rows the file leaves out are blank rows in between
                rows.extend([] for _ in range(cells[0].row - 1 - len(rows)))
                rows.append([_cell_text(c.value) for c in row])
        return rows
    except Exception:
        raise BadInput("import.bad_xlsx", filename=filename)


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


def fen(text: str, low: int = 0, high: int = MAX_FEN, exact: bool = False) -> int:
    """Yuan as exports write them ('1,875.00', '¥29', '-20') in integer fen within [low, high]; BadInput otherwise.

    Only ASCII digits count, and commas only as thousands separators ('1.299,00' is refused, not read as 1.30).
    Past two decimals an amount is rounded to the fen, or refused when `exact`."""
    cleaned = text.replace("¥", "").replace("￥", "").strip()
    if "," in cleaned:
        if not GROUPED.fullmatch(cleaned):
            raise BadInput("import.bad_thousands", value=text[:30])
        cleaned = cleaned.replace(",", "")
    if not AMOUNT.fullmatch(cleaned):
        raise BadInput("import.bad_money", value=text[:30])
    yuan = Decimal(cleaned)
    if not Decimal(low) / 100 <= yuan <= Decimal(high) / 100:  # compared before scaling: 1e9999 stays a comparison
        raise BadInput("import.money_range", value=text[:30], low=f"{Decimal(low) / 100:,}", high=f"{Decimal(high) / 100:,}")
    amount = yuan * 100
    if exact and amount != amount.to_integral_value():
        raise BadInput("import.money_precision", value=text[:30])
    return int(amount.to_integral_value())


def whole_number(text: str, low: int, high: int) -> int:
    """A count written in ASCII digits within [low, high]; BadInput naming the value otherwise."""
    match = WHOLE.fullmatch(text)
    if not match:
        raise BadInput("import.bad_number", value=text[:30])
    sign, digits = match.groups()
    widest = len(str(max(abs(low), abs(high))))
    if len(digits) > widest or not low <= int(sign + digits) <= high:  # the length first: int() of 5,000 digits raises
        raise BadInput("import.number_range", value=text[:30], low=low, high=high)
    return int(sign + digits)
