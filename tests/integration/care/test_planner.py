"""The planner against real customers: occasions on the store's calendar, consent, holdout, idempotence."""

import datetime as dt

from regulars.care import planner, rules
from regulars.core import clock
from regulars.core.db import raw
from tests.support.care import at, create_campaign, customer, outbox, task_campaign
from tests.support.world import make_staff, make_store

WINDOW = {"starts_on": "2027-01-01", "ends_on": "2028-12-31"}  # keeps the server's own planner (today's clock) away


async def plan(campaign: dict, now: dt.datetime) -> int:
    return await planner.plan(now=now, force=True, campaign_ids=[campaign["id"]])


async def test_plan_birthdays_solar_and_lunar(world):
    solar = await customer(world, birthday=("solar", 9, 15))
    lunar = await customer(world, birthday=("lunar", 8, 15))  # lunar 2027-08-15 = 2027-09-15
    await customer(world, birthday=("solar", 9, 16))
    await customer(world, birthday=("lunar", 8, 16))
    no_consent = await customer(world, birthday=("solar", 9, 15), marketing=False)
    other_store = await customer(world, "clerk_b", birthday=("solar", 9, 15))
    campaign = await create_campaign(world.manager_a, task_campaign("生日", {"kind": "birthday"}, **WINDOW))
    added = await plan(campaign, at(2027, 9, 15, 2, 0))  # 10:00 in Shanghai
    rows = await outbox(campaign["id"])
    assert set(rows) == {solar, lunar}
    assert added == 2
    assert no_consent not in rows and other_store not in rows
    for customer_id, row in rows.items():
        assert str(row["occasion_date"]) == "2027-09-15"
        assert row["status"] == ("holdout" if rules.in_holdout(campaign["id"], customer_id, 1000) else "pending")


async def test_plan_lunar_birthday_next_year_moves(world):
    lunar = await customer(world, birthday=("lunar", 8, 15))
    campaign = await create_campaign(world.manager_a, task_campaign("生日 2028", {"kind": "birthday"}, **WINDOW))
    await plan(campaign, at(2028, 9, 15, 2, 0))
    assert lunar not in await outbox(campaign["id"])
    await plan(campaign, at(2028, 10, 3, 2, 0))  # lunar 2028-08-15 = 2028-10-03
    assert lunar in await outbox(campaign["id"])


async def test_plan_twice_adds_nothing(world):
    for _ in range(3):
        await customer(world, birthday=("solar", 9, 20))
    campaign = await create_campaign(world.manager_a, task_campaign("幂等", {"kind": "birthday"}, **WINDOW))
    first = await plan(campaign, at(2027, 9, 20, 2, 0))
    before = await raw("SELECT count(*) AS n FROM care_outbox WHERE campaign = {}", campaign["id"])
    assert first == 3
    assert await plan(campaign, at(2027, 9, 20, 5, 0)) == 0
    await planner.plan(now=at(2027, 9, 20, 6, 0))  # the regular round, every campaign
    after = await raw("SELECT count(*) AS n FROM care_outbox WHERE campaign = {}", campaign["id"])
    assert before == after


async def test_plan_service_campaign_needs_service_consent(world):
    marketing_only = await customer(world, birthday=("solar", 9, 21), service=False)
    both = await customer(world, birthday=("solar", 9, 21))
    campaign = await create_campaign(world.manager_a, task_campaign("服务", {"kind": "birthday"}, purpose="service", **WINDOW))
    await plan(campaign, at(2027, 9, 21, 2, 0))
    assert set(await outbox(campaign["id"])) == {both}
    assert marketing_only


async def test_plan_birthday_29_february_in_common_year(world):
    leap_born = await customer(world, birthday=("solar", 2, 29))
    campaign = await create_campaign(world.manager_a, task_campaign("闰日", {"kind": "birthday"}, **WINDOW))
    await plan(campaign, at(2027, 2, 27, 2, 0))
    assert leap_born not in await outbox(campaign["id"])
    await plan(campaign, at(2027, 2, 28, 2, 0))
    assert str((await outbox(campaign["id"]))[leap_born]["occasion_date"]) == "2027-02-28"


