"""The dispatcher in this process with an explicit clock: once per row, quiet hours, cap and priority,
consent at send time, retries, channel fallback, crash recovery, unsubscribe links."""

import datetime as dt

import pytest

from regulars.care import channels, dispatcher, planner
from regulars.core import clock
from regulars.core.db import raw
from tests.support.care import at, create_campaign, customer, outbox, task_campaign
from tests.support.care_channels import RecordingChannel

WINDOW = {"starts_on": "2027-01-01", "ends_on": "2028-12-31"}
MESSAGE = {"templates": {"zh-CN": {"title": "{{ store_name }}祝您生日快乐", "body": "{{ name }}，生日快乐！到店领取小礼物。"},
                         "en": {"title": "Happy birthday", "body": "Happy birthday, {{ name }}!"}}}


@pytest.fixture
def push():
    """A recording stand-in for the push channel (the messaging room's own tests cover the real one)."""
    real = channels.get("push")
    channel = RecordingChannel("push")
    channels.register(channel)
    yield channel
    channels.register(real)


@pytest.fixture
def sms_recorder():
    real = channels.get("sms")
    yield lambda channel: channels.register(channel)
    channels.register(real)


async def plan(campaign, now):
    return await planner.plan(now=now, force=True, campaign_ids=[campaign["id"]])


async def drain(now, owner="test-dispatcher"):
    total = 0
    while claimed := await dispatcher.dispatch(now, owner=owner):
        total += claimed
    return total


async def tasks_of(campaign_id):
    return await raw("SELECT * FROM care_task WHERE campaign = {} ORDER BY id", campaign_id)


async def test_dispatch_task_campaign_one_task_per_row_none_for_holdout(world):
    ids = [await customer(world, birthday=("solar", 5, 10)) for _ in range(12)]
    campaign = await create_campaign(world.manager_a, task_campaign("生日致电", {"kind": "birthday"}, holdout_percent=25, **WINDOW))
    await plan(campaign, at(2027, 5, 10, 1, 0))
    await drain(at(2027, 5, 10, 1, 5))
    rows = await outbox(campaign["id"])
    tasks = await tasks_of(campaign["id"])
    pending = {c for c, r in rows.items() if r["status"] != "holdout"}
    assert {r["status"] for c, r in rows.items() if c in pending} == {"sent"}
    assert sorted(t["customer"] for t in tasks) == sorted(pending)
    assert set(rows) == set(ids)
    assert all(t["clerk_id"] == world.staff["clerk_a"].id for t in tasks)
    assert tasks[0]["script"].startswith("请致电")
    assert await drain(at(2027, 5, 10, 2, 0)) == 0
    assert len(await tasks_of(campaign["id"])) == len(pending)


async def test_dispatch_records_contact_on_timeline(world):
    someone = await customer(world, birthday=("solar", 5, 11))
    campaign = await create_campaign(world.manager_a, task_campaign("时间线", {"kind": "birthday"}, holdout_percent=0, **WINDOW))
    await plan(campaign, at(2027, 5, 11, 1, 0))
    await drain(at(2027, 5, 11, 1, 5))
    events = (await world.clerk_a.get(f"/api/v1/customers/{someone}/timeline")).json()
    contact = next(e for e in events if e["kind"] == "care_contact")
    assert contact["channel"] == "phone"
    assert contact["summary"] == "关怀触达：时间线（店员任务）"  # the channel in words, not its code
    in_english = (await world.clerk_a.get(f"/api/v1/customers/{someone}/timeline", headers={"Accept-Language": "en"})).json()
    assert next(e for e in in_english if e["kind"] == "care_contact")["summary"] == "Care contact: 时间线 (clerk task)"


