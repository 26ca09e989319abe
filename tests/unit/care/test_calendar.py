"""Occasion dates against known calendars."""

import datetime as dt

import pytest

from regulars.care import calendar

pytestmark = pytest.mark.nodb
D = dt.date


@pytest.mark.parametrize(
    "lunar, solar",
    [
        ((2027, 8, 15), D(2027, 9, 15)),
        ((2027, 1, 1), D(2027, 2, 6)),
        ((2024, 8, 15), D(2024, 9, 17)),
        ((2025, 8, 15), D(2025, 10, 6)),
        ((2026, 1, 1), D(2026, 2, 17)),
        ((2028, 1, 1), D(2028, 1, 26)),
    ],
)
def test_lunar_birthday_known_dates(lunar, solar):
    assert calendar.lunar_birthday(*lunar) == solar


def test_lunar_birthday_moves_every_solar_year():
    observed = [calendar.lunar_birthday(year, 8, 15) for year in range(2024, 2031)]
    assert [d.isoformat() for d in observed] == [
        "2024-09-17", "2025-10-06", "2026-09-25", "2027-09-15", "2028-10-03", "2029-09-22", "2030-09-12",
    ]


def test_lunar_birthday_day_30_clamps_to_last_day():
    # the twelfth lunar month had 29 days in 2025: lunar 12-30 is observed on 12-29, the eve of Spring Festival
    assert calendar.lunar_of(D(2026, 2, 16)).month_days == 29
    assert calendar.lunar_birthday(2025, 12, 30) == D(2026, 2, 16)
    assert calendar.observed_birthday("lunar", 12, 30, False, D(2026, 2, 16))
    assert calendar.observed_birthday("lunar", 12, 29, False, D(2026, 2, 16))


def test_lunar_birthday_leap_month_born_observed_in_leap_month_when_it_exists():
    # 2023 had a leap second month (闰二月): lunar 闰2-10 = 2023-03-31, ordinary 2-10 = 2023-03-01
    assert calendar.lunar_birthday(2023, 2, 10, leap=True) == D(2023, 3, 31)
    assert calendar.lunar_birthday(2023, 2, 10, leap=False) == D(2023, 3, 1)
    assert calendar.observed_birthday("lunar", 2, 10, True, D(2023, 3, 31))
    assert not calendar.observed_birthday("lunar", 2, 10, True, D(2023, 3, 1))
    assert not calendar.observed_birthday("lunar", 2, 10, False, D(2023, 3, 31))


def test_lunar_birthday_leap_month_born_observed_in_ordinary_month_otherwise():
    # 2024 has no leap second month: 闰2-10 births are observed on ordinary 2-10 = 2024-03-19
    assert calendar.lunar_birthday(2024, 2, 10, leap=True) == D(2024, 3, 19)
    assert calendar.observed_birthday("lunar", 2, 10, True, D(2024, 3, 19))
    assert calendar.observed_birthday("lunar", 2, 10, False, D(2024, 3, 19))


def test_birthday_keys_observe_each_birthday_exactly_once_per_lunar_year():
    # walk every day of several lunar years: each stored lunar month-day is observed once per lunar year
    births = [(1, 1, False), (8, 15, False), (12, 30, False), (2, 10, True), (6, 30, True), (4, 30, False)]
    start, end = calendar.lunar_birthday(2023, 1, 1), calendar.lunar_birthday(2029, 1, 1)
    hits = {birth: [] for birth in births}
    for n in range((end - start).days):
        day = start + dt.timedelta(n)
        keys = calendar.birthday_keys(day)
        for birth in births:
            month, mday, leap = birth
            if any(k.calendar == "lunar" and k.month == month and mday in k.days and k.leap in (None, leap) for k in keys):
                hits[birth].append(day)
    for birth, days in hits.items():
        assert days == [calendar.lunar_birthday(year, *birth) for year in range(2023, 2029)], birth


def test_solar_birthday_29_february_in_common_year_is_28_february():
    assert calendar.solar_birthday(2027, 2, 29) == D(2027, 2, 28)
    assert calendar.solar_birthday(2028, 2, 29) == D(2028, 2, 29)
    assert calendar.observed_birthday("solar", 2, 29, False, D(2027, 2, 28))
    assert calendar.observed_birthday("solar", 2, 28, False, D(2027, 2, 28))
    assert not calendar.observed_birthday("solar", 2, 29, False, D(2028, 2, 28))
    assert calendar.observed_birthday("solar", 2, 29, False, D(2028, 2, 29))


