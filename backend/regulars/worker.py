"""Background work: run inside `regulars serve` by default, or as `regulars worker` processes at scale.

Each registered job runs at most once per interval across every process: a round starts
by taking the job's lease in the database with one conditional UPDATE, so several API
processes and workers never run the same round twice. Jobs are idempotent besides, so a
round cut short by a crash is simply done again once the lease runs out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass
from typing import Awaitable, Callable

from regulars.core import clock, db, process
from regulars.core.db import raw, writing

log = logging.getLogger("regulars.worker")
Job = Callable[[], Awaitable[None]]
OWNER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Registered:
    name: str
    every: dt.timedelta
    job: Job
    lease: dt.timedelta
    exclusive: bool = True


_jobs: dict[str, Registered] = {}
_next_try: dict[str, dt.datetime] = {}  # this process's own guess, to spare the database needless claims


def register(name: str, every_seconds: float, job: Job, *, lease_seconds: float | None = None,
             exclusive: bool = True) -> None:
    """Adds a job; `lease_seconds` bounds how long a crashed runner keeps others from retrying.

    A job that is not `exclusive` runs in every process on that process's own schedule: for work
    that coordinates row by row (the care dispatcher's row leases), where more runners mean more
    throughput rather than a repeated round."""
    every = dt.timedelta(seconds=every_seconds)
    lease = dt.timedelta(seconds=lease_seconds) if lease_seconds else max(every, dt.timedelta(seconds=60))
    _jobs[name] = Registered(name, every, job, lease, exclusive)


def registered() -> list[str]:
    return sorted(_jobs)


async def claim(entry: Registered) -> dt.datetime | None:
    """Takes this round of the job if nobody ran it within its interval; returns the start time."""
    now = clock.now()
    async with writing():
        await raw(
            "INSERT INTO job_lease (name, owner, lease_until, last_error) VALUES ({}, '', {}, '') "
            "ON CONFLICT (name) DO NOTHING",
            entry.name, now - dt.timedelta(days=1),
        )
        rows = await raw(
            "UPDATE job_lease SET owner = {}, lease_until = {}, last_started_at = {} "
            "WHERE name = {} AND lease_until <= {} RETURNING id",
            OWNER, now + entry.lease, now, entry.name, now,
        )
    return now if rows else None


async def finish(entry: Registered, started: dt.datetime, error: str = "") -> None:
    """Ends the round: the next may start one interval after this one started."""
    now = clock.now()
    async with writing():
        await raw(
            "UPDATE job_lease SET lease_until = {}, last_finished_at = {}, last_error = {} WHERE name = {} AND owner = {}",
            max(started + entry.every, now), now, error[:500], entry.name, OWNER,
        )


async def run_round(names: list[str] | None = None) -> list[str]:
    """Runs every due job this process can claim; returns the names it ran."""
    ran = []
    for entry in list(_jobs.values()):
        if names is not None and entry.name not in names:
            continue
        if names is None and _next_try.get(entry.name, clock.now()) > clock.now():
            continue
        if not entry.exclusive:
            _next_try[entry.name] = clock.now() + entry.every
            try:
                with db.heavy():
                    await entry.job()
                ran.append(entry.name)
            except Exception:
                log.exception("job %s failed; it runs again next round", entry.name)
            continue
        try:
            started = await claim(entry)
            if started is None:
                _next_try[entry.name] = clock.now() + min(entry.every, dt.timedelta(seconds=15))
                continue
            _next_try[entry.name] = started + entry.every
        except Exception:
            log.exception("could not claim job %s", entry.name)
            continue
        error = ""
        try:
            with db.heavy():  # a round's writes run off the event loop, which goes on answering requests
                await entry.job()
            ran.append(entry.name)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.exception("job %s failed; it runs again next round", entry.name)
        try:
            await finish(entry, started, error)
        except Exception:
            log.exception("could not release job %s", entry.name)
    return ran


async def loop(stop: asyncio.Event | None = None, once: bool = False, tick: float = 1.0) -> None:
    while True:
        await run_round()
        if once or (stop is not None and stop.is_set()):
            return
        try:
            await asyncio.wait_for((stop or asyncio.Event()).wait(), timeout=tick)
        except asyncio.TimeoutError:
            pass


async def run_forever(once: bool = False) -> None:
    from regulars.app import create_app

    create_app()  # imports every room, which registers its jobs
    await db.start()
    process.settle()
    try:
        await loop(once=once)
    finally:
        await db.stop()
