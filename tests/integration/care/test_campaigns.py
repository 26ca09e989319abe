"""Campaigns over HTTP: who may create, see and change them; what a campaign must hold."""

from tests.support.care import create_campaign, task_campaign

BIRTHDAY = {"kind": "birthday"}


async def test_create_campaign_by_manager_for_own_store(world):
    created = await create_campaign(world.manager_a, task_campaign("生日关怀", BIRTHDAY, theme="reward", tags=["Q3"]))
    assert created["store_id"] == world.store_a.id
    assert created["status"] == "active"
    assert created["holdout_percent"] == 10.0
    assert created["quiet_start"] == "21:00" and created["quiet_end"] == "09:00"
    assert created["channels_ready"] == ["push", "inbox", "sms"]
    assert created["theme"] == "reward" and created["tags"] == ["Q3"]


async def test_create_campaign_by_clerk_forbidden(world):
    response = await world.clerk_a.post("/api/v1/care/campaigns", json=task_campaign("x", BIRTHDAY))
    assert response.status_code == 403


async def test_create_campaign_for_other_store_forbidden(world):
    response = await world.manager_a.post("/api/v1/care/campaigns",
                                          json=task_campaign("x", BIRTHDAY, store_id=world.store_b.id))
    assert response.status_code == 403


async def test_create_chain_campaign_by_admin_visible_to_managers_not_editable(world):
    created = await create_campaign(world.admin, task_campaign("全区中秋", {"kind": "festival", "festival": "mid_autumn"}))
    assert created["store_id"] is None
    seen = await world.manager_b.get(f"/api/v1/care/campaigns/{created['id']}")
    assert seen.status_code == 200
    changed = await world.manager_b.patch(f"/api/v1/care/campaigns/{created['id']}", json={"priority": 90})
    assert changed.status_code == 403


async def test_get_campaign_of_other_store_not_found(world):
    created = await create_campaign(world.manager_b, task_campaign("乙店", BIRTHDAY))
    assert (await world.manager_a.get(f"/api/v1/care/campaigns/{created['id']}")).status_code == 404
    listed = (await world.manager_a.get("/api/v1/care/campaigns")).json()
    assert created["id"] not in [c["id"] for c in listed]


async def test_create_campaign_without_action_refused(world):
    response = await world.manager_a.post("/api/v1/care/campaigns", json={"name": "空", "occasion": BIRTHDAY})
    assert response.status_code == 422
    assert response.json()["code"] == "care.no_action"


