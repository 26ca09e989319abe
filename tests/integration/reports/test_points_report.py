"""The points report on a hand-built chain: points earned by purchases, taken back by a refund, spent in
the exchange, adjusted by a manager, expired, and expiring soon. Figures written down by hand below."""

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from regulars.core import clock
from regulars.core.db import raw, writing
from regulars.points import service as points
from regulars.reports import daily
from tests.support.reports import assert_downloads_match, buy, by, customer, day, drill, key, report, roll_up

RANGE = {"from": day(7), "to": day(0)}
# store A, all by clerk_a:  p1 buys a device for 300 yuan (300 points, 10 days left on them)
#   p2 an accessory for 50 (50), refunded 20 (20 taken back) · p3 a service for 100 (100), exchanges 80
#   p4 gets 40 from manager_a · p5 a device for 120 (120), expired
# store B, by clerk_b: q1 a device for 200 (200) · q2 pays a bill of 100 (no points)


@pytest.fixture(scope="module")
async def chain(world):
    a, b = world.clerk_a, world.clerk_b
    ids = {n: await customer(a, name=n) for n in ("p1", "p2", "p3", "p4", "p5")}
    ids |= {n: await customer(b, name=n) for n in ("q1", "q2")}
    await buy(a, ids["p1"], amount_fen=30000)
    bought = await buy(a, ids["p2"], amount_fen=5000, category="accessory")
    await buy(a, ids["p2"], amount_fen=-2000, category=None, refund_of=bought["id"])
    await buy(a, ids["p3"], amount_fen=10000, category="service")
    template = await world.manager_a.post("/api/v1/coupon-templates", json={
        "name_zh": "积分换膜", "kind": "gift", "item": "手机膜", "category": "device", "purpose": "reward",
        "valid_days": 30, "points_price": 80})
    assert template.status_code == 201, template.text
    exchanged = await a.post(f"/api/v1/customers/{ids['p3']}/points/exchange", json={"template_id": template.json()["id"]},
                             headers={"Idempotency-Key": key()})
    assert exchanged.status_code == 201, exchanged.text
    adjusted = await world.manager_a.post(f"/api/v1/customers/{ids['p4']}/points/adjust",
                                          json={"points": 40, "reason": "补录活动积分"}, headers={"Idempotency-Key": key()})
    assert adjusted.status_code == 201, adjusted.text
    await buy(a, ids["p5"], amount_fen=12000)
    await buy(b, ids["q1"], amount_fen=20000)
    await buy(b, ids["q2"], amount_fen=10000, category="bill_payment")
    now = clock.now()
    async with writing():
        await raw("UPDATE points_lot SET expires_at = {} WHERE customer = {}", now - dt.timedelta(minutes=1), ids["p5"])
        await raw("UPDATE points_lot SET expires_at = {} WHERE customer = {}", now + dt.timedelta(days=10), ids["p1"])
    assert await points.expire_due() == 120
    await roll_up()
    world.ids = ids
    world.soon = clock.local(now + dt.timedelta(days=10), "Asia/Shanghai").strftime("%Y-%m")
    return world


async def test_points_report_by_store(chain):
    table = await report(chain.admin, "points", **RANGE)
    rows = by(table["rows"], "store")
    a, b = rows["测试一厅"], rows["测试二厅"]
    flows = ("points_earned", "points_redeemed", "points_expired", "points_adjusted", "points_reversed")
    assert tuple(a[f] for f in flows) == (570, 80, 120, 40, 20)
    assert tuple(b[f] for f in flows) == (200, 0, 0, 0, 0)
    assert (a["balance"], a["holders"], a["expiring_soon"]) == (390, 4, 300)  # 300 + 30 + 20 + 40
    assert (b["balance"], b["holders"], b["expiring_soon"]) == (200, 1, 0)
    assert tuple(table["totals"][f] for f in (*flows, "balance", "holders")) == (770, 80, 120, 40, 20, 590, 5)
    expiry = table["breakdowns"]["expiry"]
    assert len(expiry) == 3 and sum(e["points"] for e in expiry) == 300
    assert {e["month"]: e["points"] for e in expiry}[chain.soon] == 300


async def test_points_report_same_after_concurrent_rebuilds(chain):
    before = await report(chain.admin, "points", **RANGE)
    await asyncio.gather(*(daily.refresh(full=True) for _ in range(4)))  # the job and an admin's refresh at once
    assert await report(chain.admin, "points", **RANGE) == before


async def test_points_report_by_clerk(chain):
    rows = by((await report(chain.manager_a, "points", group="clerk", **RANGE))["rows"], "clerk_id")
    assert rows[chain.staff["clerk_a"].id]["points_earned"] == 570
    assert rows[chain.staff["clerk_a"].id]["balance"] == 390
    assert rows[chain.staff["manager_a"].id]["points_adjusted"] == 40
    assert rows[None]["points_expired"] == 120  # the expiry job acts for no clerk


async def test_points_report_outside_the_range_has_no_flows(chain):
    table = await report(chain.admin, "points", **{"from": day(60), "to": day(30)})
    assert table["totals"]["points_earned"] == 0 and table["totals"]["balance"] == 590


async def test_points_customers_with_points_expiring(chain):
    holders = await drill(chain.manager_a, "points", **RANGE)
    assert [c["id"] for c in holders["items"]] == sorted(chain.ids[n] for n in ("p1", "p2", "p3", "p4"))
    soon = await drill(chain.admin, "points", expiring="yes", **RANGE)
    assert [c["id"] for c in soon["items"]] == [chain.ids["p1"]]


async def test_points_report_downloads_parse_back(chain):
    table = await report(chain.admin, "points", **RANGE)
    await assert_downloads_match(chain.admin, "points", table, **RANGE)


async def test_points_expiring_at_midnight_count_in_the_month_before(chain):
    """Lots earned this year expire as next year begins (local midnight, 1 January): they are December's."""
    before = {e["month"]: e["points"] for e in (await report(chain.admin, "points", **RANGE))["breakdowns"]["expiry"]}
    extra = await customer(chain.clerk_a, name="p6")
    await buy(chain.clerk_a, extra, amount_fen=7000)
    today = clock.today_in("Asia/Shanghai")
    first_of_next = dt.datetime(today.year + today.month // 12, today.month % 12 + 1, 1,
                                tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(dt.timezone.utc)
    async with writing():
        await raw("UPDATE points_lot SET expires_at = {} WHERE customer = {}", first_of_next, extra)
    after = {e["month"]: e["points"] for e in (await report(chain.admin, "points", **RANGE))["breakdowns"]["expiry"]}
    grown = {month: after[month] - before.get(month, 0) for month in after if after[month] != before.get(month, 0)}
    assert grown == {today.strftime("%Y-%m"): 70}
