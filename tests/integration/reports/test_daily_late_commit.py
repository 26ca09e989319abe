"""The daily roll-up when a back-dated row commits after a row with a higher id was already rolled up.

PostgreSQL hands out ids before commit, so a transaction can commit id 100 after id 101 was read; SQLite
writes one transaction at a time (a row not yet committed always has the highest id), so this cannot happen
there and the test is PostgreSQL's alone."""

import os

import asyncpg
import pytest

from regulars.core import clock
from regulars.core.db import raw
from regulars.reports import daily
from tests.support.reports import buy, customer, local, roll_up

pytestmark = pytest.mark.skipif(os.environ.get("REGULARS_TEST_ENGINE", "sqlite") != "postgres",
                                reason="on SQLite no id can commit after a higher one")


async def visits_on(days_ago: int, store_id: int) -> int:
    day = clock.local(local(days_ago), "Asia/Shanghai").date()
    rows = await raw("SELECT COALESCE(SUM(visits), 0) AS n FROM report_daily WHERE day = {} AND store_id = {}",
                     day, store_id)
    return int(rows[0]["n"])


async def test_back_dated_visit_committed_after_a_later_id_is_rolled_up(world):
    store_id = world.store_a.id
    late, now = await customer(world.clerk_a), await customer(world.clerk_a)
    await roll_up()
    before = await visits_on(20, store_id)
    connection = await asyncpg.connect(os.environ["REGULARS_DATABASE_URL"])
    try:
        open_transaction = connection.transaction()
        await open_transaction.start()
        # a POS import writing a visit made 20 days ago: it has its id, and has not committed yet
        late_id = await connection.fetchval(
            "INSERT INTO purchase (customer, store, clerk, clerk_no, kind, visit_kind, amount_fen, refunded_fen, items, "
            "points, source, note, occurred_at, created_at) VALUES ($1, $2, NULL, '', 'visit', 'consultation', 0, 0, "
            "'[]', 0, 'import', '', $3, $4) RETURNING id", late, store_id, local(20), clock.now())
        # meanwhile a purchase at the counter commits with a higher id, and a round of the roll-up reads it
        assert (await buy(world.clerk_a, now))["id"] > late_id
        await daily.refresh()
        await open_transaction.commit()
    finally:
        await connection.close()
    await daily.refresh()
    await daily.refresh()
    assert await visits_on(20, store_id) == before + 1