async def test_plan_birthday_days_before(world):
    soon = await customer(world, birthday=("solar", 9, 25))
    campaign = await create_campaign(world.manager_a, task_campaign("提前", {"kind": "birthday", "days_before": 3}, **WINDOW))
    await plan(campaign, at(2027, 9, 22, 2, 0))
    assert set(await outbox(campaign["id"])) == {soon}


async def test_plan_store_in_berlin_uses_its_local_day_and_quiet_hours(world):
    berlin = await make_store("XX003", "柏林体验店")
    await raw("UPDATE store SET timezone = 'Europe/Berlin' WHERE id = {}", berlin.id)
    await make_staff("manager_berlin", "manager", berlin.id)
    await make_staff("clerk_berlin", "clerk", berlin.id)
    world.staff["clerk_berlin"] = await _staff(world, "clerk_berlin", berlin.id)
    manager = await world.client("manager_berlin")
    try:
        born = await customer(world, "clerk_berlin", birthday=("solar", 3, 28))
        campaign = await create_campaign(manager, {
            **task_campaign("柏林生日", {"kind": "birthday"}, **WINDOW),
            "message": {"templates": {"zh-CN": {"title": "生日快乐", "body": "{{ name }}，生日快乐！"}}},
            "channels": ["task"]})
        # 22:30 UTC on the 27th is 23:30 in Berlin (winter time): still the 27th there
        await plan(campaign, at(2027, 3, 27, 22, 30))
        assert born not in await outbox(campaign["id"])
        # 23:30 UTC is 01:30 on the 28th (clocks went forward at 02:00 that night): the birthday
        await plan(campaign, at(2027, 3, 27, 23, 30))
        row = (await outbox(campaign["id"]))[born]
        assert str(row["occasion_date"]) == "2027-03-28"
        assert clock.aware(row["due_at"]) == at(2027, 3, 28, 7, 0)  # 09:00 summer time, the end of quiet hours
    finally:
        await manager.close()


async def _staff(world, username, store_id):
    from regulars.stores import service as stores
    from tests.support.world import SYSTEM

    return next(s for s in await stores.list_staff(SYSTEM) if s.username == username)


async def test_plan_contract_end_sixty_thirty_seven(world):
    today = dt.date(2027, 9, 1)
    ids = {n: await customer(world, contract_end_on=today + dt.timedelta(days=n)) for n in (7, 30, 31, 60)}
    campaign = await create_campaign(world.manager_a, task_campaign("合约", {"kind": "contract_end"}, purpose="service", **WINDOW))
    await plan(campaign, at(2027, 9, 1, 2, 0))
    assert set(await outbox(campaign["id"])) == {ids[7], ids[30], ids[60]}


async def test_plan_device_age_reaching_months(world):
    two_years = await customer(world, device_purchased_on=dt.date(2025, 9, 2))
    await customer(world, device_purchased_on=dt.date(2025, 9, 3))
    campaign = await create_campaign(world.manager_a, task_campaign("换机", {"kind": "device_age", "months": 24}, **WINDOW))
    await plan(campaign, at(2027, 9, 2, 2, 0))
    assert set(await outbox(campaign["id"])) == {two_years}


async def test_plan_arrears_once_per_period(world):
    owing = await customer(world)
    await customer(world)
    await raw("UPDATE customer SET arrears_fen = 5800 WHERE id = {}", owing)  # as the billing import sets it
    campaign = await create_campaign(world.manager_a, task_campaign("欠费提醒", {"kind": "arrears", "every_days": 7},
                                                                    purpose="service", **WINDOW))
    await plan(campaign, at(2027, 9, 13, 2, 0))  # a Monday
    await plan(campaign, at(2027, 9, 16, 2, 0))  # same week: nothing new
    rows = await raw("SELECT customer, occasion_date FROM care_outbox WHERE campaign = {}", campaign["id"])
    assert [(r["customer"], str(r["occasion_date"])) for r in rows] == [(owing, "2027-09-13")]
    await plan(campaign, at(2027, 9, 20, 2, 0))
    assert len(await raw("SELECT id FROM care_outbox WHERE campaign = {}", campaign["id"])) == 2


