import datetime as dt

import pytest

from regulars.core.errors import BadInput
from regulars.customers import rules

pytestmark = pytest.mark.nodb
TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "raw",
    ["13812345678", "+86 138 1234 5678", "+86-138-1234-5678", "0086 13812345678", "8613812345678", "138 1234 5678"],
)
def test_normalise_phone_accepts_mainland_forms(raw):
    assert rules.normalise_phone(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["", "1381234567", "23812345678", "12812345678", "138123456789", "abc"])
def test_normalise_phone_refuses_non_mobile(raw):
    with pytest.raises(BadInput) as caught:
        rules.normalise_phone(raw)
    assert caught.value.field == "phone"


@pytest.mark.parametrize("raw", ["１３８１２３４５６７８", "13８１２３４５６７８", "13٨١٢٣٤٥٦٧٨", "۱۳۸۱۲۳۴۵۶۷۸", "＋８６ １３８－１２３４－５６７８",
                                 "（１３８）１２３４ ５６７８", "१३८१२३४५६७८"])
def test_normalise_phone_digits_of_any_script_stored_as_ascii(raw):
    """Typed with a Chinese IME (full-width) or another script's digits: the same number, stored the same way."""
    phone = rules.normalise_phone(raw)
    assert phone == "13812345678" and phone.isascii()
    assert rules.mask_phone(phone) == "138****5678"


@pytest.mark.parametrize("raw", ["13²12345678", "138⑧1234567", "138１２３４５６７８９", "13812345678\n1"])
def test_normalise_phone_refuses_digit_like_marks(raw):
    with pytest.raises(BadInput):
        rules.normalise_phone(raw)


def test_mask_phone_keeps_prefix_and_tail():
    assert rules.mask_phone("13812345678") == "138****5678"
    assert rules.mask_phone(None) == ""


@pytest.mark.parametrize(("fen", "band"), [(None, ""), (0, "<50"), (4999, "<50"), (5000, "50-99"), (19999, "100-199"), (45000, "400+")])
def test_spend_band(fen, band):
    assert rules.spend_band(fen) == band


def test_birthday_29_february_without_year_is_valid():
    rules.check_birthday("solar", 2, 29, None, False, TODAY)


def test_birthday_29_february_in_common_year_refused():
    with pytest.raises(BadInput):
        rules.check_birthday("solar", 2, 29, 1990, False, TODAY)


@pytest.mark.parametrize(("month", "day"), [(2, 30), (4, 31), (13, 1)])
def test_solar_birthday_that_does_not_exist_refused(month, day):
    with pytest.raises(BadInput):
        rules.check_birthday("solar", month, day, None, False, TODAY)


def test_lunar_birthday_day_30_accepted_day_31_refused():
    rules.check_birthday("lunar", 12, 30, None, False, TODAY)
    with pytest.raises(BadInput):
        rules.check_birthday("lunar", 1, 31, None, False, TODAY)


def test_birth_year_in_future_refused():
    with pytest.raises(BadInput):
        rules.check_birthday("solar", 1, 1, 2030, False, TODAY)


def test_completeness_counts_weighted_fields():
    assert rules.completeness({}) == 0
    assert rules.completeness({"name": "王伟", "birth_month": 3, "plan": "5G"}) == 35
    full = {f: "x" for f in rules.COMPLETENESS_WEIGHTS} | {"birth_month": 1}
    assert rules.completeness(full) == 100


def test_clean_tags_dedupes_and_limits():
    assert rules.clean_tags([" VIP ", "VIP", "", "学生"]) == ["VIP", "学生"]
    with pytest.raises(BadInput):
        rules.clean_tags([f"t{i}" for i in range(21)])


def test_lunar_birthday_day_30_checked_against_that_year():
    rules.check_birthday("lunar", 2, 30, 1990, False, TODAY)  # the second month of 1990 had 30 days
    with pytest.raises(BadInput):
        rules.check_birthday("lunar", 12, 30, 2025, False, TODAY)  # the twelfth month of 2025 had 29


def test_lunar_leap_month_birthday_needs_that_leap_month():
    rules.check_birthday("lunar", 5, 12, 1990, True, TODAY)  # 1990 had a leap fifth month
    with pytest.raises(BadInput):
        rules.check_birthday("lunar", 5, 12, 1991, True, TODAY)


@pytest.mark.parametrize(
    ("now", "seen", "sent", "conflict"),
    [
        ("同事改的", "原名", "我改的", True),  # changed since seen
        ("原名", "原名", "我改的", False),  # unchanged since seen
        ("我改的", "原名", "我改的", False),  # changed meanwhile to what is sent: no loss
        ("", None, "教师", False),  # no text and nothing read the same
        (["学生"], [], ["商务"], True),
        (0, None, 500, True),  # 0 is a value, not nothing
        (False, None, True, True),
        ({"calendar": "solar", "month": 3, "day": 8}, {"calendar": "solar", "month": 3, "day": 8}, None, False),
    ],
)
def test_changed_meanwhile(now, seen, sent, conflict):
    assert rules.changed_meanwhile({"f": now}, {"f": seen}, {"f": sent}) == (["f"] if conflict else [])