async def test_dispatch_waits_for_quiet_hours(world, push):
    someone = await customer(world, birthday=("solar", 5, 12))
    campaign = await create_campaign(world.manager_a, {"name": "夜间", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "channels": ["push"], "holdout_percent": 0, **WINDOW})
    await plan(campaign, at(2027, 5, 11, 17, 0))  # 01:00 on the 12th in Shanghai
    row = (await outbox(campaign["id"]))[someone]
    assert clock.aware(row["due_at"]) == at(2027, 5, 12, 1, 0)  # 09:00 local
    assert await drain(at(2027, 5, 11, 23, 0)) == 0  # 07:00 local: quiet
    await drain(at(2027, 5, 12, 1, 0))
    assert [m.customer_id for m in push.sent] == [someone]


async def test_dispatch_row_due_in_quiet_hours_after_retry_waits(world, push):
    push.answers = ["retry"]
    someone = await customer(world, birthday=("solar", 5, 13))
    campaign = await create_campaign(world.manager_a, {"name": "重试", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "channels": ["push"], "holdout_percent": 0,
                                                       "quiet_start": "21:00", "quiet_end": "09:00", **WINDOW})
    await plan(campaign, at(2027, 5, 13, 12, 59))
    await drain(at(2027, 5, 13, 12, 59, 50))  # 20:59:50 local: sent, answered "retry"
    row = (await outbox(campaign["id"]))[someone]
    assert row["status"] == "pending" and row["contacted_at"] is not None
    assert await drain(at(2027, 5, 13, 13, 5)) == 1  # due again at 21:05 local: quiet, handed back
    assert len(push.sent) == 1
    await drain(at(2027, 5, 14, 1, 0))
    assert len(push.sent) == 2
    assert (await outbox(campaign["id"]))[someone]["status"] == "sent"


async def test_dispatch_cap_priority_decides_who_wins(world, push):
    someone = await customer(world, birthday=("solar", 6, 1))
    made = []
    for name, priority in (("低优先", 10), ("中优先", 50), ("高优先", 90)):  # the lowest gets the lowest row id
        made.append(await create_campaign(world.manager_a, {
            "name": name, "occasion": {"kind": "birthday"}, "status": "active", "message": MESSAGE, "channels": ["push"],
            "priority": priority, "holdout_percent": 0, **WINDOW}))
    for campaign in made:
        await plan(campaign, at(2027, 6, 1, 1, 0))
    while await dispatcher.dispatch(at(2027, 6, 1, 1, 5), owner="one-at-a-time", limit=1):
        pass
    statuses = {c["name"]: (await outbox(c["id"]))[someone]["status"] for c in made}
    assert statuses == {"低优先": "capped", "中优先": "sent", "高优先": "sent"}
    assert len(push.sent) == 2


async def test_dispatch_cap_window_slides(world, push):
    someone = await customer(world, birthday=("solar", 6, 2))
    await world.clerk_a.patch(f"/api/v1/customers/{someone}", json={"tags": [f"slide-{someone}"]})
    first = await create_campaign(world.manager_a, {
        "name": "窗口一", "occasion": {"kind": "birthday"}, "status": "active", "message": MESSAGE, "channels": ["push"],
        "holdout_percent": 0, **WINDOW})
    second = await create_campaign(world.manager_a, {
        "name": "窗口二", "occasion": {"kind": "birthday", "days_before": 1}, "status": "active", "message": MESSAGE,
        "channels": ["push"], "holdout_percent": 0, **WINDOW})
    third = await create_campaign(world.manager_a, {
        "name": "窗口三", "occasion": {"kind": "birthday", "days_before": 2}, "status": "active", "message": MESSAGE,
        "channels": ["push"], "holdout_percent": 0, **WINDOW})
    await plan(third, at(2027, 5, 31, 1, 0))
    await drain(at(2027, 5, 31, 1, 5))
    await plan(second, at(2027, 6, 1, 1, 0))
    await drain(at(2027, 6, 1, 1, 5))
    await plan(first, at(2027, 6, 2, 1, 0))
    await drain(at(2027, 6, 2, 1, 5))
    assert (await outbox(first["id"]))[someone]["status"] == "capped"  # two contacts in the last 7 days
    for day, expected in ((7, "capped"), (8, "sent")):  # 5-31 leaves the 7-day window on 6-08
        later = await create_campaign(world.manager_a, {
            "name": f"窗口 6-{day:02d}", "occasion": {"kind": "date_range"}, "status": "active", "message": MESSAGE,
            "channels": ["push"], "holdout_percent": 0, "starts_on": f"2027-06-{day:02d}", "ends_on": f"2027-06-{day:02d}",
            "segment_id": (await world.manager_a.post("/api/v1/care/segments", json={
                "name": "一人", "filters": {"tags_any": [f"slide-{someone}"]}})).json()["id"]})
        await plan(later, at(2027, 6, day, 1, 0))
        await drain(at(2027, 6, day, 1, 0))
        assert (await outbox(later["id"]))[someone]["status"] == expected


