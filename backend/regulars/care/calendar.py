"""The care calendar, pure: birthdays (solar and lunar), follow anniversaries, festivals, official holidays.

Every function takes the dates it reasons about; nothing here reads a clock or a database.

Decisions worth knowing:
- A solar birthday on 29 February is observed on 28 February in years without one.
- A lunar birthday is observed in the lunar month of the same number each lunar year; day 30 is
  observed on the month's last day when that month has 29 days.
- A birth in a leap lunar month (闰月) is observed in that leap month in years that have it, and in
  the ordinary month of the same number in years that do not (the usual family practice). A birth in
  an ordinary month is never observed in the leap month that follows it.
- Festival dates come from lunar-python's own festival and solar-term tables; official holidays and
  make-up workdays from chinese-calendar where it knows the year, and from rows an admin adds where
  it does not (an admin row for a day wins over the package).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, NamedTuple
from zoneinfo import ZoneInfo

import chinese_calendar
from lunar_python import Lunar, LunarMonth, LunarYear, Solar
from lunar_python.util import LunarUtil, SolarUtil

UTC = dt.timezone.utc

# Festival key -> how lunar-python names it, and in which of its tables.
_LUNAR_FESTIVALS = {"spring_festival": "春节", "lantern": "元宵节", "dragon_boat": "端午节", "qixi": "七夕节",
                    "mid_autumn": "中秋节", "double_ninth": "重阳节"}
_SOLAR_FESTIVALS = {"new_year": "元旦节", "national_day": "国庆节"}
_SOLAR_TERMS = {"qingming": "清明"}
FESTIVALS = ("new_year", "spring_festival", "lantern", "qingming", "dragon_boat", "qixi", "mid_autumn",
             "double_ninth", "national_day")


def _month_day(table: dict[str, str], name: str) -> tuple[int, int]:
    for key, value in table.items():
        if value == name:
            month, day = key.split("-")
            return int(month), int(day)
    raise LookupError(f"lunar-python has no festival named {name}")


def festival_date(key: str, year: int) -> dt.date:
    """The solar date of a festival in a solar year (lunar festivals of the lunar year that starts in it)."""
    if key in _LUNAR_FESTIVALS:
        month, day = _month_day(LunarUtil.FESTIVAL, _LUNAR_FESTIVALS[key])
        return _ymd(Lunar.fromYmd(year, month, day).getSolar())
    if key in _SOLAR_FESTIVALS:
        month, day = _month_day(SolarUtil.FESTIVAL, _SOLAR_FESTIVALS[key])
        return dt.date(year, month, day)
    if key in _SOLAR_TERMS:
        return _ymd(Lunar.fromYmd(year, 1, 1).getJieQiTable()[_SOLAR_TERMS[key]])
    raise KeyError(key)


def festivals_on(day: dt.date) -> list[str]:
    return [key for key in FESTIVALS if festival_date(key, day.year) == day]


def _ymd(solar: Solar) -> dt.date:
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


# birthdays ---------------------------------------------------------------------------------


def is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def solar_birthday(year: int, month: int, day: int) -> dt.date:
    """The day a solar birthday is observed in `year` (29 February -> 28 February in common years)."""
    if month == 2 and day == 29 and not is_leap_year(year):
        return dt.date(year, 2, 28)
    return dt.date(year, month, day)


def lunar_birthday(lunar_year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """The solar date on which a lunar birthday is observed in the given lunar year."""
    signed = -month if leap and LunarYear.fromYear(lunar_year).getLeapMonth() == month else month
    last = LunarMonth.fromYm(lunar_year, signed).getDayCount()
    return _ymd(Lunar.fromYmd(lunar_year, signed, min(day, last)).getSolar())


def lunar_birthdays_in_solar_year(year: int, month: int, day: int, leap: bool = False) -> list[dt.date]:
    """Observed dates falling in a solar year: usually one; none or two when the lunar year straddles it."""
    found = [lunar_birthday(y, month, day, leap) for y in (year - 1, year)]
    return [d for d in found if d.year == year]


class LunarDay(NamedTuple):
    year: int
    month: int
    day: int
    leap: bool
    month_days: int
    year_leap_month: int


def lunar_of(day: dt.date) -> LunarDay:
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    signed = lunar.getMonth()
    month_days = LunarMonth.fromYm(lunar.getYear(), signed).getDayCount()
    return LunarDay(lunar.getYear(), abs(signed), lunar.getDay(), signed < 0, month_days,
                    LunarYear.fromYear(lunar.getYear()).getLeapMonth())


class BirthdayKey(NamedTuple):
    """Customers whose stored birthday matches this key are observed on the day it was made for."""

    calendar: str
    month: int
    days: tuple[int, ...]
    leap: bool | None  # None: either


def solar_key(day: dt.date) -> BirthdayKey:
    days = (day.day, 29) if (day.month, day.day) == (2, 28) and not is_leap_year(day.year) else (day.day,)
    return BirthdayKey("solar", day.month, days, None)


def lunar_key(day: dt.date) -> BirthdayKey:
    lunar = lunar_of(day)
    days = (lunar.day, 30) if lunar.day == lunar.month_days == 29 else (lunar.day,)
    if lunar.leap:
        return BirthdayKey("lunar", lunar.month, days, True)
    if lunar.year_leap_month == lunar.month:
        return BirthdayKey("lunar", lunar.month, days, False)
    return BirthdayKey("lunar", lunar.month, days, None)


def birthday_keys(day: dt.date) -> list[BirthdayKey]:
    """The stored birthdays (calendar, month, days, leap flag) that are observed on `day`."""
    return [solar_key(day), lunar_key(day)]


def observed_birthday(calendar: str, month: int, day: int, leap: bool, on: dt.date) -> bool:
    """Whether a stored birthday is observed on the given day (the keys, seen from one customer)."""
    key = solar_key(on) if calendar == "solar" else lunar_key(on)
    return key.month == month and day in key.days and key.leap in (None, leap)


# anniversaries ------------------------------------------------------------------------------


def anniversary_days(day: dt.date, earliest_year: int) -> list[tuple[dt.date, int]]:
    """Past local dates whose anniversary is observed on `day`, with the number of years (29 Feb -> 28 Feb)."""
    found = []
    for year in range(day.year - 1, earliest_year - 1, -1):
        candidates = []
        try:
            candidates.append(day.replace(year=year))
        except ValueError:
            pass  # 29 February of a leap year has no date in this common year
        if (day.month, day.day) == (2, 28) and not is_leap_year(day.year) and is_leap_year(year):
            candidates.append(dt.date(year, 2, 29))
        found.extend((c, day.year - year) for c in candidates)
    return found


def local_day_bounds(day: dt.date, zone: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where a local calendar day starts and the next one starts (23 or 25 h on DST days)."""
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


