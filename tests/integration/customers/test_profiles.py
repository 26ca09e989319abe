"""Customer profiles over real HTTP: create, idempotency, search, detail, PATCH, timeline, reach."""

import asyncio
import datetime as dt
import uuid

from regulars.core.db import raw
from tests.support.world import new_phone


def key() -> str:
    return uuid.uuid4().hex


async def create(client, **fields):
    body = {"phone": new_phone(), "name": "王芳"} | fields
    response = await client.post("/api/v1/customers", json=body, headers={"Idempotency-Key": key()})
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_customer_normalises_phone_and_scores_completeness(world):
    phone = new_phone("138")
    response = await world.clerk_a.post(
        "/api/v1/customers",
        json={"phone": f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}", "name": "李强", "gender": "male",
              "birthday": {"calendar": "lunar", "month": 8, "day": 15}, "plan": "5G畅享套餐129元",
              "monthly_spend_fen": 12900, "tags": ["换机潜客"],
              "consents": [{"purpose": "service", "granted": True, "notice_version": "2026-01"}]},
        headers={"Idempotency-Key": key()},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["phone"] == phone
    assert body["phone_masked"] == f"{phone[:3]}****{phone[-4:]}"
    assert body["home_store_id"] == world.store_a.id
    assert body["responsible_clerk_id"] == world.staff["clerk_a"].id
    assert body["spend_band"] == "100-199"
    assert body["completeness"] == 10 + 5 + 15 + 10 + 10
    assert body["consent"] == {"service": True, "marketing": False}


async def test_create_customer_same_key_same_body_replays_stored_answer(world):
    body = {"phone": new_phone(), "name": "赵敏"}
    idem = key()
    first = await world.clerk_a.post("/api/v1/customers", json=body, headers={"Idempotency-Key": idem})
    second = await world.clerk_a.post("/api/v1/customers", json=body, headers={"Idempotency-Key": idem})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    rows = await raw("SELECT COUNT(*) AS n FROM customer WHERE phone = {}", body["phone"])
    assert rows[0]["n"] == 1


async def test_create_customer_same_key_other_body_422(world):
    idem = key()
    first = await world.clerk_a.post("/api/v1/customers", json={"phone": new_phone()}, headers={"Idempotency-Key": idem})
    other = await world.clerk_a.post("/api/v1/customers", json={"phone": new_phone()}, headers={"Idempotency-Key": idem})
    assert first.status_code == 201
    assert other.status_code == 422
    assert other.json()["code"] == "error.idempotency_mismatch"


async def test_create_customer_phone_exists_409_names_existing(world):
    existing = await create(world.clerk_a)
    response = await world.clerk_a2.post("/api/v1/customers", json={"phone": existing["phone"]}, headers={"Idempotency-Key": key()})
    assert response.status_code == 409
    assert response.json()["existing_id"] == existing["id"]
    assert existing["phone"] not in response.text  # the message masks the number


async def test_create_customer_concurrent_same_phone_one_wins(world):
    phone = new_phone()
    responses = await asyncio.gather(*(
        world.clerk_a.post("/api/v1/customers", json={"phone": phone, "name": f"并发{i}"}, headers={"Idempotency-Key": key()})
        for i in range(12)
    ))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 11, [r.text for r in responses if r.status_code not in (201, 409)]


async def test_create_customer_invalid_phone_names_field_in_both_languages(world):
    zh = await world.clerk_a.post("/api/v1/customers", json={"phone": "12345"}, headers={"Idempotency-Key": key()})
    en = await world.clerk_a.post("/api/v1/customers", json={"phone": "12345"},
                                  headers={"Idempotency-Key": key(), "Accept-Language": "en"})
    assert zh.status_code == en.status_code == 422
    assert zh.json()["field"] == "phone"
    assert "12345" in zh.json()["detail"] and "手机号" in zh.json()["detail"]
    assert "mobile number" in en.json()["detail"]


