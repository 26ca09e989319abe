"""Background jobs run once per interval across processes, and again after a failure."""

import asyncio

import pytest

from regulars import worker
from regulars.core.db import raw


@pytest.fixture
def counting_job():
    calls = []

    async def job():
        calls.append(1)

    worker.register("test.counting", 3600, job)
    yield calls
    worker._jobs.pop("test.counting", None)


async def test_job_runs_once_per_interval_even_when_many_runners_race(clean, counting_job):
    results = await asyncio.gather(*(worker.run_round(["test.counting"]) for _ in range(8)))
    assert sum(len(r) for r in results) == 1
    assert len(counting_job) == 1
    assert await worker.run_round(["test.counting"]) == []  # within the interval: nobody runs it


async def test_failed_job_records_error_and_runs_next_interval(clean):
    attempts = []

    async def flaky():
        attempts.append(1)
        raise RuntimeError("provider down")

    worker.register("test.flaky", 0.01, flaky)
    try:
        assert await worker.run_round(["test.flaky"]) == []
        rows = await raw("SELECT last_error FROM job_lease WHERE name = 'test.flaky'")
        assert "provider down" in rows[0]["last_error"]
        await asyncio.sleep(0.05)
        await worker.run_round(["test.flaky"])
        assert len(attempts) == 2
    finally:
        worker._jobs.pop("test.flaky", None)
