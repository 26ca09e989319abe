"""The coupon funnel on a hand-built chain: three templates, twelve coupons, some seen in the wallet,
redeemed, expired or issued before the range. Figures written down by hand below."""

import asyncio
import datetime as dt

import pytest

from regulars.core import clock
from regulars.coupons import jobs as coupon_jobs
from regulars.coupons import service as coupons
from regulars.reports import coupon_days
from tests.support.reports import assert_downloads_match, by, customer, day, drill, key, local, move, report, roll_up

RANGE = {"from": day(30), "to": day(0)}
# store A: 满100减20 (2000 fen off) by clerk_a to c1 c2 c3 c4 (+ c6, issued 40 days ago: outside the range)
#          贴膜服务 (a service) by clerk_a2 to c1 c5
# store B: 话费券 (chain-wide, 500 fen off) by clerk_b to c7 c8 c9
# seen in the wallet: c2 c3 (满100减20), c9; redeemed: c1 c2 (满100减20), c5 (贴膜), c7; expired: c8


async def issue(client, template_id: int, customer_id: int) -> dict:
    response = await client.post("/api/v1/coupons", json={"template_id": template_id, "customer_id": customer_id},
                                 headers={"Idempotency-Key": key()})
    assert response.status_code == 201, response.text
    return response.json()


async def redeem(client, code: str) -> None:
    response = await client.post("/api/v1/coupons/redeem", json={"code": code}, headers={"Idempotency-Key": key()})
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
async def chain(world):
    a, a2, b = world.clerk_a, world.clerk_a2, world.clerk_b
    ids = {f"c{n}": await customer(a if n <= 6 else b, name=f"c{n}") for n in range(1, 10)}

    async def template(client, **fields):
        response = await client.post("/api/v1/coupon-templates", json={
            "category": "business", "purpose": "discount", "valid_days": 365} | fields)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    t1 = await template(world.manager_a, name_zh="满100减20", kind="amount_off", amount_off_fen=2000)
    t2 = await template(world.manager_a, name_zh="贴膜服务", kind="service", item="贴膜", category="device", purpose="care")
    t3 = await template(world.admin, name_zh="话费券", kind="amount_off", amount_off_fen=500, scope="chain")
    c = {}
    for n in (1, 2, 3, 4, 6):
        c[f"t1c{n}"] = await issue(a, t1, ids[f"c{n}"])
    for n in (1, 5):
        c[f"t2c{n}"] = await issue(a2, t2, ids[f"c{n}"])
    for n in (7, 8, 9):
        c[f"t3c{n}"] = await issue(b, t3, ids[f"c{n}"])
    await move("coupon", c["t1c6"]["id"], issued_at=local(40))
    assert await coupons.mark_seen([c["t1c2"]["id"], c["t1c3"]["id"], c["t3c9"]["id"]]) == 3
    assert await coupons.mark_seen([c["t1c2"]["id"]]) == 0  # the first time only
    for name, client in (("t1c1", a), ("t1c2", a), ("t2c5", a2), ("t3c7", b)):
        await redeem(client, c[name]["code"])
    await move("coupon", c["t3c8"]["id"], valid_until=local(1))
    await coupon_jobs.expire_due()
    await roll_up()
    world.ids, world.templates, world.coupons = ids, {"t1": t1, "t2": t2, "t3": t3}, c
    return world


async def test_coupon_funnel_by_template(chain):
    table = await report(chain.admin, "coupons", **RANGE)
    rows = by(table["rows"], "template")
    figures = ("issued", "seen", "redeemed", "expired", "outstanding", "liability_fen")
    assert tuple(rows["满100减20"][f] for f in figures) == (4, 2, 2, 0, 2, 4000)
    assert tuple(rows["贴膜服务"][f] for f in figures) == (2, 0, 1, 0, 1, 0)
    assert tuple(rows["话费券"][f] for f in figures) == (3, 1, 1, 1, 1, 500)
    assert rows["满100减20"]["redemption_rate"] == 0.5 and rows["话费券"]["seen_share"] == round(1 / 3, 4)
    totals = table["totals"]
    assert tuple(totals[f] for f in figures) == (9, 3, 4, 1, 4, 4500)
    assert (totals["redemption_rate"], totals["seen_share"]) == (round(4 / 9, 4), round(3 / 9, 4))
    assert (totals["all_outstanding"], totals["all_liability_fen"]) == (5, 6500)  # with c6's, issued earlier
    assert table["breakdowns"]["funnel"] == [{"stage": "发放", "coupons": 9}, {"stage": "钱包查看", "coupons": 3},
                                             {"stage": "核销", "coupons": 4}]


