"""The service the customer-side redemption page calls: the holder redeems only their own coupons."""

import asyncio

import pytest

from regulars.core.db import raw
from regulars.core.errors import Conflict, Forbidden, NotFound
from regulars.coupons import redemption
from regulars.coupons.schemas import Holder
from tests.support.coupons import count, make_coupon, make_customer, make_template, principal


async def test_redeem_by_holder_own_coupon(world):
    template = await make_template(world)
    customer_id = await make_customer(world)
    coupon = await make_coupon(world, template.id, customer_id)
    done = await redemption.redeem(Holder(customer_id), coupon.code, store_id=world.store_a.id,
                                   staff_id=world.staff["clerk_a"].id, channel="web")
    assert done.channel == "web" and done.coupon.state == "redeemed"
    assert done.coupon.redeemed_store_id == world.store_a.id
    with pytest.raises(Conflict):
        await redemption.redeem(Holder(customer_id), coupon.code, store_id=world.store_a.id, staff_id=None,
                                channel="web")


async def test_redeem_by_holder_alone_recorded_as_the_customers_own(world):
    """Without a clerk the audit names the customer and the timeline the web; with the counter's clerk, the clerk."""
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    alone, at_counter = [await make_coupon(world, template.id, customer_id) for _ in range(2)]
    await redemption.redeem(Holder(customer_id), alone.code, store_id=world.store_a.id, staff_id=None, channel="web")
    clerk = world.staff["clerk_a"].id
    await redemption.redeem(Holder(customer_id), at_counter.code, store_id=world.store_a.id, staff_id=clerk,
                            channel="web")
    recorded = []
    for coupon in (alone, at_counter):
        rows = await raw("SELECT a.actor_kind, a.actor_id, e.channel, e.staff_id FROM audit_log a JOIN timeline_event e "
                         "ON e.kind = 'coupon_redeemed' AND e.ref_id = a.target_id "
                         "WHERE a.action = 'coupon.redeem' AND a.target_id = {}", str(coupon.id))
        recorded.append([tuple(r.values()) for r in rows])
    assert recorded == [[("customer", customer_id, "web", None)], [("staff", clerk, "web", clerk)]]


async def test_redeem_by_holder_someone_elses_coupon_not_found(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    other = await make_customer(world)
    with pytest.raises(NotFound):
        await redemption.redeem(Holder(other), coupon.code, store_id=world.store_a.id, staff_id=None, channel="web")
    assert await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", coupon.id) == 0


async def test_redeem_by_holder_wrong_store_forbidden(world):
    template = await make_template(world, scope="issuing")
    customer_id = await make_customer(world)
    coupon = await make_coupon(world, template.id, customer_id)
    with pytest.raises(Forbidden):
        await redemption.redeem(Holder(customer_id), coupon.code, store_id=world.store_b.id, staff_id=None,
                                channel="web")


async def test_redeem_by_staff_for_other_store_forbidden(world):
    template = await make_template(world, owner="admin", scope="chain")
    coupon = await make_coupon(world, template.id, await make_customer(world))
    with pytest.raises(Forbidden):
        await redemption.redeem(principal(world, "clerk_a"), coupon.code, store_id=world.store_b.id,
                                staff_id=world.staff["clerk_a"].id, channel="store")


async def test_redeem_holder_and_counter_race_one_wins(world):
    """The customer scans the counter's QR while the clerk scans the coupon: one redemption."""
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    for _ in range(5):
        coupon = await make_coupon(world, template.id, customer_id)
        results = await asyncio.gather(
            redemption.redeem(Holder(customer_id), coupon.code, store_id=world.store_a.id, staff_id=None, channel="web"),
            world.clerk_a.post("/api/v1/coupons/redeem", json={"code": coupon.code}),
            return_exceptions=True,
        )
        web_ok = not isinstance(results[0], Exception)
        counter_ok = results[1].status_code == 200
        assert web_ok != counter_ok, results
        assert await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", coupon.id) == 1