async def test_dispatch_consent_withdrawn_after_planning_skipped(world, push):
    someone = await customer(world, birthday=("solar", 6, 3))
    campaign = await create_campaign(world.manager_a, {"name": "撤回", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "channels": ["push"], "holdout_percent": 0, **WINDOW})
    await plan(campaign, at(2027, 6, 3, 1, 0))
    response = await world.clerk_a.post(f"/api/v1/customers/{someone}/consents",
                                        json={"purpose": "marketing", "granted": False, "notice_version": "v1"})
    assert response.status_code == 200
    await drain(at(2027, 6, 3, 1, 5))
    row = (await outbox(campaign["id"]))[someone]
    assert row["status"] == "skipped" and row["contacted_at"] is None
    assert push.sent == []


async def test_dispatch_message_without_reachable_channel_undeliverable(world):
    someone = await customer(world, birthday=("solar", 6, 4))  # no push subscription
    campaign = await create_campaign(world.manager_a, {"name": "无渠道", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "channels": ["push"], "holdout_percent": 0, **WINDOW})
    await plan(campaign, at(2027, 6, 4, 1, 0))
    await drain(at(2027, 6, 4, 1, 5))
    row = (await outbox(campaign["id"]))[someone]
    assert row["status"] == "undeliverable" and row["contacted_at"] is None
    assert "unreachable" in row["answer"]


async def test_dispatch_message_to_wallet_inbox_once(world):
    from regulars.messaging import inbox

    someone = await customer(world, birthday=("solar", 6, 14), name="赵敏")
    campaign = await create_campaign(world.manager_a, {"name": "站内信", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "holdout_percent": 0, **WINDOW})  # push, inbox, sms
    await plan(campaign, at(2027, 6, 14, 1, 0))
    await drain(at(2027, 6, 14, 1, 5))
    await drain(at(2027, 6, 14, 2, 0))
    row = (await outbox(campaign["id"]))[someone]
    assert row["status"] == "sent" and row["channel"] == "inbox"
    items = (await inbox.customer_inbox(someone)).items
    assert len(items) == 1 and items[0].kind == "care"
    assert items[0].body.startswith("赵敏，生日快乐！") and "/u/" in items[0].body


async def test_dispatch_message_falls_back_to_clerk_task(world, push):
    push.only = set()  # nobody has a push subscription
    someone = await customer(world, birthday=("solar", 6, 5), name="王芳")
    campaign = await create_campaign(world.manager_a, {"name": "回落", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "channels": ["push", "task"], "holdout_percent": 0,
                                                       **WINDOW})
    await plan(campaign, at(2027, 6, 5, 1, 0))
    await drain(at(2027, 6, 5, 1, 5))
    tasks = await tasks_of(campaign["id"])
    assert [t["customer"] for t in tasks] == [someone]
    assert tasks[0]["script"] == "王芳，生日快乐！到店领取小礼物。"  # no unsubscribe line in a clerk's script
    assert (await outbox(campaign["id"]))[someone]["channel"] == "task"


async def test_dispatch_unreachable_then_next_channel(world, push, sms_recorder):
    sms = RecordingChannel("sms")
    sms_recorder(sms)
    push.answers = ["unreachable"]  # e.g. the subscription has gone (410)
    someone = await customer(world, birthday=("solar", 6, 6))
    campaign = await create_campaign(world.manager_a, {"name": "改短信", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "channels": ["push", "sms"], "holdout_percent": 0,
                                                       **WINDOW})
    await plan(campaign, at(2027, 6, 6, 1, 0))
    await drain(at(2027, 6, 6, 1, 5))
    assert [m.customer_id for m in sms.sent] == [someone]
    assert (await outbox(campaign["id"]))[someone]["channel"] == "sms"


