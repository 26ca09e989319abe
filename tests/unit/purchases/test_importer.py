"""Parsing a POS line without a database: amounts and times refused as the API refuses them, named by their column."""

import datetime as dt

import pytest

from regulars.core.auth import Principal
from regulars.customers.importer import RowError, match_headers
from regulars.purchases import importer

pytestmark = pytest.mark.nodb
NOW = dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.timezone.utc)  # 12:00 in Shanghai
ADMIN = Principal(staff_id=0, username="admin", display_name="admin", role="admin", store_id=None)
HEADERS = match_headers(["订单号", "手机号码", "营业厅编码", "办理时间", "业务类型", "金额(元)"], importer.COLUMNS, importer.REQUIRED)
CTX = importer.Context(ADMIN, HEADERS, {"XX001": 1}, {1: "Asia/Shanghai"}, {}, NOW)


def line(**cells):
    return {"订单号": "T-1", "手机号码": "13812345678", "营业厅编码": "XX001", "办理时间": "2026-01-02 10:00",
            "业务类型": "配件", "金额(元)": "29.00"} | cells


def refusal(raw) -> RowError:
    with pytest.raises(RowError) as caught:
        importer.parse_row(raw, CTX)
    return caught.value


@pytest.mark.parametrize(("amount", "fen", "kind"), [("1000000", 100_000_000, "purchase"), ("-1,000,000.00", -100_000_000, "refund")])
def test_parse_line_takes_the_apis_bounds(amount, fen, kind):
    values = importer.parse_row(line(**{"金额(元)": amount}), CTX)
    assert (values["amount_fen"], values["kind"]) == (fen, kind)


@pytest.mark.parametrize(("text", "key"), [
    ("1e20", "import.money_range"), ("-1e40", "import.money_range"), ("1000000.01", "import.money_range"),
    ("٢٩", "import.bad_money"), ("二十九", "import.bad_money"), ("29.005", "import.money_precision"),
])
def test_parse_line_bad_amount(text, key):
    error = refusal(line(**{"金额(元)": text}))
    assert (error.column, error.error.key) == ("金额(元)", key)


@pytest.mark.parametrize(("text", "key"), [
    ("1900-01-01 10:00", "import.too_old"),
    ("1999-12-31 23:59", "import.too_old"),
    ("0001-01-01 00:00", "import.bad_time"),
    ("9999-12-31 23:59", "purchase.future"),
    ("2026-11-23 12:06", "purchase.future"),
    ("2026-13-01 10:00", "import.bad_time"),
])
def test_parse_line_bad_time(text, key):
    error = refusal(line(**{"办理时间": text}))
    assert (error.column, error.error.key, error.error.params["value"]) == ("办理时间", key, text)


@pytest.mark.parametrize("text", ["2000-01-01 00:00", "2026-11-23 12:04"])
def test_parse_line_time_within_bounds(text):
    assert importer.parse_row(line(**{"办理时间": text}), CTX)["occurred_at"] <= NOW + dt.timedelta(minutes=5)
