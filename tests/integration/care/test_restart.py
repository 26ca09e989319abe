"""Restart safety with real `regulars worker` processes: killed with SIGKILL in the middle of a batch and
started again, and two at once; deliveries are counted at a local Web Push service and at the task list."""

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import msgspec
import pytest

from regulars.care import planner
from regulars.core import clock
from regulars.core.db import raw
from regulars.messaging import push, schemas as messaging_schemas, service as messaging
from regulars.messaging.config import messaging_settings
from tests.support.care import at, create_campaign, customer
from tests.support.push_service import PushService
from tests.support.server import ROOT

MESSAGE = {"templates": {"zh-CN": {"title": "夏日驿站", "body": "{{ name }}，炎炎夏日，来店里喝杯凉茶吧。"}}}


class Worker:
    """A `regulars worker` process whose clock reads `now`, pushing to local addresses."""

    def __init__(self, now: dt.datetime, lease_seconds: int, name: str):
        offset = (now - clock.now()).total_seconds()
        log = Path(os.environ["REGULARS_VAR_DIR"]) / f"worker-{name}.log"
        env = {**os.environ, "REGULARS_CLOCK_OFFSET_SECONDS": str(offset), "REGULARS_CARE_LEASE_SECONDS": str(lease_seconds),
               "REGULARS_CARE_BATCH": "50", "REGULARS_CARE_DISPATCH_EVERY": "0.2", "REGULARS_CARE_PLAN_EVERY": "3600",
               "REGULARS_CARE_ALERTS_EVERY": "3600", "REGULARS_LOG_LEVEL": "WARNING",
               "REGULARS_PUSH_ALLOW_INSECURE_LOCAL": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "regulars.cli", "worker"], cwd=ROOT, env=env,
                                        stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class SlowPushService(PushService):
    """The local push service answering each message after a short wait, so that a batch takes a while; once
    `hold_after(n)` is called, every message after the first n is held unanswered until `release()`."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = 0
        self.limit: int | None = None
        self.held = 0
        self.gate = asyncio.Event()

    def hold_after(self, n: int) -> None:
        self.limit, self.held = n, 0
        self.gate.clear()

    def release(self) -> None:
        self.limit = None
        self.gate.set()

    async def _receive(self, request):
        self.arrived += 1
        arrived = self.arrived
        await asyncio.sleep(0.05)
        if self.limit is not None and arrived > self.limit:
            self.held += 1
            await self.gate.wait()
        return await super()._receive(request)


@pytest.fixture
async def slow_push(monkeypatch):
    monkeypatch.setenv("REGULARS_PUSH_ALLOW_INSECURE_LOCAL", "1")
    messaging_settings.cache_clear()
    service = await SlowPushService().start()
    yield service
    service.release()
    await service.stop()
    messaging_settings.cache_clear()
    await push.close_sessions()


async def open_rows(campaign_id: int) -> int:
    rows = await raw("SELECT count(*) AS n FROM care_outbox WHERE campaign = {} AND status IN ('pending', 'sending')",
                     campaign_id)
    return rows[0]["n"]


async def wait_until(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def subscribed_audience(world, service: PushService, size: int, tag: str) -> dict[str, int]:
    """Customers with one push subscription each: {subscriber id at the push service: customer id}."""
    found = {}
    for _ in range(size):
        someone = await customer(world, tags=[tag])
        subscriber = service.subscriber()
        await messaging.subscribe(msgspec.convert(subscriber.json(), messaging_schemas.SubscriptionCreate), customer_id=someone)
        found[subscriber.endpoint.rsplit("/", 1)[1]] = someone
    return found


async def campaign_for(world, tag: str, day: str, **body) -> dict:
    segment = (await world.manager_a.post("/api/v1/care/segments", json={"name": tag, "filters": {"tags_any": [tag]}})).json()
    return await create_campaign(world.manager_a, {"name": tag, "occasion": {"kind": "date_range"}, "status": "active",
                                                   "starts_on": day, "ends_on": day, "holdout_percent": 0,
                                                   "segment_id": segment["id"], **body})


def topics(service: PushService, subscribers: dict[str, int]) -> Counter:
    return Counter(d.headers["Topic"] for d in service.deliveries if d.subscriber_id in subscribers and not d.error)


async def test_push_worker_killed_mid_batch_then_restarted_delivers_each_row_once(world, slow_push):
    audience = await subscribed_audience(world, slow_push, 150, "kill-push")
    campaign = await campaign_for(world, "kill-push", "2027-07-01", message=MESSAGE, channels=["push"])
    assert await planner.plan(now=at(2027, 7, 1, 2, 0), force=True, campaign_ids=[campaign["id"]]) == 150
    slow_push.hold_after(40)  # the worker is stopped in the middle: 40 answered, the next sends left hanging
    first = Worker(at(2027, 7, 1, 3, 0), lease_seconds=3, name="push-1")
    try:
        await wait_until(lambda: _killable(slow_push, campaign["id"]), timeout=90)
        first.kill()
    finally:
        first.stop()
    in_flight = {f"care-{r['id']}" for r in await raw(
        "SELECT id FROM care_outbox WHERE campaign = {} AND status = 'sending'", campaign["id"])}
    assert 0 < await open_rows(campaign["id"]) < 150, "the kill did not land in the middle of the work"
    slow_push.release()
    second = Worker(at(2027, 7, 1, 3, 1), lease_seconds=3, name="push-2")
    try:
        await wait_until(lambda: _no_open_rows(campaign["id"]))
    finally:
        second.stop()
    rows = await raw("SELECT id, customer, status FROM care_outbox WHERE campaign = {}", campaign["id"])
    assert {r["status"] for r in rows} == {"sent"}
    assert sorted(r["customer"] for r in rows) == sorted(audience.values())
    received = topics(slow_push, audience)
    # every row reached its subscriber under its own Topic; a send cut off by the kill went out again under
    # the same Topic, which a push service takes as a replacement of the first, never as a second message
    assert set(received) == {f"care-{r['id']}" for r in rows}
    assert {t for t, n in received.items() if n > 1} <= in_flight
    by_subscriber = Counter(d.subscriber_id for d in slow_push.deliveries if d.subscriber_id in audience)
    assert set(by_subscriber) == set(audience)
    inbox = await raw("SELECT count(*) AS n, count(DISTINCT dedupe_key) AS d FROM inbox_message WHERE dedupe_key LIKE 'care:%' "
                      "AND customer IN (SELECT customer FROM care_outbox WHERE campaign = {})", campaign["id"])
    assert inbox[0]["n"] == inbox[0]["d"] == 150  # and each message filed once in the wallet inbox


async def test_task_worker_killed_mid_batch_then_restarted_creates_each_task_once(world, slow_push):
    audience = await subscribed_audience(world, slow_push, 120, "kill-task")
    ids = list(audience.values())
    # the task is made in the row's first transaction, the push goes out after it: the push service holds every
    # push, so the worker is stopped for certain after some tasks were made and before the batch is finished
    campaign = await campaign_for(world, "kill-task", "2027-07-02", message=MESSAGE, channels=["push"],
                                  task={"script": {"zh-CN": "致电 {{ name }}，邀请参加夏日驿站"}})
    await planner.plan(now=at(2027, 7, 2, 2, 0), force=True, campaign_ids=[campaign["id"]])
    slow_push.hold_after(0)
    first = Worker(at(2027, 7, 2, 3, 0), lease_seconds=3, name="task-1")
    try:
        await wait_until(lambda: _tasks_made_and_held(slow_push, campaign["id"], 30), timeout=90)
        first.kill()
    finally:
        first.stop()
    assert 0 < await _tasks(campaign["id"]) < 120 and await open_rows(campaign["id"]) > 0, \
        "the kill did not land in the middle of the work"
    slow_push.release()
    second = Worker(at(2027, 7, 2, 3, 1), lease_seconds=3, name="task-2")
    try:
        await wait_until(lambda: _no_open_rows(campaign["id"]))
    finally:
        second.stop()
    tasks = await raw("SELECT customer, outbox_id FROM care_task WHERE campaign = {}", campaign["id"])
    assert sorted(t["customer"] for t in tasks) == sorted(ids)
    assert len({t["outbox_id"] for t in tasks}) == len(tasks) == 120
    rows = await raw("SELECT id, status FROM care_outbox WHERE campaign = {}", campaign["id"])
    assert {r["status"] for r in rows} == {"sent"}
    assert set(topics(slow_push, audience)) == {f"care-{r['id']}" for r in rows}


async def test_two_workers_at_once_never_send_twice(world, slow_push):
    audience = await subscribed_audience(world, slow_push, 150, "two-workers")
    campaign = await campaign_for(world, "two-workers", "2027-07-03", message=MESSAGE, channels=["push"],
                                  task={"script": {"zh-CN": "回访 {{ name }}"}})
    await planner.plan(now=at(2027, 7, 3, 2, 0), force=True, campaign_ids=[campaign["id"]])
    workers = [Worker(at(2027, 7, 3, 3, 0), lease_seconds=60, name=f"pair-{n}") for n in (1, 2)]
    try:
        await wait_until(lambda: _no_open_rows(campaign["id"]))
    finally:
        for worker in workers:
            worker.stop()
    rows = await raw("SELECT id, status, attempts FROM care_outbox WHERE campaign = {}", campaign["id"])
    assert {r["status"] for r in rows} == {"sent"} and {r["attempts"] for r in rows} == {1}
    received = topics(slow_push, audience)
    assert set(received) == {f"care-{r['id']}" for r in rows} and set(received.values()) == {1}  # no Topic twice
    tasks = await raw("SELECT count(*) AS n, count(DISTINCT outbox_id) AS d FROM care_task WHERE campaign = {}", campaign["id"])
    assert tasks[0]["n"] == tasks[0]["d"] == 150


async def _at_least(value: int, n: int) -> bool:
    return value >= n


async def _no_open_rows(campaign_id: int) -> bool:
    return await open_rows(campaign_id) == 0


async def _tasks(campaign_id: int) -> int:
    return (await raw("SELECT count(*) AS n FROM care_task WHERE campaign = {}", campaign_id))[0]["n"]


async def _tasks_made_and_held(service: SlowPushService, campaign_id: int, n: int) -> bool:
    return service.held > 0 and await _tasks(campaign_id) >= n


async def _killable(service: SlowPushService, campaign_id: int) -> bool:
    """Some rows are answered and written, and the worker waits on the push service for others."""
    sent = await raw("SELECT count(*) AS n FROM care_outbox WHERE campaign = {} AND status = 'sent'", campaign_id)
    return service.held > 0 and sent[0]["n"] > 0
