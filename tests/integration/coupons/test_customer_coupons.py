"""A customer's coupons in the customer 360, the lookup by code, export and erasure."""

from tests.support.coupons import count, make_coupon, make_customer, make_template


async def test_list_customer_coupons_newest_first(world):
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    made = [await make_coupon(world, template.id, customer_id) for _ in range(3)]
    page = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/coupons", params={"limit": 2})).json()
    assert [c["id"] for c in page["items"]] == [made[2].id, made[1].id]
    assert page["has_more"] is True
    issued = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/coupons", params={"state": "redeemed"})).json()
    assert issued["items"] == []


async def test_list_customer_coupons_other_store_not_found(world):
    customer_b = await make_customer(world, clerk="clerk_b")
    assert (await world.clerk_a.get(f"/api/v1/customers/{customer_b}/coupons")).status_code == 404


async def test_lookup_coupon_by_typed_code(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    typed = f"{coupon.code[:4].lower()}-{coupon.code[4:8]} {coupon.code[8:]}"
    response = await world.clerk_a.get("/api/v1/coupons/lookup", params={"code": typed})
    assert response.status_code == 200 and response.json()["id"] == coupon.id
    assert (await world.clerk_b.get("/api/v1/coupons/lookup", params={"code": coupon.code})).status_code == 404
    bad = coupon.code[:-1] + ("A" if coupon.code[-1] != "A" else "B")
    assert (await world.clerk_a.get("/api/v1/coupons/lookup", params={"code": bad})).status_code == 404


async def test_export_customer_includes_coupons(world):
    template = await make_template(world)
    customer_id = await make_customer(world)
    coupon = await make_coupon(world, template.id, customer_id)
    await world.clerk_a.post("/api/v1/coupons/redeem", json={"code": coupon.code})
    document = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/export")).json()
    assert [c["code"] for c in document["coupons"]["coupons"]] == [coupon.code]
    assert len(document["coupons"]["redemptions"]) == 1


async def test_erase_customer_voids_outstanding_coupons(world):
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    kept = await make_coupon(world, template.id, customer_id)
    await world.clerk_a.post("/api/v1/coupons/redeem", json={"code": kept.code})
    open_coupon = await make_coupon(world, template.id, customer_id)
    assert (await world.manager_a.delete(f"/api/v1/customers/{customer_id}")).status_code == 204
    assert await count("SELECT COUNT(*) AS n FROM coupon WHERE customer = {} AND state = 'void'", customer_id) == 1
    assert await count("SELECT state AS n FROM coupon WHERE id = {}", open_coupon.id) == "void"
    assert await count("SELECT state AS n FROM coupon WHERE id = {}", kept.id) == "redeemed"
