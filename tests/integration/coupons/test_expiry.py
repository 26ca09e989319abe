"""The expiry job: marks coupons past their validity once, with a timeline event; redemption then answers 410."""

import datetime as dt

from regulars.core import clock
from regulars.coupons import jobs
from regulars import worker
from tests.support.coupons import ago, count, make_coupon, make_customer, make_template, set_coupon


async def test_expire_job_marks_past_coupons_once(world):
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    past = [await make_coupon(world, template.id, customer_id) for _ in range(3)]
    current = await make_coupon(world, template.id, customer_id)
    # due ten seconds from now, and the job run here twenty seconds ahead: the test server's own expiry job (every
    # 60 s, on the real clock) leaves them to this one
    for coupon in past:
        await set_coupon(coupon.id, valid_until=ago(seconds=-10))
    clock.set_offset(dt.timedelta(seconds=20))
    try:
        assert await jobs.expire_due(batch=2) == 3
        assert await jobs.expire_due() == 0
    finally:
        clock.set_offset(dt.timedelta(0))
    states = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/coupons")).json()["items"]
    by_id = {c["id"]: c for c in states}
    assert all(by_id[c.id]["state"] == "expired" and by_id[c.id]["expired_at"] for c in past)
    assert by_id[current.id]["state"] == "issued"
    events = await count("SELECT COUNT(*) AS n FROM timeline_event WHERE kind = 'coupon_expired' AND customer = {}",
                         customer_id)
    assert events == 3
    timeline = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    assert timeline[0]["kind"] == "coupon_expired" and template.name_zh in timeline[0]["summary"]


async def test_redeem_coupon_marked_expired_gone(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    await set_coupon(coupon.id, valid_until=ago(days=1))
    await jobs.expire_due()
    response = await world.clerk_a.post("/api/v1/coupons/redeem", json={"code": coupon.code})
    assert response.status_code == 410
    assert response.json()["code"] == "coupon.expired"


async def test_expire_job_leaves_redeemed_coupons(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    assert (await world.clerk_a.post("/api/v1/coupons/redeem", json={"code": coupon.code})).status_code == 200
    await set_coupon(coupon.id, valid_until=ago(days=1))
    await jobs.expire_due()
    assert (await world.clerk_a.get(f"/api/v1/coupons/{coupon.id}")).json()["state"] == "redeemed"


def test_expire_job_registered_with_worker():
    names = worker.registered()
    assert "coupons.expire" in names and "coupons.bulk_resume" in names
