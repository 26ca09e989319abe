"""Pure decisions about customer data: phones, birthdays, spend bands, completeness, masking."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from regulars.core.errors import BadInput

MOBILE = re.compile(r"1[3-9][0-9]{9}")  # ASCII digits only: \d also matches ٨ and ８
SPEND_BANDS = ("<50", "50-99", "100-199", "200-399", "400+")
_BAND_FLOORS = ((40000, "400+"), (20000, "200-399"), (10000, "100-199"), (5000, "50-99"), (0, "<50"))
TAG_LIMIT = 20

# What makes a profile useful to a store, weighted by how much care and offers depend on it.
COMPLETENESS_WEIGHTS: dict[str, int] = {
    "name": 10,
    "gender": 5,
    "birthday": 15,
    "occupation": 10,
    "interests": 10,
    "plan": 10,
    "spend_band": 10,
    "device_model": 10,
    "device_purchased_on": 5,
    "contract_end_on": 5,
    "broadband": 5,
    "family_lines": 5,
}


def _ascii(text: str) -> str:
    """Each decimal digit of any script (full-width ８ typed with a Chinese IME, Arabic-Indic ٨) as its ASCII
    digit, and full-width signs and spaces as ASCII (NFKC); other digit-like marks (², ⑧) stay and are refused."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch if ch.isdigit()
                   else unicodedata.normalize("NFKC", ch) for ch in text)


def normalise_phone(raw: str) -> str:
    """A mainland mobile number as 11 ASCII digits, from forms like '+86 138-1234-5678', '0086138...' or
    full-width '１３８１２３４５６７８': one number is stored one way, however it was typed."""
    digits = re.sub(r"[\s\-()（）.]", "", _ascii(raw or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not MOBILE.fullmatch(digits):
        raise BadInput("customer.phone_invalid", field="phone", value=(raw or "")[:30])
    return digits


def looks_like_phone(text: str) -> str | None:
    try:
        return normalise_phone(text)
    except BadInput:
        return None


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return f"{phone[:3]}****{phone[-4:]}"


def spend_band(fen: int | None) -> str:
    if fen is None:
        return ""
    for floor, band in _BAND_FLOORS:
        if fen >= floor:
            return band
    return "<50"


def check_birthday(calendar: str, month: int, day: int, year: int | None, leap_month: bool, today: dt.date) -> None:
    """Refuses a birthday that no calendar has: 2月30日, lunar day 31, a year in the future."""
    if year is not None and not 1900 <= year <= today.year:
        raise BadInput("customer.birth_year", field="birthday.year", value=year)
    if calendar == "solar":
        if leap_month:
            raise BadInput("customer.birthday_invalid", field="birthday", value=f"{month}-{day}")
        try:
            dt.date(year or 2000, month, day)  # 2000 is a leap year: 29 February stays valid without a year
        except ValueError:
            raise BadInput("customer.birthday_invalid", field="birthday", value=f"{year or ''}-{month}-{day}".lstrip("-"))
    elif not (1 <= month <= 12 and 1 <= day <= 30) or (year is not None and day > lunar_month_days(year, month, leap_month)):
        raise BadInput("customer.birthday_invalid", field="birthday", value=f"{year or ''}-{month}-{day}".lstrip("-"))


def lunar_month_days(year: int, month: int, leap: bool) -> int:
    """Days in a lunar month of a given year (29 or 30); 0 when that year has no such leap month."""
    from lunar_python import LunarYear

    for lunar_month in LunarYear.fromYear(year).getMonths():
        if lunar_month.getYear() == year and lunar_month.getMonth() == (-month if leap else month):
            return lunar_month.getDayCount()
    return 0


def clean_tags(tags: list[str]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag not in seen:
            if len(tag) > 30:
                raise BadInput("customer.tag_too_long", field="tags", value=tag[:30], max=30)
            seen.append(tag)
    if len(seen) > TAG_LIMIT:
        raise BadInput("customer.too_many_tags", field="tags", max=TAG_LIMIT)
    return seen


def completeness(profile: dict[str, Any]) -> int:
    """0-100: the weighted share of the profile fields a store relies on that are filled in."""
    score = 0
    for field, weight in COMPLETENESS_WEIGHTS.items():
        if field == "birthday":
            filled = profile.get("birth_month") is not None
        else:
            value = profile.get(field)
            filled = value not in (None, "", [], ())
        score += weight if filled else 0
    return score


def changed_meanwhile(current: dict[str, Any], expected: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The fields whose value now is neither what the client last saw nor what it sends (plain JSON values):
    someone else changed them since, and writing over them would lose that change."""
    return [field for field, seen in expected.items()
            if not _same(current.get(field), seen) and not _same(current.get(field), new.get(field))]


def _same(now: Any, other: Any) -> bool:
    return now == other or (_blank(now) and _blank(other))


def _blank(value: Any) -> bool:
    """No text, no list and nothing read the same on a profile (0 and False are values)."""
    return value is None or (isinstance(value, (str, list)) and not value)
