"""The coupon roll-up: coupons per store-local day of issue, issuing store, clerk and template, with how many of
them are now seen, redeemed, expired or still issued.

A coupon's counts change after its day of issue (seen in the wallet, redeemed, reversed, expired, voided), so
every round rebuilds the (day, store) cells of the coupons that changed since the last round: coupons issued
(by id watermark or issue time), seen, expired or voided since then, and coupons redeemed or whose redemption
was reversed since then. The times are read back SLACK before the last round, so that a write committed
just after it is not missed; rebuilding a cell twice gives the same row. Each day is one write unit: delete
its cells, insert their aggregates.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from regulars.core import clock
from regulars.core.db import raw, writing
from regulars.reports import dialect

NAME = "coupons"
SLACK = dt.timedelta(minutes=10)
CHUNK_DAYS = 31
COUNTS = ("issued", "seen", "redeemed", "expired", "still_issued")
LOCK_KEY = 7402  # PostgreSQL advisory lock: one rebuild of report_coupon_day cells at a time


def _aggregate(day: str) -> str:
    return (
        f"SELECT {day} AS d, x.issued_store AS s, COALESCE(x.issued_by, 0) AS k, x.template AS t, COUNT(*) AS issued, "
        "SUM(CASE WHEN x.seen_at IS NOT NULL THEN 1 ELSE 0 END) AS seen, "
        "SUM(CASE WHEN x.state = 'redeemed' THEN 1 ELSE 0 END) AS redeemed, "
        "SUM(CASE WHEN x.state = 'expired' THEN 1 ELSE 0 END) AS expired, "
        "SUM(CASE WHEN x.state = 'issued' THEN 1 ELSE 0 END) AS still_issued FROM coupon x "
    )


async def _rebuild(zone: str, store_ids: list[int] | None, first: dt.date, last: dt.date) -> None:
    """Rebuilds local days first..last of these stores (of the zone's stores: None is every store) in one write unit."""
    info = ZoneInfo(zone)
    start = dt.datetime.combine(first, dt.time(), info).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), info).astimezone(dt.timezone.utc)
    only = f" AND x.issued_store IN ({dialect.marks(store_ids)})" if store_ids is not None else ""
    selects, args = [], []
    for piece_start, piece_end, offset in dialect.pieces(zone, start, end):
        day = dialect.local_day("x.issued_at", zone, offset)
        selects.append(_aggregate(day) + f"WHERE x.issued_at >= {{}} AND x.issued_at < {{}}{only} GROUP BY 1, 2, 3, 4")
        args += [piece_start, piece_end, *(store_ids or [])]
    delete = "DELETE FROM report_coupon_day WHERE day >= {} AND day <= {}"
    delete_args: list = [first, last]
    if store_ids is not None:
        delete += f" AND store_id IN ({dialect.marks(store_ids)})"
        delete_args += store_ids
    sums = ", ".join(f"SUM({c})" for c in COUNTS)
    async with writing():
        await dialect.one_rebuild_at_a_time(LOCK_KEY)
        await raw(delete, *delete_args)
        await raw(
            f"INSERT INTO report_coupon_day (day, store_id, clerk_id, template_id, {', '.join(COUNTS)}) "
            f"SELECT d, s, k, t, {sums} FROM ({' UNION ALL '.join(selects)}) u GROUP BY d, s, k, t",
            *args,
        )


async def _zones() -> dict[str, list[int]]:
    zones: dict[str, list[int]] = {}
    for row in await raw("SELECT id, timezone FROM store ORDER BY id"):
        zones.setdefault(row["timezone"], []).append(row["id"])
    return zones


def _changed(zone: str, offset: int, store_ids: list[int] | None, since: dt.datetime,
             coupon_mark: int) -> tuple[str, list]:
    """(store, local day of issue) of every coupon changed since then: one indexed read per kind of change."""
    cell = f"SELECT DISTINCT x.issued_store AS s, {dialect.local_day('x.issued_at', zone, offset)} AS d FROM coupon x"
    only = f" AND x.issued_store IN ({dialect.marks(store_ids)})" if store_ids is not None else ""
    selects, args = [f"{cell} WHERE x.id > {{}}{only}"], [coupon_mark, *(store_ids or [])]
    for condition in ("x.issued_at >= {}", "x.seen_at >= {}", "x.expired_at >= {}", "x.voided_at >= {}"):
        selects.append(f"{cell} WHERE {condition}{only}")
        args += [since, *(store_ids or [])]
    for condition in ("r.at >= {}", "r.reversed_at >= {}"):
        selects.append(f"{cell} JOIN coupon_redemption r ON r.coupon = x.id WHERE {condition}{only}")
        args += [since, *(store_ids or [])]
    return " UNION ".join(selects), args


async def _changed_days(zone: str, store_ids: list[int] | None, since: dt.datetime,
                        coupon_mark: int) -> dict[dt.date, set[int]]:
    now = clock.now()
    offsets = {offset for _s, _e, offset in dialect.pieces(zone, now - dt.timedelta(days=366), now)}
    sql, args = _changed(zone, max(offsets), store_ids, since, coupon_mark)
    found: dict[dt.date, set[int]] = {}
    for row in await raw(sql, *args):
        day = dt.date.fromisoformat(dialect.day_text(row["d"]))
        # where the zone changes its offset (SQLite adds one fixed offset), the neighbouring days too
        for near in ((day,) if len(offsets) == 1 else (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1))):
            found.setdefault(near, set()).add(int(row["s"]))
    return found


async def refresh(full: bool = False) -> int:
    """Brings report_coupon_day up to date; returns how many (day, store) cells it rebuilt (a full rebuild: days)."""
    now = clock.now()
    state = {} if full else await dialect.watermarks(NAME)
    top = (await raw("SELECT MAX(id) AS top FROM coupon"))[0]["top"] or 0
    zones = await _zones()
    rebuilt = 0
    if "at" not in state:
        first = (await raw("SELECT MIN(issued_at) AS first FROM coupon"))[0]["first"]
        async with writing():
            await raw("DELETE FROM report_coupon_day")
        for zone in zones:
            if first is None:
                break
            day, last = clock.local(clock.aware(first), zone).date(), clock.today_in(zone, now)
            only = None if len(zones) == 1 else zones[zone]
            while day <= last:
                chunk_end = min(last, day + dt.timedelta(days=CHUNK_DAYS - 1))
                await _rebuild(zone, only, day, chunk_end)
                rebuilt += (chunk_end - day).days + 1
                day = chunk_end + dt.timedelta(days=1)
    else:
        since = dt.datetime.fromisoformat(state["at"]) - SLACK
        for zone, store_ids in zones.items():
            only = None if len(zones) == 1 else store_ids
            for day, stores in sorted((await _changed_days(zone, only, since, int(state.get("coupon", 0)))).items()):
                await _rebuild(zone, sorted(stores), day, day)
                rebuilt += len(stores)
    await dialect.save_watermarks(NAME, {"coupon": int(top), "at": now.isoformat()}, now)
    return rebuilt
