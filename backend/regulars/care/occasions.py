"""Occasions: for a campaign and a store-local day, which customers it applies to, as SQL.

Each kind turns (occasion, local day, zone) into an `Observed`: the occasion date that keys the
outbox row, a condition over `customer c` (and, for a store's campaign, `customer_store cs`, the
customer's membership of that store), and the last local day a contact may still go out. The calendar work happens
here in Python, once per day; the customers are filtered by the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from regulars.care import calendar, rules
from regulars.care.schemas import Occasion
from regulars.core.errors import BadInput

EARLIEST_FOLLOW_YEAR = 2000

DEFAULTS: dict[str, dict[str, Any]] = {
    "contract_end": {"offsets": [60, 30, 7]},
    "device_age": {"months": 24},
    "arrears": {"every_days": 7},
    "win_back": {"days": 90, "every_days": 30},
    "coupon_expiring": {"days": 3},
    "points_expiring": {"days": 30},
    "purchase_follow_up": {"days": 3},
    "complaint_follow_up": {"days": 1},
    "after_sales_follow_up": {"days": 3},
}
# Follow-ups: which purchase-room rows they follow (kind, category, visit kind).
FOLLOW_UPS = {
    "purchase_follow_up": ("purchase", "device", None),
    "complaint_follow_up": ("visit", None, "complaint"),
    "after_sales_follow_up": ("visit", None, "after_sales"),
}


class Observed(NamedTuple):
    occasion_date: dt.date
    where: str
    args: list[Any]
    last_day: dt.date


class Context(NamedTuple):
    today: dt.date
    zone: str
    official: tuple[calendar.OfficialDay, ...] = ()
    seasons: dict[int, tuple[tuple[int, int], tuple[int, int]]] = {}
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    joined_column: str = "cs.since"  # when the customer joined the store the row is for


def with_defaults(occasion: Occasion) -> Occasion:
    import msgspec

    values = {k: v for k, v in DEFAULTS.get(occasion.kind, {}).items() if getattr(occasion, k) is None}
    return msgspec.structs.replace(occasion, **values) if values else occasion


def check(occasion: Occasion, starts_on: dt.date | None, ends_on: dt.date | None) -> Occasion:
    """Refuses an occasion whose parameters make no sense."""
    kind = occasion.kind
    if kind == "festival" and occasion.festival not in calendar.FESTIVALS:
        raise BadInput("care.festival_needed", field="occasion.festival", value=occasion.festival or "")
    if kind == "season" and occasion.season_id is None:
        raise BadInput("care.season_needed", field="occasion.season_id")
    if kind == "date_range" and (starts_on is None or ends_on is None):
        raise BadInput("care.dates_needed", field="starts_on" if starts_on is None else "ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise BadInput("care.date_range", field="ends_on", starts_on=starts_on, ends_on=ends_on)
    return with_defaults(occasion)


def observe(occasion: Occasion, ctx: Context) -> Observed | None:
    """What the occasion means on the context's local day, or None when it does not apply that day."""
    today = ctx.today
    if (ctx.starts_on and today < ctx.starts_on) or (ctx.ends_on and today > ctx.ends_on):
        return None
    occasion = with_defaults(occasion)
    target = today + dt.timedelta(days=occasion.days_before)
    kind = occasion.kind
    tomorrow = today + dt.timedelta(days=1)
    if kind == "birthday":
        return Observed(today, *_birthday_sql(target), tomorrow)
    if kind == "follow_anniversary":
        return Observed(today, *_anniversary_sql(target, ctx.zone, ctx.joined_column), tomorrow)
    if kind == "festival":
        if calendar.festival_date(occasion.festival, target.year) != target:
            return None
        return Observed(today, "1 = 1", [], tomorrow)
    if kind == "holiday":
        starts = calendar.holiday_starts(ctx.official)
        if target not in starts or (occasion.holiday and starts[target] != occasion.holiday):
            return None
        return Observed(today, "1 = 1", [], tomorrow)
    if kind == "season":
        span = ctx.seasons.get(occasion.season_id)
        first = rules.season_containing(today, *span) if span else None
        return Observed(first, "1 = 1", [], tomorrow) if first else None
    if kind == "date_range":
        return Observed(ctx.starts_on, "1 = 1", [], tomorrow)
    if kind == "contract_end":
        days = sorted({today + dt.timedelta(days=n) for n in occasion.offsets})
        return Observed(today, f"c.contract_end_on IN ({_marks(days)})", days, tomorrow)
    if kind == "device_age":
        days = rules.purchase_days_reaching_age(today, occasion.months)
        return Observed(today, f"c.device_purchased_on IN ({_marks(days)})", days, tomorrow)
    if kind == "arrears":
        first = rules.period_start(today, occasion.every_days)
        return Observed(first, "c.arrears_fen > 0", [], first + dt.timedelta(days=occasion.every_days - 1))
    if kind == "win_back":
        first = rules.period_start(today, occasion.every_days)
        where, args = no_visit_since(today - dt.timedelta(days=occasion.days), ctx.zone)
        return Observed(first, where, args, first + dt.timedelta(days=occasion.every_days - 1))
    if kind == "coupon_expiring":
        start, end = calendar.local_day_bounds(today + dt.timedelta(days=occasion.days), ctx.zone)
        # a coupon's validity ends at an instant; its last valid day is the one that instant closes
        return Observed(today, "c.id IN (SELECT cx.customer FROM coupon cx WHERE cx.state = 'issued' "
                               "AND cx.valid_until > {} AND cx.valid_until <= {})", [start, end], tomorrow)
    if kind == "points_expiring":
        start, end = calendar.local_day_bounds(today + dt.timedelta(days=occasion.days), ctx.zone)
        return Observed(today, "c.id IN (SELECT px.customer FROM points_lot px WHERE px.remaining > 0 "
                               "AND px.expires_at > {} AND px.expires_at <= {})", [start, end], tomorrow)
    if kind in FOLLOW_UPS:
        purchase_kind, category, visit_kind = FOLLOW_UPS[kind]
        start, end = calendar.local_day_bounds(today - dt.timedelta(days=occasion.days), ctx.zone)
        where = ("EXISTS (SELECT 1 FROM purchase fx WHERE fx.customer = c.id AND fx.kind = {} "
                 "AND fx.occurred_at >= {} AND fx.occurred_at < {}")
        args: list[Any] = [purchase_kind, start, end]
        if category:
            where += " AND fx.category = {}"
            args.append(category)
        if visit_kind:
            where += " AND fx.visit_kind = {}"
            args.append(visit_kind)
        return Observed(today, where + ")", args, tomorrow)
    return None


