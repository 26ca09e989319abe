"""Points rules without a database: earning, birthday months (solar and lunar), refunds, expiry, FIFO."""

import datetime as dt

import pytest

from regulars.points import rules
from regulars.points.schemas import Rule

pytestmark = pytest.mark.nodb
UTC = dt.timezone.utc
RULE = Rule(rates={"plan": 1, "device": 2, "accessory": 3, "service": 1, "bill_payment": 0},
            bonuses={"follow": 50}, birthday_multiplier_pct=200, expiry_years=1)


def test_purchase_points_per_whole_yuan_of_the_category_rate():
    assert rules.purchase_points(RULE, "plan", 12900, False) == 129
    assert rules.purchase_points(RULE, "device", 187599, False) == 3750
    assert rules.purchase_points(RULE, "accessory", 2950, False) == 87


def test_purchase_points_bill_payment_excluded():
    assert rules.purchase_points(RULE, "bill_payment", 20000, False) == 0


def test_purchase_points_unknown_category_earns_nothing():
    assert rules.purchase_points(RULE, "lottery", 20000, False) == 0


def test_purchase_points_birthday_month_multiplies():
    assert rules.purchase_points(RULE, "plan", 12900, True) == 258


def test_purchase_points_refund_or_free_line_earns_nothing():
    assert rules.purchase_points(RULE, "device", -2000, False) == 0
    assert rules.purchase_points(RULE, "plan", 0, True) == 0


def test_bonus_points_missing_bonus_is_zero():
    assert rules.bonus_points(RULE, "follow") == 50
    assert rules.bonus_points(RULE, "referral") == 0


def test_refund_points_proportional():
    assert rules.refund_points(earned=1000, amount_fen=100000, refunded_before_fen=0, refund_fen=40000) == 400


def test_refund_points_in_pieces_never_exceed_what_was_earned():
    earned, amount = 333, 100000
    taken = sum(rules.refund_points(earned, amount, before, 10000) for before in range(0, amount, 10000))
    assert taken == earned
    assert rules.refund_points(earned, amount, amount, 5000) == 0


def test_birthday_months_solar_is_the_month():
    assert rules.birthday_months("solar", 5, 6, False, 2027) == {5}


def test_birthday_months_lunar_mid_autumn_2027_is_september():
    assert rules.birthday_months("lunar", 8, 15, False, 2027) == {9}


def test_birthday_months_lunar_new_year_2027_is_february():
    assert rules.birthday_months("lunar", 1, 1, False, 2027) == {2}


def test_birthday_months_lunar_late_twelfth_month_falls_in_next_solar_year():
    # lunar 2026-12-20 is in early 2027; lunar 2027-12-20 is in early 2028
    months = rules.birthday_months("lunar", 12, 20, False, 2027)
    assert months and months <= {1, 2}


def test_birthday_months_lunar_day_30_missing_clamps_to_month_end():
    # the twelfth lunar month of 2026 has 29 days: day 30 counts as day 29
    assert rules._lunar_to_solar(2026, 12, 30, False) == rules._lunar_to_solar(2026, 12, 29, False)


def test_birthday_months_lunar_leap_month_used_when_the_year_has_it():
    # 2025 has a leap sixth month; a birth in a leap sixth month is celebrated in it
    assert rules._lunar_to_solar(2025, 6, 1, True) == dt.date(2025, 7, 25)
    assert rules._lunar_to_solar(2025, 6, 1, False) < dt.date(2025, 7, 25)
    # a year without that leap month uses the ordinary month
    assert rules._lunar_to_solar(2027, 6, 1, True) == rules._lunar_to_solar(2027, 6, 1, False)


def test_in_birthday_month_without_birthday_is_false():
    assert rules.in_birthday_month(None, dt.date(2027, 9, 1)) is False
    assert rules.in_birthday_month(("lunar", 8, 15, False), dt.date(2027, 9, 30)) is True
    assert rules.in_birthday_month(("solar", 8, 15, False), dt.date(2027, 9, 30)) is False


def test_expiry_moment_end_of_the_year_after_earning_in_store_zone():
    earned = dt.datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    assert rules.expiry_moment(RULE, earned, "Asia/Shanghai") == dt.datetime(2027, 12, 31, 16, 0, tzinfo=UTC)


def test_expiry_moment_new_year_in_store_zone_counts_as_next_year():
    earned = dt.datetime(2026, 12, 31, 20, 0, tzinfo=UTC)  # 2027-01-01 04:00 in Shanghai
    assert rules.expiry_moment(RULE, earned, "Asia/Shanghai") == dt.datetime(2028, 12, 31, 16, 0, tzinfo=UTC)


def test_expiry_moment_never_when_rule_has_no_expiry():
    never = Rule(rates={}, bonuses={}, birthday_multiplier_pct=100, expiry_years=None)
    assert rules.expiry_moment(never, dt.datetime(2026, 1, 1, tzinfo=UTC), "Asia/Shanghai") is None


def test_take_from_lots_oldest_first():
    assert rules.take_from_lots([(1, 30), (2, 50), (3, 10)], 60) == [(1, 30), (2, 30)]


def test_take_from_lots_short_raises():
    with pytest.raises(ValueError):
        rules.take_from_lots([(1, 30)], 31)
