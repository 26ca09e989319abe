"""Pure rules of acquisition."""

import datetime as dt

import pytest

from regulars.acquisition import rules

pytestmark = pytest.mark.nodb
NOW = dt.datetime(2027, 9, 15, 2, 0, tzinfo=dt.timezone.utc)
HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize("active,starts,ends,expected", [
    (True, None, None, True),
    (False, None, None, False),
    (True, NOW + HOUR, None, False),
    (True, NOW, None, True),
    (True, None, NOW, False),
    (True, NOW - HOUR, NOW + HOUR, True),
])
def test_is_open(active, starts, ends, expected):
    assert rules.is_open(active, starts, ends, NOW) is expected


def test_check_window():
    assert rules.check_window(None, None) and rules.check_window(NOW, None) and rules.check_window(NOW, NOW + HOUR)
    assert not rules.check_window(NOW, NOW) and not rules.check_window(NOW + HOUR, NOW)


def test_form_problems_lists_each():
    assert rules.form_problems(service_consent=True, age_confirmed=True, notice_version=rules.NOTICE_VERSION) == []
    problems = rules.form_problems(service_consent=False, age_confirmed=False, notice_version="old")
    assert [field for field, _ in problems] == ["notice_version", "consent_service", "age_confirmed"]


def test_new_otp_six_digits():
    codes = {rules.new_otp() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 150


@pytest.mark.parametrize("typed,clean", [("123 456", "123456"), ("１２３４５６", "123456"), (" 12-34-56 ", "123456"),
                                         ("²³", ""), ("abc", "")])
def test_clean_otp(typed, clean):
    assert rules.clean_otp(typed) == clean


@pytest.mark.parametrize("typed, fen", [
    ("120", 12_000), ("99.5", 9_950), ("99.05", 9_905), ("１２０元", 12_000), ("¥1,200.00", 120_000), (" 0 ", 0),
    ("1000000", 100_000_000), ("1000000.01", None), ("12.345", None), ("一百", None), ("-5", None), ("1e3", None),
    ("٢٠", None), ("", None),
])
def test_spend_as_a_customer_types_it(typed, fen):
    assert rules.spend_fen(typed) == fen
