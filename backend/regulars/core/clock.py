"""The one clock: every rule that depends on time takes `now` from here, so tests can move it."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
_offset = dt.timedelta(seconds=float(os.environ.get("REGULARS_CLOCK_OFFSET_SECONDS", "0")))


def now() -> dt.datetime:
    return dt.datetime.now(UTC) + _offset


def set_offset(delta: dt.timedelta) -> None:
    global _offset
    _offset = delta


def local(moment: dt.datetime, zone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(zone))


def today_in(zone: str, moment: dt.datetime | None = None) -> dt.date:
    return local(moment or now(), zone).date()


def aware(value: dt.datetime | str) -> dt.datetime:
    """A UTC datetime from what either engine returns (SQLite may hand back text or naive values)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
