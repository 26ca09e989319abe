"""Limits under concurrency, over real HTTP against the server process: one redemption per code, stock and
per-customer limits exact, one coupon per Idempotency-Key."""

import asyncio
import uuid

from tests.support.coupons import count, make_coupon, make_customer, make_template

BURST = 50
BURSTS = 10


async def test_redeem_coupon_concurrent_burst_exactly_one(world):
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    for _ in range(BURSTS):
        coupon = await make_coupon(world, template.id, customer_id)
        clients = [world.clerk_a, world.clerk_a2, world.manager_a]
        responses = await asyncio.gather(*[
            clients[i % len(clients)].post("/api/v1/coupons/redeem", json={"code": coupon.code, "device": f"pad-{i}"})
            for i in range(BURST)
        ])
        statuses = sorted(r.status_code for r in responses)
        assert statuses.count(200) == 1, statuses
        assert statuses.count(409) == BURST - 1, statuses
        assert await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", coupon.id) == 1
        refused = next(r for r in responses if r.status_code == 409).json()
        assert refused["redeemed_store_name"] == world.store_a.name
        assert world.store_a.name in refused["detail"]


async def test_redeem_same_idempotency_key_concurrent_one_redemption_one_answer(world):
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    for _ in range(3):
        coupon = await make_coupon(world, template.id, customer_id)
        other = await make_coupon(world, template.id, customer_id)
        key = uuid.uuid4().hex
        responses = await asyncio.gather(*[
            world.clerk_a.post("/api/v1/coupons/redeem", json={"code": coupon.code}, headers={"Idempotency-Key": key})
            for _ in range(20)
        ], world.clerk_a.post("/api/v1/coupons/redeem", json={"code": other.code}, headers={"Idempotency-Key": key}))
        same, stray = responses[:-1], responses[-1]
        statuses = [r.status_code for r in same]
        if stray.status_code == 200:  # the key went to the other coupon first: every use for this one is refused
            assert set(statuses) == {422}, statuses
            redeemed, untouched = other, coupon
        else:
            assert stray.status_code == 422, stray.text
            assert set(statuses) == {200}, statuses
            assert len({r.content for r in same}) == 1
            redeemed, untouched = coupon, other
        assert await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", redeemed.id) == 1
        assert await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", untouched.id) == 0
        assert await count("SELECT COUNT(*) AS n FROM timeline_event WHERE kind = 'coupon_redeemed' AND ref_id = {}",
                           str(redeemed.id)) == 1
        assert await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'coupon.redeem' AND target_id = {}",
                           str(untouched.id)) == 0


async def test_issue_coupon_stock_three_twenty_concurrent_customers(world):
    template = await make_template(world, stock=3)
    customers = [await make_customer(world) for _ in range(20)]
    responses = await asyncio.gather(*[
        world.clerk_a.post("/api/v1/coupons", json={"template_id": template.id, "customer_id": c}) for c in customers
    ])
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 3, statuses
    assert statuses.count(409) == 17, statuses
    assert all(r.json()["reason"] == "stock_exhausted" for r in responses if r.status_code == 409)
    assert await count("SELECT COUNT(*) AS n FROM coupon WHERE template = {}", template.id) == 3
    assert await count("SELECT issued AS n FROM coupon_template WHERE id = {}", template.id) == 3


async def test_issue_coupon_per_customer_limit_concurrent(world):
    template = await make_template(world, per_customer_limit=2)
    customer_id = await make_customer(world)
    responses = await asyncio.gather(*[
        world.clerk_a.post("/api/v1/coupons", json={"template_id": template.id, "customer_id": customer_id})
        for _ in range(20)
    ])
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 2, statuses
    assert statuses.count(409) == 18, statuses
    assert all(r.json()["reason"] == "customer_limit" for r in responses if r.status_code == 409)
    assert await count("SELECT COUNT(*) AS n FROM coupon WHERE template = {} AND customer = {}",
                       template.id, customer_id) == 2
    assert await count("SELECT issued AS n FROM coupon_template WHERE id = {}", template.id) == 2


async def test_issue_coupon_same_idempotency_key_concurrent_one_coupon(world):
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    key = uuid.uuid4().hex
    body = {"template_id": template.id, "customer_id": customer_id}
    responses = await asyncio.gather(*[
        world.clerk_a.post("/api/v1/coupons", json=body, headers={"Idempotency-Key": key}) for _ in range(10)
    ])
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1, statuses
    assert statuses.count(200) == 9, statuses
    assert len({r.json()["code"] for r in responses}) == 1
    assert await count("SELECT COUNT(*) AS n FROM coupon WHERE template = {}", template.id) == 1


async def test_redeem_and_reverse_concurrent_stay_consistent(world):
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    coupon = await make_coupon(world, template.id, customer_id)
    first = await world.clerk_a.post("/api/v1/coupons/redeem", json={"code": coupon.code})
    assert first.status_code == 200
    responses = await asyncio.gather(
        *[world.manager_a.post(f"/api/v1/coupons/{coupon.id}/reverse", json={"reason": "误核销"}) for _ in range(10)],
        *[world.clerk_a.post("/api/v1/coupons/redeem", json={"code": coupon.code}) for _ in range(10)],
    )
    reversals = [r.status_code for r in responses[:10]]
    redemptions = [r.status_code for r in responses[10:]]
    assert set(reversals) <= {200, 409} and set(redemptions) <= {200, 409}
    assert reversals.count(200) >= 1
    active = await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {} AND reversed_at IS NULL",
                         coupon.id)
    state = (await world.clerk_a.get(f"/api/v1/coupons/{coupon.id}")).json()["state"]
    assert active == (1 if state == "redeemed" else 0)
    total = await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", coupon.id)
    assert total == 1 + redemptions.count(200)
    assert reversals.count(200) in (total - active,)