async def test_plan_follow_anniversary(world):
    joined = await customer(world)
    today = clock.today_in("Asia/Shanghai")
    campaign = await create_campaign(world.manager_a, task_campaign("关注周年", {"kind": "follow_anniversary"},
                                                                    starts_on=str(today), ends_on=str(today.replace(year=today.year + 2))))
    next_year = today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29) else dt.date(today.year + 1, 2, 28)
    await plan(campaign, dt.datetime.combine(next_year, dt.time(4), tzinfo=dt.timezone.utc))
    assert joined in await outbox(campaign["id"])
    await plan(campaign, dt.datetime.combine(next_year + dt.timedelta(days=1), dt.time(4), tzinfo=dt.timezone.utc))
    assert len(await raw("SELECT id FROM care_outbox WHERE campaign = {} AND customer = {}", campaign["id"], joined)) == 1


async def test_plan_festival_mid_autumn(world):
    everyone = {await customer(world) for _ in range(3)}
    campaign = await create_campaign(world.manager_a, task_campaign("中秋", {"kind": "festival", "festival": "mid_autumn"}, **WINDOW))
    assert await plan(campaign, at(2027, 9, 14, 2, 0)) == 0
    await plan(campaign, at(2027, 9, 15, 2, 0))
    assert everyone <= set(await outbox(campaign["id"]))


async def test_plan_holiday_from_admin_table_for_year_package_does_not_know(world):
    for day in ("2027-10-01", "2027-10-02", "2027-10-03"):
        response = await world.admin.post("/api/v1/care/holidays", json={"day": day, "kind": "holiday", "name": "National Day"})
        assert response.status_code == 201
    someone = await customer(world)
    campaign = await create_campaign(world.manager_a, task_campaign("国庆", {"kind": "holiday", "holiday": "National Day",
                                                                             "days_before": 1}, **WINDOW))
    await plan(campaign, at(2027, 10, 1, 2, 0))
    assert someone not in await outbox(campaign["id"])
    await plan(campaign, at(2027, 9, 30, 2, 0))
    assert someone in await outbox(campaign["id"])


async def test_plan_season_once_per_period(world):
    response = await world.admin.post("/api/v1/care/seasons", json={"name": "夏日驿站", "start_month": 7, "start_day": 1,
                                                                     "end_month": 8, "end_day": 31})
    assert response.status_code == 201
    season = response.json()
    someone = await customer(world)
    campaign = await create_campaign(world.manager_a, task_campaign("夏日", {"kind": "season", "season_id": season["id"]}, **WINDOW))
    await plan(campaign, at(2027, 7, 2, 2, 0))
    await plan(campaign, at(2027, 8, 10, 2, 0))
    rows = await raw("SELECT occasion_date FROM care_outbox WHERE campaign = {} AND customer = {}", campaign["id"], someone)
    assert [str(r["occasion_date"]) for r in rows] == ["2027-07-01"]
    assert await plan(campaign, at(2027, 9, 2, 2, 0)) == 0


async def test_plan_segment_filters(world):
    photographer = await customer(world, interests=["摄影", "旅行"], occupation="教师", tags=["高价值"])
    await customer(world, interests=["旅行"], occupation="教师", tags=["高价值"])
    await customer(world, interests=["摄影"], occupation="学生", tags=["高价值"])
    segment = (await world.manager_a.post("/api/v1/care/segments", json={
        "name": "摄影教师", "filters": {"interests_any": ["摄影"], "occupations": ["教师"], "tags_any": ["高价值", "x"]}})).json()
    assert segment["size"] == 1
    campaign = await create_campaign(world.manager_a, task_campaign("摄影课", {"kind": "festival", "festival": "double_ninth"},
                                                                    segment_id=segment["id"], **WINDOW))
    await plan(campaign, at(2027, 10, 8, 2, 0))  # double ninth 2027
    assert set(await outbox(campaign["id"])) == {photographer}


