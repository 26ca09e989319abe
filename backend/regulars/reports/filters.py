"""Report filters from the query string, with the caller's reach applied."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.errors import BadInput, NotFound

MAX_DAYS = 731


class Filters(msgspec.Struct, frozen=True):
    date_from: dt.date
    date_to: dt.date
    store_id: int | None
    clerk_id: int | None
    channel_id: int | None
    campaign_id: int | None
    timezone: str

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
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput("report.bad_date", field=field, value=value[:20])


def parse(actor: Principal, query: dict[str, Any], timezone: str) -> Filters:
    """Defaults to the last 30 days; a manager's or clerk's store is always their own."""
    today = clock.today_in(timezone)
    date_to = _date(query.get("to"), "to") or today
    date_from = _date(query.get("from"), "from") or date_to - dt.timedelta(days=29)
    if date_from > date_to:
        raise BadInput("report.bad_range", field="from")
    if (date_to - date_from).days > MAX_DAYS:
        raise BadInput("report.range_too_long", field="from", days=MAX_DAYS)

    def integer(name: str) -> int | None:
        raw = query.get(name)
        if raw in (None, ""):
            return None
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise BadInput("error.validation", field=name, problem=str(raw)[:20])

    store_id = integer("store")
    if not actor.is_admin:
        if store_id not in (None, actor.store_id):
            raise NotFound("report.store")
        store_id = actor.store_id
    return Filters(date_from=date_from, date_to=date_to, store_id=store_id, clerk_id=integer("clerk"),
                   channel_id=integer("channel"), campaign_id=integer("campaign"), timezone=timezone)
