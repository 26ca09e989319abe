"""Profile edits with the values the client last saw (`expected`): a field someone else changed since is
refused with their value now, never written over unseen; fields nobody else touched go through."""

import asyncio
import uuid

from tests.support.world import new_phone


def key() -> str:
    return uuid.uuid4().hex


async def create(client, **fields) -> dict:
    body = {"phone": new_phone("135"), "name": "原名"} | fields
    response = await client.post("/api/v1/customers", json=body, headers={"Idempotency-Key": key()})
    assert response.status_code == 201, response.text
    return response.json()


async def patch(client, customer_id: int, body: dict, **headers):
    return await client.patch(f"/api/v1/customers/{customer_id}", json=body, headers=headers)


async def updates(client, customer_id: int) -> int:
    timeline = (await client.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    return sum(item["kind"] == "updated" for item in timeline)


async def test_patch_field_changed_meanwhile_409_with_current_values_and_nothing_written(world):
    customer = await create(world.clerk_a, plan="4G飞享38元")
    assert (await patch(world.clerk_a2, customer["id"], {"name": "同事改的"})).status_code == 200

    response = await patch(world.clerk_a, customer["id"], {"name": "我改的", "plan": "5G畅享129元",
                                                           "expected": {"name": "原名", "plan": "4G飞享38元"}})
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["code"] == "customer.changed_meanwhile"
    assert (problem["reason"], problem["field"], problem["fields"]) == ("changed_meanwhile", "name", ["name"])
    assert problem["current"] == {"name": "同事改的"}
    assert "姓名" in problem["detail"]

    after = (await world.clerk_a.get(f"/api/v1/customers/{customer['id']}")).json()
    assert (after["name"], after["plan"]) == ("同事改的", "4G飞享38元")  # the plan, not in conflict, waits too
    assert await updates(world.clerk_a, customer["id"]) == 1


async def test_patch_conflict_names_every_changed_field_in_english(world):
    customer = await create(world.clerk_a, tags=["学生"], birthday={"calendar": "solar", "month": 3, "day": 8})
    changed = {"tags": ["学生", "商务"], "birthday": {"calendar": "lunar", "month": 8, "day": 15}}
    assert (await patch(world.clerk_a2, customer["id"], changed)).status_code == 200

    response = await patch(world.clerk_a, customer["id"], {
        "tags": ["老人"], "birthday": {"calendar": "solar", "month": 3, "day": 9},
        "expected": {"tags": ["学生"], "birthday": {"calendar": "solar", "month": 3, "day": 8}},
    }, **{"Accept-Language": "en"})
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["fields"] == ["birthday", "tags"]
    assert problem["current"] == {"tags": ["学生", "商务"],
                                  "birthday": {"calendar": "lunar", "month": 8, "day": 15, "year": None, "leap_month": False}}
    assert "birthday, tags" in problem["detail"] and "Someone else changed" in problem["detail"]


async def test_patch_untouched_field_changed_by_other_does_not_block(world):
    customer = await create(world.clerk_a, plan="4G飞享38元")
    assert (await patch(world.clerk_a2, customer["id"], {"plan": "5G畅享199元", "occupation": "教师"})).status_code == 200

    phone = new_phone("136")
    response = await patch(world.clerk_a, customer["id"], {"phone": phone, "name": "新名字",
                                                           "expected": {"phone": customer["phone"], "name": "原名"}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["phone"], body["name"], body["plan"], body["occupation"]) == (phone, "新名字", "5G畅享199元", "教师")


async def test_patch_same_value_as_now_is_no_conflict(world):
    customer = await create(world.clerk_a, tags=["VIP"])
    assert (await patch(world.clerk_a2, customer["id"], {"name": "王芳", "tags": ["VIP", "学生"]})).status_code == 200

    response = await patch(world.clerk_a, customer["id"], {"name": "王芳", "tags": [" VIP", "学生"],
                                                           "expected": {"name": "原名", "tags": ["VIP"]}})
    assert response.status_code == 200, response.text
    assert (response.json()["name"], response.json()["tags"]) == ("王芳", ["VIP", "学生"])


async def test_patch_expected_unchanged_value_written(world):
    customer = await create(world.clerk_a)
    response = await patch(world.clerk_a, customer["id"], {"occupation": "医生", "monthly_spend_fen": 0, "broadband": False,
                                                           "expected": {"occupation": "", "monthly_spend_fen": None,
                                                                        "broadband": None}})
    assert response.status_code == 200, response.text
    again = await patch(world.clerk_a, customer["id"], {"monthly_spend_fen": 500, "broadband": True,
                                                        "expected": {"monthly_spend_fen": None, "broadband": None}})
    assert again.status_code == 409  # 0 and False are values, not "nothing"
    assert again.json()["current"] == {"monthly_spend_fen": 0, "broadband": False}


async def test_patch_without_expected_writes_over_as_before(world):
    customer = await create(world.clerk_a)
    assert (await patch(world.clerk_a2, customer["id"], {"name": "同事改的"})).status_code == 200
    response = await patch(world.clerk_a, customer["id"], {"name": "最后写的"})
    assert response.status_code == 200 and response.json()["name"] == "最后写的"


async def test_patch_expected_for_field_not_sent_refused(world):
    customer = await create(world.clerk_a)
    response = await patch(world.clerk_a, customer["id"], {"name": "新", "expected": {"name": "原名", "plan": ""}})
    assert response.status_code == 422
    assert response.json()["field"] == "expected.plan"
    unknown = await patch(world.clerk_a, customer["id"], {"name": "新", "expected": {"points": 1}})
    assert unknown.status_code == 400


async def test_patch_replayed_key_answers_stored_result_even_after_a_later_change(world):
    customer = await create(world.clerk_a)
    body = {"name": "离线改的", "expected": {"name": "原名"}}
    first = await patch(world.clerk_a, customer["id"], body, **{"Idempotency-Key": "conflict-replay-0001"})
    assert first.status_code == 200
    assert (await patch(world.clerk_a2, customer["id"], {"name": "同事后改的"})).status_code == 200
    again = await patch(world.clerk_a, customer["id"], body, **{"Idempotency-Key": "conflict-replay-0001"})
    assert again.status_code == 200 and again.headers.get("idempotent-replayed") == "true"
    assert (await world.clerk_a.get(f"/api/v1/customers/{customer['id']}")).json()["name"] == "同事后改的"


async def test_patch_refused_for_conflict_keeps_key_unused(world):
    """A refused edit stores no answer: the same key, resent with the clerk's choice, takes effect."""
    customer = await create(world.clerk_a)
    assert (await patch(world.clerk_a2, customer["id"], {"name": "同事改的"})).status_code == 200
    headers = {"Idempotency-Key": "conflict-resend-0001"}
    refused = await patch(world.clerk_a, customer["id"], {"name": "我的", "expected": {"name": "原名"}}, **headers)
    assert refused.status_code == 409
    current = refused.json()["current"]
    mine = await patch(world.clerk_a, customer["id"], {"name": "我的", "expected": current}, **headers)
    assert mine.status_code == 200 and mine.json()["name"] == "我的"


async def test_concurrent_patches_with_same_expected_value_one_wins(world):
    customer = await create(world.clerk_a)
    clients = [world.clerk_a, world.clerk_a2, world.manager_a]
    responses = await asyncio.gather(*(
        patch(clients[i % 3], customer["id"], {"name": f"并发{i}", "expected": {"name": "原名"}}) for i in range(12)
    ))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * 11, [r.text for r in responses if r.status_code not in (200, 409)]
    [winner] = [r.json()["name"] for r in responses if r.status_code == 200]
    assert {r.json()["current"]["name"] for r in responses if r.status_code == 409} == {winner}
    assert (await world.clerk_a.get(f"/api/v1/customers/{customer['id']}")).json()["name"] == winner


async def test_concurrent_tag_edits_with_same_expected_tags_one_wins(world):
    customer = await create(world.clerk_a, tags=["学生"])
    responses = await asyncio.gather(*(
        patch(world.clerk_a if i % 2 else world.clerk_a2, customer["id"], {"tags": ["学生", f"标签{i}"], "expected": {"tags": ["学生"]}})
        for i in range(10)
    ))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * 9, [r.text for r in responses if r.status_code not in (200, 409)]
    [winner] = [r.json()["tags"] for r in responses if r.status_code == 200]
    assert (await world.clerk_a.get(f"/api/v1/customers/{customer['id']}")).json()["tags"] == winner