async def test_plan_holdout_stable_share(world):
    ids = [await customer(world, birthday=("solar", 11, 11)) for _ in range(60)]
    campaign = await create_campaign(world.manager_a, task_campaign("对照组", {"kind": "birthday"}, holdout_percent=30, **WINDOW))
    await plan(campaign, at(2027, 11, 11, 2, 0))
    rows = await outbox(campaign["id"])
    held = {c for c, r in rows.items() if r["status"] == "holdout"}
    assert held == {c for c in ids if rules.in_holdout(campaign["id"], c, 3000)}
    assert 5 <= len(held) <= 35
    # the next year the same customers are held out of the same campaign
    await plan(campaign, at(2028, 11, 11, 2, 0))
    next_year = await raw("SELECT customer FROM care_outbox WHERE campaign = {} AND status = 'holdout' "
                          "AND occasion_date = {}", campaign["id"], dt.date(2028, 11, 11))
    assert {r["customer"] for r in next_year} == held


async def test_plan_chain_campaign_covers_every_store(world):
    a = await customer(world, birthday=("solar", 12, 1))
    b = await customer(world, "clerk_b", birthday=("solar", 12, 1))
    campaign = await create_campaign(world.admin, task_campaign("全区生日", {"kind": "birthday"}, **WINDOW))
    await plan(campaign, at(2027, 12, 1, 2, 0))
    rows = await outbox(campaign["id"])
    assert {a, b} <= set(rows)
    assert rows[b]["store_id"] == world.store_b.id


async def test_plan_paused_campaign_plans_nothing(world):
    await customer(world, birthday=("solar", 12, 2))
    campaign = await create_campaign(world.manager_a, task_campaign("暂停", {"kind": "birthday"}, **WINDOW))
    await world.manager_a.patch(f"/api/v1/care/campaigns/{campaign['id']}", json={"status": "paused"})
    assert await plan(campaign, at(2027, 12, 2, 2, 0)) == 0


async def test_plan_coupon_expiring_in_three_days(world):
    from tests.support.coupons import make_coupon, make_template, set_coupon

    template = await make_template(world, owner="manager_a")
    ids = {}
    for name in ("expiring", "later", "used"):
        ids[name] = await customer(world)
        coupon = await make_coupon(world, template.id, ids[name])
        # valid through 2027-09-18 (Shanghai): the validity ends at the next midnight
        last_day_end = at(2027, 9, 18, 16, 0) if name != "later" else at(2027, 9, 19, 16, 0)
        await set_coupon(coupon.id, valid_until=last_day_end, **({"state": "redeemed"} if name == "used" else {}))
    campaign = await create_campaign(world.manager_a, task_campaign("券快到期", {"kind": "coupon_expiring"}, **WINDOW))
    await plan(campaign, at(2027, 9, 15, 2, 0))
    assert set(await outbox(campaign["id"])) == {ids["expiring"]}


async def test_plan_points_expiring_in_thirty_days(world):
    from regulars.points import service as points

    soon, never = await customer(world), await customer(world)
    entry = await points.earn(soon, 100, source_kind="test", source_id="soon", store_id=world.store_a.id)
    await raw("UPDATE points_lot SET expires_at = {} WHERE entry = {}", at(2027, 12, 31, 16, 0), entry.id)  # Jan 1 Shanghai
    other = await points.earn(never, 100, source_kind="test", source_id="never", store_id=world.store_a.id)
    await raw("UPDATE points_lot SET expires_at = {} WHERE entry = {}", at(2028, 12, 31, 16, 0), other.id)
    campaign = await create_campaign(world.manager_a, task_campaign("积分快到期", {"kind": "points_expiring"}, **WINDOW))
    await plan(campaign, at(2027, 12, 1, 2, 0))  # last valid day 2027-12-31 is 30 days away
    assert set(await outbox(campaign["id"])) == {soon}


async def test_plan_follow_up_three_days_after_device_purchase(world):
    from regulars.purchases import schemas as purchase_schemas
    from regulars.purchases import service as purchases
    from tests.support.care import principal

    bought, accessory = await customer(world), await customer(world)
    for someone, category in ((bought, "device"), (accessory, "accessory")):
        await purchases.record(principal(world, "clerk_a"), purchase_schemas.PurchaseCreate(
            customer_id=someone, category=category, amount_fen=399900), None)
        await raw("UPDATE purchase SET occurred_at = {} WHERE customer = {}", at(2027, 9, 12, 6, 0), someone)
    campaign = await create_campaign(world.manager_a, task_campaign("新机教学", {"kind": "purchase_follow_up"},
                                                                    purpose="service", **WINDOW))
    await plan(campaign, at(2027, 9, 14, 2, 0))
    assert await outbox(campaign["id"]) == {}
    await plan(campaign, at(2027, 9, 15, 2, 0))
    assert set(await outbox(campaign["id"])) == {bought}