def test_solar_birthdays_observed_once_per_year():
    for year in (2027, 2028):
        days = [D(year, 1, 1) + dt.timedelta(n) for n in range(366 if year == 2028 else 365)]
        for month, day in [(2, 29), (2, 28), (3, 1), (12, 31)]:
            hits = [d for d in days if calendar.observed_birthday("solar", month, day, False, d)]
            assert hits == [calendar.solar_birthday(year, month, day)]


@pytest.mark.parametrize(
    "key, year, expected",
    [
        ("mid_autumn", 2024, D(2024, 9, 17)), ("mid_autumn", 2025, D(2025, 10, 6)),
        ("mid_autumn", 2026, D(2026, 9, 25)), ("mid_autumn", 2027, D(2027, 9, 15)),
        ("spring_festival", 2024, D(2024, 2, 10)), ("spring_festival", 2025, D(2025, 1, 29)),
        ("spring_festival", 2026, D(2026, 2, 17)), ("spring_festival", 2027, D(2027, 2, 6)),
        ("lantern", 2026, D(2026, 3, 3)), ("qingming", 2026, D(2026, 4, 5)), ("qingming", 2024, D(2024, 4, 4)),
        ("dragon_boat", 2025, D(2025, 5, 31)), ("qixi", 2026, D(2026, 8, 19)), ("double_ninth", 2026, D(2026, 10, 18)),
        ("national_day", 2027, D(2027, 10, 1)), ("new_year", 2027, D(2027, 1, 1)),
    ],
)
def test_festival_dates(key, year, expected):
    assert calendar.festival_date(key, year) == expected


def test_festivals_on_a_day():
    assert calendar.festivals_on(D(2027, 9, 15)) == ["mid_autumn"]
    assert calendar.festivals_on(D(2027, 9, 16)) == []


def test_anniversary_29_february_observed_28_february_in_common_years():
    days = dict(calendar.anniversary_days(D(2027, 2, 28), 2020))
    assert days[D(2024, 2, 29)] == 3
    assert days[D(2026, 2, 28)] == 1
    assert D(2027, 2, 28) not in days
    assert dict(calendar.anniversary_days(D(2028, 2, 28), 2020)).get(D(2024, 2, 29)) is None


def test_local_day_bounds_across_daylight_saving_change():
    start, end = calendar.local_day_bounds(D(2027, 3, 28), "Europe/Berlin")
    assert start == dt.datetime(2027, 3, 27, 23, 0, tzinfo=dt.timezone.utc)
    assert end == dt.datetime(2027, 3, 28, 22, 0, tzinfo=dt.timezone.utc)  # a 23-hour day
    start, end = calendar.local_day_bounds(D(2027, 10, 31), "Europe/Berlin")
    assert end - start == dt.timedelta(hours=25)


def test_official_days_from_package_where_it_knows_the_year():
    days = {d.day: d for d in calendar.official_days(2026)}
    assert days[D(2026, 10, 1)].kind == "holiday" and days[D(2026, 10, 1)].source == "package"
    assert days[D(2026, 2, 14)].kind == "workday"  # a Saturday worked to bridge Spring Festival
    assert calendar.holiday_starts(days.values())[D(2026, 10, 1)] == "National Day"


def test_official_days_from_table_where_package_does_not_know():
    assert not calendar.package_knows(2027)
    rows = [calendar.OfficialDay(D(2027, 10, 1), "holiday", "National Day", "table"),
            calendar.OfficialDay(D(2027, 10, 2), "holiday", "National Day", "table"),
            calendar.OfficialDay(D(2027, 9, 26), "workday", "National Day", "table")]
    days = calendar.official_days(2027, rows)
    assert [d.day for d in days] == [D(2027, 9, 26), D(2027, 10, 1), D(2027, 10, 2)]
    assert calendar.holiday_starts(days) == {D(2027, 10, 1): "National Day"}
    assert calendar.is_workday(D(2027, 9, 26), days) and not calendar.is_workday(D(2027, 10, 1), days)


def test_table_row_overrides_package_day():
    rows = [calendar.OfficialDay(D(2026, 10, 8), "holiday", "National Day", "table")]
    days = {d.day: d for d in calendar.official_days(2026, rows)}
    assert days[D(2026, 10, 8)].source == "table"
