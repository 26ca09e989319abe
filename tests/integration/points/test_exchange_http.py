"""Points for a coupon over HTTP: debit and issue together, or neither, under concurrency."""

import asyncio

from tests.support.coupons import count, make_customer, make_template
from tests.support.loyalty import balance_and_ledger, key


async def grant(world, customer_id: int, points: int) -> None:
    response = await world.manager_a.post(f"/api/v1/customers/{customer_id}/points/adjust",
                                          json={"points": points, "reason": "开户赠送"}, headers={"Idempotency-Key": key()})
    assert response.status_code == 201, response.text


async def test_exchange_points_for_coupon(world):
    customer_id = await make_customer(world)
    await grant(world, customer_id, 100)
    template = await make_template(world, points_price=30)
    response = await world.clerk_a.post(f"/api/v1/customers/{customer_id}/points/exchange",
                                        json={"template_id": template.id}, headers={"Idempotency-Key": key()})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["coupon"]["customer_id"] == customer_id and body["entry"]["points"] == -30
    assert await balance_and_ledger(customer_id) == (70, 70)


async def test_exchange_20_concurrent_from_100_points(world):
    customer_id = await make_customer(world)
    await grant(world, customer_id, 100)
    template = await make_template(world, points_price=30, per_customer_limit=None)
    responses = await asyncio.gather(*(
        world.clerk_a.post(f"/api/v1/customers/{customer_id}/points/exchange", json={"template_id": template.id},
                           headers={"Idempotency-Key": key()})
        for _ in range(20)
    ))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 3 + [409] * 17, [r.text for r in responses if r.status_code not in (201, 409)]
    assert await balance_and_ledger(customer_id) == (10, 10)
    assert await count("SELECT COUNT(*) AS n FROM coupon WHERE customer = {} AND template = {}", customer_id, template.id) == 3


async def test_exchange_refused_by_coupon_limit_keeps_the_points(world):
    customer_id = await make_customer(world)
    await grant(world, customer_id, 100)
    template = await make_template(world, points_price=10, per_customer_limit=1)
    first = await world.clerk_a.post(f"/api/v1/customers/{customer_id}/points/exchange",
                                     json={"template_id": template.id}, headers={"Idempotency-Key": key()})
    second = await world.clerk_a.post(f"/api/v1/customers/{customer_id}/points/exchange",
                                      json={"template_id": template.id}, headers={"Idempotency-Key": key()})
    assert (first.status_code, second.status_code) == (201, 409)
    assert await balance_and_ledger(customer_id) == (90, 90)


async def test_exchange_template_without_points_price_422(world):
    customer_id = await make_customer(world)
    template = await make_template(world)
    response = await world.clerk_a.post(f"/api/v1/customers/{customer_id}/points/exchange",
                                        json={"template_id": template.id}, headers={"Idempotency-Key": key()})
    assert response.status_code == 422 and response.json()["field"] == "template_id"


async def test_points_past_their_expiry_are_never_spent_even_before_the_job(world):
    """At midnight on 1 January a whole year's lots lapse; the expiry job comes round within minutes. Meanwhile
    nothing may be exchanged from them, and they are not shown as still to expire."""
    import datetime as dt

    from regulars.core import clock
    from regulars.core.db import raw, writing

    customer_id = await make_customer(world)
    await grant(world, customer_id, 300)
    async with writing():
        await raw("UPDATE points_lot SET expires_at = {} WHERE customer = {}", clock.now() - dt.timedelta(minutes=1),
                  customer_id)
    await grant(world, customer_id, 50)  # a lot still valid
    shown = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/points")).json()
    assert [e["points"] for e in shown["upcoming_expiry"]] == [50]
    template = await make_template(world, points_price=100)
    refused = await world.clerk_a.post(f"/api/v1/customers/{customer_id}/points/exchange",
                                       json={"template_id": template.id}, headers={"Idempotency-Key": key()})
    assert refused.status_code == 409, refused.text  # only 50 are left to spend
    assert refused.json()["detail"].count("50") >= 1
    smaller = await make_template(world, points_price=40)
    done = await world.clerk_a.post(f"/api/v1/customers/{customer_id}/points/exchange",
                                    json={"template_id": smaller.id}, headers={"Idempotency-Key": key()})
    assert done.status_code == 201, done.text
    assert await balance_and_ledger(customer_id) == (10, 10)  # the lapsed 300 expired on the way, 40 of the 50 spent
    entries = await raw("SELECT kind, points FROM points_entry WHERE customer = {} ORDER BY id", customer_id)
    assert [(e["kind"], e["points"]) for e in entries] == [("adjust", 300), ("adjust", 50), ("expire", -300), ("redeem", -40)]