async def test_dispatch_marketing_message_carries_working_unsubscribe_link(world, push):
    someone = await customer(world, birthday=("solar", 6, 7))
    campaign = await create_campaign(world.manager_a, {"name": "退订", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "channels": ["push"], "holdout_percent": 0, **WINDOW})
    await plan(campaign, at(2027, 6, 7, 1, 0))
    await drain(at(2027, 6, 7, 1, 5))
    message = push.sent[0]
    assert message.topic == f"care-{message.outbox_id}" and message.urgency == "low"
    link = message.body.split("退订营销消息：")[1].strip()
    path = "/u/" + link.split("/u/")[1]
    page = await world.clerk_a.http.get(path)
    assert page.status_code == 200 and 'data-care-unsubscribe="ask"' in page.text
    done = await world.clerk_a.http.post(path)
    assert done.status_code == 200 and 'data-care-unsubscribe="done"' in done.text
    profile = (await world.clerk_a.get(f"/api/v1/customers/{someone}")).json()
    assert profile["consent"]["marketing"] is False
    tampered = path[:-1] + ("a" if path[-1] != "a" else "b")  # a changed signature (never the same one by chance)
    assert (await world.clerk_a.http.get(tampered)).status_code == 404


async def test_dispatch_service_message_has_no_unsubscribe_line(world, push):
    await customer(world, birthday=("solar", 6, 8))
    campaign = await create_campaign(world.manager_a, {"name": "服务通知", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "purpose": "service", "message": MESSAGE, "channels": ["push"],
                                                       "holdout_percent": 0, **WINDOW})
    await plan(campaign, at(2027, 6, 8, 1, 0))
    await drain(at(2027, 6, 8, 1, 5))
    assert "/u/" not in push.sent[0].body and push.sent[0].urgency == "normal"


async def test_dispatch_retry_with_backoff_then_sent(world, push):
    push.answers = ["retry", "retry"]
    someone = await customer(world, birthday=("solar", 6, 9))
    campaign = await create_campaign(world.manager_a, {"name": "退避", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "channels": ["push"], "holdout_percent": 0, **WINDOW})
    await plan(campaign, at(2027, 6, 9, 2, 0))
    start = at(2027, 6, 9, 2, 0)
    await drain(start)
    row = (await outbox(campaign["id"]))[someone]
    assert clock.aware(row["due_at"]) == start + dt.timedelta(seconds=30)
    assert await drain(start + dt.timedelta(seconds=20)) == 0
    await drain(start + dt.timedelta(seconds=30))
    row = (await outbox(campaign["id"]))[someone]
    assert clock.aware(row["due_at"]) == start + dt.timedelta(seconds=30 + 120)
    await drain(start + dt.timedelta(seconds=150))
    row = (await outbox(campaign["id"]))[someone]
    assert row["status"] == "sent" and row["attempts"] == 3
    assert len(push.sent) == 3


async def test_dispatch_paused_then_ended_campaign(world):
    someone = await customer(world, birthday=("solar", 6, 10))
    campaign = await create_campaign(world.manager_a, task_campaign("暂停后结束", {"kind": "birthday"}, holdout_percent=0, **WINDOW))
    await plan(campaign, at(2027, 6, 10, 1, 0))
    url = f"/api/v1/care/campaigns/{campaign['id']}"
    await world.manager_a.patch(url, json={"status": "paused"})
    await drain(at(2027, 6, 10, 1, 5))
    assert (await outbox(campaign["id"]))[someone]["status"] == "pending"
    assert await tasks_of(campaign["id"]) == []
    await world.manager_a.patch(url, json={"status": "ended"})
    await drain(at(2027, 6, 10, 1, 30))
    assert (await outbox(campaign["id"]))[someone]["status"] == "cancelled"