def no_visit_since(day: dt.date, zone: str) -> tuple[str, list[Any]]:
    """Customers known before the local day `day` who have not been in a store since it began
    (no purchase, refund or visit, no coupon redeemed)."""
    cutoff, _ = calendar.local_day_bounds(day, zone)
    visited, args = _visited(cutoff)
    return f"c.created_at < {{}} AND NOT {visited}", [cutoff, *args]


def visited_since(day: dt.date, zone: str) -> tuple[str, list[Any]]:
    cutoff, _ = calendar.local_day_bounds(day, zone)
    return _visited(cutoff)


def _visited(cutoff: dt.datetime) -> tuple[str, list[Any]]:
    return ("(EXISTS (SELECT 1 FROM purchase vx WHERE vx.customer = c.id AND vx.occurred_at >= {}) "
            "OR EXISTS (SELECT 1 FROM coupon rx WHERE rx.customer = c.id AND rx.redeemed_at >= {}))", [cutoff, cutoff])


def _birthday_sql(day: dt.date) -> tuple[str, list[Any]]:
    parts, args = [], []
    for key in calendar.birthday_keys(day):
        part = f"(c.birth_calendar = {{}} AND c.birth_month = {{}} AND c.birth_day IN ({_marks(key.days)})"
        args += [key.calendar, key.month, *key.days]
        if key.leap is not None:
            part += " AND c.birth_leap_month = {}"
            args.append(key.leap)
        parts.append(part + ")")
    return "(" + " OR ".join(parts) + ")", args


def _anniversary_sql(day: dt.date, zone: str, column: str) -> tuple[str, list[Any]]:
    parts, args = [], []
    for past, _years in calendar.anniversary_days(day, EARLIEST_FOLLOW_YEAR):
        start, end = calendar.local_day_bounds(past, zone)
        parts.append(f"({column} >= {{}} AND {column} < {{}})")
        args += [start, end]
    return ("(" + " OR ".join(parts) + ")", args) if parts else ("1 = 0", [])


def _marks(values: Any) -> str:
    return ", ".join("{}" for _ in values) or "NULL"
