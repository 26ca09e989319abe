"""Failure counters with a growing back-off, kept in the database so every process shares them."""

from __future__ import annotations

import datetime as dt

from regulars.core import clock
from regulars.core.db import raw
from regulars.core.errors import TooManyRequests

MAX_BACKOFF = dt.timedelta(minutes=15)


async def check(key: str, *, message: str | None = None) -> None:
    """Refuses with 429 while `key` is backed off."""
    now = clock.now()
    rows = await raw("SELECT blocked_until FROM rate_counter WHERE key = {}", key)
    if rows and rows[0]["blocked_until"] is not None:
        blocked = clock.aware(rows[0]["blocked_until"])
        if blocked > now:
            raise TooManyRequests(message, retry_after=max(1, int((blocked - now).total_seconds() + 0.999)))


async def fail(key: str, *, free: int, window: dt.timedelta, per_window: int) -> None:
    """Counts one failure; past `free` in a row the wait doubles, past `per_window` it lasts the window."""
    now = clock.now()
    rows = await raw(
        """
        INSERT INTO rate_counter (key, window_start, count, failures, blocked_until)
        VALUES ({}, {}, 1, 1, NULL)
        ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN rate_counter.window_start < {} THEN 1 ELSE rate_counter.count + 1 END,
            window_start = CASE WHEN rate_counter.window_start < {} THEN {} ELSE rate_counter.window_start END,
            failures = rate_counter.failures + 1
        RETURNING count, failures, window_start
        """,
        key, now, now - window, now - window, now,
    )
    count, failures = rows[0]["count"], rows[0]["failures"]
    blocked_until = None
    if count >= per_window:
        blocked_until = clock.aware(rows[0]["window_start"]) + window
    elif failures > free:
        blocked_until = now + min(MAX_BACKOFF, dt.timedelta(seconds=2 ** (failures - free - 1)))
    if blocked_until is not None:
        await raw("UPDATE rate_counter SET blocked_until = {} WHERE key = {}", blocked_until, key)


async def hit(key: str, *, limit: int, window: dt.timedelta, message: str | None = None) -> None:
    """Counts one use and refuses with 429 once `limit` uses fall in one window."""
    now = clock.now()
    rows = await raw(
        """
        INSERT INTO rate_counter (key, window_start, count, failures, blocked_until)
        VALUES ({}, {}, 1, 0, NULL)
        ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN rate_counter.window_start < {} THEN 1 ELSE rate_counter.count + 1 END,
            window_start = CASE WHEN rate_counter.window_start < {} THEN {} ELSE rate_counter.window_start END
        RETURNING count, window_start
        """,
        key, now, now - window, now - window, now,
    )
    if rows[0]["count"] > limit:
        ends = clock.aware(rows[0]["window_start"]) + window
        raise TooManyRequests(message, retry_after=max(1, int((ends - now).total_seconds() + 0.999)))


async def succeed(key: str) -> None:
    await raw("UPDATE rate_counter SET failures = 0, blocked_until = NULL WHERE key = {}", key)
