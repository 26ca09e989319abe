"""Morning reminders to clerks of their care tasks: due today and overdue (own and the store pool), once per
clerk and store-local day, in the staff inbox and by push to the clerk's subscribed device."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from regulars.care import reminders
from regulars.core import clock
from regulars.messaging import config as messaging_config
from tests.support.acquisition import acq_server, push_service, sms_gateway, staff_on  # noqa: F401 (fixtures)
from tests.support.care import customer, give_task

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = clock.today_in("Asia/Shanghai")


def at(hour: int) -> dt.datetime:
    return dt.datetime.combine(TODAY, dt.time(hour, 0), ZONE).astimezone(dt.timezone.utc)


@pytest.fixture
def local_push_allowed(monkeypatch):
    """The reminders run in this process here: let it reach the local push service, as the test servers may."""
    monkeypatch.setenv("REGULARS_PUSH_ALLOW_INSECURE_LOCAL", "1")
    messaging_config.messaging_settings.cache_clear()
    yield
    monkeypatch.delenv("REGULARS_PUSH_ALLOW_INSECURE_LOCAL")
    messaging_config.messaging_settings.cache_clear()


async def reminders_in_inbox(client) -> list[dict]:
    items = (await client.get("/api/v1/inbox")).json()["items"]
    return [m for m in items if m["kind"] == "care_task"]


async def test_clerk_reminded_once_a_day_of_tasks_due_and_overdue(world, acq_server, push_service, local_push_allowed):
    device = push_service.subscriber()
    clerk = await staff_on(acq_server, "clerk_a")
    try:
        subscribed = await clerk.post("/api/v1/push/subscriptions", json=device.json())
        assert subscribed.status_code == 201, subscribed.text
    finally:
        await clerk.close()
    own, late, pooled, later = [await customer(world, "clerk_a", tags=["remind"]) for _ in range(4)]
    await give_task(own, due_on=TODAY)
    await give_task(late, due_on=TODAY - dt.timedelta(days=2))
    await give_task(pooled, due_on=TODAY, pool=True)
    await give_task(later, due_on=TODAY + dt.timedelta(days=3))  # not yet: no reminder for it today

    assert await reminders.remind(at(7)) == 0  # before the store's day begins
    assert await reminders_in_inbox(world.clerk_a) == []

    await reminders.remind(at(10))
    listed = (await world.clerk_a.get("/api/v1/care/tasks")).json()
    due = [t for t in listed if t["status"] == "open" and t["due_on"] <= TODAY.isoformat()]
    overdue = [t for t in due if t["overdue"]]
    [reminder] = await reminders_in_inbox(world.clerk_a)
    assert reminder["title"] == f"今天有 {len(due)} 个关怀任务" and len(due) >= 3
    assert f"逾期 {len(overdue)} 个" in reminder["body"] and reminder["url"] == "/app/#/tasks"
    assert len(push_service.received(device)) == 1

    assert await reminders.remind(at(11)) == 0  # the same day again: nothing new, nothing pushed again
    assert len(await reminders_in_inbox(world.clerk_a)) == 1
    assert len(push_service.received(device)) == 1
    # the store pool's task reaches the store's other clerk too; another store's clerk hears nothing
    assert len(await reminders_in_inbox(world.clerk_a2)) == 1
    assert await reminders_in_inbox(world.clerk_b) == []
