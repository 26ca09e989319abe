"""Writes an offline tablet replays: a note or a profile change sent twice with one
Idempotency-Key takes effect once."""

from __future__ import annotations

from tests.support.world import new_phone


async def make_customer(client, name: str = "重放测试") -> int:
    phone = new_phone("131")
    response = await client.post("/api/v1/customers", json={"phone": phone, "name": name},
                                 headers={"Idempotency-Key": f"replay-create-{phone}"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def kinds(client, customer_id: int) -> list[str]:
    return [item["kind"] for item in (await client.get(f"/api/v1/customers/{customer_id}/timeline")).json()]


async def test_add_note_replayed_with_same_key_adds_once(world):
    customer_id = await make_customer(world.clerk_a)
    for _ in range(2):
        response = await world.clerk_a.post(f"/api/v1/customers/{customer_id}/notes", json={"text": "只记一次"},
                                            headers={"Idempotency-Key": "note-key-0001"})
        assert response.status_code == 204
    assert (await kinds(world.clerk_a, customer_id)).count("note") == 1


async def test_add_note_same_key_other_text_rejected(world):
    customer_id = await make_customer(world.clerk_a)
    headers = {"Idempotency-Key": "note-key-0002"}
    assert (await world.clerk_a.post(f"/api/v1/customers/{customer_id}/notes", json={"text": "一"}, headers=headers)).status_code == 204
    response = await world.clerk_a.post(f"/api/v1/customers/{customer_id}/notes", json={"text": "二"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"


async def test_add_note_without_key_adds_each_time(world):
    customer_id = await make_customer(world.clerk_a)
    for _ in range(2):
        assert (await world.clerk_a.post(f"/api/v1/customers/{customer_id}/notes", json={"text": "两次"})).status_code == 204
    assert (await kinds(world.clerk_a, customer_id)).count("note") == 2


async def test_update_customer_replayed_with_same_key_applies_once(world):
    customer_id = await make_customer(world.clerk_a)
    headers = {"Idempotency-Key": "patch-key-0001"}
    first = await world.clerk_a.patch(f"/api/v1/customers/{customer_id}", json={"plan": "5G畅享 199元"}, headers=headers)
    again = await world.clerk_a.patch(f"/api/v1/customers/{customer_id}", json={"plan": "5G畅享 199元"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("idempotent-replayed") == "true"
    assert first.json()["plan"] == again.json()["plan"] == "5G畅享 199元"
    assert (await kinds(world.clerk_a, customer_id)).count("updated") == 1


async def test_update_customer_key_of_other_staff_is_theirs_alone(world):
    customer_id = await make_customer(world.clerk_a)
    headers = {"Idempotency-Key": "patch-key-shared"}
    assert (await world.clerk_a.patch(f"/api/v1/customers/{customer_id}", json={"occupation": "教师"}, headers=headers)).status_code == 200
    response = await world.clerk_a2.patch(f"/api/v1/customers/{customer_id}", json={"occupation": "医生"}, headers=headers)
    assert response.status_code == 200 and response.json()["occupation"] == "医生"


async def test_add_note_replay_outside_reach_not_found(world):
    customer_id = await make_customer(world.clerk_a)
    response = await world.clerk_b.post(f"/api/v1/customers/{customer_id}/notes", json={"text": "越界"},
                                        headers={"Idempotency-Key": "note-key-reach"})
    assert response.status_code == 404
