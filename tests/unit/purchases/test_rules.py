"""Purchase rules without a database: POS lines, money and time as exports write them."""

import datetime as dt

import pytest

from regulars.purchases import rules

pytestmark = pytest.mark.nodb


def test_yuan_formats_sign_and_cents():
    assert rules.yuan(187500) == "1,875.00"
    assert rules.yuan(123456789) == "1,234,567.89"
    assert rules.yuan(-2000) == "-20.00"
    assert rules.yuan(5) == "0.05"


def test_local_time_store_zone_to_utc():
    assert rules.local_time("2026-01-02 17:21:00", "Asia/Shanghai") == dt.datetime(2026, 1, 2, 9, 21, tzinfo=dt.timezone.utc)
    assert rules.local_time("2026/1/2 7:05", "Asia/Shanghai") == dt.datetime(2026, 1, 1, 23, 5, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("text", ["2026-13-02 10:00", "02/01/2026 10:00", "昨天"])
def test_local_time_unreadable_raises(text):
    with pytest.raises(ValueError):
        rules.local_time(text, "Asia/Shanghai")


def test_classify_pos_line_negative_is_refund():
    assert rules.classify_pos_line("device", -2000) == ("refund", "device", None)


def test_classify_pos_line_free_after_sales_is_visit():
    assert rules.classify_pos_line("service", 0) == ("visit", None, "after_sales")


def test_classify_pos_line_free_plan_change_is_purchase():
    assert rules.classify_pos_line("plan", 0) == ("purchase", "plan", None)


def test_items_from_text_splits_names():
    assert rules.items_from_text("手机壳|钢化膜") == [{"name": "手机壳", "quantity": 1}, {"name": "钢化膜", "quantity": 1}]
    assert rules.items_from_text("") == []


def test_birthday_of_customer_row():
    assert rules.birthday_of({"birth_calendar": "lunar", "birth_month": 8, "birth_day": 15, "birth_leap_month": 0}) == ("lunar", 8, 15, False)
    assert rules.birthday_of({"birth_calendar": None, "birth_month": None, "birth_day": None}) is None
