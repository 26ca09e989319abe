"""Redeeming at the counter: the contract's answers, what is recorded, idempotency, reversal."""

import json
import uuid

import pytest

from regulars.coupons import rules
from regulars.coupons.service import dict_rows as service_rows
from regulars.customers import service as customers
from tests.support.coupons import ago, count, make_coupon, make_customer, make_template, set_coupon

REDEEM = "/api/v1/coupons/redeem"


async def _purchase(client, customer_id: int) -> int:
    response = await client.post("/api/v1/purchases", json={"customer_id": customer_id, "amount_fen": 9900, "category": "accessory"},
                                 headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_redeem_coupon_records_store_clerk_device_audit_and_timeline(world):
    template = await make_template(world)
    customer_id = await make_customer(world)
    coupon = await make_coupon(world, template.id, customer_id)
    purchase = await _purchase(world.clerk_a2, customer_id)
    response = await world.clerk_a2.post(REDEEM, json={"code": coupon.code, "device": "counter-2", "purchase_id": purchase})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["coupon"]["state"] == "redeemed"
    assert body["coupon"]["redeemed_store_id"] == world.store_a.id
    assert body["staff_id"] == world.staff["clerk_a2"].id
    assert body["device"] == "counter-2" and body["purchase_id"] == purchase
    assert body["store_name"] == world.store_a.name
    timeline = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    kinds = [e["kind"] for e in timeline]
    assert kinds[0] == "coupon_redeemed" and kinds.index("purchase") < kinds.index("coupon_issued")
    assert world.store_a.name in timeline[0]["summary"]
    # the redemption row, its audit entry and its timeline event, written together
    rows = await service_rows(
        "SELECT r.id, r.customer, r.store, r.staff_id, r.channel, r.device, r.purchase_id, a.actor_kind, a.actor_id, "
        "a.store_id AS audit_store, a.detail, e.data, e.staff_id AS event_staff FROM coupon_redemption r "
        "JOIN audit_log a ON a.action = 'coupon.redeem' AND a.target_id = {} "
        "JOIN timeline_event e ON e.kind = 'coupon_redeemed' AND e.ref_id = {} WHERE r.coupon = {}",
        str(coupon.id), str(coupon.id), coupon.id)
    assert len(rows) == 1
    row = rows[0]
    clerk = world.staff["clerk_a2"].id
    assert (row["id"], row["customer"], row["store"], row["staff_id"]) == (body["id"], customer_id, world.store_a.id, clerk)
    assert (row["channel"], row["device"], row["purchase_id"]) == ("store", "counter-2", purchase)
    assert (row["actor_kind"], row["actor_id"], row["audit_store"], row["event_staff"]) == ("staff", clerk, world.store_a.id, clerk)
    assert json.loads(row["detail"]) == {"channel": "store", "device": "counter-2", "purchase_id": purchase}
    assert json.loads(row["data"]) == {"name": template.name_zh, "code": rules.format_code(coupon.code),
                                       "store": world.store_a.name}


async def test_redeem_coupon_typed_code_normalised(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    typed = rules.format_code(coupon.code).lower().replace("0", "o").replace("1", "l")
    response = await world.clerk_a.post(REDEEM, json={"code": f" {typed} "})
    assert response.status_code == 200, response.text


async def test_redeem_coupon_already_redeemed_names_store_and_time(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    assert (await world.clerk_a.post(REDEEM, json={"code": coupon.code})).status_code == 200
    english = await world.client("clerk_a2", lang="en")
    response = await english.post(REDEEM, json={"code": coupon.code})
    await english.close()
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "coupon.already_redeemed"
    assert body["redeemed_store_name"] == world.store_a.name
    assert "already redeemed at" in body["detail"] and world.store_a.name in body["detail"]
    assert await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", coupon.id) == 1


async def test_redeem_coupon_unknown_code_not_found(world):
    response = await world.clerk_a.post(REDEEM, json={"code": "0000000000" + "0"})
    assert response.status_code == 404
    assert response.json()["code"] == "coupon.not_found"


async def test_redeem_coupon_bad_check_character_not_found(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    wrong = coupon.code[:-1] + ("A" if coupon.code[-1] != "A" else "B")
    response = await world.clerk_a.post(REDEEM, json={"code": wrong})
    assert response.status_code == 404


async def test_redeem_coupon_typed_without_its_last_character_told_so(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    response = await world.clerk_a.post(REDEEM, json={"code": coupon.code[:-1]})
    assert response.status_code == 422 and response.json()["code"] == "coupon.code_incomplete"
    assert "少了最后一位" in response.json()["detail"]
    assert (await world.clerk_a.post(REDEEM, json={"code": coupon.code})).status_code == 200


async def test_redeem_older_coupon_typed_without_its_check_symbol(world):
    """Codes issued before they stopped ending in *~$=U: the symbol may be left off when typed."""
    import secrets

    from regulars.core import security
    from regulars.core.db import raw

    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    bodies = ("".join(secrets.choice(security.CROCKFORD) for _ in range(10)) for _ in range(100_000))
    body = next(b for b in bodies if security.crockford_check(b) == "*")
    await raw("UPDATE coupon SET code = {} WHERE id = {}", body + "*", coupon.id)
    response = await world.clerk_a.post(REDEEM, json={"code": f"{body[:4]}-{body[4:8]}-{body[8:]}"})
    assert response.status_code == 200 and response.json()["coupon"]["id"] == coupon.id


async def test_redeem_coupon_of_other_store_customer_not_found(world):
    """A store-only coupon of another store's customer looks exactly like an unknown code."""
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    unknown = await world.clerk_b.post(REDEEM, json={"code": "ZZZZZZZZZZ" + "Z"})
    response = await world.clerk_b.post(REDEEM, json={"code": coupon.code})
    assert response.status_code == 404
    assert response.json()["code"] == unknown.json()["code"] == "coupon.not_found"
    assert world.store_a.name not in response.text


async def test_redeem_coupon_store_only_in_other_store_forbidden(world):
    """The customer follows both stores; the coupon is valid only where it was issued."""
    template = await make_template(world, scope="issuing")
    customer_id = await make_customer(world)
    await customers.add_follower(customer_id, world.store_b.id)
    coupon = await make_coupon(world, template.id, customer_id)
    response = await world.clerk_b.post(REDEEM, json={"code": coupon.code})
    assert response.status_code == 403
    assert response.json()["code"] == "coupon.wrong_store"
    assert world.store_a.name in response.json()["detail"]
    assert (await world.clerk_a.post(REDEEM, json={"code": coupon.code})).status_code == 200


async def test_redeem_chain_coupon_in_other_store_recorded_there(world):
    template = await make_template(world, owner="admin", scope="chain")
    coupon = await make_coupon(world, template.id, await make_customer(world))
    response = await world.clerk_b.post(REDEEM, json={"code": coupon.code})
    assert response.status_code == 200, response.text
    assert response.json()["coupon"]["redeemed_store_id"] == world.store_b.id
    assert response.json()["staff_id"] == world.staff["clerk_b"].id


async def test_redeem_list_coupon_only_in_listed_stores(world):
    template = await make_template(world, scope="list", store_ids=[world.store_b.id])
    customer_id = await make_customer(world)
    first = await make_coupon(world, template.id, customer_id)
    response = await world.clerk_a.post(REDEEM, json={"code": first.code})
    assert response.status_code == 403
    assert (await world.clerk_b.post(REDEEM, json={"code": first.code})).status_code == 200


async def test_redeem_coupon_expired_gone(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    await set_coupon(coupon.id, valid_until=ago(minutes=1))
    response = await world.clerk_a.post(REDEEM, json={"code": coupon.code})
    assert response.status_code == 410
    assert response.json()["code"] == "coupon.expired"


async def test_redeem_coupon_void_gone(world):
    template = await make_template(world)
    customer_id = await make_customer(world)
    coupon = await make_coupon(world, template.id, customer_id)
    assert (await world.manager_a.delete(f"/api/v1/customers/{customer_id}")).status_code == 204
    response = await world.clerk_a.post(REDEEM, json={"code": coupon.code})
    assert response.status_code == 410
    assert response.json()["code"] == "coupon.void"


async def test_redeem_coupon_not_yet_valid(world):
    from regulars.core import clock
    import datetime as dt

    start = clock.now() + dt.timedelta(days=2)
    template = await make_template(world, valid_days=None, valid_from=start, valid_until=start + dt.timedelta(days=5))
    coupon = await make_coupon(world, template.id, await make_customer(world))
    response = await world.clerk_a.post(REDEEM, json={"code": coupon.code})
    assert response.status_code == 422
    assert response.json()["code"] == "coupon.not_yet_valid"


async def test_redeem_coupon_below_minimum_spend(world):
    template = await make_template(world, min_spend_fen=10_000)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    response = await world.clerk_a.post(REDEEM, json={"code": coupon.code, "spend_fen": 9_999})
    assert response.status_code == 422
    assert response.json()["code"] == "coupon.min_spend"
    # no amount stated is no spend: the threshold is never skipped by leaving the field empty
    unstated = await world.clerk_a.post(REDEEM, json={"code": coupon.code})
    assert unstated.status_code == 422 and unstated.json()["reason"] == "spend_needed"
    assert unstated.json()["field"] == "spend_fen" and "满 100.00 元可用" in unstated.json()["detail"]
    assert (await world.clerk_a.get(f"/api/v1/coupons/{coupon.id}")).json()["state"] == "issued"
    assert (await world.clerk_a.post(REDEEM, json={"code": coupon.code, "spend_fen": 10_000})).status_code == 200


async def test_redeem_coupon_idempotency_replay_and_mismatch(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    key = uuid.uuid4().hex
    first = await world.clerk_a.post(REDEEM, json={"code": coupon.code}, headers={"Idempotency-Key": key})
    again = await world.clerk_a.post(REDEEM, json={"code": coupon.code}, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    other = await world.clerk_a.post(REDEEM, json={"code": coupon.code, "device": "x"}, headers={"Idempotency-Key": key})
    assert other.status_code == 422
    assert other.json()["code"] == "error.idempotency_mismatch"
    assert await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", coupon.id) == 1


async def test_redeem_replayed_after_reversal_answers_first_and_redeems_nothing(world):
    """The coupon is usable again after the reversal; a replay of the first request must not spend it a second
    time (on PostgreSQL the replay's update succeeds and is rolled back by its key's unique constraint)."""
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    key = uuid.uuid4().hex
    first = await world.clerk_a.post(REDEEM, json={"code": coupon.code}, headers={"Idempotency-Key": key})
    assert first.status_code == 200, first.text
    reversed_ = await world.manager_a.post(f"/api/v1/coupons/{coupon.id}/reverse", json={"reason": "误核销"})
    assert reversed_.status_code == 200, reversed_.text
    again = await world.clerk_a.post(REDEEM, json={"code": coupon.code}, headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    assert (await world.clerk_a.get(f"/api/v1/coupons/{coupon.id}")).json()["state"] == "issued"
    assert await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", coupon.id) == 1
    assert await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'coupon.redeem' AND target_id = {}",
                       str(coupon.id)) == 1
    # a key used for one coupon cannot redeem another
    other = await make_coupon(world, template.id, await make_customer(world))
    refused = await world.clerk_a.post(REDEEM, json={"code": other.code}, headers={"Idempotency-Key": key})
    assert refused.status_code == 422 and refused.json()["code"] == "error.idempotency_mismatch"
    assert (await world.clerk_a.get(f"/api/v1/coupons/{other.id}")).json()["state"] == "issued"
    assert await count("SELECT COUNT(*) AS n FROM timeline_event WHERE kind = 'coupon_redeemed' AND ref_id = {}",
                       str(other.id)) == 0


async def test_redeem_coupon_admin_without_store_refused(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    response = await world.admin.post(REDEEM, json={"code": coupon.code})
    assert response.status_code == 422
    response = await world.admin.post(REDEEM, json={"code": coupon.code, "store_id": world.store_a.id})
    assert response.status_code == 200


async def test_redeem_coupon_clerk_cannot_name_other_store(world):
    template = await make_template(world, owner="admin", scope="chain")
    coupon = await make_coupon(world, template.id, await make_customer(world))
    response = await world.clerk_a.post(REDEEM, json={"code": coupon.code, "store_id": world.store_b.id})
    assert response.status_code == 403


@pytest.mark.parametrize("whose", ["another customer's", "nonexistent", "of another store's customer"])
async def test_redeem_coupon_with_a_purchase_not_the_holders_refused(world, whose):
    template = await make_template(world)
    customer_id = await make_customer(world)
    coupon = await make_coupon(world, template.id, customer_id)
    purchase = {"another customer's": lambda: _purchase(world.clerk_a, customer_id_other),
                "of another store's customer": lambda: _purchase(world.clerk_b, customer_of_b)}
    customer_id_other = await make_customer(world)
    customer_of_b = await make_customer(world, clerk="clerk_b")
    purchase_id = await purchase[whose]() if whose in purchase else 2_000_000_000
    for lang, text in (("zh-CN", f"消费记录 {purchase_id} 不存在或不是此券持有人的消费"), ("en", f"Purchase {purchase_id} does not exist")):
        response = await world.clerk_a.post(REDEEM, json={"code": coupon.code, "purchase_id": purchase_id},
                                            headers={"Idempotency-Key": uuid.uuid4().hex, "Accept-Language": lang})
        assert response.status_code == 422, response.text
        assert response.json()["field"] == "purchase_id" and response.json()["detail"].startswith(text)
    # nothing was written: the coupon is still issued and redeems with its own customer's purchase
    assert await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", coupon.id) == 0
    own = await _purchase(world.clerk_a, customer_id)
    response = await world.clerk_a.post(REDEEM, json={"code": coupon.code, "purchase_id": own})
    assert response.status_code == 200 and response.json()["purchase_id"] == own


async def test_redeem_redeemed_coupon_with_a_wrong_purchase_says_already_redeemed(world):
    template = await make_template(world)
    coupon = await make_coupon(world, template.id, await make_customer(world))
    assert (await world.clerk_a.post(REDEEM, json={"code": coupon.code})).status_code == 200
    again = await world.clerk_a.post(REDEEM, json={"code": coupon.code, "purchase_id": 2_000_000_000})
    assert again.status_code == 409 and again.json()["code"] == "coupon.already_redeemed"
