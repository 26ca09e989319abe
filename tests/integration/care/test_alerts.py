"""Warnings to managers: thresholds per store, one alert per breach, escalation to admins, resolution."""

import datetime as dt

from regulars.care import alerts
from regulars.core import clock
from regulars.core.db import raw
from tests.support.care import customer, give_task


async def open_alerts(store_id: int, kind: str) -> list[dict]:
    return await raw("SELECT * FROM care_alert WHERE store_id = {} AND kind = {} AND resolved_at IS NULL", store_id, kind)


async def overdue_tasks(world, count: int, tag: str) -> list[int]:
    overdue_on = clock.today_in("Asia/Shanghai") - dt.timedelta(days=3)
    return [await give_task(await customer(world, "clerk_a", tags=[tag]), due_on=overdue_on) for _ in range(count)]


async def test_settings_per_store_by_manager(world):
    url = f"/api/v1/care/stores/{world.store_a.id}/settings"
    response = await world.manager_a.patch(url, json={"overdue_tasks_max": 2, "follows_floor": 0, "cap_count": 9})
    assert response.status_code == 200, response.text
    settings = response.json()
    assert settings["overdue_tasks_max"] == 2
    assert settings["cap_count"] == 2  # the frequency cap is the chain's, not a store's
    assert (await world.clerk_a.patch(url, json={"overdue_tasks_max": 5})).status_code == 403
    assert (await world.manager_a.patch("/api/v1/care/settings", json={"cap_count": 3})).status_code == 403


async def test_chain_cap_set_by_admin(world):
    response = await world.admin.patch("/api/v1/care/settings", json={"cap_count": 3, "cap_days": 14})
    assert response.status_code == 200 and response.json()["cap_count"] == 3
    store = (await world.manager_a.get(f"/api/v1/care/stores/{world.store_a.id}/settings")).json()
    assert (store["cap_count"], store["cap_days"]) == (3, 14)
    await world.admin.patch("/api/v1/care/settings", json={"cap_count": 2, "cap_days": 7})


async def test_overdue_tasks_alert_once_per_breach_then_escalates_and_resolves(world):
    await world.manager_a.patch(f"/api/v1/care/stores/{world.store_a.id}/settings", json={"overdue_tasks_max": 2})
    tasks = await overdue_tasks(world, 3, "overdue-a")
    now = clock.now()
    await alerts.check(now)
    await alerts.check(now + dt.timedelta(minutes=15))
    opened = await open_alerts(world.store_a.id, "tasks_overdue")
    assert len(opened) == 1 and opened[0]["level"] == "warning"
    inbox = (await world.manager_a.get("/api/v1/care/alerts")).json()
    alert = next(a for a in inbox if a["kind"] == "tasks_overdue")
    assert "3 个关怀任务逾期" in alert["message"]
    english = (await world.manager_a.get("/api/v1/care/alerts", headers={"Accept-Language": "en"})).json()
    assert "3 care tasks overdue" in next(a for a in english if a["kind"] == "tasks_overdue")["message"]
    assert alert["id"] not in [a["id"] for a in (await world.admin.get("/api/v1/care/alerts")).json()]
    assert [a for a in (await world.manager_b.get("/api/v1/care/alerts")).json() if a["kind"] == "tasks_overdue"] == []
    # more than twice the threshold: the same alert turns critical and reaches the admin
    tasks += await overdue_tasks(world, 2, "overdue-b")
    await alerts.check(now + dt.timedelta(minutes=30))
    escalated = await open_alerts(world.store_a.id, "tasks_overdue")
    assert [a["id"] for a in escalated] == [alert["id"]] and escalated[0]["level"] == "critical"
    assert alert["id"] in [a["id"] for a in (await world.admin.get("/api/v1/care/alerts")).json()]
    # the store's manager heard of it once per level, the admin once it was critical; clerks and others not
    manager_inbox = (await world.manager_a.get("/api/v1/inbox")).json()["items"]
    told = [m for m in manager_inbox if m["kind"] == "care_alert" and "逾期" in m["body"]]
    assert [m["title"] for m in told] == ["门店严重预警", "门店预警"]
    admin_inbox = (await world.admin.get("/api/v1/inbox")).json()["items"]
    assert [m["title"] for m in admin_inbox if m["kind"] == "care_alert" and "逾期" in m["body"]] == ["门店严重预警"]
    assert [m for m in (await world.manager_b.get("/api/v1/inbox")).json()["items"] if m["kind"] == "care_alert"] == []
    await alerts.check(now + dt.timedelta(minutes=35))
    assert len([m for m in (await world.manager_a.get("/api/v1/inbox")).json()["items"] if m["kind"] == "care_alert"
                and "逾期" in m["body"]]) == 2
    # the clerks catch up: the breach is over; a later breach is a new alert
    for task_id in tasks:
        await world.manager_a.post(f"/api/v1/care/tasks/{task_id}/outcome", json={"outcome": "reached"})
    await alerts.check(now + dt.timedelta(minutes=45))
    assert await open_alerts(world.store_a.id, "tasks_overdue") == []
    await overdue_tasks(world, 3, "overdue-c")
    await alerts.check(now + dt.timedelta(minutes=60))
    again = await open_alerts(world.store_a.id, "tasks_overdue")
    assert len(again) == 1 and again[0]["id"] != alert["id"]


