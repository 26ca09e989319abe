"""The ledger's guarantees: exchange debits and issues together or not at all, under concurrency;
lots expire oldest first, once; bulk grants resume without granting twice."""

import asyncio
import datetime as dt

import pytest

from regulars.core import audit, clock
from regulars.core.db import raw, writing
from regulars.core.errors import Conflict
from regulars.points import grants
from regulars.points import service as points
from tests.support.loyalty import InvariantWatch, balance_and_ledger, key, new_customer, principal


def issue_row(marker: str):
    """A stand-in for coupons.service.issue: writes one row in the exchange's transaction."""
    async def issue(entry_id: int) -> int:
        await audit.record(None, marker, "points_entry", entry_id)
        return entry_id
    return issue


async def rows_marked(marker: str) -> int:
    return (await raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = {}", marker))[0]["n"]


async def test_exchange_debits_and_issues_together(world):
    customer_id = await new_customer(world.clerk_a)
    await points.earn(customer_id, 100, source_kind="test", source_id=key())
    entry, issued = await points.exchange(principal(world, "clerk_a"), customer_id, 60, issue_row("test.issue_ok"))
    assert (entry.kind, entry.points, entry.balance_after, issued) == ("redeem", -60, 40, entry.id)
    assert await rows_marked("test.issue_ok") == 1
    body = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/points")).json()
    assert body["balance"] == 40 and body["entries"][0]["kind"] == "redeem"


async def test_exchange_issue_fails_debit_rolled_back(world):
    customer_id = await new_customer(world.clerk_a)
    await points.earn(customer_id, 100, source_kind="test", source_id=key())

    async def issue(entry_id: int) -> None:
        await audit.record(None, "test.issue_fails", "points_entry", entry_id)
        raise Conflict("error.conflict")  # as coupons.service.issue does when a limit is reached

    with pytest.raises(Conflict):
        await points.exchange(principal(world, "clerk_a"), customer_id, 60, issue)
    assert await rows_marked("test.issue_fails") == 0
    assert await balance_and_ledger(customer_id) == (100, 100)
    assert (await raw("SELECT COUNT(*) AS n FROM points_entry WHERE customer = {} AND kind = 'redeem'", customer_id))[0]["n"] == 0


async def test_exchange_issue_fails_inside_a_larger_transaction_still_rolled_back(world):
    customer_id = await new_customer(world.clerk_a)
    await points.earn(customer_id, 100, source_kind="test", source_id=key())

    async def issue(entry_id: int) -> None:
        await audit.record(None, "test.issue_nested", "points_entry", entry_id)
        raise Conflict("error.conflict")

    async with writing():
        try:
            await points.exchange(None, customer_id, 60, issue)
        except Conflict:
            pass  # the caller carries on with its own transaction
        await audit.record(None, "test.caller_goes_on", "customer", customer_id)
    assert await rows_marked("test.issue_nested") == 0
    assert await rows_marked("test.caller_goes_on") == 1
    assert await balance_and_ledger(customer_id) == (100, 100)


async def test_exchange_insufficient_balance_issues_nothing(world):
    customer_id = await new_customer(world.clerk_a)
    await points.earn(customer_id, 10, source_kind="test", source_id=key())
    with pytest.raises(Conflict) as raised:
        await points.exchange(None, customer_id, 11, issue_row("test.issue_short"))
    assert raised.value.key == "points.insufficient"
    assert await rows_marked("test.issue_short") == 0


async def test_exchange_customer_out_of_reach_not_found(world):
    from regulars.core.errors import NotFound

    customer_id = await new_customer(world.clerk_b)
    await points.earn(customer_id, 100, source_kind="test", source_id=key())
    with pytest.raises(NotFound):
        await points.exchange(principal(world, "clerk_a"), customer_id, 10, issue_row("test.issue_reach"))
    assert await points.balance(customer_id) == 100


async def test_exchange_20_concurrent_from_100_never_below_zero(world):
    for round_ in range(3):
        customer_id = await new_customer(world.clerk_a)
        await points.earn(customer_id, 100, source_kind="test", source_id=key())
        marker = f"test.issue_burst{round_}"
        actor = principal(world, "clerk_a")

        async def one():
            try:
                await points.exchange(actor, customer_id, 30, issue_row(marker))
                return "ok"
            except Conflict as exc:
                return exc.key

        async with InvariantWatch(customer_id) as watch:
            outcomes = await asyncio.gather(*(one() for _ in range(20)))
        assert sorted(outcomes) == ["ok"] * 3 + ["points.insufficient"] * 17
        watch.check()
        assert await balance_and_ledger(customer_id) == (10, 10)
        assert await rows_marked(marker) == 3
    assert await points.reconcile() == []


async def test_expiry_by_lots_oldest_first(world):
    customer_id = await new_customer(world.clerk_a)
    now = clock.now()
    older = await points.earn(customer_id, 80, source_kind="test", source_id=key(), store_id=world.store_a.id,
                              earned_at=now - dt.timedelta(days=366))
    newer = await points.earn(customer_id, 50, source_kind="test", source_id=key(), store_id=world.store_a.id,
                              earned_at=now)
    lots = await raw("SELECT entry, expires_at FROM points_lot WHERE customer = {} ORDER BY id", customer_id)
    older_expiry, newer_expiry = (clock.aware(l["expires_at"]) for l in lots)
    assert older_expiry < newer_expiry and older_expiry > now

    response = await world.manager_a.post(f"/api/v1/customers/{customer_id}/points/adjust",
                                          json={"points": -60, "reason": "兑换礼品"}, headers={"Idempotency-Key": key()})
    assert response.status_code == 201
    remaining = await raw("SELECT entry, remaining FROM points_lot WHERE customer = {} ORDER BY id", customer_id)
    assert [(r["entry"], r["remaining"]) for r in remaining] == [(older.id, 20), (newer.id, 50)]

    upcoming = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/points")).json()["upcoming_expiry"]
    assert [u["points"] for u in upcoming] == [20, 50]
    assert upcoming[0]["expires_on"] == f"{clock.local(older_expiry, 'Asia/Shanghai').year - 1}-12-31"

    assert await points.expire_due(older_expiry + dt.timedelta(seconds=1)) >= 20  # other tests' lots may fall due too
    assert await points.expire_due(older_expiry + dt.timedelta(seconds=1)) == 0  # a second run changes nothing
    assert await balance_and_ledger(customer_id) == (50, 50)
    expired = await raw("SELECT points, source_kind FROM points_entry WHERE customer = {} AND kind = 'expire'", customer_id)
    assert [(e["points"], e["source_kind"]) for e in expired] == [(-20, "lot")]

    assert await points.expire_due(newer_expiry) >= 50
    assert await balance_and_ledger(customer_id) == (0, 0)
    timeline = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    assert timeline[0]["summary"] == "积分过期 -50，余额 0"


async def test_expiry_concurrent_runs_expire_once(world):
    customer_id = await new_customer(world.clerk_a)
    await points.earn(customer_id, 70, source_kind="test", source_id=key(), store_id=world.store_a.id)
    lot = (await raw("SELECT expires_at FROM points_lot WHERE customer = {}", customer_id))[0]
    due = clock.aware(lot["expires_at"])
    results = await asyncio.gather(*(points.expire_due(due) for _ in range(5)))
    assert sum(results) >= 70  # other customers' lots may fall due too
    assert await balance_and_ledger(customer_id) == (0, 0)
    entries = await raw("SELECT COUNT(*) AS n FROM points_entry WHERE customer = {} AND kind = 'expire'", customer_id)
    assert entries[0]["n"] == 1


async def wait_grant(client, grant_id):
    for _ in range(200):
        body = (await client.get(f"/api/v1/points/grants/{grant_id}")).json()
        if body["status"] == "done":
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(body)


async def test_bulk_grant_to_customers_in_reach_with_report(world):
    mine = [await new_customer(world.clerk_a) for _ in range(3)]
    theirs = await new_customer(world.clerk_b)
    response = await world.manager_a.post("/api/v1/points/grants", json={
        "customer_ids": mine + [theirs, mine[0]], "points": 15, "reason": "店庆赠送"}, headers={"Idempotency-Key": key()})
    assert response.status_code == 202, response.text
    job = await wait_grant(world.manager_a, response.json()["id"])
    assert (job["total"], job["granted"], job["failed"], job["skipped"]) == (4, 3, 1, 0)
    assert job["errors"] == [{"customer_id": theirs, "message": f"客户 {theirs} 不存在"}]
    for customer_id in mine:
        assert await points.balance(customer_id) == 15
    assert await points.balance(theirs) == 0
    assert (await world.manager_b.get(f"/api/v1/points/grants/{job['id']}")).status_code == 404
    assert (await world.clerk_a.post("/api/v1/points/grants", json={"customer_ids": mine, "points": 1, "reason": "x"},
                                     headers={"Idempotency-Key": key()})).status_code == 403


async def test_bulk_grant_resumed_after_crash_grants_once(world):
    mine = [await new_customer(world.clerk_a) for _ in range(4)]
    response = await world.manager_a.post("/api/v1/points/grants", json={
        "customer_ids": mine, "points": 7, "reason": "补偿"}, headers={"Idempotency-Key": key()})
    grant_id = response.json()["id"]
    await wait_grant(world.manager_a, grant_id)
    # as if the worker died before recording its progress: the job starts over from the first customer
    await raw("UPDATE points_grant SET status = 'running', processed = 0, granted = 0, lease_until = {} WHERE id = {}",
              clock.now() - dt.timedelta(seconds=1), grant_id)
    await grants.resume()
    job = await wait_grant(world.manager_a, grant_id)
    assert (job["granted"], job["skipped"]) == (0, 4)
    for customer_id in mine:
        assert await balance_and_ledger(customer_id) == (7, 7)


async def test_bulk_grant_same_key_replays_without_second_job(world):
    mine = [await new_customer(world.clerk_a)]
    body = {"customer_ids": mine, "points": 3, "reason": "一次"}
    idem = key()
    first = await world.manager_a.post("/api/v1/points/grants", json=body, headers={"Idempotency-Key": idem})
    again = await world.manager_a.post("/api/v1/points/grants", json=body, headers={"Idempotency-Key": idem})
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["id"] == again.json()["id"]
    await wait_grant(world.manager_a, first.json()["id"])
    assert await points.balance(mine[0]) == 3


async def test_points_export_and_erasure(world):
    customer_id = await new_customer(world.clerk_a)
    await world.manager_a.post(f"/api/v1/customers/{customer_id}/points/adjust",
                               json={"points": 25, "reason": "张先生投诉补偿"}, headers={"Idempotency-Key": key()})
    document = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/export")).json()
    assert document["points"]["balance"] == 25
    assert document["points"]["ledger"][0]["reason"] == "张先生投诉补偿"
    assert (await world.manager_a.delete(f"/api/v1/customers/{customer_id}")).status_code == 204
    rows = await raw("SELECT points, reason FROM points_entry WHERE customer = {}", customer_id)
    assert [(r["points"], r["reason"]) for r in rows] == [(25, "")]
