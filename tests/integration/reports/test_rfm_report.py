"""RFM tiers on a hand-built chain of nine buyers in the trailing year (and one who bought before it),
by quintile against the chain and against the home store. Figures written down by hand below."""

import datetime as dt

import pytest

from regulars.core import clock
from regulars.core.db import raw
from regulars.reports import rfm_rollup
from tests.support.reports import assert_downloads_match, buy, by, customer, drill, report, roll_up

# purchases (days ago, each an hour earlier still, so that whole days pass) and their amounts in yuan
HISTORIES = {
    "r1": ("a", [(90, 100), (60, 100), (40, 100), (20, 100), (5, 100)]),  # R 5d  F 5  M 500
    "r2": ("a", [(70, 200), (50, 200), (30, 200), (10, 200)]),  # R 10  F 4  M 800
    "r3": ("a", [(200, 50), (100, 50), (15, 50)]),  # R 15  F 3  M 150
    "r4": ("a", [(300, 1000), (30, 1000)]),  # R 30  F 2  M 2000
    "r5": ("a", [(60, 300)]),  # R 60  F 1  M 300 - 100 refunded = 200
    "r6": ("a", [(150, 100), (120, 100)]),  # R 120 F 2  M 200
    "r7": ("a", [(200, 80)]),  # R 200 F 1  M 80
    "r8": ("b", [(28, 20), (23, 20), (18, 20), (13, 20), (8, 20), (3, 20)]),  # R 3 F 6 M 120
    "r9": ("b", [(250, 500)]),  # R 250 F 1 M 500
    "r10": ("b", [(400, 900)]),  # outside the year
}
# chain quintile boundaries (values at sorted positions 2, 4, 6, 8 of nine):
#   recency 5, 15, 60, 200 · frequency 1, 2, 3, 5 · monetary 120, 200, 500, 800 yuan
EXPECTED = {  # (r, f, m) against the chain
    "r1": (5, 4, 3), "r2": (4, 4, 4), "r3": (4, 3, 2), "r4": (3, 2, 5), "r5": (3, 1, 2), "r6": (2, 2, 2),
    "r7": (2, 1, 1), "r8": (5, 5, 1), "r9": (1, 1, 3),
}
# segments: champions r1 r2 r8 · loyal r3 · attention r4 r5 · hibernating r6 r7 r9


def ago(days: int) -> dt.datetime:
    return clock.now() - dt.timedelta(days=days, hours=1)


@pytest.fixture(scope="module")
async def chain(world):
    ids = {}
    for name, (store, history) in HISTORIES.items():
        client = world.clerk_a if store == "a" else world.clerk_b
        ids[name] = await customer(client, name=name)
        for days, yuan in sorted(history, reverse=True):
            bought = await buy(client, ids[name], ago(days), amount_fen=yuan * 100, category="plan")
        if name == "r5":
            await buy(client, ids[name], ago(59), amount_fen=-10000, category=None, refund_of=bought["id"])
    await roll_up()
    world.ids = ids
    return world


async def test_rfm_tiers_against_the_chain(chain):
    rows = await raw("SELECT customer, recency_days, frequency, monetary_fen, r, f, m FROM customer_rfm")
    found = {r["customer"]: (r["r"], r["f"], r["m"]) for r in rows}
    assert found == {chain.ids[n]: tiers for n, tiers in EXPECTED.items()}
    r5 = next(r for r in rows if r["customer"] == chain.ids["r5"])
    assert (r5["recency_days"], r5["frequency"], r5["monetary_fen"]) == (60, 1, 20000)


async def test_rfm_report_by_store(chain):
    table = await report(chain.admin, "rfm")
    rows = by(table["rows"], "store")
    a, b = rows["测试一厅"], rows["测试二厅"]
    assert (a["customers"], a["avg_recency_days"], a["avg_frequency"], a["avg_monetary_fen"]) == (7, 62.9, 2.6, 56143)
    assert (a["champions"], a["loyal"], a["new"], a["at_risk"], a["attention"], a["hibernating"]) == (2, 1, 0, 0, 2, 2)
    assert (b["customers"], b["avg_recency_days"], b["avg_frequency"], b["avg_monetary_fen"]) == (2, 126.5, 3.5, 31000)
    assert (b["champions"], b["hibernating"]) == (1, 1)
    assert [x["customers"] for x in table["breakdowns"]["r"]] == [1, 2, 2, 2, 2]
    assert [x["customers"] for x in table["breakdowns"]["f"]] == [3, 2, 1, 2, 1]
    assert [x["customers"] for x in table["breakdowns"]["m"]] == [2, 3, 2, 1, 1]
    assert table["filters"]["as_of"] == clock.today_in("Asia/Shanghai").isoformat()
    await assert_downloads_match(chain.admin, "rfm", table)


async def test_rfm_report_by_clerk_for_a_manager(chain):
    table = await report(chain.manager_b, "rfm", group="clerk")
    assert [(r["clerk"], r["customers"]) for r in table["rows"]] == [("clerk_b 名", 2)]


async def test_rfm_customers_by_segment_and_tier(chain):
    ids = chain.ids
    champions = await drill(chain.admin, "rfm", segment="champions")
    assert [c["id"] for c in champions["items"]] == sorted(ids[n] for n in ("r1", "r2", "r8"))
    lowest = await drill(chain.admin, "rfm", r="1")
    assert [c["id"] for c in lowest["items"]] == [ids["r9"]]
    mine = await drill(chain.manager_a, "rfm", segment="hibernating")
    assert [c["id"] for c in mine["items"]] == sorted([ids["r6"], ids["r7"]])


async def test_rfm_tiers_for_care_segments_against_chain_or_store(chain):
    ids = chain.ids

    async def matching(store_id, **tiers):
        condition, args = rfm_rollup.segment_condition(store_id, **tiers)
        rows = await raw(f"SELECT c.id FROM customer c WHERE {condition} ORDER BY c.id", *args)
        return [r["id"] for r in rows]

    assert await matching(None, r=[5]) == sorted([ids["r1"], ids["r8"]])
    # store A's seven: recency boundaries at positions 2, 3, 5, 6: 10, 15, 60, 120 days
    assert await matching(chain.store_a.id, r=[5]) == sorted([ids["r1"], ids["r2"]])
    assert await matching(chain.store_a.id, r=[1]) == [ids["r7"]]
    assert await matching(chain.store_a.id, r=[4, 5], f=[4, 5]) == sorted([ids["r1"], ids["r2"]])


async def test_rfm_refresh_twice_is_the_same(chain):
    before = await raw("SELECT customer, r, f, m, r_store, f_store, m_store FROM customer_rfm ORDER BY customer")
    await rfm_rollup.refresh()
    after = await raw("SELECT customer, r, f, m, r_store, f_store, m_store FROM customer_rfm ORDER BY customer")
    assert [dict(r) for r in after] == [dict(r) for r in before]
