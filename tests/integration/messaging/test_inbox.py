"""Inboxes: delivery is idempotent by key; staff read only their own messages."""

from regulars.messaging import inbox
from tests.support.world import new_phone


async def test_staff_inbox_lists_and_marks_read(world):
    clerk = world.staff["clerk_a"]
    message_id = await inbox.deliver_staff_inbox(clerk.id, "今日任务 12 条", "请在 18:00 前完成回访", store_id=world.store_a.id,
                                                 kind="task")
    listed = (await world.clerk_a.get("/api/v1/inbox")).json()
    assert listed["unread"] >= 1
    assert any(item["id"] == message_id and item["title"] == "今日任务 12 条" for item in listed["items"])
    read = await world.clerk_a.post(f"/api/v1/inbox/{message_id}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None


async def test_staff_inbox_other_staff_message_not_found(world):
    message_id = await inbox.deliver_staff_inbox(world.staff["clerk_a2"].id, "私人消息", "")
    response = await world.clerk_a.post(f"/api/v1/inbox/{message_id}/read")
    assert response.status_code == 404
    listed = (await world.clerk_a.get("/api/v1/inbox")).json()
    assert all(item["id"] != message_id for item in listed["items"])


async def test_deliver_same_dedupe_key_once(world):
    made = await world.clerk_a.post("/api/v1/customers", json={"phone": new_phone()})
    customer_id = made.json()["id"]
    first = await inbox.deliver_inbox(customer_id, "生日快乐", "送您一张券", dedupe_key="care:1:2027-03-01")
    second = await inbox.deliver_inbox(customer_id, "生日快乐", "送您一张券", dedupe_key="care:1:2027-03-01")
    assert first == second
    page = await inbox.customer_inbox(customer_id)
    assert [item.id for item in page.items] == [first]
    timeline = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    assert [item["summary"] for item in timeline if item["kind"] == "message"] == ["收到消息：生日快乐"]


async def test_staff_inbox_needs_login(world):
    import httpx

    async with httpx.AsyncClient(base_url=world.url) as anonymous:
        assert (await anonymous.get("/api/v1/inbox")).status_code == 401