async def test_follows_below_floor_alerts_the_manager(world):
    await world.manager_b.patch(f"/api/v1/care/stores/{world.store_b.id}/settings", json={"follows_floor": 100})
    await alerts.check(clock.now())
    opened = await open_alerts(world.store_b.id, "follows_low")
    assert len(opened) == 1 and opened[0]["level"] == "critical"  # under half the floor
    await world.manager_b.patch(f"/api/v1/care/stores/{world.store_b.id}/settings", json={"follows_floor": 0})
    await alerts.check(clock.now())
    assert await open_alerts(world.store_b.id, "follows_low") == []


async def test_idle_clerk_alerts_the_manager(world):
    await customer(world, "clerk_a")  # clerk_a was active today; clerk_a2 has done nothing since joining
    later = clock.now() + dt.timedelta(days=4)
    await alerts.check(later)
    idle = {a["subject"] for a in await open_alerts(world.store_a.id, "clerk_idle")}
    assert f"staff:{world.staff['clerk_a2'].id}" in idle
    inbox = (await world.manager_a.get("/api/v1/care/alerts")).json()
    message = next(a for a in inbox if a["subject"] == f"staff:{world.staff['clerk_a2'].id}")
    assert "clerk_a2 名" in message["message"]
    read = await world.manager_a.post(f"/api/v1/care/alerts/{message['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    await alerts.check(clock.now())  # back to the present: nobody is idle any more
    assert await open_alerts(world.store_a.id, "clerk_idle") == []


async def test_alerts_inbox_is_for_managers(world):
    assert (await world.clerk_a.get("/api/v1/care/alerts")).status_code == 403


async def test_redemptions_spike_alerts_the_manager(world):
    from tests.support.coupons import make_template

    template = await make_template(world, owner="manager_b", per_customer_limit=None)
    for _ in range(12):
        someone = await customer(world, "clerk_b")
        coupon = (await world.clerk_b.post("/api/v1/coupons", json={"template_id": template.id, "customer_id": someone},
                                           headers={"Idempotency-Key": f"spike-{someone}-key"})).json()
        response = await world.clerk_b.post("/api/v1/coupons/redeem", json={"code": coupon["code"]})
        assert response.status_code == 200, response.text
    await alerts.check(clock.now())
    opened = await open_alerts(world.store_b.id, "redemptions_spike")
    assert len(opened) == 1  # twelve today against none usually: above the minimum of ten
    inbox = (await world.manager_b.get("/api/v1/care/alerts")).json()
    assert "今日核销 12 张" in next(a for a in inbox if a["kind"] == "redemptions_spike")["message"]