async def test_create_customer_nonexistent_birthday_refused(world):
    response = await world.clerk_a.post(
        "/api/v1/customers", json={"phone": new_phone(), "birthday": {"calendar": "solar", "month": 2, "day": 30}},
        headers={"Idempotency-Key": key()},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "birthday"


async def test_create_customer_for_other_store_refused(world):
    response = await world.clerk_a.post(
        "/api/v1/customers", json={"phone": new_phone(), "home_store_id": world.store_b.id},
        headers={"Idempotency-Key": key()},
    )
    assert response.status_code == 422
    rows = await raw("SELECT COUNT(*) AS n FROM customer WHERE home_store = {}", world.store_b.id)
    assert rows[0]["n"] == 0 or all(True for _ in rows)


async def test_search_by_full_phone_tail_name_and_tag(world):
    customer = await create(world.clerk_a, name="欧阳娜娜", tags=["宽带潜客"])
    phone = customer["phone"]
    for q in (phone, phone[-4:], "欧阳", "宽带潜客"):
        response = await world.clerk_a.get("/api/v1/customers", params={"q": q, "limit": 200})
        assert response.status_code == 200
        ids = [item["id"] for item in response.json()["items"]]
        assert customer["id"] in ids, q
    item = next(i for i in response.json()["items"] if i["id"] == customer["id"])
    assert item["phone_masked"] == f"{phone[:3]}****{phone[-4:]}"
    assert phone not in response.text


async def test_search_by_full_phone_one_item_with_all_tags(world):
    tagged = await create(world.clerk_a, tags=["宽带潜客", "商务"])
    bare = await create(world.clerk_a)
    response = await world.clerk_a.get("/api/v1/customers", params={"q": f"+86 {tagged['phone']}"})
    assert [(i["id"], i["tags"]) for i in response.json()["items"]] == [(tagged["id"], ["宽带潜客", "商务"])]
    assert response.json()["has_more"] is False
    response = await world.clerk_a.get("/api/v1/customers", params={"q": bare["phone"]})
    assert [(i["id"], i["tags"]) for i in response.json()["items"]] == [(bare["id"], [])]
    response = await world.clerk_a.get("/api/v1/customers", params={"q": bare["phone"], "offset": 1})
    assert response.json()["items"] == []


async def test_search_does_not_find_other_store_customers(world):
    customer = await create(world.clerk_b, name="乙店独有")
    for q in (customer["phone"], customer["phone"][-4:], "乙店独有"):
        response = await world.clerk_a.get("/api/v1/customers", params={"q": q})
        assert customer["id"] not in [i["id"] for i in response.json()["items"]]
    admin = await world.admin.get("/api/v1/customers", params={"q": customer["phone"]})
    assert [i["id"] for i in admin.json()["items"]] == [customer["id"]]


async def test_search_paginates(world):
    for _ in range(3):
        await create(world.clerk_a2, name="分页测试")
    first = await world.clerk_a.get("/api/v1/customers", params={"q": "分页测试", "limit": 2})
    second = await world.clerk_a.get("/api/v1/customers", params={"q": "分页测试", "limit": 2, "offset": 2})
    assert first.json()["has_more"] is True and len(first.json()["items"]) == 2
    assert second.json()["has_more"] is False
    assert not {i["id"] for i in first.json()["items"]} & {i["id"] for i in second.json()["items"]}


async def test_search_lists_the_latest_created_first(world):
    """Newest by creation time, not by id: a customer entered later may have joined earlier (an import, say)."""
    joined = [await create(world.clerk_a, tags=["建档顺序"]) for _ in range(4)]
    for customer, days_ago in zip(joined, (0, 3, 1, 1)):
        await raw("UPDATE customer SET created_at = {} WHERE id = {}",
                  dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc) - dt.timedelta(days=days_ago), customer["id"])
    for q in ("建档顺序", ""):
        response = await world.clerk_a.get("/api/v1/customers", params={"q": q, "limit": 200})
        listed = [i["id"] for i in response.json()["items"] if i["id"] in {c["id"] for c in joined}]
        assert listed == [joined[0]["id"], joined[3]["id"], joined[2]["id"], joined[1]["id"]], q


async def test_search_bad_limit_400(world):
    response = await world.clerk_a.get("/api/v1/customers", params={"limit": 0})
    assert response.status_code == 400


async def test_view_customer_shows_full_phone_and_is_audited(world):
    customer = await create(world.clerk_a)
    response = await world.clerk_a2.get(f"/api/v1/customers/{customer['id']}")
    assert response.status_code == 200
    assert response.json()["phone"] == customer["phone"]
    rows = await raw(
        "SELECT actor_id FROM audit_log WHERE action = 'customer.view' AND target_id = {}", str(customer["id"])
    )
    assert world.staff["clerk_a2"].id in [r["actor_id"] for r in rows]


