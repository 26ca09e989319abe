"""Report filters from the query string, with the caller's reach applied."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec

from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.errors import BadInput, NotFound

MAX_DAYS = 731
YEARS = (2000, 2100)  # what a report can be about; beyond, a date's UTC bounds or next month would not exist
WHOLE = re.compile(r"-?[0-9]{1,10}")  # ASCII digits only: str.isdigit() also takes '²' and '٣', which int() refuses or reads
MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
INT32_MAX = 2_147_483_647
GROUPS = ("store", "clerk", "template", "channel", "day")
COMMON = {"from", "to", "store", "clerk", "channel", "group", "format", "limit", "offset", "month"}


class Filters(msgspec.Struct, frozen=True):
    date_from: dt.date
    date_to: dt.date
    store_id: int | None
    clerk_id: int | None
    channel_id: int | None
    campaign_id: int | None
    timezone: str
    group: str = ""  # "": the report's own default; store, clerk, template, channel or day
    params: dict[str, str] = {}

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) in UTC of the local dates, in the store's (or the chain's) time zone."""
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(self.timezone)
        start = dt.datetime.combine(self.date_from, dt.time(), zone).astimezone(dt.timezone.utc)
        end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.timezone.utc)
        return start, end


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput("report.bad_date", field=field, value=value[:20])
    return _in_years(day, field, value)


def _in_years(day: dt.date, field: str, value: str) -> dt.date:
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise BadInput("report.date_out_of_range", field=field, value=value[:20], low=YEARS[0], high=YEARS[1])
    return day


def whole(raw: Any, field: str) -> int | None:
    """A whole number typed in ASCII digits that a database column can hold; None when absent."""
    if raw in (None, ""):
        return None
    text = str(raw).strip()
    if not WHOLE.fullmatch(text):
        raise BadInput("report.bad_number", field=field, value=text[:20])
    if abs(int(text)) > INT32_MAX:
        raise BadInput("report.number_too_large", field=field, value=text[:20])
    return int(text)


def parse(actor: Principal, query: dict[str, Any], timezone: str) -> Filters:
    """Defaults to the last 30 days; a manager's or clerk's store is always their own."""
    query = month_range(query)
    today = clock.today_in(timezone)
    date_to = _date(query.get("to"), "to") or today
    date_from = _date(query.get("from"), "from") or date_to - dt.timedelta(days=29)
    if date_from > date_to:
        raise BadInput("report.bad_range", field="from")
    if (date_to - date_from).days > MAX_DAYS:
        raise BadInput("report.range_too_long", field="from", days=MAX_DAYS)

    def integer(name: str) -> int | None:
        return whole(query.get(name), name)

    store_id = integer("store")
    if not actor.is_admin:
        if store_id not in (None, actor.store_id):
            raise NotFound("report.store")
        store_id = actor.store_id
    group = query.get("group") or ""
    if group and group not in GROUPS:
        raise BadInput("report.bad_group", field="group", value=str(group)[:20])
    params = {k: str(v) for k, v in query.items() if k not in COMMON}
    return Filters(date_from=date_from, date_to=date_to, store_id=store_id, clerk_id=integer("clerk"),
                   channel_id=integer("channel"), campaign_id=_campaign_id(query.get("campaign")), timezone=timezone,
                   group=group, params=params)


def _campaign_id(raw: Any) -> int | None:
    """A care campaign's id; other campaign values (an acquisition code's campaign label) stay in `params`."""
    text = str(raw or "").strip()
    return whole(text, "campaign") if re.fullmatch(r"[0-9]+", text) else None


def month_range(query: dict[str, Any]) -> dict[str, Any]:
    """`month=YYYY-MM` as the from/to of that calendar month (other filters kept)."""
    month = query.get("month")
    if not month:
        return query
    try:
        first = dt.date.fromisoformat(f"{month}-01") if MONTH.fullmatch(str(month)) else None
    except ValueError:
        first = None
    if first is None:
        raise BadInput("report.bad_month", field="month", value=str(month)[:20])
    _in_years(first, "month", str(month))
    following = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return {**query, "from": first.isoformat(), "to": (following - dt.timedelta(days=1)).isoformat()}


def number(filters: Filters, name: str, default: int, low: int, high: int) -> int:
    """A report's own whole-number parameter, within its bounds."""
    value = whole(filters.params.get(name), name)
    if value is None:
        return default
    if not low <= value <= high:
        raise BadInput("report.out_of_bounds", field=name, low=low, high=high)
    return value