async def test_dispatch_expired_after_the_occasion(world):
    someone = await customer(world, birthday=("solar", 6, 11))
    campaign = await create_campaign(world.manager_a, task_campaign("过期", {"kind": "birthday"}, holdout_percent=0, **WINDOW))
    await plan(campaign, at(2027, 6, 11, 1, 0))
    await drain(at(2027, 6, 13, 1, 0))
    assert (await outbox(campaign["id"]))[someone]["status"] == "expired"


async def test_dispatch_recovers_row_left_sending_by_a_dead_process(world, push):
    someone = await customer(world, birthday=("solar", 6, 12))
    campaign = await create_campaign(world.manager_a, {"name": "恢复", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "channels": ["push"], "holdout_percent": 0, **WINDOW})
    await plan(campaign, at(2027, 6, 12, 2, 0))
    now = at(2027, 6, 12, 2, 0)
    # a process claimed the row, handed it to push, and died before recording the answer
    await dispatcher.claim("dead-process", now, 100)
    await raw("UPDATE care_outbox SET status = 'sending', channel = 'push', contacted_at = {} WHERE campaign = {}",
              now, campaign["id"])
    assert await drain(now + dt.timedelta(seconds=10)) == 0  # its lease still holds
    await drain(now + dispatcher.LEASE + dt.timedelta(seconds=1))
    row = (await outbox(campaign["id"]))[someone]
    assert row["status"] == "sent"
    assert [m.topic for m in push.sent] == [f"care-{row['id']}"]  # the same Topic: the push service replaces


async def test_dispatch_left_sending_on_channel_that_cannot_replace_is_uncertain(world, sms_recorder):
    sms = RecordingChannel("sms", replace_safe=False)
    sms_recorder(sms)
    someone = await customer(world, birthday=("solar", 6, 13))
    campaign = await create_campaign(world.manager_a, {"name": "短信恢复", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "channels": ["sms"], "holdout_percent": 0,
                                                       **WINDOW})
    now = at(2027, 6, 13, 2, 0)
    await plan(campaign, now)
    await dispatcher.claim("dead-process", now, 100)
    await raw("UPDATE care_outbox SET status = 'sending', channel = 'sms', contacted_at = {} WHERE campaign = {}",
              now, campaign["id"])
    await drain(now + dispatcher.LEASE + dt.timedelta(seconds=1))
    assert (await outbox(campaign["id"]))[someone]["status"] == "uncertain"
    assert sms.sent == []  # an SMS might already have gone out: never risk a second one


GIFT = {"templates": {"zh-CN": {"title": "生日快乐", "body": "{{ name }}，生日快乐！送您{{ coupon_name }}，券码 {{ coupon_code }}，"
                                                        "{{ coupon_last_day }} 前到店使用。"}}}


async def test_dispatch_birthday_gift_coupon_once_per_customer_none_for_holdout(world, push):
    from tests.support.coupons import make_template

    template = await make_template(world, owner="manager_a", name_zh="生日礼券", kind="gift", item="手机支架",
                                   amount_off_fen=None, category="service", purpose="care", valid_days=30)
    ids = [await customer(world, birthday=("solar", 7, 1)) for _ in range(20)]
    campaign = await create_campaign(world.manager_a, {"name": "生日送礼", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": GIFT, "channels": ["push"], "holdout_percent": 20,
                                                       "coupon_template_id": template.id, **WINDOW})
    await plan(campaign, at(2027, 7, 1, 2, 0))
    await drain(at(2027, 7, 1, 2, 0))
    await drain(at(2027, 7, 1, 3, 0))
    rows = await outbox(campaign["id"])
    held = {c for c, r in rows.items() if r["status"] == "holdout"}
    coupons = await raw("SELECT customer, source_ref FROM coupon WHERE template = {} AND source = 'care'", template.id)
    assert sorted(c["customer"] for c in coupons) == sorted(set(ids) - held)
    assert {c["source_ref"] for c in coupons} == {f"outbox:{r['id']}" for c, r in rows.items() if c not in held}
    assert sorted(m.customer_id for m in push.sent) == sorted(set(ids) - held)
    message = push.sent[0]
    assert "生日礼券" in message.body and "券码 " in message.body and "前到店使用" in message.body
    code = await raw("SELECT code FROM coupon WHERE source_ref = {}", f"outbox:{message.outbox_id}")
    assert code[0]["code"][:4] in message.body.replace("-", "")


