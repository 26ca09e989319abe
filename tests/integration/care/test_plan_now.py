"""The manager's "plan now" over HTTP: offered by the staff app for a campaign it shows active (status active and
today within its dates, by the store's calendar) and refused by the API, in the same cases, for any other."""

import datetime as dt

import pytest

from regulars.core import clock
from tests.support.care import create_campaign, customer, outbox, task_campaign

TODAY = clock.today_in("Asia/Shanghai")


def days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


async def birthday_campaign(world, name: str, **extra) -> dict:
    """A birthday campaign with a customer whose birthday is today: planning it would add them."""
    await customer(world, birthday=("solar", TODAY.month, TODAY.day))
    return await create_campaign(world.manager_a, task_campaign(name, {"kind": "birthday"}, **extra))


async def plan(client, campaign: dict, lang: str = "zh-CN"):
    return await client.post(f"/api/v1/care/campaigns/{campaign['id']}/plan", headers={"Accept-Language": lang})


async def test_plan_now_campaign_ended_by_its_dates_refused(world):
    campaign = await birthday_campaign(world, "上周活动", starts_on=days(-10), ends_on=days(-1))
    response, english = await plan(world.manager_a, campaign), await plan(world.manager_a, campaign, "en")
    assert response.status_code == english.status_code == 409, response.text
    body = response.json()
    assert (body["code"], body["field"]) == ("care.plan_over", "ends_on")
    assert body["detail"] == f"活动「上周活动」的日期是 {days(-10)} – {days(-1)}，已于 {days(-1)} 结束，不能再排期"
    assert english.json()["detail"] == (f"Campaign 上周活动 runs {days(-10)} – {days(-1)}: it ended on {days(-1)} "
                                        "and can no longer be planned")
    assert await outbox(campaign["id"]) == {}


async def test_plan_now_campaign_not_started_refused(world):
    campaign = await birthday_campaign(world, "下周活动", starts_on=days(1))
    response, english = await plan(world.manager_a, campaign), await plan(world.manager_a, campaign, "en")
    assert response.status_code == 409, response.text
    assert (response.json()["code"], response.json()["field"]) == ("care.plan_not_started", "starts_on")
    assert response.json()["detail"] == f"活动「下周活动」的日期是 {days(1)} – …，{days(1)} 才开始，开始前不能排期"
    assert english.json()["detail"] == f"Campaign 下周活动 runs {days(1)} – …: it starts on {days(1)} and cannot be planned before then"
    assert await outbox(campaign["id"]) == {}


@pytest.mark.parametrize(("status", "code"), [("draft", "care.plan_draft"), ("paused", "care.plan_paused"),
                                               ("ended", "care.plan_ended")])
async def test_plan_now_campaign_not_active_refused(world, status, code):
    campaign = await birthday_campaign(world, f"{status} 活动", status="draft" if status == "draft" else "active")
    if status != "draft":
        moved = await world.manager_a.patch(f"/api/v1/care/campaigns/{campaign['id']}", json={"status": status})
        assert moved.status_code == 200, moved.text
    response = await plan(world.manager_a, campaign)
    assert response.status_code == 409, response.text
    assert (response.json()["code"], response.json()["field"]) == (code, "status")
    assert f"「{status} 活动」" in response.json()["detail"]
    assert await outbox(campaign["id"]) == {}


async def test_plan_now_on_its_first_and_last_day_planned(world):
    first = await birthday_campaign(world, "今天开始", starts_on=days(0), ends_on=days(5))
    last = await birthday_campaign(world, "今天结束", starts_on=days(-5), ends_on=days(0))
    for campaign in (first, last):
        response = await plan(world.manager_a, campaign)
        assert response.status_code == 200, response.text
        assert response.json()["planned"] >= 1


async def test_plan_now_campaign_of_another_store_not_found_before_its_dates(world):
    campaign = await birthday_campaign(world, "别店看不到", starts_on=days(-10), ends_on=days(-1))
    assert (await plan(world.manager_b, campaign)).status_code == 404
