"""The home screen's figures: a store's day so far, the caller's own share, another store's day out of reach."""

from tests.support.acquisition import Visitor, acq_server, make_channel, sms_gateway  # noqa: F401 (fixtures)
from tests.support.coupons import make_template
from tests.support.reports import buy, customer, day, report, roll_up
from tests.support.world import new_phone


async def today(client, **params) -> dict:
    response = await client.get("/api/v1/reports/today", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_today_counts_the_store_day_and_my_share(world, acq_server, sms_gateway):
    before_a, before_a2, before_b = await today(world.clerk_a), await today(world.clerk_a2), await today(world.clerk_b)
    made = await world.clerk_a.post("/api/v1/customers", json={"phone": new_phone(), "name": "今日客"})
    assert made.status_code == 201, made.text
    customer_id = made.json()["id"]
    template = await make_template(world, name_zh="今日券")
    issued = await world.clerk_a.post("/api/v1/coupons", json={"template_id": template.id, "customer_id": customer_id},
                                      headers={"Idempotency-Key": f"today-issue-{customer_id}"})
    assert issued.status_code == 201, issued.text
    redeemed = await world.clerk_a2.post("/api/v1/coupons/redeem", json={"code": issued.json()["code"]},
                                         headers={"Idempotency-Key": f"today-redeem-{customer_id}"})
    assert redeemed.status_code == 200, redeemed.text
    bought = await world.clerk_a.post("/api/v1/purchases", json={
        "customer_id": customer_id, "category": "accessory", "amount_fen": 12300})
    assert bought.status_code == 201, bought.text
    code = await make_channel(world, kind="clerk", name="甲的码", staff_id=world.staff["clerk_a"].id)
    visitor = Visitor(acq_server.url)
    try:
        await visitor.follow(code["code"], new_phone(), sms_gateway)
    finally:
        await visitor.close()

    after_a, after_a2, after_b = await today(world.clerk_a), await today(world.clerk_a2), await today(world.clerk_b)
    gained = {k: after_a[k] - before_a[k] for k in after_a if isinstance(after_a[k], int) and k != "store_id"}
    assert gained == {"new_customers": 2, "new_customers_mine": 2, "follows": 1, "new_followers": 1, "follows_mine": 1,
                      "redemptions": 1, "redemptions_mine": 0, "coupons_issued": 1, "purchases": 1,
                      "purchases_fen": 12300}
    assert after_a2["redemptions_mine"] - before_a2["redemptions_mine"] == 1
    assert after_a["store_id"] == world.store_a.id and after_a["day"] == before_a["day"]
    assert after_b == before_b  # another store's day did not move


async def test_today_of_another_store_out_of_reach(world):
    response = await world.clerk_a.get("/api/v1/reports/today", params={"store_id": world.store_b.id})
    assert response.status_code == 404
    assert response.json()["detail"]


async def test_admin_today_of_a_store_or_the_chain(world):
    store = await today(world.admin, store_id=world.store_a.id)
    chain = await today(world.admin)
    assert store["store_id"] == world.store_a.id and chain["store_id"] is None
    assert chain["new_customers"] >= store["new_customers"] and chain["redemptions"] >= store["redemptions"]
    unknown = await world.admin.get("/api/v1/reports/today", params={"store_id": 987654})
    assert unknown.status_code == 404


async def test_today_sales_net_of_refunds_as_the_reports(world):
    before = await today(world.clerk_a)
    customer_id = await customer(world.clerk_a, name="退款客")
    original = await buy(world.clerk_a, customer_id, amount_fen=20000)
    await buy(world.clerk_a, customer_id, amount_fen=-5000, refund_of=original["id"], category=None)

    after = await today(world.clerk_a)
    assert (after["purchases"] - before["purchases"], after["purchases_fen"] - before["purchases_fen"]) == (1, 15000)
    await roll_up()
    stores = await report(world.manager_a, "stores", **{"from": day(0), "to": day(0)})
    assert [r["sales_fen"] for r in stores["rows"] if r["store_id"] == world.store_a.id] == [after["purchases_fen"]]