async def test_dispatch_coupon_refused_still_sends_message(world, push):
    from tests.support.coupons import make_coupon, make_template

    template = await make_template(world, owner="manager_a", per_customer_limit=1)
    someone = await customer(world, birthday=("solar", 7, 2))
    await make_coupon(world, template.id, someone)  # already has the one allowed
    campaign = await create_campaign(world.manager_a, {"name": "已领过", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "channels": ["push"], "holdout_percent": 0,
                                                       "coupon_template_id": template.id, **WINDOW})
    await plan(campaign, at(2027, 7, 2, 2, 0))
    await drain(at(2027, 7, 2, 2, 0))
    row = (await outbox(campaign["id"]))[someone]
    assert row["status"] == "sent" and "customer_limit" in row["answer"]
    assert [m.customer_id for m in push.sent] == [someone]
    issued = await raw("SELECT issued FROM coupon_template WHERE id = {}", template.id)
    assert issued[0]["issued"] == 1  # the refused issue gave its stock back (its savepoint was undone)


async def test_dispatch_points_credited_once(world):
    from regulars.points import service as points

    someone = await customer(world, birthday=("solar", 7, 3))
    campaign = await create_campaign(world.manager_a, {"name": "生日积分", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "points": 88, "holdout_percent": 0, **WINDOW})
    await plan(campaign, at(2027, 7, 3, 2, 0))
    await drain(at(2027, 7, 3, 2, 0))
    await drain(at(2027, 7, 3, 4, 0))
    assert await points.balance(someone) == 88
    row = (await outbox(campaign["id"]))[someone]
    assert row["status"] == "sent" and row["channel"] == "action"


async def test_uplift_compares_contacted_with_holdout(world):
    from regulars.purchases import schemas as purchase_schemas
    from regulars.purchases import service as purchases
    from tests.support.care import principal

    ids = [await customer(world, birthday=("solar", 7, 4)) for _ in range(30)]
    campaign = await create_campaign(world.manager_a, task_campaign("生日回购", {"kind": "birthday"}, holdout_percent=30, **WINDOW))
    await plan(campaign, at(2027, 7, 4, 2, 0))
    await drain(at(2027, 7, 4, 2, 0))
    rows = await outbox(campaign["id"])
    contacted = [c for c in ids if rows[c]["status"] == "sent"]
    held = [c for c in ids if rows[c]["status"] == "holdout"]
    assert contacted and held
    for someone in contacted[:4] + held[:1]:  # bought within the week after the birthday
        await purchases.record(principal(world, "clerk_a"), purchase_schemas.PurchaseCreate(
            customer_id=someone, category="accessory", amount_fen=9900), None)
        await raw("UPDATE purchase SET occurred_at = {} WHERE customer = {}", at(2027, 7, 6, 6, 0), someone)
    for someone in contacted[4:5] + held[1:2]:  # bought on the birthday's morning, before any contact was due: no effect
        await purchases.record(principal(world, "clerk_a"), purchase_schemas.PurchaseCreate(
            customer_id=someone, category="accessory", amount_fen=9900), None)
        await raw("UPDATE purchase SET occurred_at = {} WHERE customer = {}", at(2027, 7, 4, 0, 30), someone)
    body = (await world.manager_a.get(f"/api/v1/care/campaigns/{campaign['id']}/uplift", params={"days": 7})).json()
    assert body["contacted"]["customers"] == len(contacted) and body["holdout"]["customers"] == len(held)
    assert body["contacted"]["purchased"] == 4 and body["holdout"]["purchased"] == 1
    expected = round((4 / len(contacted) - 1 / len(held)) * 100, 2)
    assert abs(body["purchase_uplift_points"] - expected) < 0.02
    # 4 and 1 bought: too few to tell, so no interval (not a false certainty), and why
    assert (body["purchase_uplift_low_points"], body["purchase_uplift_high_points"]) == (None, None)
    assert (body["no_interval"], body["min_each_way"]) == ("too_few", 5)


