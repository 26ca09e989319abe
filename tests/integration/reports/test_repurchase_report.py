"""The repurchase report on a hand-built chain: first purchases in the last 60 days, second purchases
some whole days later, two of them with a coupon. Figures written down by hand below."""

import pytest

from tests.support.reports import (assert_downloads_match, buy, by, customer, day, drill, key, local, move, report,
                                   roll_up, visit)

# days ago of (first, second) purchase; None = no second purchase. Every purchase at 10:00 local.
#   store A (first purchases by clerk_a unless a2):
#   c1 (50, 40) 10 days · c2 (45, 25) 20 days, coupon on the 2nd · c3 (40, -) · c4 a2 (30, 26) 4 days, 3rd at 10
#   c5 (70, 50) first before the range · c6 a2 (20, -) and a visit at 10 · c7 (55, 5) 50 days · c12 (3, -)
#   c11: a visit only
#   store B (clerk_b): c8 (35, 5) 30 days, coupon the same day · c9 (15, -) · c10 (58, 57) 1 day
RANGE = {"from": day(60), "to": day(0)}


@pytest.fixture(scope="module")
async def chain(world):
    a, a2, b = world.clerk_a, world.clerk_a2, world.clerk_b
    ids = {}
    for name, client in (("c1", a), ("c2", a), ("c3", a), ("c4", a2), ("c5", a), ("c6", a2), ("c7", a), ("c11", a),
                         ("c12", a), ("c8", b), ("c9", b), ("c10", b)):
        ids[name] = await customer(client, name=name)
    # c1's and c10's purchases are entered latest first (a back-dated entry): first and second follow the time made
    await buy(a, ids["c1"], local(40))
    await buy(a, ids["c1"], local(50))
    await buy(a, ids["c2"], local(45))
    second_c2 = await buy(a2, ids["c2"], local(25))
    await buy(a, ids["c3"], local(40))
    await buy(a2, ids["c4"], local(30))
    await buy(a2, ids["c4"], local(26))
    await buy(a2, ids["c4"], local(10))
    await buy(a, ids["c5"], local(70))
    await buy(a, ids["c5"], local(50))
    await buy(a2, ids["c6"], local(20))
    await visit(a2, ids["c6"], local(10))
    await buy(a, ids["c7"], local(55))
    await buy(a, ids["c7"], local(5))
    await visit(a, ids["c11"], local(12))
    await buy(a, ids["c12"], local(3))
    await buy(b, ids["c8"], local(35))
    second_c8 = await buy(b, ids["c8"], local(5))
    await buy(b, ids["c9"], local(15))
    await buy(b, ids["c10"], local(57))
    await buy(b, ids["c10"], local(58))

    template = (await world.admin.post("/api/v1/coupon-templates", json={
        "name_zh": "复购券", "name_en": "Come-back coupon", "kind": "amount_off", "amount_off_fen": 1000,
        "category": "business", "purpose": "reward", "valid_days": 365, "scope": "chain"})).json()
    for client, name, purchase in ((a2, "c2", second_c2), (b, "c8", None)):
        issued = await client.post("/api/v1/coupons", json={"template_id": template["id"], "customer_id": ids[name]},
                                   headers={"Idempotency-Key": key()})
        assert issued.status_code == 201, issued.text
        body = {"code": issued.json()["code"]} | ({"purchase_id": purchase["id"]} if purchase else {})
        redeemed = await client.post("/api/v1/coupons/redeem", json=body, headers={"Idempotency-Key": key()})
        assert redeemed.status_code == 200, redeemed.text
        if purchase is None:  # not linked: it goes with the purchase made the same day
            await move("coupon_redemption", redeemed.json()["id"], at=local(5, 10, 5))
    await roll_up()
    world.ids = ids
    world.second_c8 = second_c8
    return world


async def test_repurchase_report_by_store(chain):
    table = await report(chain.admin, "repurchase", **RANGE)
    rows = by(table["rows"], "store")
    a, b = rows["测试一厅"], rows["测试二厅"]
    assert (a["first_buyers"], a["repurchased"], a["repurchase_rate"]) == (7, 4, round(4 / 7, 4))
    assert (a["avg_days"], a["median_days"]) == (21.0, 15.0)  # 4, 10, 20, 50
    assert (b["first_buyers"], b["repurchased"], b["repurchase_rate"]) == (3, 2, round(2 / 3, 4))
    assert (b["avg_days"], b["median_days"]) == (15.5, 15.5)  # 1, 30
    assert table["totals"] == {"first_buyers": 10, "repurchased": 6, "repurchase_rate": 0.6, "avg_days": 19.2,
                               "median_days": 15.0}
    coupons = {c["coupon"]: c["customers"] for c in table["breakdowns"]["coupon"]}
    assert coupons == {"复购券": 2, "未用券": 4}


async def test_repurchase_report_window_of_15_days(chain):
    table = await report(chain.admin, "repurchase", window=15, **RANGE)
    rows = by(table["rows"], "store")
    assert (rows["测试一厅"]["repurchased"], rows["测试二厅"]["repurchased"]) == (2, 1)
    assert table["totals"]["median_days"] == 4.0  # 1, 4, 10
    assert {c["coupon"]: c["customers"] for c in table["breakdowns"]["coupon"]} == {"未用券": 3}


async def test_repurchase_report_by_clerk_of_the_first_purchase(chain):
    table = await report(chain.manager_a, "repurchase", group="clerk", **RANGE)
    rows = by(table["rows"], "clerk_id")
    mine, theirs = rows[chain.staff["clerk_a"].id], rows[chain.staff["clerk_a2"].id]
    assert (mine["first_buyers"], mine["repurchased"], mine["avg_days"], mine["median_days"]) == (5, 3, 26.7, 20.0)
    assert (theirs["first_buyers"], theirs["repurchased"], theirs["avg_days"], theirs["median_days"]) == (2, 1, 4.0, 4.0)
    assert table["totals"]["first_buyers"] == 7


async def test_repurchase_report_manager_sees_own_store(chain):
    table = await report(chain.manager_b, "repurchase", **RANGE)
    assert [r["store"] for r in table["rows"]] == ["测试二厅"]
    other = await chain.manager_b.get("/api/v1/reports/repurchase", params={"store": chain.store_a.id})
    assert other.status_code == 404


async def test_repurchase_customers_drill_masked_and_in_reach(chain):
    ids = chain.ids
    again = await drill(chain.manager_a, "repurchase", repurchased="yes", **RANGE)
    assert [c["id"] for c in again["items"]] == sorted([ids["c1"], ids["c2"], ids["c4"], ids["c7"]])
    assert again["total"] == 4 and all("****" in c["phone_masked"] for c in again["items"])
    not_again = await drill(chain.admin, "repurchase", repurchased="no", store=chain.store_b.id, **RANGE)
    assert [c["id"] for c in not_again["items"]] == [ids["c9"]]
    paged = await drill(chain.manager_a, "repurchase", limit=2, offset=2, **RANGE)
    assert paged["total"] == 7 and len(paged["items"]) == 2


async def test_repurchase_report_downloads_parse_back(chain):
    table = await report(chain.admin, "repurchase", **RANGE)
    await assert_downloads_match(chain.admin, "repurchase", table, **RANGE)
