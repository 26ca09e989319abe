"""Pure decisions about points: how many a purchase earns, birthday months, lot expiry, refunds, FIFO."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from lunar_python import Lunar, LunarMonth, LunarYear

from regulars.points.schemas import Rule

CATEGORIES = ("plan", "device", "accessory", "service", "bill_payment")
BONUSES = ("follow", "referral", "profile_completed")
KINDS = ("earn", "redeem", "expire", "adjust", "reverse")

DEFAULT_RULE = Rule(
    rates={"plan": 1, "device": 1, "accessory": 1, "service": 1, "bill_payment": 0},
    bonuses={"follow": 50, "referral": 100, "profile_completed": 30},
    birthday_multiplier_pct=200,
    expiry_years=1,
)


def purchase_points(rule: Rule, category: str, amount_fen: int, birthday_month: bool) -> int:
    """Points for a purchase: the category's rate per whole yuan spent, times the birthday multiplier."""
    if amount_fen <= 0:
        return 0
    base = amount_fen // 100 * rule.rates.get(category, 0)
    return base * rule.birthday_multiplier_pct // 100 if birthday_month else base


def bonus_points(rule: Rule, bonus: str) -> int:
    return rule.bonuses.get(bonus, 0)


def refund_points(earned: int, amount_fen: int, refunded_before_fen: int, refund_fen: int) -> int:
    """Points a refund takes back, in proportion to the refunded share; cumulative, so rounding never takes more than was earned."""
    if earned <= 0 or amount_fen <= 0:
        return 0
    before = earned * min(refunded_before_fen, amount_fen) // amount_fen
    after = earned * min(refunded_before_fen + refund_fen, amount_fen) // amount_fen
    return after - before


def _lunar_to_solar(year: int, month: int, day: int, leap: bool) -> dt.date:
    """The solar date of lunar (month, day) in lunar year `year`; a missing day 30 becomes the month's last day."""
    use_leap = leap and LunarYear.fromYear(year).getLeapMonth() == month
    lunar_month = -month if use_leap else month
    day = min(day, LunarMonth.fromYm(year, lunar_month).getDayCount())
    solar = Lunar.fromYmd(year, lunar_month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def birthday_months(calendar: str, month: int, day: int, leap: bool, year: int) -> set[int]:
    """Solar months of `year` in which the birthday falls (a lunar birthday may fall in either January or December)."""
    if calendar != "lunar":
        return {month}
    found = set()
    for lunar_year in (year - 1, year):
        date = _lunar_to_solar(lunar_year, month, day, leap)
        if date.year == year:
            found.add(date.month)
    return found


def in_birthday_month(birthday: tuple[str, int, int, bool] | None, on: dt.date) -> bool:
    """Whether `on` lies in the customer's birthday month; birthday = (calendar, month, day, leap_month)."""
    if birthday is None:
        return False
    calendar, month, day, leap = birthday
    return on.month in birthday_months(calendar, month, day, leap, on.year)


def expiry_moment(rule: Rule, earned_at: dt.datetime, zone: str) -> dt.datetime | None:
    """When points earned at `earned_at` expire: the end of the year `expiry_years` after, in the store's zone."""
    if rule.expiry_years is None:
        return None
    tz = ZoneInfo(zone)
    year = earned_at.astimezone(tz).year + rule.expiry_years + 1
    return dt.datetime(year, 1, 1, tzinfo=tz).astimezone(dt.timezone.utc)


def take_from_lots(lots: list[tuple[int, int]], points: int) -> list[tuple[int, int]]:
    """How much to take from each (lot id, remaining), in the order given, to make up `points`."""
    plan = []
    left = points
    for lot_id, remaining in lots:
        if left <= 0:
            break
        take = min(left, remaining)
        if take > 0:
            plan.append((lot_id, take))
            left -= take
    if left > 0:
        raise ValueError(f"lots hold {points - left} points, {points} needed")
    return plan
