"""Parsing a billing export's row without a database: every refused cell is that row's error, named by its column."""

import datetime as dt

import pytest

from regulars.customers import importer, sheets
from regulars.customers.importer import RowError, parse_row

pytestmark = pytest.mark.nodb
TODAY = dt.date(2026, 11, 23)
HEADERS = importer.match_headers(["手机号码", "归属营业厅编码", "月均消费(元)", "欠费金额(元)", "副卡数", "标签", "出生日期", "生日历法"])


def row(**cells):
    return {"手机号码": "13812345678", "归属营业厅编码": "XX001"} | cells


def refusal(raw) -> RowError:
    with pytest.raises(RowError) as caught:
        parse_row(raw, HEADERS, {"XX001": 1}, TODAY)
    return caught.value


def test_parse_row_reads_bounds_as_the_api():
    values = parse_row(row(**{"月均消费(元)": "1,000,000.00", "副卡数": "20", "欠费金额(元)": "0"}), HEADERS, {"XX001": 1}, TODAY)
    assert (values["monthly_spend_fen"], values["family_lines"], values["arrears_fen"]) == (100_000_000, 20, 0)


@pytest.mark.parametrize(("column", "text", "key"), [
    ("月均消费(元)", "1e20", "import.money_range"),
    ("月均消费(元)", "1e40", "import.money_range"),
    ("月均消费(元)", "-500", "import.money_range"),
    ("月均消费(元)", "٥٠٠", "import.bad_money"),
    ("欠费金额(元)", "-1", "import.money_range"),
    ("副卡数", "²", "import.bad_number"),
    ("副卡数", "99999999999999999999999", "import.number_range"),
    ("标签", "长" * 31, "customer.tag_too_long"),
    ("标签", "|".join(str(i) for i in range(21)), "customer.too_many_tags"),
    ("生日历法", "阴历", "import.bad_choice"),
    ("手机号码", "1381234", "customer.phone_invalid"),
    ("归属营业厅编码", "ZZ999", "import.unknown_store"),
])
def test_parse_row_bad_cell_names_its_column(column, text, key):
    cells = {column: text} | ({"出生日期": "1990-01-02"} if column == "生日历法" else {})
    error = refusal(row(**cells))
    assert (error.column, error.error.key) == (column, key)


def test_parse_row_unforeseen_failure_is_the_cells_error(monkeypatch):
    def broken(text, *args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(sheets, "fen", broken)
    error = refusal(row(**{"月均消费(元)": "88.00"}))
    assert (error.column, error.error.key, error.error.params) == ("月均消费(元)", "import.bad_value", {"value": "88.00"})


def test_row_error_of_an_unforeseen_exception_hides_it_from_the_clerk():
    error = importer.row_error(OverflowError("Python int too large to convert to SQLite INTEGER"), job_id=1, line=3)
    assert (error.column, error.error.key, error.error.params) == ("", "import.row_failed", {})
