"""SQL that differs between SQLite and PostgreSQL: local days and months, day differences, time zone pieces.

SQLite knows no time zones, so a local-day expression there adds a fixed offset; a range
that crosses a daylight-saving change is cut into pieces, each with its own offset.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

from regulars.core.db import is_postgres, raw, writing

ZONE_NAME = re.compile(r"^[A-Za-z0-9_/+\-]{1,60}$")


async def one_rebuild_at_a_time(lock_key: int) -> None:
    """Inside a roll-up's write unit (delete its rows, insert them again): waits for any other rebuild of the
    same table to commit first, so that this one deletes what that one inserted instead of failing on a
    duplicate key. PostgreSQL: a transaction-level advisory lock; SQLite writes one unit at a time already."""
    if is_postgres():
        await raw("SELECT pg_advisory_xact_lock({})", lock_key)


async def watermarks(name: str) -> dict:
    """What a roll-up's last round recorded (report_rollup.watermarks), {} before its first round."""
    rows = await raw("SELECT watermarks FROM report_rollup WHERE name = {}", name)
    if not rows:
        return {}
    value = rows[0]["watermarks"]
    return json.loads(value) if isinstance(value, str) else dict(value or {})


async def save_watermarks(name: str, values: dict, now: dt.datetime) -> None:
    """Records a roll-up's round: its watermarks and when it ran, in one write unit."""
    async with writing():
        await raw(
            "INSERT INTO report_rollup (name, watermarks, refreshed_at) VALUES ({}, {}, {}) "
            "ON CONFLICT (name) DO UPDATE SET watermarks = excluded.watermarks, refreshed_at = excluded.refreshed_at",
            name, json.dumps(values), now,
        )


# rounds whose marks wait for transactions still open when they read (PostgreSQL); more are thinned, never lost
PENDING_ROUNDS = 30


async def read_marks(state: dict) -> tuple[dict[str, int], dict[str, int], list]:
    """From a roll-up's saved state: the id marks to read on from this round, the marks the round may save as
    settled, and the earlier rounds still unsettled as [transaction horizon, marks read].

    On SQLite one transaction writes at a time, so a row not yet committed has a higher id than every committed
    one: what a round read is settled at once. On PostgreSQL ids come from sequences before commit: a
    transaction may commit row 100 after row 101 was read, and a back-dated row (a purchase imported weeks late)
    would then never be rolled up. So a round's marks settle only when every transaction open when it read has
    ended (the oldest transaction still open is younger than the horizon noted after its read); the round that
    sees this reads from the older marks, so it reads the late rows, and saves the settled ones for the next.
    """
    if "safe" not in state:  # a state written before horizons were kept: its marks as they are
        marks = {k: int(v) for k, v in state.items()}
        return marks, marks, []
    safe = {k: int(v) for k, v in state["safe"].items()}
    settled, pending = dict(safe), list(state.get("pending", []))
    if pending and is_postgres():
        oldest_open = int((await raw("SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS x"))[0]["x"])
        while pending and int(pending[0][0]) <= oldest_open:
            settled |= {k: int(v) for k, v in pending.pop(0)[1].items()}
    return safe, settled, pending


async def marks_state(settled: dict[str, int], pending: list, tops: dict[str, int], *, whole: bool = False) -> dict:
    """The state to save after a round that read up to `tops` (see `read_marks`). A round that read everything
    (set-up, a rebuild by hand, with no writers about) counts as settled: reading it all again would rebuild
    every day once more."""
    if whole or not is_postgres():
        return {"safe": tops, "pending": []}
    horizon = int((await raw("SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x"))[0]["x"])
    pending = pending + [[horizon, tops]]
    if len(pending) > PENDING_ROUNDS:  # a long transaction holds everything back: keep the oldest and the newest
        pending = pending[:1] + pending[-(PENDING_ROUNDS - 1):]
    return {"safe": settled, "pending": pending}


def _zone_literal(zone: str) -> str:
    if not ZONE_NAME.match(zone):
        raise ValueError(f"not a time zone name: {zone!r}")
    ZoneInfo(zone)
    return f"'{zone}'"


def pieces(zone: str, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """[start, end) cut where the zone's UTC offset changes: (from, to, offset minutes) each."""
    info = ZoneInfo(zone)

    def offset(moment: dt.datetime) -> int:
        return int(moment.astimezone(info).utcoffset().total_seconds() // 60)

    found: list[tuple[dt.datetime, dt.datetime, int]] = []
    piece_start, current = start, offset(start)
    step = start
    while step < end:
        nxt = min(step + dt.timedelta(hours=1), end)
        if nxt < end and offset(nxt) != current:
            # the change lies in (step, nxt]: find the first minute with the new offset
            low, high = step, nxt
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == current else (low, middle)
            found.append((piece_start, high, current))
            piece_start, current = high, offset(high)
        step = nxt
    found.append((piece_start, end, current))
    return found


def local_day(column: str, zone: str, offset_minutes: int) -> str:
    """The store-local calendar day of a UTC timestamp column (as a date on PostgreSQL, text on SQLite)."""
    if is_postgres():
        return f"(({column}) AT TIME ZONE {_zone_literal(zone)})::date"
    return f"date({column}, '{int(offset_minutes):+d} minutes')"


def local_midnight(date_column: str, zone: str, offset_minutes: int, plus_days: int = 0) -> str:
    """The UTC instant a store-local calendar day (a date column) starts, `plus_days` later."""
    if is_postgres():
        return f"(({date_column})::timestamp + INTERVAL '{int(plus_days)} days') AT TIME ZONE {_zone_literal(zone)}"
    return f"datetime({date_column}, '{int(plus_days):+d} days', '{-int(offset_minutes):+d} minutes')"


def days_between(earlier: str, later: str) -> str:
    """Fractional days from one timestamp to another."""
    if is_postgres():
        return f"(EXTRACT(EPOCH FROM (({later}) - ({earlier}))) / 86400.0)"
    return f"(julianday({later}) - julianday({earlier}))"


def floor_int(expression: str) -> str:
    """A non-negative number rounded down to an integer."""
    if is_postgres():
        return f"CAST(FLOOR({expression}) AS INTEGER)"
    return f"CAST({expression} AS INTEGER)"


def buckets(column: str, bounds: list[dt.datetime]) -> tuple[str, list]:
    """Index i of the bucket [bounds[i], bounds[i+1]) a timestamp falls in (NULL outside): portable, exact in any zone."""
    if len(bounds) < 2:
        return "NULL", []
    parts = [f"WHEN {column} < {{}} THEN NULL"]
    args: list = [bounds[0]]
    for index, bound in enumerate(bounds[1:]):
        parts.append(f"WHEN {column} < {{}} THEN {index}")
        args.append(bound)
    return "CASE " + " ".join(parts) + " ELSE NULL END", args


def month_starts(zone: str, first: dt.date, last: dt.date) -> list[dt.datetime]:
    """UTC instants of the local first days of every month from first's month through the month after last's."""
    info = ZoneInfo(zone)
    year, month = first.year, first.month
    found = []
    while (year, month) <= (last.year, last.month):
        found.append(dt.datetime(year, month, 1, tzinfo=info).astimezone(dt.timezone.utc))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    found.append(dt.datetime(year, month, 1, tzinfo=info).astimezone(dt.timezone.utc))
    return found


def day_text(value) -> str:
    """A day from either engine (date or 'YYYY-MM-DD' text) as ISO text."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def marks(values) -> str:
    return ", ".join("{}" for _ in values) or "NULL"