async def test_create_campaign_bad_template_names_the_problem(world):
    body = {"name": "坏模板", "occasion": BIRTHDAY,
            "message": {"templates": {"zh-CN": {"title": "生日快乐", "body": "{{ name "}}}}
    response = await world.manager_a.post("/api/v1/care/campaigns", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == "templates.zh-CN.body"


async def test_create_campaign_unknown_template_field_refused(world):
    body = {"name": "未知字段", "occasion": BIRTHDAY,
            "message": {"templates": {"zh-CN": {"title": "hi", "body": "{{ id_card }}"}}}}
    response = await world.manager_a.post("/api/v1/care/campaigns", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "id_card" in response.json()["detail"]


async def test_create_campaign_template_needs_chinese(world):
    body = {"name": "only en", "occasion": BIRTHDAY, "message": {"templates": {"en": {"title": "hi", "body": "hi"}}}}
    response = await world.manager_a.post("/api/v1/care/campaigns", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "care.template_language"


async def test_create_campaign_template_sandboxed(world):
    body = {"name": "注入", "occasion": BIRTHDAY,
            "message": {"templates": {"zh-CN": {"title": "x", "body": "{{ name.__class__.__mro__ }}"}}}}
    response = await world.manager_a.post("/api/v1/care/campaigns", json=body)
    assert response.status_code == 422


async def test_create_campaign_coupon_expiring_defaults_to_three_days(world):
    created = await create_campaign(world.manager_a, task_campaign("券到期", {"kind": "coupon_expiring"}))
    assert created["occasion"] == {"kind": "coupon_expiring", "days": 3}
    created = await create_campaign(world.manager_a, task_campaign("积分到期", {"kind": "points_expiring"}))
    assert created["occasion"]["days"] == 30


async def test_create_campaign_with_coupon_of_other_store_not_found(world):
    from tests.support.coupons import make_template

    theirs = await make_template(world, owner="manager_b")
    response = await world.manager_a.post("/api/v1/care/campaigns",
                                          json=task_campaign("送券", BIRTHDAY, coupon_template_id=theirs.id))
    assert response.status_code == 404
    mine = await make_template(world, owner="manager_a")
    created = await create_campaign(world.manager_a, task_campaign("送券", BIRTHDAY, coupon_template_id=mine.id, points=50))
    assert created["coupon_template_id"] == mine.id and created["points"] == 50


async def test_create_campaign_coupon_alone_is_an_action(world):
    from tests.support.coupons import make_template

    template = await make_template(world, owner="manager_a")
    response = await world.manager_a.post("/api/v1/care/campaigns", json={
        "name": "只送券", "occasion": BIRTHDAY, "coupon_template_id": template.id})
    assert response.status_code == 201


async def test_create_campaign_unknown_festival_refused(world):
    response = await world.manager_a.post("/api/v1/care/campaigns",
                                          json=task_campaign("x", {"kind": "festival", "festival": "halloween"}))
    assert response.status_code == 422


async def test_create_date_range_campaign_needs_both_dates(world):
    response = await world.manager_a.post("/api/v1/care/campaigns",
                                          json=task_campaign("夏日", {"kind": "date_range"}, starts_on="2027-07-01"))
    assert response.status_code == 422 and response.json()["field"] == "ends_on"
    assert response.json()["detail"] == "指定日期段需要填写开始日期和结束日期"  # what to do, not parameter names
    response = await world.manager_a.post("/api/v1/care/campaigns", json=task_campaign(
        "夏日", {"kind": "date_range"}, starts_on="2027-07-01", ends_on="2027-06-01"))
    assert response.status_code == 422


async def test_contract_end_defaults_to_sixty_thirty_seven(world):
    created = await create_campaign(world.manager_a, task_campaign("合约到期", {"kind": "contract_end"}, purpose="service"))
    assert created["occasion"]["offsets"] == [60, 30, 7]


async def test_update_campaign_pause_and_resume(world):
    created = await create_campaign(world.manager_a, task_campaign("暂停测试", BIRTHDAY))
    url = f"/api/v1/care/campaigns/{created['id']}"
    assert (await world.manager_a.patch(url, json={"status": "paused"})).json()["status"] == "paused"
    assert (await world.manager_a.patch(url, json={"status": "active", "priority": 80})).json()["priority"] == 80
    assert (await world.manager_a.patch(url, json={"status": "ended"})).json()["status"] == "ended"
    again = await world.manager_a.patch(url, json={"status": "active"})
    assert again.status_code == 422 and again.json()["code"] == "care.status_change"


async def test_update_campaign_occasion_frozen_after_start(world):
    created = await create_campaign(world.manager_a, task_campaign("冻结", BIRTHDAY))
    response = await world.manager_a.patch(f"/api/v1/care/campaigns/{created['id']}",
                                           json={"occasion": {"kind": "follow_anniversary"}})
    assert response.status_code == 422
    assert response.json()["code"] == "care.frozen_after_start"
    assert response.json()["detail"] == "活动启动后不能再修改 occasion"
    english = await world.manager_a.patch(f"/api/v1/care/campaigns/{created['id']}", json={"occasion": {"kind": "birthday"}},
                                          headers={"Accept-Language": "en"})
    assert english.json()["detail"] == "occasion cannot change once the campaign has started"


async def test_update_draft_campaign_occasion_allowed(world):
    created = await create_campaign(world.manager_a, task_campaign("草稿", BIRTHDAY) | {"status": "draft"})
    response = await world.manager_a.patch(f"/api/v1/care/campaigns/{created['id']}",
                                           json={"occasion": {"kind": "follow_anniversary", "days_before": 1}})
    assert response.status_code == 200
    assert response.json()["occasion"] == {"kind": "follow_anniversary", "days_before": 1}


async def test_create_segment_and_use_it(world):
    response = await world.manager_a.post("/api/v1/care/segments",
                                          json={"name": "摄影爱好者", "filters": {"interests_any": ["摄影"]}})
    assert response.status_code == 201, response.text
    segment = response.json()
    assert segment["size"] == 0
    created = await create_campaign(world.manager_a, task_campaign("摄影", BIRTHDAY, segment_id=segment["id"]))
    assert created["segment_id"] == segment["id"]


async def test_use_segment_of_other_store_not_found(world):
    other = (await world.manager_b.post("/api/v1/care/segments", json={"name": "乙"})).json()
    response = await world.manager_a.post("/api/v1/care/campaigns",
                                          json=task_campaign("x", BIRTHDAY, segment_id=other["id"]))
    assert response.status_code == 404


async def test_create_segment_unknown_filter_refused(world):
    response = await world.manager_a.post("/api/v1/care/segments", json={"name": "x", "filters": {"rfm": "A"}})
    assert response.status_code == 400
