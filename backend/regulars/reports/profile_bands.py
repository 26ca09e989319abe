"""The profile roll-up: today's customers (not erased) per home store, responsible clerk and completeness band,
with how many have each profile field and consent.

A profile changes at any time (captured, edited, consent given or withdrawn, reassigned, erased, imported), and
every such change sets customer.updated_at; a customer never changes home store. So each round rebuilds the
stores with a customer changed since the last round, read back SLACK before it so that a change committed just
after it is not missed. Each group of stores is one write unit: delete their rows, insert their aggregate.
Running it twice, or after a crash, gives the same rows.
"""

from __future__ import annotations

import datetime as dt

from regulars.core import clock
from regulars.core.db import heavy, raw, writing
from regulars.reports import dialect

NAME = "profiles"
SLACK = dt.timedelta(minutes=10)
STORES_PER_UNIT = 20
LOCK_KEY = 7403  # PostgreSQL advisory lock: one rebuild of report_profile rows at a time
LOWS = (0, 20, 40, 60, 80)  # the completeness bands 0-19, 20-39, 40-59, 60-79, 80-100
FLAGS = {
    "with_birthday": "c.birth_month IS NOT NULL",
    "with_plan": "c.plan <> ''",
    "with_device": "c.device_model <> ''",
    "service_consent": "c.consent_service",
    "marketing_consent": "c.consent_marketing",
}


def band(column: str = "c.completeness") -> str:
    """The completeness band (0 .. 4) of a customer, in SQL."""
    cases = " ".join(f"WHEN {column} >= {low} THEN {index}" for index, low in reversed(list(enumerate(LOWS))) if low)
    return f"CASE {cases} ELSE 0 END"


def flag_sums() -> str:
    return ", ".join(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {name}" for name, condition in FLAGS.items())


async def _rebuild(store_ids: list[int]) -> None:
    marks = dialect.marks(store_ids)
    async with writing():
        await dialect.one_rebuild_at_a_time(LOCK_KEY)
        await raw(f"DELETE FROM report_profile WHERE store_id IN ({marks})", *store_ids)
        await raw(
            f"INSERT INTO report_profile (store_id, clerk_id, band, customers, completeness, {', '.join(FLAGS)}) "
            f"SELECT c.home_store, COALESCE(c.responsible_clerk, 0), {band()}, COUNT(*), SUM(c.completeness), "
            f"{flag_sums()} FROM customer c WHERE c.erased_at IS NULL AND c.home_store IN ({marks}) GROUP BY 1, 2, 3",
            *store_ids,
        )


def _changed(since: str, store_id: int | None) -> tuple[str, list]:
    """The stores (one, or all) with a customer changed at or after `since` (SQL of one value): an index probe
    per store on (home_store, updated_at)."""
    only, args = (" AND s.id = {}", [store_id]) if store_id is not None else ("", [])
    return (f"SELECT s.id AS s FROM store s WHERE EXISTS (SELECT 1 FROM customer c WHERE c.home_store = s.id "
            f"AND c.updated_at >= {since}){only}"), args


async def catch_up(store_id: int | None) -> None:
    """Before the report reads the roll-up: rebuilds the stores in reach (one, or all) with a customer changed since
    the last round began (its refreshed_at), so that a profile captured a moment ago is counted now, not at the
    next round; before any round, the first round. One statement when nothing changed. The round itself stays
    the job's (which reads back SLACK for writes committed late)."""
    changed, args = _changed("(SELECT r.refreshed_at FROM report_rollup r WHERE r.name = {})", store_id)
    rows = await raw(f"{changed} UNION ALL SELECT -1 WHERE NOT EXISTS (SELECT 1 FROM report_rollup WHERE name = {{}})",
                     NAME, *args, NAME)
    stores = sorted(r["s"] for r in rows)
    with heavy():  # a store's customers are aggregated anew: off the event loop
        if stores[:1] == [-1]:
            await refresh()
            return
        for first in range(0, len(stores), STORES_PER_UNIT):
            await _rebuild(stores[first:first + STORES_PER_UNIT])


async def refresh(full: bool = False) -> int:
    """Brings report_profile up to date; returns how many stores it rebuilt."""
    now = clock.now()
    state = {} if full else await dialect.watermarks(NAME)
    if "at" not in state:
        async with writing():
            await raw("DELETE FROM report_profile WHERE store_id NOT IN (SELECT id FROM store)")
        stores = [r["id"] for r in await raw("SELECT id FROM store ORDER BY id")]
    else:
        changed, args = _changed("{}", None)
        stores = sorted(r["s"] for r in await raw(changed, dt.datetime.fromisoformat(state["at"]) - SLACK, *args))
    for first in range(0, len(stores), STORES_PER_UNIT):
        await _rebuild(stores[first:first + STORES_PER_UNIT])
    await dialect.save_watermarks(NAME, {"at": now.isoformat()}, now)
    return len(stores)