# official holidays ---------------------------------------------------------------------------


class OfficialDay(NamedTuple):
    day: dt.date
    kind: str  # holiday or workday (a make-up workday on a weekend)
    name: str
    source: str  # package or table


def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_holiday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def official_days(year: int, table_rows: Iterable[OfficialDay] = ()) -> list[OfficialDay]:
    """Holidays and make-up workdays of a year: the package's where it knows the year, table rows on top."""
    days: dict[dt.date, OfficialDay] = {}
    if package_knows(year):
        for day, name in chinese_calendar.holidays.items():
            if day.year == year:
                days[day] = OfficialDay(day, "holiday", name, "package")
        for day, name in chinese_calendar.workdays.items():
            if day.year == year:
                days[day] = OfficialDay(day, "workday", name, "package")
    for row in table_rows:
        if row.day.year == year:
            days[row.day] = row
    return sorted(days.values())


def holiday_starts(days: Iterable[OfficialDay]) -> dict[dt.date, str]:
    """The first day of each run of consecutive holidays (the day a holiday greeting belongs to)."""
    holidays = {d.day: d.name for d in days if d.kind == "holiday"}
    return {day: name for day, name in holidays.items() if day - dt.timedelta(days=1) not in holidays}


def is_workday(day: dt.date, days: Iterable[OfficialDay]) -> bool:
    """A store-office working day: weekdays, except holidays, plus make-up workdays."""
    for official in days:
        if official.day == day:
            return official.kind == "workday"
    return day.weekday() < 5