async def test_dispatch_message_in_each_customers_language(world, push):
    chinese = await customer(world, birthday=("solar", 8, 1), name="王芳")
    english = await customer(world, birthday=("solar", 8, 1), name="Amy", language="en")
    campaign = await create_campaign(world.manager_a, {"name": "双语", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": MESSAGE, "channels": ["push"], "holdout_percent": 0,
                                                       **WINDOW})
    await plan(campaign, at(2027, 8, 1, 1, 0))
    await drain(at(2027, 8, 1, 1, 5))
    sent = {m.customer_id: m for m in push.sent}
    assert sent[english].lang == "en" and sent[english].title == "Happy birthday"
    assert sent[english].body.startswith("Happy birthday, Amy!") and "退订" not in sent[english].body
    assert sent[chinese].lang == "zh-CN" and sent[chinese].body.startswith("王芳，生日快乐")


async def test_dispatch_english_customer_template_without_english_falls_back_to_chinese(world, push):
    english = await customer(world, birthday=("solar", 8, 2), name="Amy", language="en")
    chinese_only = {"templates": {"zh-CN": MESSAGE["templates"]["zh-CN"]}}
    campaign = await create_campaign(world.manager_a, {"name": "仅中文", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": chinese_only, "channels": ["push"], "holdout_percent": 0,
                                                       **WINDOW})
    await plan(campaign, at(2027, 8, 2, 1, 0))
    await drain(at(2027, 8, 2, 1, 5))
    assert [m.customer_id for m in push.sent] == [english]
    assert push.sent[0].body.startswith("Amy，生日快乐")


async def test_dispatch_day_filter_says_a_date_in_the_templates_language(world, push):
    """`{{ contract_end_on | day }}` reads 2027年10月15日 in a Chinese template, 15 October 2027 in an English one,
    and a customer reading the Chinese template (no English one) gets the Chinese form."""
    chinese = await customer(world, birthday=("solar", 8, 3), name="王芳", contract_end_on=dt.date(2027, 10, 15))
    english = await customer(world, birthday=("solar", 8, 3), name="Amy", language="en", contract_end_on=dt.date(2027, 10, 5))
    unknown = await customer(world, birthday=("solar", 8, 3), name="李雷")
    task = {"script": {"zh-CN": "{{ name }}的合约{{ contract_end_on | day }}到期", "en": "{{ name }}: contract ends {{ contract_end_on | day }}"}}
    called = await create_campaign(world.manager_a, task_campaign("日期说法", {"kind": "birthday"}, task=task,
                                                                  holdout_percent=0, **WINDOW))
    chinese_only = {"templates": {"zh-CN": {"title": "合约提醒", "body": "合约{{ contract_end_on | day }}到期"}}}
    messaged = await create_campaign(world.manager_a, {"name": "日期说法-消息", "occasion": {"kind": "birthday"}, "status": "active",
                                                       "message": chinese_only, "channels": ["push"], "holdout_percent": 0,
                                                       "purpose": "service", **WINDOW})
    for campaign in (called, messaged):
        await plan(campaign, at(2027, 8, 3, 1, 0))
    await drain(at(2027, 8, 3, 1, 5))
    scripts = {t["customer"]: t["script"] for t in await tasks_of(called["id"])}
    assert scripts[chinese] == "王芳的合约2027年10月15日到期"
    assert scripts[english] == "Amy: contract ends 5 October 2027"
    assert scripts[unknown] == "李雷的合约到期"  # no contract end on file: nothing said
    bodies = {m.customer_id: m.body for m in push.sent}
    assert bodies[english] == "合约2027年10月5日到期"
