"""The daily roll-up: counts per store-local day, store and clerk, rebuilt for the days that changed.

Every round reads which rows are new since the last round (id watermarks per source, settled only once no
transaction that could still commit a lower id is open: `dialect.read_marks`),
finds the earliest day they touch, and rebuilds every day from there (never fewer than
the last REFRESH_DAYS, which also catches reversals of recent redemptions) in chunks,
each one write unit: delete the days, insert their aggregates. Running it twice, or
after a crash, gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from regulars.core import clock
from regulars.core.db import raw, writing
from regulars.reports import dialect

REFRESH_DAYS = 3
CHUNK_DAYS = 31
NAME = "daily"
LOCK_KEY = 7401  # PostgreSQL advisory lock: one rebuild of report_daily at a time

# source name: (table, id column, time column)
SOURCES = {
    "customer": ("customer", "created_at"),
    "purchase": ("purchase", "occurred_at"),
    "coupon": ("coupon", "issued_at"),
    "redemption": ("coupon_redemption", "at"),
    "points": ("points_entry", "at"),
    "follow": ("follow_touch", "at"),
}
COUNTERS = ("new_customers", "purchases", "sales_fen", "first_purchases", "repurchases", "visits", "coupons_issued",
            "coupons_redeemed", "points_earned", "points_redeemed", "points_expired", "points_adjusted", "points_reversed",
            "follows", "new_followers")


def _select(source: str, day: str, where: str) -> str:
    """One source's grouped counts as (d, s, k, every counter), zeros where the source has nothing to say."""
    values = dict.fromkeys(COUNTERS, "0")
    if source == "customer":
        store, clerk, table = "x.home_store", "COALESCE(x.responsible_clerk, 0)", "customer x"
        values["new_customers"] = "COUNT(*)"
    elif source == "purchase":
        store, clerk, table = "x.store", "COALESCE(x.clerk, 0)", "purchase x"
        values |= {
            "purchases": "SUM(CASE WHEN x.kind = 'purchase' THEN 1 ELSE 0 END)",
            "sales_fen": "SUM(CASE WHEN x.kind IN ('purchase', 'refund') THEN x.amount_fen ELSE 0 END)",
            "first_purchases": "SUM(CASE WHEN x.seq = 1 THEN 1 ELSE 0 END)",
            "repurchases": "SUM(CASE WHEN x.seq >= 2 THEN 1 ELSE 0 END)",
            "visits": "SUM(CASE WHEN x.kind = 'visit' THEN 1 ELSE 0 END)",
        }
    elif source == "coupon":
        store, clerk, table = "x.issued_store", "COALESCE(x.issued_by, 0)", "coupon x"
        values["coupons_issued"] = "COUNT(*)"
    elif source == "redemption":
        store, clerk, table = "x.store", "COALESCE(x.staff_id, 0)", "coupon_redemption x"
        values["coupons_redeemed"] = "SUM(CASE WHEN x.reversed_at IS NULL THEN 1 ELSE 0 END)"
    elif source == "follow":
        store, clerk, table = "x.store", "COALESCE(x.staff, 0)", "follow_touch x"
        values["follows"] = "COUNT(*)"
        values["new_followers"] = "SUM(CASE WHEN x.new_follower THEN 1 ELSE 0 END)"
    else:
        store, clerk = "COALESCE(x.store_id, cu.home_store)", "COALESCE(x.staff_id, 0)"
        table = "points_entry x JOIN customer cu ON cu.id = x.customer"
        values |= {
            "points_earned": "SUM(CASE WHEN x.kind = 'earn' THEN x.points ELSE 0 END)",
            "points_redeemed": "SUM(CASE WHEN x.kind = 'redeem' THEN -x.points ELSE 0 END)",
            "points_expired": "SUM(CASE WHEN x.kind = 'expire' THEN -x.points ELSE 0 END)",
            "points_adjusted": "SUM(CASE WHEN x.kind = 'adjust' THEN x.points ELSE 0 END)",
            "points_reversed": "SUM(CASE WHEN x.kind = 'reverse' THEN -x.points ELSE 0 END)",
        }
    columns = ", ".join(f"{values[c]} AS {c}" for c in COUNTERS)
    return f"SELECT {day} AS d, {store} AS s, {clerk} AS k, {columns} FROM {table} WHERE {where} GROUP BY 1, 2, 3"