async def test_view_customer_of_other_store_not_found(world):
    customer = await create(world.clerk_b)
    other = await world.clerk_a.get(f"/api/v1/customers/{customer['id']}")
    missing = await world.clerk_a.get("/api/v1/customers/99999999")
    assert other.status_code == missing.status_code == 404
    assert other.json()["code"] == missing.json()["code"]


async def test_patch_changes_only_sent_fields(world):
    customer = await create(world.clerk_a, occupation="教师", plan="4G飞享套餐38元")
    response = await world.clerk_a.patch(f"/api/v1/customers/{customer['id']}", json={"occupation": "医生", "tags": ["VIP"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["occupation"] == "医生"
    assert body["plan"] == "4G飞享套餐38元"
    assert body["name"] == customer["name"]
    assert body["tags"] == ["VIP"]


async def test_patch_refuses_store_points_and_id(world):
    customer = await create(world.clerk_a)
    for field, value in (("home_store_id", world.store_b.id), ("points", 1000), ("id", 1), ("completeness", 100)):
        response = await world.clerk_a.patch(f"/api/v1/customers/{customer['id']}", json={field: value})
        assert response.status_code == 400, field
        assert response.json()["field"] == field
    after = await world.clerk_a.get(f"/api/v1/customers/{customer['id']}")
    assert after.json()["home_store_id"] == world.store_a.id


async def test_patch_phone_to_existing_customer_409(world):
    one, two = await create(world.clerk_a), await create(world.clerk_a)
    response = await world.clerk_a.patch(f"/api/v1/customers/{one['id']}", json={"phone": two["phone"]})
    assert response.status_code == 409
    assert response.json()["existing_id"] == two["id"]


async def test_timeline_lists_events_newest_first(world):
    customer = await create(world.clerk_a)
    await world.clerk_a.patch(f"/api/v1/customers/{customer['id']}", json={"occupation": "工程师"})
    note = await world.clerk_a.post(f"/api/v1/customers/{customer['id']}/notes", json={"text": "想办宽带"})
    assert note.status_code == 204
    consent = await world.clerk_a.post(f"/api/v1/customers/{customer['id']}/consents",
                                       json={"purpose": "marketing", "granted": True, "notice_version": "2026-01"})
    assert consent.json()["consent"]["marketing"] is True
    timeline = (await world.clerk_a.get(f"/api/v1/customers/{customer['id']}/timeline")).json()
    assert [e["kind"] for e in timeline] == ["consent", "note", "updated", "created"]
    assert timeline[1]["summary"] == "备注：想办宽带"
    assert timeline[0]["summary"] == "授权变更：优惠与活动信息已同意"
    assert timeline[2]["summary"] == "资料更新：职业"
    english = await world.clerk_a.get(f"/api/v1/customers/{customer['id']}/timeline", headers={"Accept-Language": "en"})
    assert english.json()[1]["summary"] == "Note: 想办宽带"
    assert english.json()[0]["summary"] == "Consent changed: offers and events granted"
    assert english.json()[2]["summary"] == "Profile updated: occupation"


async def test_markup_in_name_is_stored_as_text(world):
    customer = await create(world.clerk_a, name="<b>王</b>")
    response = await world.clerk_a.get(f"/api/v1/customers/{customer['id']}")
    assert response.json()["name"] == "<b>王</b>"


async def test_customer_language_defaults_to_chinese_set_on_create_and_patch(world):
    plain = await create(world.clerk_a)
    assert plain["language"] == "zh-CN"
    english = await create(world.clerk_a, language="en")
    assert english["language"] == "en"
    changed = await world.clerk_a.patch(f"/api/v1/customers/{english['id']}", json={"language": "zh-CN"},
                                        headers={"Idempotency-Key": key()})
    assert changed.status_code == 200 and changed.json()["language"] == "zh-CN"
    assert (await world.clerk_a.get(f"/api/v1/customers/{english['id']}")).json()["language"] == "zh-CN"


async def test_customer_language_unknown_refused_400(world):
    response = await world.clerk_a.post("/api/v1/customers", json={"phone": new_phone(), "language": "fr"},
                                        headers={"Idempotency-Key": key()})
    assert response.status_code == 400
    someone = await create(world.clerk_a)
    response = await world.clerk_a.patch(f"/api/v1/customers/{someone['id']}", json={"language": "zh-TW"},
                                         headers={"Idempotency-Key": key()})
    assert response.status_code == 400
