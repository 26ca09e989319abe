"""Pure coupon rules: template checks, validity windows, refusal order, the reversal window."""

import datetime as dt

import pytest

from regulars.core.errors import BadInput
from regulars.coupons import rules

pytestmark = pytest.mark.nodb
UTC = dt.timezone.utc
NOW = dt.datetime(2027, 3, 31, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai


def template(**values):
    base = {"kind": "amount_off", "amount_off_fen": 500, "valid_days": 7, "valid_from": None, "valid_until": None,
            "scope": "issuing", "store_ids": []}
    return {**base, **values}


def test_check_template_valid_amount_off():
    rules.check_template(template(), NOW)


@pytest.mark.parametrize("values, field", [
    ({"amount_off_fen": None}, "amount_off_fen"),
    ({"kind": "percent_off", "amount_off_fen": None}, "percent_off"),
    ({"kind": "gift", "amount_off_fen": None, "item": ""}, "item"),
    ({"kind": "gift", "item": "杯子"}, "amount_off_fen"),
    ({"max_off_fen": 100}, "max_off_fen"),
    ({"valid_until": NOW + dt.timedelta(days=1)}, "valid_days"),
    ({"valid_days": None}, "valid_days"),
    ({"valid_days": None, "valid_from": NOW + dt.timedelta(days=2), "valid_until": NOW + dt.timedelta(days=1)},
     "valid_until"),
    ({"valid_days": None, "valid_until": NOW - dt.timedelta(seconds=1)}, "valid_until"),
    ({"scope": "list"}, "store_ids"),
])
def test_check_template_refused(values, field):
    with pytest.raises(BadInput) as error:
        rules.check_template(template(**values), NOW)
    assert error.value.field == field


def test_check_template_percent_off_cap_allowed():
    rules.check_template(template(kind="percent_off", amount_off_fen=None, percent_off=20, max_off_fen=3000), NOW)


def test_coupon_window_days_count_the_day_of_issue_in_store_zone():
    start, end = rules.coupon_window(template(valid_days=1), NOW, "Asia/Shanghai")
    assert start == NOW
    assert end == dt.datetime(2027, 3, 31, 16, 0, tzinfo=UTC)  # midnight in Shanghai: half an hour left
    _, week = rules.coupon_window(template(valid_days=7), NOW, "Asia/Shanghai")
    assert week == dt.datetime(2027, 4, 6, 16, 0, tzinfo=UTC)


def test_coupon_window_fixed_copies_template():
    begin, finish = NOW + dt.timedelta(days=1), NOW + dt.timedelta(days=9)
    assert rules.coupon_window(template(valid_days=None, valid_from=begin, valid_until=finish), NOW, "UTC") == (begin, finish)
    assert rules.coupon_window(template(valid_days=None, valid_until=finish), NOW, "UTC") == (NOW, finish)


def coupon(**values):
    base = {"state": "issued", "valid_from": NOW - dt.timedelta(days=1), "valid_until": NOW + dt.timedelta(days=1)}
    return {**base, **values}


@pytest.mark.parametrize("values, valid_here, in_reach, reason", [
    ({"state": "redeemed"}, False, False, "not_found"),
    ({"state": "redeemed"}, False, True, "wrong_store"),
    ({"state": "redeemed"}, True, True, "already_redeemed"),
    ({"state": "void"}, True, True, "void"),
    ({"state": "expired"}, True, True, "expired"),
    ({"valid_until": NOW}, True, True, "expired"),
    ({"valid_from": NOW + dt.timedelta(minutes=1)}, True, True, "not_yet_valid"),
    ({}, True, True, None),
])
def test_refusal_reason_order(values, valid_here, in_reach, reason):
    assert rules.refusal(coupon(**values), now=NOW, valid_here=valid_here, in_reach=in_reach) == reason


def test_reversible_thirty_minutes():
    assert rules.reversible(NOW - dt.timedelta(minutes=30), NOW)
    assert not rules.reversible(NOW - dt.timedelta(minutes=30, seconds=1), NOW)


def test_format_code_and_yuan():
    assert rules.format_code("ABCDEFGHJK5") == "ABCD-EFGH-JK5"
    assert rules.yuan(12345) == "123.45" and rules.yuan(5) == "0.05"
