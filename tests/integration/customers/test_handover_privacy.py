"""Handover, export and erasure over real HTTP."""

import uuid

from regulars.core.db import raw
from tests.support.world import new_phone


async def create(client, **fields):
    response = await client.post("/api/v1/customers", json={"phone": new_phone(), "name": "交接客户"} | fields,
                                 headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text
    return response.json()


async def test_handover_moves_some_customers_and_keeps_timeline(world):
    mine = [await create(world.clerk_a) for _ in range(3)]
    response = await world.manager_a.post(
        "/api/v1/customers/handover",
        json={"from_clerk_id": world.staff["clerk_a"].id, "to_clerk_id": world.staff["clerk_a2"].id,
              "customer_ids": [mine[0]["id"], mine[1]["id"]]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["moved"] == 2
    moved = await world.manager_a.get(f"/api/v1/customers/{mine[0]['id']}")
    kept = await world.manager_a.get(f"/api/v1/customers/{mine[2]['id']}")
    assert moved.json()["responsible_clerk_id"] == world.staff["clerk_a2"].id
    assert kept.json()["responsible_clerk_id"] == world.staff["clerk_a"].id
    timeline = (await world.manager_a.get(f"/api/v1/customers/{mine[0]['id']}/timeline")).json()
    assert [e["kind"] for e in timeline] == ["handover", "created"]
    assert "→" in timeline[0]["summary"]


async def test_handover_all_of_a_clerks_customers(world):
    await create(world.clerk_a2)
    before = await raw("SELECT COUNT(*) AS n FROM customer WHERE responsible_clerk = {}", world.staff["clerk_a2"].id)
    response = await world.manager_a.post(
        "/api/v1/customers/handover",
        json={"from_clerk_id": world.staff["clerk_a2"].id, "to_clerk_id": world.staff["clerk_a"].id},
    )
    assert response.json()["moved"] == before[0]["n"] > 0
    after = await raw("SELECT COUNT(*) AS n FROM customer WHERE responsible_clerk = {}", world.staff["clerk_a2"].id)
    assert after[0]["n"] == 0


async def test_handover_by_clerk_forbidden(world):
    response = await world.clerk_a.post(
        "/api/v1/customers/handover",
        json={"from_clerk_id": world.staff["clerk_a"].id, "to_clerk_id": world.staff["clerk_a2"].id},
    )
    assert response.status_code == 403


async def test_handover_to_other_store_clerk_refused(world):
    response = await world.manager_a.post(
        "/api/v1/customers/handover",
        json={"from_clerk_id": world.staff["clerk_a"].id, "to_clerk_id": world.staff["clerk_b"].id},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "to_clerk_id"


async def test_export_contains_profile_consents_and_timeline_and_is_audited(world):
    customer = await create(world.clerk_a, consents=[{"purpose": "service", "granted": True, "notice_version": "v1"}])
    response = await world.clerk_a.get(f"/api/v1/customers/{customer['id']}/export")
    assert response.status_code == 200
    document = response.json()
    assert document["profile"]["phone"] == customer["phone"]
    assert document["consents"][0]["purpose"] == "service"
    assert {e["kind"] for e in document["timeline"]} >= {"created", "consent"}
    audit = await raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'customer.export' AND target_id = {}", str(customer["id"]))
    assert audit[0]["n"] == 1


async def stored_answers_naming(phone: str) -> int:
    return len(await raw("SELECT id FROM idempotency_key WHERE response LIKE {}", f"%{phone}%"))


async def test_erase_anonymises_but_keeps_counts(world):
    customer = await create(world.clerk_a, tags=["VIP"], occupation="教师")
    edited = await world.clerk_a.patch(f"/api/v1/customers/{customer['id']}", json={"name": "交接客户二"},
                                       headers={"Idempotency-Key": uuid.uuid4().hex})
    assert edited.status_code == 200, edited.text
    other = await create(world.clerk_a)
    assert await stored_answers_naming(customer["phone"]) == 2  # the creation's answer and the edit's
    await world.clerk_a.post(f"/api/v1/customers/{customer['id']}/notes", json={"text": "住在幸福小区 3 栋"})
    assert (await world.clerk_a.delete(f"/api/v1/customers/{customer['id']}")).status_code == 403
    response = await world.manager_a.delete(f"/api/v1/customers/{customer['id']}")
    assert response.status_code == 204
    assert (await world.manager_a.get(f"/api/v1/customers/{customer['id']}")).status_code == 404
    row = (await raw("SELECT phone, name, occupation, home_store, erased_at FROM customer WHERE id = {}", customer["id"]))[0]
    assert row["phone"] is None and row["name"] == "" and row["occupation"] == ""
    assert row["home_store"] == world.store_a.id and row["erased_at"] is not None
    events = await raw("SELECT kind, data FROM timeline_event WHERE customer = {}", customer["id"])
    assert len(events) >= 2 and all("幸福小区" not in str(e["data"]) for e in events)
    # the answers stored for the Idempotency-Keys of its creation and edit repeated the profile: gone too
    assert await stored_answers_naming(customer["phone"]) == 0
    assert await stored_answers_naming(other["phone"]) == 1
    search = await world.manager_a.get("/api/v1/customers", params={"q": customer["phone"]})
    assert search.json()["items"] == []
    # the number can become a customer again
    again = await world.clerk_a.post("/api/v1/customers", json={"phone": customer["phone"]},
                                     headers={"Idempotency-Key": uuid.uuid4().hex})
    assert again.status_code == 201


async def test_erasure_request_is_queued_with_deadline_and_completed_by_the_job(world):
    from regulars.customers import retention

    customer = await create(world.clerk_a)
    response = await world.clerk_a.post(f"/api/v1/customers/{customer['id']}/erasure-request")
    assert response.status_code == 202
    request = response.json()
    assert request["status"] == "pending" and request["overdue"] is False
    again = await world.clerk_a.post(f"/api/v1/customers/{customer['id']}/erasure-request")
    assert again.json()["id"] == request["id"]
    queue = await world.admin.get("/api/v1/privacy/erasure-requests", params={"status": "pending"})
    assert request["id"] in [r["id"] for r in queue.json()]
    assert (await world.clerk_a.get("/api/v1/privacy/erasure-requests")).status_code == 403
    assert await retention.complete_pending_erasures() >= 1
    assert (await world.clerk_a.get(f"/api/v1/customers/{customer['id']}")).status_code == 404
    done = await world.admin.get("/api/v1/privacy/erasure-requests", params={"status": "done"})
    assert request["id"] in [r["id"] for r in done.json()]
    audit = await raw("SELECT action FROM audit_log WHERE target_id = {} ORDER BY id", str(customer["id"]))
    assert [a["action"] for a in audit][-2:] == ["customer.erasure_requested", "customer.erase"] or \
        {"customer.erasure_requested", "customer.erase"} <= {a["action"] for a in audit}


async def test_retention_anonymises_only_long_inactive_customers(world):
    import datetime as dt

    from regulars.customers import retention

    old, recent = await create(world.clerk_a), await create(world.clerk_a)
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30 * 40)
    await raw("UPDATE customer SET updated_at = {}, created_at = {} WHERE id = {}", long_ago, long_ago, old["id"])
    await raw("UPDATE timeline_event SET at = {} WHERE customer = {}", long_ago, old["id"])
    await retention.anonymise_inactive()
    gone = await raw("SELECT erased_at FROM customer WHERE id = {}", old["id"])
    kept = await raw("SELECT erased_at FROM customer WHERE id = {}", recent["id"])
    assert gone[0]["erased_at"] is not None
    assert kept[0]["erased_at"] is None
