"""Points over real HTTP: balance and ledger, adjustments (idempotent, concurrent), timeline, rules, reach."""

import asyncio
import subprocess

from regulars.core.db import raw
from regulars.points import service as points
from tests.support.loyalty import InvariantWatch, balance_and_ledger, key, new_customer
from tests.support.server import ROOT, regulars_command


def reconcile_command() -> subprocess.CompletedProcess:
    return subprocess.run(regulars_command("reconcile"), cwd=ROOT, capture_output=True, text=True)


async def adjust(client, customer_id, points_, reason="补录", idem=None):
    return await client.post(f"/api/v1/customers/{customer_id}/points/adjust", json={"points": points_, "reason": reason},
                             headers={"Idempotency-Key": idem or key()})


async def test_points_new_customer_has_zero_balance(world):
    customer_id = await new_customer(world.clerk_a)
    response = await world.clerk_a.get(f"/api/v1/customers/{customer_id}/points")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["balance"], body["entries"], body["upcoming_expiry"]) == (0, [], [])


async def test_adjust_points_credit_then_debit_by_manager(world):
    customer_id = await new_customer(world.clerk_a)
    first = await adjust(world.manager_a, customer_id, 120, "活动补发")
    assert first.status_code == 201, first.text
    assert first.json()["kind"] == "adjust" and first.json()["balance_after"] == 120
    second = await adjust(world.manager_a, customer_id, -20, "误发扣回")
    assert second.status_code == 201 and second.json()["balance_after"] == 100
    body = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/points")).json()
    assert body["balance"] == 100
    assert [e["points"] for e in body["entries"]] == [-20, 120]
    assert [e["reason"] for e in body["entries"]] == ["误发扣回", "活动补发"]
    assert await balance_and_ledger(customer_id) == (100, 100)


async def test_adjust_points_same_key_replays_other_body_422(world):
    customer_id = await new_customer(world.clerk_a)
    idem = key()
    first = await adjust(world.manager_a, customer_id, 50, idem=idem)
    again = await adjust(world.manager_a, customer_id, 50, idem=idem)
    other = await adjust(world.manager_a, customer_id, 60, idem=idem)
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 422)
    assert first.json() == again.json()
    assert await points.balance(customer_id) == 50


async def test_adjust_points_below_zero_409_names_balance(world):
    customer_id = await new_customer(world.clerk_a)
    await adjust(world.manager_a, customer_id, 10)
    response = await adjust(world.manager_a, customer_id, -11)
    assert response.status_code == 409
    assert response.json()["code"] == "points.insufficient"
    assert "10" in response.json()["detail"] and "11" in response.json()["detail"]
    assert await points.balance(customer_id) == 10


async def test_adjust_points_zero_or_without_reason_refused(world):
    customer_id = await new_customer(world.clerk_a)
    assert (await adjust(world.manager_a, customer_id, 0)).status_code == 422
    response = await world.manager_a.post(f"/api/v1/customers/{customer_id}/points/adjust", json={"points": 5},
                                          headers={"Idempotency-Key": key()})
    assert response.status_code == 400


async def test_adjust_points_by_clerk_forbidden(world):
    customer_id = await new_customer(world.clerk_a)
    assert (await adjust(world.clerk_a, customer_id, 10)).status_code == 403


