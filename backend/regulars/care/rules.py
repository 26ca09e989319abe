"""Pure care decisions: quiet hours, holdout, retries, recurring periods, lifecycle dates, alert levels.

No clock and no I/O: every function takes the moment or the day it decides about.
"""

from __future__ import annotations

import calendar as _months
import datetime as dt
import hashlib
from typing import NamedTuple
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
DEFAULT_QUIET = (dt.time(21, 0), dt.time(9, 0))
HOLDOUT_PRIME = 2_147_483_647  # 2^31 - 1: keeps (id + offset) * multiplier inside a signed 64-bit integer
HOLDOUT_OFFSET = 7919
PERIOD_EPOCH = dt.date(2000, 1, 3)  # a Monday: weekly periods start on Mondays
MAX_ATTEMPTS = 6
THEMES = ("reward", "communicate", "improve", "optimise")


# quiet hours ---------------------------------------------------------------------------------


def parse_time(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def in_quiet_hours(local: dt.time, start: dt.time, end: dt.time) -> bool:
    """Whether a local wall-clock time falls in the quiet window (which may wrap past midnight)."""
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def next_allowed(moment: dt.datetime, zone: str, start: dt.time, end: dt.time) -> dt.datetime:
    """The first instant at or after `moment` that is outside the store's quiet hours, in UTC."""
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    if not in_quiet_hours(local.timetz().replace(tzinfo=None), start, end):
        return moment.astimezone(UTC)
    day = local.date() if local.time() < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=tz).astimezone(UTC)


def first_send_time(day: dt.date, now: dt.datetime, zone: str, start: dt.time, end: dt.time) -> dt.datetime:
    """When an occasion observed on a local day may first be sent: not before that day, not in quiet hours."""
    day_start = dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    return next_allowed(max(now, day_start), zone, start, end)


# holdout -------------------------------------------------------------------------------------


def holdout_multiplier(campaign_id: int) -> int:
    """A campaign's own stable multiplier for the holdout hash (never 0 modulo the prime)."""
    digest = hashlib.sha256(f"regulars.care.holdout:{campaign_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % (HOLDOUT_PRIME - 1) + 1


def holdout_bucket(campaign_id: int, customer_id: int) -> int:
    """0-9999: where a customer falls for a campaign; the planner's SQL computes the same number."""
    return (customer_id + HOLDOUT_OFFSET) * holdout_multiplier(campaign_id) % HOLDOUT_PRIME % 10_000


def holdout_sql(campaign_id: int, column: str = "c.id") -> tuple[str, list[int]]:
    """The same bucket as SQL (both engines), with its parameter."""
    return (f"((CAST({column} AS BIGINT) + {HOLDOUT_OFFSET}) * CAST({{}} AS BIGINT) % {HOLDOUT_PRIME} % 10000)",
            [holdout_multiplier(campaign_id)])


def in_holdout(campaign_id: int, customer_id: int, share_bp: int) -> bool:
    return holdout_bucket(campaign_id, customer_id) < share_bp


# retries and leases --------------------------------------------------------------------------


def backoff(attempt: int) -> dt.timedelta:
    """Wait before retry n (1-based): 30 s, 2 min, 8 min, 32 min, then hourly."""
    return dt.timedelta(seconds=min(30 * 4 ** max(attempt - 1, 0), 3600))


# recurring periods and lifecycle dates ------------------------------------------------------


def period_start(day: dt.date, every_days: int) -> dt.date:
    """The first day of the `every_days`-long period containing `day` (weeks start on Monday)."""
    return day - dt.timedelta(days=(day - PERIOD_EPOCH).days % every_days)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later (or earlier), clamped to the month's last day (31 Jan + 1 -> 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _months.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def purchase_days_reaching_age(today: dt.date, months: int) -> list[dt.date]:
    """Purchase dates whose device turns `months` old today (month ends gather the days that do not exist)."""
    first = add_months(today, -months)
    days = [first]
    if add_months(first, months) == today and today.day == _months.monthrange(today.year, today.month)[1]:
        probe = first + dt.timedelta(days=1)
        while probe.month == first.month:
            days.append(probe)
            probe += dt.timedelta(days=1)
    return days


def season_window(year: int, start: tuple[int, int], end: tuple[int, int]) -> tuple[dt.date, dt.date]:
    """A yearly period's dates starting in `year` (an end before the start runs into the next year)."""
    first = dt.date(year, *_valid(year, *start))
    end_year = year if end >= start else year + 1
    return first, dt.date(end_year, *_valid(end_year, *end))


def season_containing(day: dt.date, start: tuple[int, int], end: tuple[int, int]) -> dt.date | None:
    """The start date of the season period that contains `day`, if any."""
    for year in (day.year - 1, day.year):
        first, last = season_window(year, start, end)
        if first <= day <= last:
            return first
    return None


def _valid(year: int, month: int, day: int) -> tuple[int, int]:
    return month, min(day, _months.monthrange(year, month)[1])


# campaign state ------------------------------------------------------------------------------


def shown_state(status: str, starts_on: dt.date | None, ends_on: dt.date | None, today: dt.date) -> str:
    """The state a campaign is shown in, as the staff app's care-text.js `state()`: an active one is "scheduled"
    before its first day and "over" after its last; only "active" may be planned."""
    if status != "active":
        return status
    if starts_on is not None and starts_on > today:
        return "scheduled"
    if ends_on is not None and ends_on < today:
        return "over"
    return "active"


# frequency cap -------------------------------------------------------------------------------


def cap_allows(contacted_in_window: int, reserved_by_higher_priority: int, cap: int) -> bool:
    """A customer may be contacted if those already contacted plus better-ranked waiting rows leave room."""
    return contacted_in_window + reserved_by_higher_priority < cap


# warnings to managers ------------------------------------------------------------------------


class Level(NamedTuple):
    breached: bool
    level: str  # "warning" or "critical" ("" when not breached)


def below_floor(value: float, floor: float) -> Level:
    """Below the floor is a warning; below half of it is critical."""
    if floor <= 0 or value >= floor:
        return Level(False, "")
    return Level(True, "critical" if value < floor / 2 else "warning")


def above_ceiling(value: float, ceiling: float) -> Level:
    """Above the ceiling is a warning; above twice it is critical."""
    if ceiling <= 0 or value <= ceiling:
        return Level(False, "")
    return Level(True, "critical" if value > ceiling * 2 else "warning")


def spike(today: float, baseline_daily: float, factor: float, minimum: int = 10) -> Level:
    """A spike: today above `factor` times the usual daily count (and above a small minimum)."""
    ceiling = max(baseline_daily * factor, minimum)
    return above_ceiling(today, ceiling)
