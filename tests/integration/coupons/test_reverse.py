"""Reversing a redemption: a manager of the redeeming store, within 30 minutes, with a reason."""

from tests.support.coupons import ago, count, make_coupon, make_customer, make_template, set_coupon

REDEEM = "/api/v1/coupons/redeem"


async def redeemed(world, **template_values):
    template = await make_template(world, **template_values)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    assert (await world.clerk_a.post(REDEEM, json={"code": coupon.code})).status_code == 200
    return coupon


async def test_reverse_redemption_within_window_usable_again(world):
    coupon = await redeemed(world)
    response = await world.manager_a.post(f"/api/v1/coupons/{coupon.id}/reverse", json={"reason": "顾客取消购买"})
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "issued"
    assert response.json()["redeemed_at"] is None
    assert await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'coupon.reverse' AND target_id = {}",
                       str(coupon.id)) == 1
    reason = await count("SELECT reverse_reason AS n FROM coupon_redemption WHERE coupon = {}", coupon.id)
    assert reason == "顾客取消购买"
    timeline = (await world.clerk_a.get(f"/api/v1/customers/{coupon.customer_id}/timeline")).json()
    assert timeline[0]["kind"] == "coupon_reversed" and "顾客取消购买" in timeline[0]["summary"]
    again = await world.clerk_a.post(REDEEM, json={"code": coupon.code})
    assert again.status_code == 200
    assert await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", coupon.id) == 2


async def test_reverse_redemption_after_window_conflict(world):
    coupon = await redeemed(world)
    await set_coupon(coupon.id, redeemed_at=ago(minutes=31))
    response = await world.manager_a.post(f"/api/v1/coupons/{coupon.id}/reverse", json={"reason": "太晚了"})
    assert response.status_code == 409
    assert response.json()["code"] == "coupon.reverse_window"


async def test_reverse_redemption_just_inside_window(world):
    coupon = await redeemed(world)
    await set_coupon(coupon.id, redeemed_at=ago(minutes=29))
    response = await world.manager_a.post(f"/api/v1/coupons/{coupon.id}/reverse", json={"reason": "刚好"})
    assert response.status_code == 200


async def test_reverse_redemption_not_redeemed_conflict(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    response = await world.manager_a.post(f"/api/v1/coupons/{coupon.id}/reverse", json={"reason": "无"})
    assert response.status_code == 409
    assert response.json()["code"] == "coupon.not_redeemed"


async def test_reverse_redemption_clerk_forbidden(world):
    coupon = await redeemed(world)
    response = await world.clerk_a.post(f"/api/v1/coupons/{coupon.id}/reverse", json={"reason": "无"})
    assert response.status_code == 403


async def test_reverse_redemption_other_store_manager_not_found(world):
    coupon = await redeemed(world)
    response = await world.manager_b.post(f"/api/v1/coupons/{coupon.id}/reverse", json={"reason": "无"})
    assert response.status_code == 404


async def test_reverse_chain_redemption_only_by_redeeming_store(world):
    template = await make_template(world, owner="admin", scope="chain")
    coupon = await make_coupon(world, template.id, await make_customer(world))
    assert (await world.clerk_b.post(REDEEM, json={"code": coupon.code})).status_code == 200
    response = await world.manager_a.post(f"/api/v1/coupons/{coupon.id}/reverse", json={"reason": "无"})
    assert response.status_code == 403
    assert response.json()["code"] == "coupon.reverse_store"
    assert (await world.manager_b.post(f"/api/v1/coupons/{coupon.id}/reverse", json={"reason": "退"})).status_code == 200