async def _rebuild(zone: str, store_ids: list[int] | None, first: dt.date, last: dt.date) -> None:
    """Rebuilds days first..last (local) of the zone's stores in one write unit."""
    info = ZoneInfo(zone)
    start = dt.datetime.combine(first, dt.time(), info).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), info).astimezone(dt.timezone.utc)
    selects, args = [], []
    for piece_start, piece_end, offset in dialect.pieces(zone, start, end):
        for source, (_table, column) in SOURCES.items():
            where = f"x.{column} >= {{}} AND x.{column} < {{}}"
            piece_args: list = [piece_start, piece_end]
            if store_ids is not None:
                store_column = {"customer": "x.home_store", "purchase": "x.store", "coupon": "x.issued_store",
                                "redemption": "x.store", "points": "COALESCE(x.store_id, cu.home_store)",
                                "follow": "x.store"}[source]
                where += f" AND {store_column} IN ({dialect.marks(store_ids)})"
                piece_args += store_ids
            selects.append(_select(source, dialect.local_day(f"x.{column}", zone, offset), where))
            args += piece_args
    sums = ", ".join(f"SUM({c})" for c in COUNTERS)
    delete_args: list = [first, last]
    delete = "DELETE FROM report_daily WHERE day >= {} AND day <= {}"
    if store_ids is not None:
        delete += f" AND store_id IN ({dialect.marks(store_ids)})"
        delete_args += store_ids
    async with writing():
        await dialect.one_rebuild_at_a_time(LOCK_KEY)
        await raw(delete, *delete_args)
        await raw(
            f"INSERT INTO report_daily (day, store_id, clerk_id, {', '.join(COUNTERS)}) "
            f"SELECT d, s, k, {sums} FROM ({' UNION ALL '.join(selects)}) u GROUP BY d, s, k",
            *args,
        )


async def _zones() -> dict[str, list[int]]:
    zones: dict[str, list[int]] = {}
    for row in await raw("SELECT id, timezone FROM store ORDER BY id"):
        zones.setdefault(row["timezone"], []).append(row["id"])
    return zones


async def refresh(full: bool = False) -> int:
    """Brings report_daily up to date; returns how many days it rebuilt (per zone, summed)."""
    now = clock.now()
    marks, settled, pending = await dialect.read_marks({} if full else await dialect.watermarks(NAME))
    earliest: dt.datetime | None = now - dt.timedelta(days=REFRESH_DAYS)
    tops: dict[str, int] = {}
    for source, (table, column) in SOURCES.items():
        row = (await raw(
            f"SELECT MAX(id) AS top, MIN({column}) AS first FROM {table} WHERE id > {{}}", marks.get(source, 0)
        ))[0]
        tops[source] = int(row["top"] or marks.get(source, 0))
        if row["first"] is not None:
            earliest = min(earliest, clock.aware(row["first"]))
    zones = await _zones()
    rebuilt = 0
    for zone, store_ids in zones.items():
        first = clock.local(earliest, zone).date()
        last = clock.today_in(zone, now)
        only = None if len(zones) == 1 else store_ids
        day = first
        while day <= last:
            chunk_end = min(last, day + dt.timedelta(days=CHUNK_DAYS - 1))
            await _rebuild(zone, only, day, chunk_end)
            rebuilt += (chunk_end - day).days + 1
            day = chunk_end + dt.timedelta(days=1)
    await dialect.save_watermarks(NAME, await dialect.marks_state(settled, pending, tops, whole=full), now)
    return rebuilt


async def sample_scans(now: dt.datetime | None = None) -> int:
    """Adds each channel code's new scans since the last sample to today's row; returns the scans added.

    Codes count scans in one running number; sampling it every round gives scans per day from the
    first sample on (what a code had before its first sample counts on that day).
    """
    now = now or clock.now()
    added = 0
    async with writing():
        await raw("INSERT INTO report_rollup (name, watermarks) VALUES ('scans', {}) ON CONFLICT (name) DO NOTHING", "{}")
        # taking the row first: two samplers at once queue here instead of both counting the same scans
        await raw("UPDATE report_rollup SET refreshed_at = {} WHERE name = 'scans'", now)
        value = (await raw("SELECT watermarks FROM report_rollup WHERE name = 'scans'"))[0]["watermarks"]
        seen = json.loads(value) if isinstance(value, str) else dict(value or {})
        channels = await raw("SELECT c.id AS id, c.store AS store, c.scans AS scans, s.timezone AS zone "
                             "FROM channel c JOIN store s ON s.id = c.store")
        for channel in channels:
            delta = channel["scans"] - int(seen.get(str(channel["id"]), 0))
            if delta <= 0:
                continue
            await raw(
                "INSERT INTO report_channel_day (day, channel_id, store_id, scans) VALUES ({}, {}, {}, {}) "
                "ON CONFLICT (day, channel_id) DO UPDATE SET scans = report_channel_day.scans + excluded.scans",
                clock.today_in(channel["zone"], now), channel["id"], channel["store"], delta,
            )
            seen[str(channel["id"])] = channel["scans"]
            added += delta
        await raw("UPDATE report_rollup SET watermarks = {} WHERE name = 'scans'", json.dumps(seen))
    return added


async def refreshed_at() -> dt.datetime | None:
    rows = await raw("SELECT refreshed_at FROM report_rollup WHERE name = {}", NAME)
    return clock.aware(rows[0]["refreshed_at"]) if rows and rows[0]["refreshed_at"] else None
