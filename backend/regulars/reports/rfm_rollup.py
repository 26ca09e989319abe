"""The RFM roll-up: one row per customer who bought in the trailing window, with recency, frequency and
net spend, tiered 1-5 by quintile against the chain and against the customer's home store.

Tiers use quintile boundaries: with a measure's values sorted ascending, the k-th boundary (k = 1..4)
is the value at position ceil(k * n / 5); a customer's tier is 1 plus the number of boundaries their
value exceeds (for recency, fewer days is better, so r = 5 minus that number). Equal values always
share a tier. Built in batches of customers, each its own write unit, so the writer is never held long.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from regulars.core import clock
from regulars.core.db import raw, writing
from regulars.reports import dialect
from regulars.settings import get_settings

WINDOW_DAYS = 365
BATCH = 50_000
NAME = "rfm"
DIMENSIONS = {"r": "recency_days", "f": "frequency", "m": "monetary_fen"}


async def refresh(now: dt.datetime | None = None) -> dict[str, Any]:
    """Rebuilds customer_rfm for the window ending now; returns its day and size."""
    now = now or clock.now()
    zone = get_settings().timezone
    as_of = clock.today_in(zone, now)
    window_start = dt.datetime.combine(as_of - dt.timedelta(days=WINDOW_DAYS - 1), dt.time(), clock.local(now, zone).tzinfo)
    window_start = window_start.astimezone(dt.timezone.utc)
    bounds = (await raw("SELECT MIN(id) AS low, MAX(id) AS high FROM customer"))[0]
    low, high = bounds["low"] or 0, bounds["high"] or -1
    recency = dialect.floor_int(dialect.days_between("MAX(CASE WHEN p.kind = 'purchase' THEN p.occurred_at END)", "{}"))
    for start in range(low, high + 1, BATCH):
        async with writing():
            await raw("DELETE FROM customer_rfm WHERE customer >= {} AND customer < {}", start, start + BATCH)
            await raw(
                f"""
                INSERT INTO customer_rfm (customer, store_id, clerk_id, as_of, last_purchase_at, recency_days, frequency,
                                          monetary_fen, r, f, m, r_store, f_store, m_store)
                SELECT p.customer, c.home_store, COALESCE(c.responsible_clerk, 0), {{}},
                       MAX(CASE WHEN p.kind = 'purchase' THEN p.occurred_at END), {recency},
                       SUM(CASE WHEN p.kind = 'purchase' THEN 1 ELSE 0 END), SUM(p.amount_fen), 0, 0, 0, 0, 0, 0
                FROM purchase p JOIN customer c ON c.id = p.customer
                WHERE p.customer >= {{}} AND p.customer < {{}} AND p.kind IN ('purchase', 'refund')
                      AND p.occurred_at >= {{}} AND p.occurred_at <= {{}} AND c.erased_at IS NULL
                GROUP BY p.customer, c.home_store, c.responsible_clerk
                HAVING SUM(CASE WHEN p.kind = 'purchase' THEN 1 ELSE 0 END) > 0
                """,
                as_of, now, start, start + BATCH, window_start, now,
            )
    await _cuts()
    for start in range(low, high + 1, BATCH):
        async with writing():
            await raw(_tier_update(), start, start + BATCH)
    count = (await raw("SELECT COUNT(*) AS n FROM customer_rfm"))[0]["n"]
    async with writing():
        await raw(
            "INSERT INTO report_rollup (name, watermarks, as_of, refreshed_at) VALUES ({}, {}, {}, {}) "
            "ON CONFLICT (name) DO UPDATE SET as_of = excluded.as_of, refreshed_at = excluded.refreshed_at",
            NAME, "{}", as_of, now,
        )
    return {"as_of": as_of.isoformat(), "customers": int(count)}


async def _cuts() -> None:
    """Quintile boundaries of each measure, for the chain (scope 0) and each store."""
    ks = "SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
    found: list[tuple[int, str, int, float]] = []
    for dimension, column in DIMENSIONS.items():
        for scope, partition in (("0", ""), ("store_id", "PARTITION BY store_id")):
            rows = await raw(
                f"SELECT x.scope AS scope, ks.k AS k, x.value AS value FROM ("
                f"SELECT {scope} AS scope, {column} AS value, ROW_NUMBER() OVER ({partition} ORDER BY {column}) AS rn, "
                f"COUNT(*) OVER ({partition}) AS n FROM customer_rfm) x "
                f"JOIN ({ks}) ks ON x.rn = (ks.k * x.n + 4) / 5"
            )
            found += [(int(r["scope"]), dimension, int(r["k"]), float(r["value"])) for r in rows]
    async with writing():
        await raw("DELETE FROM customer_rfm_cut")
        for chunk in range(0, len(found), 200):
            part = found[chunk:chunk + 200]
            await raw("INSERT INTO customer_rfm_cut (scope, dimension, k, value) VALUES "
                      + ", ".join("({}, {}, {}, {})" for _ in part), *[v for row in part for v in row])


def _tier_update() -> str:
    def above(scope: str, dimension: str) -> str:
        return (f"(SELECT COUNT(*) FROM customer_rfm_cut x WHERE x.scope = {scope} AND x.dimension = '{dimension}' "
                f"AND customer_rfm.{DIMENSIONS[dimension]} > x.value)")

    sets = []
    for suffix, scope in (("", "0"), ("_store", "customer_rfm.store_id")):
        sets += [f"r{suffix} = 5 - {above(scope, 'r')}", f"f{suffix} = 1 + {above(scope, 'f')}",
                 f"m{suffix} = 1 + {above(scope, 'm')}"]
    return f"UPDATE customer_rfm SET {', '.join(sets)} WHERE customer >= {{}} AND customer < {{}}"


async def state() -> dict[str, Any]:
    rows = await raw("SELECT as_of, refreshed_at FROM report_rollup WHERE name = {}", NAME)
    if not rows:
        return {"as_of": None, "refreshed_at": None}
    return {"as_of": dialect.day_text(rows[0]["as_of"]) if rows[0]["as_of"] else None,
            "refreshed_at": clock.aware(rows[0]["refreshed_at"]).isoformat() if rows[0]["refreshed_at"] else None}


async def refresh_daily() -> None:
    """The job: rebuilds once per chain-local day."""
    found = await state()
    if found["as_of"] != clock.today_in(get_settings().timezone).isoformat():
        await refresh()


def tiers(store_id: int | None) -> tuple[str, list[Any]]:
    """Customers with their RFM tiers (columns customer, r, f, m), against the store's customers when a
    store is given (its home customers only), else against the chain: a subquery for care segments."""
    if store_id is None:
        return "SELECT customer, r, f, m FROM customer_rfm", []
    return "SELECT customer, r_store AS r, f_store AS f, m_store AS m FROM customer_rfm WHERE store_id = {}", [store_id]


def segment_condition(store_id: int | None, r: list[int] | None = None, f: list[int] | None = None,
                      m: list[int] | None = None, alias: str = "c") -> tuple[str, list[Any]]:
    """A condition on customer row `alias`: its tiers are among those given (an empty list matches any)."""
    sub, args = tiers(store_id)
    parts = []
    for name, values in (("r", r), ("f", f), ("m", m)):
        if values:
            parts.append(f"t.{name} IN ({dialect.marks(values)})")
            args = args + [int(v) for v in values]
    where = " AND ".join(parts) or "1 = 1"
    return f"EXISTS (SELECT 1 FROM ({sub}) t WHERE t.customer = {alias}.id AND {where})", args
