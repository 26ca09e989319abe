"""Privacy jobs leave a trail: every export and every erasure (by a manager, by the erasure-request job, by the
retention policy) is audited once with who did it and why; the admin sees every erasure request's deadline."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from regulars.core.db import raw
from regulars.customers import retention
from regulars.settings import get_settings
from tests.support.world import new_phone


async def create(client, **fields) -> dict:
    response = await client.post("/api/v1/customers", json={"phone": new_phone(), "name": "隐私客户"} | fields,
                                 headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text
    return response.json()


async def audits(customer_id: int, action: str) -> list[dict]:
    rows = await raw("SELECT actor_kind, actor_id, store_id, detail FROM audit_log WHERE action = {} AND target_id = {} "
                     "ORDER BY id", action, str(customer_id))
    return [dict(r) | {"detail": _json(r["detail"])} for r in rows]


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


async def test_export_by_clerk_audited_each_time_with_every_room_section(world):
    customer = await create(world.clerk_a)
    for _ in range(2):
        response = await world.clerk_a.get(f"/api/v1/customers/{customer['id']}/export")
        assert response.status_code == 200
    assert {"profile", "consents", "timeline", "coupons", "points", "purchases"} <= set(response.json())
    rows = await audits(customer["id"], "customer.export")
    assert len(rows) == 2
    assert all(r["actor_kind"] == "staff" and r["actor_id"] == world.staff["clerk_a"].id for r in rows)
    assert all(r["store_id"] == world.store_a.id for r in rows)


async def test_export_out_of_reach_refused_and_not_audited(world):
    customer = await create(world.clerk_a)
    assert (await world.clerk_b.get(f"/api/v1/customers/{customer['id']}/export")).status_code == 404
    assert await audits(customer["id"], "customer.export") == []


async def test_erasure_by_manager_audited_with_reason(world):
    customer = await create(world.clerk_a)
    assert (await world.manager_a.delete(f"/api/v1/customers/{customer['id']}")).status_code == 204
    rows = await audits(customer["id"], "customer.erase")
    assert len(rows) == 1
    assert rows[0]["actor_kind"] == "staff" and rows[0]["actor_id"] == world.staff["manager_a"].id
    assert rows[0]["detail"] == {"reason": "request"}


async def test_erasure_request_completed_by_the_job_audited_as_system(world):
    customer = await create(world.clerk_a)
    assert (await world.clerk_a.post(f"/api/v1/customers/{customer['id']}/erasure-request")).status_code == 202
    await retention.complete_pending_erasures()
    await retention.complete_pending_erasures()  # a second round (a restarted worker) erases nothing twice
    requested = await audits(customer["id"], "customer.erasure_requested")
    erased = await audits(customer["id"], "customer.erase")
    assert len(requested) == 1 and requested[0]["actor_id"] == world.staff["clerk_a"].id
    assert requested[0]["detail"] == {"channel": "store"}
    assert len(erased) == 1 and erased[0]["actor_kind"] == "system" and erased[0]["detail"] == {"reason": "request"}


async def test_retention_anonymisation_audited_as_system_with_reason(world):
    customer = await create(world.clerk_a)
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30 * (get_settings().retention_months + 1))
    await raw("UPDATE customer SET updated_at = {}, created_at = {} WHERE id = {}", long_ago, long_ago, customer["id"])
    await raw("UPDATE timeline_event SET at = {} WHERE customer = {}", long_ago, customer["id"])
    await retention.anonymise_inactive()
    await retention.anonymise_inactive()
    erased = await audits(customer["id"], "customer.erase")
    assert len(erased) == 1 and erased[0]["actor_kind"] == "system" and erased[0]["detail"] == {"reason": "retention"}


async def test_admin_sees_every_erasure_deadline_and_what_is_overdue(world):
    mine = await create(world.clerk_a)
    theirs = await create(world.clerk_b)
    a = (await world.clerk_a.post(f"/api/v1/customers/{mine['id']}/erasure-request")).json()
    b = (await world.clerk_b.post(f"/api/v1/customers/{theirs['id']}/erasure-request")).json()
    days = get_settings().erasure_deadline_days
    for request in (a, b):
        requested = dt.datetime.fromisoformat(request["requested_at"])
        assert dt.datetime.fromisoformat(request["due_at"]) - requested == dt.timedelta(days=days)
    await raw("UPDATE erasure_request SET due_at = {} WHERE id = {}",
              dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1), b["id"])
    queue = (await world.admin.get("/api/v1/privacy/erasure-requests", params={"status": "pending"})).json()
    shown = {r["id"]: r for r in queue}
    assert {a["id"], b["id"]} <= set(shown)
    assert shown[b["id"]]["overdue"] is True and shown[a["id"]]["overdue"] is False
    assert [r["id"] for r in queue].index(b["id"]) < [r["id"] for r in queue].index(a["id"]), "the most urgent first"
    for manager, own, other in ((world.manager_a, a, b), (world.manager_b, b, a)):
        ids = [r["id"] for r in (await manager.get("/api/v1/privacy/erasure-requests")).json()]
        assert own["id"] in ids and other["id"] not in ids
    assert (await world.clerk_a.get("/api/v1/privacy/erasure-requests")).status_code == 403
    await retention.complete_pending_erasures()