async def test_plan_win_back_after_no_visit(world):
    from regulars.purchases import schemas as purchase_schemas
    from regulars.purchases import service as purchases
    from tests.support.care import principal

    away, regular = await customer(world, tags=["winback"]), await customer(world, tags=["winback"])
    await purchases.record(principal(world, "clerk_a"), purchase_schemas.PurchaseCreate(
        customer_id=regular, kind="visit", visit_kind="consultation"), None)
    await raw("UPDATE purchase SET occurred_at = {} WHERE customer = {}", at(2027, 8, 1, 6, 0), regular)
    segment = (await world.manager_a.post("/api/v1/care/segments", json={"name": "winback", "filters": {"tags_any": ["winback"]}})).json()
    campaign = await create_campaign(world.manager_a, task_campaign("唤回", {"kind": "win_back", "days": 90},
                                                                    segment_id=segment["id"], **WINDOW))
    await plan(campaign, at(2027, 9, 15, 2, 0))
    assert set(await outbox(campaign["id"])) == {away}


async def test_plan_segment_points_and_rfm_tiers(world):
    from regulars.points import service as points
    from regulars.reports import rfm_rollup

    rich, poor = await customer(world, tags=["tiers"]), await customer(world, tags=["tiers"])
    await points.earn(rich, 500, source_kind="test", source_id="rich", store_id=world.store_a.id)
    segment = (await world.manager_a.post("/api/v1/care/segments", json={
        "name": "积分多", "filters": {"tags_any": ["tiers"], "points_min": 300}})).json()
    assert segment["size"] == 1
    few = (await world.manager_a.post("/api/v1/care/segments", json={
        "name": "积分少", "filters": {"tags_any": ["tiers"], "points_max": 100}})).json()
    assert few["size"] == 1
    from regulars.purchases import schemas as purchase_schemas
    from regulars.purchases import service as purchases
    from tests.support.care import principal

    await purchases.record(principal(world, "clerk_a"), purchase_schemas.PurchaseCreate(
        customer_id=rich, category="accessory", amount_fen=19900), None)
    await rfm_rollup.refresh()
    tiered = (await world.manager_a.post("/api/v1/care/segments", json={
        "name": "RFM", "filters": {"tags_any": ["tiers"], "rfm_r": [1, 2, 3, 4, 5]}})).json()
    assert tiered["size"] == 1  # only a customer who bought in the last year has tiers
    campaign = await create_campaign(world.manager_a, task_campaign("积分客户", {"kind": "festival", "festival": "qixi"},
                                                                    segment_id=segment["id"], **WINDOW))
    await plan(campaign, at(2027, 8, 8, 2, 0))  # Qixi 2027
    assert set(await outbox(campaign["id"])) == {rich}
    assert poor


async def test_plan_now_over_http_counts_planned_and_holdout(world):
    """The manager's "plan now" button (found answering 500 by the API fuzzer)."""
    today = clock.today_in("Asia/Shanghai")
    for _ in range(4):
        await customer(world, birthday=("solar", today.month, today.day))
    campaign = await create_campaign(world.manager_a, task_campaign("现在就排", {"kind": "birthday"},
                                                                   holdout_percent=50))
    response = await world.manager_a.post(f"/api/v1/care/campaigns/{campaign['id']}/plan")
    assert response.status_code == 200, response.text
    rows = await outbox(campaign["id"])
    assert len(rows) == 4
    assert response.json() == {"planned": len(rows),
                               "holdout": sum(r["status"] == "holdout" for r in rows.values())}
    again = await world.manager_a.post(f"/api/v1/care/campaigns/{campaign['id']}/plan")
    assert again.json() == {"planned": 0, "holdout": 0}
    assert (await world.manager_b.post(f"/api/v1/care/campaigns/{campaign['id']}/plan")).status_code == 404
