"""Issuing a coupon to one customer: by a clerk over HTTP, and through the service other rooms call."""

import uuid

import pytest

from regulars.core.db import writing
from regulars.core.errors import Conflict, NotFound
from regulars.coupons import service
from tests.support.coupons import count, make_customer, make_template, principal

URL = "/api/v1/coupons"


async def test_issue_coupon_created(world):
    template = await make_template(world)
    customer_id = await make_customer(world)
    response = await world.clerk_a.post(URL, json={"template_id": template.id, "customer_id": customer_id})
    assert response.status_code == 201, response.text
    body = response.json()
    assert len(body["code"]) == 11 and body["state"] == "issued"
    assert body["issued_store_id"] == world.store_a.id and body["issued_by"] == world.staff["clerk_a"].id
    assert body["valid_until"] > body["issued_at"]
    timeline = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    assert timeline[0]["kind"] == "coupon_issued" and template.name_zh in timeline[0]["summary"]


async def test_issue_coupon_idempotency_replay_and_mismatch(world):
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    other_customer = await make_customer(world)
    key = uuid.uuid4().hex
    body = {"template_id": template.id, "customer_id": customer_id}
    first = await world.clerk_a.post(URL, json=body, headers={"Idempotency-Key": key})
    again = await world.clerk_a.post(URL, json=body, headers={"Idempotency-Key": key})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    changed = await world.clerk_a.post(URL, json={**body, "customer_id": other_customer}, headers={"Idempotency-Key": key})
    assert changed.status_code == 422
    assert await count("SELECT COUNT(*) AS n FROM coupon WHERE template = {}", template.id) == 1


async def test_issue_coupon_per_customer_limit_conflict_bilingual(world):
    template = await make_template(world, name_zh="生日礼", name_en="Birthday gift", per_customer_limit=1)
    customer_id = await make_customer(world)
    body = {"template_id": template.id, "customer_id": customer_id}
    assert (await world.clerk_a.post(URL, json=body)).status_code == 201
    chinese = await world.clerk_a.post(URL, json=body)
    assert chinese.status_code == 409
    assert chinese.json()["detail"] == "该客户已领取券「生日礼」1 张，达到每人上限"
    english = await world.client("clerk_a", lang="en")
    response = await english.post(URL, json=body)
    await english.close()
    assert response.status_code == 409
    assert response.json()["detail"] == "This customer already has 1 of “生日礼”, the per-customer limit"


async def test_issue_coupon_stock_exhausted_conflict(world):
    template = await make_template(world, stock=1)
    first = await world.clerk_a.post(URL, json={"template_id": template.id, "customer_id": await make_customer(world)})
    assert first.status_code == 201
    response = await world.clerk_a.post(URL, json={"template_id": template.id, "customer_id": await make_customer(world)})
    assert response.status_code == 409
    assert response.json()["code"] == "coupon.stock_exhausted"
    assert "1" in response.json()["detail"]


async def test_issue_coupon_inactive_template_conflict(world):
    template = await make_template(world, active=False)
    response = await world.clerk_a.post(URL, json={"template_id": template.id, "customer_id": await make_customer(world)})
    assert response.status_code == 409
    assert response.json()["code"] == "coupon.template_inactive"


async def test_issue_coupon_customer_out_of_reach_not_found(world):
    template = await make_template(world, owner="admin", scope="chain")
    customer_b = await make_customer(world, clerk="clerk_b")
    response = await world.clerk_a.post(URL, json={"template_id": template.id, "customer_id": customer_b})
    assert response.status_code == 404
    assert await count("SELECT issued AS n FROM coupon_template WHERE id = {}", template.id) == 0


async def test_issue_coupon_other_store_template_not_found(world):
    template = await make_template(world, owner="manager_b")
    response = await world.clerk_a.post(URL, json={"template_id": template.id, "customer_id": await make_customer(world)})
    assert response.status_code == 404


async def test_issue_service_source_ref_once(world):
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    first = await service.issue(None, template.id, customer_id, source="birthday", source_ref="2027")
    again = await service.issue(None, template.id, customer_id, source="birthday", source_ref="2027")
    assert first.id == again.id and first.issued_by is None
    assert first.issued_store_id == world.store_a.id  # the customer's home store
    third = await service.issue(None, template.id, customer_id, source="birthday", source_ref="2028")
    assert third.id != first.id
    assert await count("SELECT issued AS n FROM coupon_template WHERE id = {}", template.id) == 2


async def test_issue_service_inside_caller_transaction_rolls_back(world):
    template = await make_template(world, stock=5)
    customer_id = await make_customer(world)

    class CallerFailed(Exception):
        pass

    with pytest.raises(CallerFailed):
        async with writing():
            await service.issue(principal(world, "clerk_a"), template.id, customer_id, source="exchange",
                                source_ref="ledger:1")
            raise CallerFailed()
    assert await count("SELECT COUNT(*) AS n FROM coupon WHERE template = {}", template.id) == 0
    assert await count("SELECT issued AS n FROM coupon_template WHERE id = {}", template.id) == 0
    async with writing():
        coupon = await service.issue(principal(world, "clerk_a"), template.id, customer_id, source="exchange",
                                     source_ref="ledger:1")
    assert coupon.source == "exchange"


async def test_issue_service_conflict_inside_caller_transaction(world):
    template = await make_template(world, per_customer_limit=1)
    customer_id = await make_customer(world)
    await service.issue(None, template.id, customer_id, source="welcome")
    with pytest.raises(Conflict):
        async with writing():
            await service.issue(None, template.id, customer_id, source="exchange")
    with pytest.raises(NotFound):
        await service.issue(principal(world, "clerk_b"), template.id, customer_id, source="staff")


async def test_issue_coupon_fixed_window_copied(world):
    import datetime as dt

    from regulars.core import clock

    end = (clock.now() + dt.timedelta(days=3)).replace(microsecond=0)
    template = await make_template(world, valid_days=None, valid_until=end)
    response = await world.clerk_a.post(URL, json={"template_id": template.id, "customer_id": await make_customer(world)})
    assert response.status_code == 201
    assert dt.datetime.fromisoformat(response.json()["valid_until"]) == end
