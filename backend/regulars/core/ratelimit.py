"""Attempt and failure counters with a growing back-off, kept in the database so every process shares them.

A counter row per key holds a fixed window (`window_start`, `count`), the failures in that window and, while
backed off, `blocked_until`. Every decision is one conditional statement, so concurrent requests cannot
pass a limit together: `attempt` takes one of the window's attempts or refuses, whatever else is in flight.
"""

from __future__ import annotations

import datetime as dt

from regulars.core import clock
from regulars.core.db import delete_in_batches, raw
from regulars.core.errors import TooManyRequests

MAX_BACKOFF = dt.timedelta(minutes=15)
# No limit counts over a longer window, so a counter whose window began longer ago than this (and that is not
# blocked) can refuse nothing: its key's next use starts a fresh window anyway. `forget_old` deletes those.
LONGEST_WINDOW = dt.timedelta(days=1)


def _checked(window: dt.timedelta) -> dt.timedelta:
    if window > LONGEST_WINDOW:
        raise ValueError(f"a limit's window is at most {LONGEST_WINDOW}, not {window}")
    return window


def _retry_after(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, int((until - now).total_seconds() + 0.999))


async def check(key: str, *, message: str | None = None) -> None:
    """Refuses with 429 while `key` is backed off."""
    await check_all((key,), message=message)


async def check_all(keys: tuple[str, ...], *, message: str | None = None) -> None:
    """Refuses with 429 while any of `keys` is backed off: one indexed read for all of them."""
    now = clock.now()
    marks = ", ".join("{}" for _ in keys)
    rows = await raw(f"SELECT blocked_until FROM rate_counter WHERE key IN ({marks}) AND blocked_until IS NOT NULL",
                     *keys)
    latest = max((clock.aware(r["blocked_until"]) for r in rows), default=None)
    if latest is not None and latest > now:
        raise TooManyRequests(message, retry_after=_retry_after(latest, now))


async def attempt(key: str, *, window: dt.timedelta, per_window: int, message: str | None = None) -> None:
    """Takes one of the `per_window` attempts of the current window, or refuses with 429 (spent or backed off).

    Call `fail` when the attempt failed and `succeed` when it succeeded (which gives the attempt back).
    """
    now = clock.now()
    rolled = now - _checked(window)
    taken = await raw(
        """
        INSERT INTO rate_counter (key, window_start, count, failures, blocked_until)
        VALUES ({}, {}, 1, 0, NULL)
        ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN rate_counter.window_start < {} THEN 1 ELSE rate_counter.count + 1 END,
            failures = CASE WHEN rate_counter.window_start < {} THEN 0 ELSE rate_counter.failures END,
            window_start = CASE WHEN rate_counter.window_start < {} THEN {} ELSE rate_counter.window_start END
        WHERE (rate_counter.blocked_until IS NULL OR rate_counter.blocked_until <= {})
          AND (rate_counter.window_start < {} OR rate_counter.count < {})
        RETURNING count
        """,
        key, now, rolled, rolled, rolled, now, now, rolled, per_window,
    )
    if taken:
        return
    rows = await raw("SELECT window_start, count, blocked_until FROM rate_counter WHERE key = {}", key)
    ends = []
    if rows and rows[0]["count"] >= per_window:
        ends.append(clock.aware(rows[0]["window_start"]) + window)
    if rows and rows[0]["blocked_until"] is not None:
        ends.append(clock.aware(rows[0]["blocked_until"]))
    raise TooManyRequests(message, retry_after=_retry_after(max(ends, default=now), now))


async def release(key: str) -> None:
    """Gives back an attempt that was taken but not made (another limit refused the request)."""
    await raw("UPDATE rate_counter SET count = count - 1 WHERE key = {} AND count > 0", key)


async def fail(key: str, *, free: int, window: dt.timedelta, per_window: int | None = None,
               counted: bool = False) -> None:
    """Counts one failure in the window; past `free` of them each one doubles the wait (up to 15 minutes), and
    once `per_window` are counted the key is blocked until the window ends.

    `counted=True` when `attempt` already counted this request in the window.
    """
    now = clock.now()
    rolled = now - _checked(window)
    step = 0 if counted else 1
    rows = await raw(
        """
        INSERT INTO rate_counter (key, window_start, count, failures, blocked_until)
        VALUES ({}, {}, 1, 1, NULL)
        ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN rate_counter.window_start < {} THEN 1 ELSE rate_counter.count + {} END,
            failures = CASE WHEN rate_counter.window_start < {} THEN 1 ELSE rate_counter.failures + 1 END,
            window_start = CASE WHEN rate_counter.window_start < {} THEN {} ELSE rate_counter.window_start END
        RETURNING count, failures, window_start, blocked_until
        """,
        key, now, rolled, step, rolled, rolled, now,
    )
    row = rows[0]
    count, failures = row["count"], row["failures"]
    blocked_until = None
    if per_window is not None and count >= per_window:
        blocked_until = clock.aware(row["window_start"]) + window
    elif failures > free:
        blocked_until = now + min(MAX_BACKOFF, dt.timedelta(seconds=2 ** min(failures - free - 1, 20)))
    if blocked_until is not None:
        # Concurrent failures each propose a wait: the longest stands.
        await raw("UPDATE rate_counter SET blocked_until = {} WHERE key = {} "
                  "AND (blocked_until IS NULL OR blocked_until < {})", blocked_until, key, blocked_until)


async def succeed(key: str, *, counted: bool = False) -> None:
    """Ends the back-off of `key` after a success; with `counted=True` also gives its attempt back."""
    step = 1 if counted else 0
    await raw("UPDATE rate_counter SET failures = 0, blocked_until = NULL, "
              "count = CASE WHEN count >= {} THEN count - {} ELSE 0 END WHERE key = {}", step, step, key)


async def hit(key: str, *, limit: int, window: dt.timedelta, message: str | None = None) -> None:
    """Counts one use and refuses with 429 once `limit` uses fall in one window."""
    now = clock.now()
    _checked(window)
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
        raise TooManyRequests(message, retry_after=_retry_after(ends, now))


async def forget_old(now: dt.datetime | None = None) -> int:
    """Deletes the counters that can no longer refuse anything (see LONGEST_WINDOW). Their keys name phone
    numbers and client addresses (`otp:phone-day:138…`), which are kept no longer than they serve a limit."""
    now = now or clock.now()
    return await delete_in_batches("rate_counter", "window_start < {} AND (blocked_until IS NULL OR blocked_until <= {})",
                                   now - LONGEST_WINDOW, now)
