"""Background work: run inside `regulars serve` by default, or as `regulars worker` processes at scale.

Each job is idempotent and coordinates through the database, never process memory,
so any number of workers (and servers running jobs) can run side by side.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from regulars.core import db

log = logging.getLogger("regulars.worker")
Job = Callable[[], Awaitable[None]]

_jobs: list[tuple[str, float, Job]] = []


def register(name: str, every_seconds: float, job: Job) -> None:
    _jobs.append((name, every_seconds, job))


async def run_due(clock_now: float, last_run: dict[str, float]) -> None:
    for name, every, job in _jobs:
        if clock_now - last_run.get(name, 0.0) >= every:
            last_run[name] = clock_now
            try:
                await job()
            except Exception:
                log.exception("job %s failed; it will run again next round", name)


async def loop(stop: asyncio.Event | None = None, once: bool = False) -> None:
    last_run: dict[str, float] = {}
    event_loop = asyncio.get_running_loop()
    while True:
        await run_due(event_loop.time(), last_run)
        if once or (stop is not None and stop.is_set()):
            return
        try:
            await asyncio.wait_for(stop.wait() if stop else asyncio.sleep(1.0), timeout=1.0)
        except asyncio.TimeoutError:
            pass


async def run_forever(once: bool = False) -> None:
    await db.start()
    try:
        await loop(once=once)
    finally:
        await db.stop()
