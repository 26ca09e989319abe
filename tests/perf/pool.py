"""The redemption benchmark's coupon pool: many issued, valid, unredeemed coupons in the demo data set.

    REGULARS_DATABASE_URL=... python -m tests.perf.pool COUNT

A chain-wide template (`POOL_TEMPLATE`) and COUNT coupons of it, issued to random demo customers over the past
300 days and valid until a year from now, each with a random Crockford code and its check character (as the product
draws them), so that every redemption the benchmark sends can redeem a different coupon, and a data set
carries `BENCH_SCALE=full`'s ten million coupons. Rows go straight to the driver in large write units
(the way `regulars demo` loads): `INSERT OR IGNORE` on SQLite, COPY into a staging table then
`INSERT ... ON CONFLICT DO NOTHING` on PostgreSQL, so that a code drawn twice (one pair in tens of
millions) is dropped, not fatal. The template's and the customers' issue counters are set to match, as
`regulars reconcile` checks, and the coupons report's roll-up is rebuilt (as its job would within a minute); the
pool's issues have no timeline events (reconcile does not ask for them; they would double the load time at full
scale). Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import sys
import time

from regulars.core.security import CROCKFORD, crockford_check

POOL_TEMPLATE = "压测券"
VERSION = 1  # part of the data set's fingerprint: bump when the pool changes
CHUNK = 200_000
_MASK = (1 << 50) - 1


def codes(count: int) -> list[str]:
    """`count` random codes: 50 CSPRNG bits as ten Crockford characters, then the check character."""
    raw = os.urandom(7 * count)
    found = []
    for n in range(count):
        value = int.from_bytes(raw[7 * n: 7 * n + 7], "big") & _MASK
        body = "".join(CROCKFORD[(value >> shift) & 31] for shift in range(45, -5, -5))
        found.append(body + crockford_check(body))
    return found


async def fill(count: int, seed: int = 20261124) -> dict:
    from regulars.core import db
    from regulars.core.db import engine, is_postgres, raw, writing

    rng = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc)
    valid_until = now + dt.timedelta(days=365)
    await db.start()
    try:
        async with writing():
            template = (await raw(
                "INSERT INTO coupon_template (name_zh, name_en, terms_zh, terms_en, kind, amount_off_fen, percent_off, "
                "max_off_fen, item, category, purpose, valid_days, issued, per_customer_limit, scope, min_spend_fen, "
                "active, created_at, updated_at) VALUES ({}, 'Load test', '', '', 'amount_off', 500, NULL, NULL, '', "
                "'business', 'reward', 365, 0, NULL, 'chain', 0, {}, {}, {}) RETURNING id",
                POOL_TEMPLATE, True, now, now))[0]["id"]
        customers = [(r["id"], r["home_store"]) for r in await raw("SELECT id, home_store FROM customer")]
        started = time.perf_counter()
        for offset in range(0, count, CHUNK):
            batch = codes(min(CHUNK, count - offset))
            rows = []
            for code in batch:
                customer, store = customers[rng.randrange(len(customers))]
                issued_at = now - dt.timedelta(seconds=rng.randrange(60, 300 * 86400))
                rows.append((code, template, customer, "issued", "chain", issued_at, issued_at, valid_until, store,
                             "bench"))
            columns = ("code", "template", "customer", "state", "scope", "issued_at", "valid_from", "valid_until",
                       "issued_store", "source")
            async with writing():
                connection = engine().current_transaction.get().connection
                if is_postgres():
                    await connection.execute("CREATE TEMP TABLE IF NOT EXISTS pool_stage (LIKE coupon INCLUDING DEFAULTS) "
                                             "ON COMMIT DELETE ROWS")
                    await connection.copy_records_to_table("pool_stage", records=rows, columns=list(columns))
                    names = ", ".join(columns)
                    await connection.execute(f"INSERT INTO coupon ({names}) SELECT {names} FROM pool_stage "
                                             "ON CONFLICT DO NOTHING")
                else:
                    await connection.execute("PRAGMA cache_size = -1048576")
                    marks = ", ".join("?" for _ in columns)
                    await connection.executemany(
                        f"INSERT OR IGNORE INTO coupon ({', '.join(columns)}) VALUES ({marks})", rows)
            print(f"  coupon pool: {offset + len(batch):,} of {count:,}", file=sys.stderr, flush=True)
        async with writing():
            issued = (await raw("SELECT COUNT(*) AS n FROM coupon WHERE template = {}", template))[0]["n"]
            await raw("UPDATE coupon_template SET issued = {} WHERE id = {}", issued, template)
            await raw("INSERT INTO coupon_customer_count (template, customer, issued) "
                      "SELECT template, customer, COUNT(*) FROM coupon WHERE template = {} GROUP BY template, customer",
                      template)
        from regulars.reports import coupon_days

        await coupon_days.refresh(full=True)
        if is_postgres():
            await raw("ANALYZE coupon")
            await raw("ANALYZE coupon_customer_count")
        total = (await raw("SELECT COUNT(*) AS n FROM coupon"))[0]["n"]
        return {"template": template, "pool": issued, "coupons": total, "seconds": round(time.perf_counter() - started, 1)}
    finally:
        await db.stop()


def main() -> None:
    print(json.dumps(asyncio.run(fill(int(sys.argv[1])))), flush=True)


if __name__ == "__main__":
    main()