async def test_coupon_funnel_past_due_coupon_is_not_outstanding_before_the_expiry_job(chain):
    """A coupon past its validity stops counting as outstanding at once, not when the expiry job next runs."""
    coupon = chain.coupons["t1c3"]
    await move("coupon", coupon["id"], valid_until=clock.now() - dt.timedelta(minutes=1))
    try:
        table = await report(chain.admin, "coupons", **RANGE)
        row = by(table["rows"], "template")["满100减20"]
        assert (row["issued"], row["outstanding"], row["liability_fen"]) == (4, 1, 2000)
        assert (table["totals"]["all_outstanding"], table["totals"]["all_liability_fen"]) == (4, 4500)
    finally:
        await move("coupon", coupon["id"], valid_until=dt.datetime.fromisoformat(coupon["valid_until"]))


async def test_coupon_funnel_same_after_concurrent_rebuilds(chain):
    before = await report(chain.admin, "coupons", **RANGE)
    await asyncio.gather(*(coupon_days.refresh(full=True) for _ in range(3)), coupon_days.refresh())
    assert await report(chain.admin, "coupons", **RANGE) == before


async def test_coupon_funnel_by_store_and_by_clerk(chain):
    stores = by((await report(chain.admin, "coupons", group="store", **RANGE))["rows"], "store")
    assert (stores["测试一厅"]["issued"], stores["测试一厅"]["redeemed"], stores["测试一厅"]["liability_fen"]) == (6, 3, 4000)
    assert (stores["测试二厅"]["issued"], stores["测试二厅"]["expired"], stores["测试二厅"]["liability_fen"]) == (3, 1, 500)
    clerks = by((await report(chain.manager_a, "coupons", group="clerk", **RANGE))["rows"], "clerk_id")
    assert clerks[chain.staff["clerk_a"].id]["issued"] == 4 and clerks[chain.staff["clerk_a"].id]["seen"] == 2
    assert clerks[chain.staff["clerk_a2"].id]["redeemed"] == 1


async def test_coupon_funnel_manager_sees_own_store(chain):
    table = await report(chain.manager_a, "coupons", **RANGE)
    assert sorted(r["template"] for r in table["rows"]) == ["满100减20", "贴膜服务"]
    assert (table["totals"]["all_outstanding"], table["totals"]["all_liability_fen"]) == (4, 6000)


async def test_coupon_funnel_customers_by_state(chain):
    ids = chain.ids
    redeemed = await drill(chain.admin, "coupons", state="redeemed", **RANGE)
    assert [c["id"] for c in redeemed["items"]] == sorted(ids[n] for n in ("c1", "c2", "c5", "c7"))
    seen = await drill(chain.manager_a, "coupons", state="seen", **RANGE)
    assert [c["id"] for c in seen["items"]] == sorted([ids["c2"], ids["c3"]])
    one = await drill(chain.manager_a, "coupons", template=chain.templates["t2"], **RANGE)
    assert [c["id"] for c in one["items"]] == sorted([ids["c1"], ids["c5"]])


async def test_coupon_funnel_downloads_parse_back(chain):
    table = await report(chain.admin, "coupons", **RANGE)
    await assert_downloads_match(chain.admin, "coupons", table, **RANGE)
    english = await chain.client("admin", lang="en")
    try:
        table = await report(english, "coupons", **RANGE)
        assert [c["label"] for c in table["columns"]][:3] == ["Coupon template", "Issued", "Seen"]
        await assert_downloads_match(english, "coupons", table, **RANGE)
    finally:
        await english.close()


async def test_coupon_funnel_roll_up_follows_later_changes(chain):
    """The job's round after a wallet view, a redemption and an issue rebuilds just the cells they touched."""
    c = chain.coupons
    assert await coupons.mark_seen([c["t1c4"]["id"]]) == 1
    await redeem(chain.clerk_a, c["t1c3"]["code"])
    await issue(chain.clerk_b, chain.templates["t3"], await customer(chain.clerk_b, name="c10"))
    # today's cells of store A and store B rebuilt (by this round, or by the test server's own job a moment before)
    await coupon_days.refresh()
    rows = by((await report(chain.admin, "coupons", **RANGE))["rows"], "template")
    figures = ("issued", "seen", "redeemed", "expired", "outstanding", "liability_fen")
    assert tuple(rows["满100减20"][f] for f in figures) == (4, 3, 3, 0, 1, 2000)
    assert tuple(rows["话费券"][f] for f in figures) == (4, 1, 1, 1, 2, 1000)
    totals = (await report(chain.admin, "coupons", **RANGE))["totals"]
    assert (totals["all_outstanding"], totals["all_liability_fen"]) == (5, 6500 - 2000 + 500)
