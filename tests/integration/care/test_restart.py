"""Restart safety with real `regulars worker` processes: killed with SIGKILL in the middle of a batch
and started again, and two at once; deliveries are counted at the channel."""

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from regulars.care import planner
from regulars.core import clock
from regulars.core.db import raw
from tests.support.care import at, create_campaign, customer, task_campaign
from tests.support.care_channels import Receiver
from tests.support.server import ROOT

MESSAGE = {"templates": {"zh-CN": {"title": "夏日驿站", "body": "{{ name }}，炎炎夏日，来店里喝杯凉茶吧。"}}}


class Worker:
    """A `regulars worker` process whose clock reads `now`, with the test receiver as its push channel."""

    def __init__(self, now: dt.datetime, receiver: Receiver | None, lease_seconds: int, name: str):
        offset = (now - clock.now()).total_seconds()
        log = Path(os.environ["REGULARS_VAR_DIR"]) / f"worker-{name}.log"
        env = {**os.environ, "REGULARS_CLOCK_OFFSET_SECONDS": str(offset), "REGULARS_CARE_LEASE_SECONDS": str(lease_seconds),
               "REGULARS_CARE_BATCH": "50", "REGULARS_CARE_DISPATCH_EVERY": "0.2", "REGULARS_CARE_PLAN_EVERY": "3600",
               "REGULARS_CARE_ALERTS_EVERY": "3600", "REGULARS_LOG_LEVEL": "WARNING"}
        if receiver is not None:
            env["REGULARS_TEST_RECEIVER_URL"] = receiver.url
        self.log = log
        self.process = subprocess.Popen([sys.executable, "-m", "tests.support.care_worker"], cwd=ROOT, env=env,
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


async def open_rows(campaign_id: int) -> int:
    rows = await raw("SELECT count(*) AS n FROM care_outbox WHERE campaign = {} AND status IN ('pending', 'sending')",
                     campaign_id)
    return rows[0]["n"]


async def wait_until(condition, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def audience(world, size: int, tag: str) -> list[int]:
    return [await customer(world, tags=[tag]) for _ in range(size)]


async def campaign_for(world, tag: str, day: str, **body) -> dict:
    segment = (await world.manager_a.post("/api/v1/care/segments", json={"name": tag, "filters": {"tags_any": [tag]}})).json()
    return await create_campaign(world.manager_a, {"name": tag, "occasion": {"kind": "date_range"}, "status": "active",
                                                   "starts_on": day, "ends_on": day, "holdout_percent": 0,
                                                   "segment_id": segment["id"], **body})


async def test_push_worker_killed_mid_batch_then_restarted_delivers_each_row_once(world):
    receiver = Receiver(delay=0.1)
    ids = await audience(world, 200, "kill-push")
    campaign = await campaign_for(world, "kill-push", "2027-07-01", message=MESSAGE, channels=["push"])
    assert await planner.plan(now=at(2027, 7, 1, 2, 0), force=True, campaign_ids=[campaign["id"]]) == 200
    first = Worker(at(2027, 7, 1, 3, 0), receiver, lease_seconds=3, name="push-1")
    try:
        await wait_until(lambda: _async(receiver.total() >= 60), timeout=60)
        first.kill()
    finally:
        first.stop()
    in_flight = {r["id"] for r in await raw("SELECT id FROM care_outbox WHERE campaign = {} AND status = 'sending'",
                                            campaign["id"])}
    assert 0 < await open_rows(campaign["id"]) < 200, "the kill did not land in the middle of the work"
    second = Worker(at(2027, 7, 1, 3, 1), receiver, lease_seconds=3, name="push-2")
    try:
        await wait_until(lambda: _no_open_rows(campaign["id"]))
    finally:
        second.stop()
        receiver.close()
    rows = await raw("SELECT id, customer, status FROM care_outbox WHERE campaign = {}", campaign["id"])
    assert {r["status"] for r in rows} == {"sent"}
    assert sorted(r["customer"] for r in rows) == sorted(ids)
    # one delivery per row at the receiver: a row whose send was cut off by the kill went out again under
    # the same Topic, which a push service treats as a replacement, never as a second message
    assert set(receiver.posts) == {f"care-{r['id']}" for r in rows}
    repeated = {topic for topic, n in receiver.posts.items() if n > 1}
    assert repeated <= {f"care-{i}" for i in in_flight}
    assert all(n <= 2 for n in receiver.posts.values())


async def test_task_worker_killed_mid_batch_then_restarted_creates_each_task_once(world):
    ids = await audience(world, 300, "kill-task")
    campaign = await campaign_for(world, "kill-task", "2027-07-02",
                                  task={"script": {"zh-CN": "致电 {{ name }}，邀请参加夏日驿站"}})
    await planner.plan(now=at(2027, 7, 2, 2, 0), force=True, campaign_ids=[campaign["id"]])
    first = Worker(at(2027, 7, 2, 3, 0), None, lease_seconds=3, name="task-1")
    try:
        await wait_until(lambda: _tasks_at_least(campaign["id"], 30), timeout=60)
        first.kill()
    finally:
        first.stop()
    assert await open_rows(campaign["id"]) > 0, "the kill did not land in the middle of the work"
    second = Worker(at(2027, 7, 2, 3, 1), None, lease_seconds=3, name="task-2")
    try:
        await wait_until(lambda: _no_open_rows(campaign["id"]))
    finally:
        second.stop()
    tasks = await raw("SELECT customer, outbox_id FROM care_task WHERE campaign = {}", campaign["id"])
    assert sorted(t["customer"] for t in tasks) == sorted(ids)
    assert len({t["outbox_id"] for t in tasks}) == len(tasks) == 300


async def test_two_workers_at_once_never_send_twice(world):
    receiver = Receiver(delay=0.02)
    await audience(world, 300, "two-workers")
    campaign = await campaign_for(world, "two-workers", "2027-07-03", message=MESSAGE, channels=["push"],
                                  task={"script": {"zh-CN": "回访 {{ name }}"}})
    await planner.plan(now=at(2027, 7, 3, 2, 0), force=True, campaign_ids=[campaign["id"]])
    workers = [Worker(at(2027, 7, 3, 3, 0), receiver, lease_seconds=60, name=f"pair-{n}") for n in (1, 2)]
    try:
        await wait_until(lambda: _no_open_rows(campaign["id"]))
    finally:
        for worker in workers:
            worker.stop()
        receiver.close()
    rows = await raw("SELECT id, status, attempts, lease_owner FROM care_outbox WHERE campaign = {}", campaign["id"])
    assert {r["status"] for r in rows} == {"sent"} and {r["attempts"] for r in rows} == {1}
    assert receiver.total() == len(receiver.posts) == 300  # no Topic posted twice
    tasks = await raw("SELECT count(*) AS n, count(DISTINCT outbox_id) AS d FROM care_task WHERE campaign = {}", campaign["id"])
    assert tasks[0]["n"] == tasks[0]["d"] == 300
    owners = await raw("SELECT count(DISTINCT outcome_by) AS n FROM care_task WHERE campaign = {}", campaign["id"])
    assert owners[0]["n"] == 0


async def _async(value):
    return value


async def _no_open_rows(campaign_id: int) -> bool:
    return await open_rows(campaign_id) == 0


async def _tasks_at_least(campaign_id: int, n: int) -> bool:
    return (await raw("SELECT count(*) AS n FROM care_task WHERE campaign = {}", campaign_id))[0]["n"] >= n