async def test_adjust_points_customer_of_other_store_not_found(world):
    customer_id = await new_customer(world.clerk_b)
    assert (await adjust(world.manager_a, customer_id, 10)).status_code == 404
    assert (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/points")).status_code == 404


async def test_adjust_points_audited_and_on_timeline_in_both_languages(world):
    customer_id = await new_customer(world.clerk_a)
    await adjust(world.manager_a, customer_id, 30, "生日补发")
    audit = await raw("SELECT detail FROM audit_log WHERE action = 'points.adjust' AND target_id = {}", str(customer_id))
    assert len(audit) == 1
    zh = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    en = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/timeline", headers={"Accept-Language": "en"})).json()
    assert zh[0]["kind"] == "points_adjust"
    assert zh[0]["summary"] == "积分调整 +30（生日补发），余额 30"
    assert en[0]["summary"] == "Points adjusted +30 (生日补发), balance 30"


async def test_adjust_20_concurrent_debits_from_100_never_below_zero(world):
    for _ in range(3):
        customer_id = await new_customer(world.clerk_a)
        assert (await adjust(world.manager_a, customer_id, 100)).status_code == 201
        async with InvariantWatch(customer_id) as watch:
            responses = await asyncio.gather(*(adjust(world.manager_a, customer_id, -30, f"并发扣减{i}") for i in range(20)))
        codes = sorted(r.status_code for r in responses)
        assert codes == [201] * 3 + [409] * 17, [r.text for r in responses if r.status_code not in (201, 409)][:3]
        watch.check()
        assert await balance_and_ledger(customer_id) == (10, 10)
        lots = await raw("SELECT SUM(remaining) AS n FROM points_lot WHERE customer = {}", customer_id)
        assert lots[0]["n"] == 10
    assert await points.reconcile() == []


async def test_points_rules_admin_sets_chain_manager_sets_store(world):
    chain = {"rates": {"plan": 1, "device": 1, "accessory": 2, "service": 1, "bill_payment": 0},
             "bonuses": {"follow": 20, "referral": 80, "profile_completed": 10},
             "birthday_multiplier_pct": 150, "expiry_years": 1}
    response = await world.admin.request("PUT", "/api/v1/points/rules", json=chain)
    assert response.status_code == 200, response.text
    assert response.json()["chain"]["bonuses"]["referral"] == 80
    store = chain | {"rates": {"plan": 2, "device": 1, "accessory": 3, "service": 1, "bill_payment": 0}}
    response = await world.manager_a.request("PUT", "/api/v1/points/rules", json=store)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["store_id"] == world.store_a.id
    assert body["effective"]["rates"]["plan"] == 2 and body["chain"]["rates"]["plan"] == 1
    seen_by_b = (await world.clerk_b.get("/api/v1/points/rules")).json()
    assert seen_by_b["store"] is None and seen_by_b["effective"]["rates"]["plan"] == 1


async def test_points_rules_manager_cannot_set_chain_or_other_store(world):
    rule = {"rates": {"plan": 5}}
    assert (await world.manager_a.request("PUT", "/api/v1/points/rules", json=rule | {"store_id": world.store_b.id})).status_code == 403
    assert (await world.clerk_a.request("PUT", "/api/v1/points/rules", json=rule)).status_code == 403


async def test_points_rules_unknown_category_refused(world):
    response = await world.admin.request("PUT", "/api/v1/points/rules", json={"rates": {"lottery": 5}})
    assert response.status_code == 400


async def test_grant_bonus_once_per_source(world):
    customer_id = await new_customer(world.clerk_a)
    first = await points.grant_bonus(customer_id, "follow", "follow", f"{world.store_a.id}", store_id=world.store_a.id)
    again = await points.grant_bonus(customer_id, "follow", "follow", f"{world.store_a.id}", store_id=world.store_a.id)
    assert first is not None and first.points == 20  # the chain rule set above
    assert again is None
    assert await points.balance(customer_id) == 20


async def test_points_reconcile_finds_a_drifted_balance(world):
    customer_id = await new_customer(world.clerk_a)
    await adjust(world.manager_a, customer_id, 40)
    await raw("UPDATE points_balance SET balance = 41 WHERE customer = {}", customer_id)
    drift = await points.reconcile()
    assert [(d.customer_id, d.balance, d.ledger, d.lots) for d in drift] == [(customer_id, 41, 40, 40)]
    assert (await world.admin.get("/api/v1/points/reconcile")).json()[0]["customer_id"] == customer_id
    assert (await world.manager_a.get("/api/v1/points/reconcile")).status_code == 403
    drifted = reconcile_command()
    assert drifted.returncode == 1 and f"customer {customer_id}: balance 41, ledger 40, lots 40" in drifted.stdout
    await raw("UPDATE points_balance SET balance = 40 WHERE customer = {}", customer_id)
    assert await points.reconcile() == []
    clean = reconcile_command()
    assert clean.returncode == 0 and "ok    points.ledger" in clean.stdout, clean.stdout


async def test_points_balance_check_constraint_refuses_negative(world):
    customer_id = await new_customer(world.clerk_a)
    await adjust(world.manager_a, customer_id, 5)
    try:
        await raw("UPDATE points_balance SET balance = -1 WHERE customer = {}", customer_id)
    except Exception as exc:
        assert "CHECK" in str(exc).upper() or "check" in type(exc).__name__.lower() or "not_negative" in str(exc)
    else:
        raise AssertionError("a negative balance was accepted")
    assert await points.balance(customer_id) == 5
