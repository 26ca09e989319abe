"""Limits on unknown coupon codes, per staff member and per client address, so that codes cannot be guessed.

Only answers that say "no such code" count: a clerk who mistypes a code now and then never meets a limit,
while a script trying codes is slowed down after a few misses and stopped for the hour after many. A
legitimate redemption costs one indexed read of the counters and no write.
"""

from __future__ import annotations

import datetime as dt
from typing import Awaitable, Callable, TypeVar

from regulars.core import ratelimit
from regulars.core.auth import Principal
from regulars.core.db import writing
from regulars.core.errors import NotFound

T = TypeVar("T")

WINDOW = dt.timedelta(hours=1)
STAFF = {"free": 10, "per_window": 100}  # unknown codes per staff member per hour
CLIENT = {"free": 30, "per_window": 300}  # per client address: a store's tablets often share one


def _keys(actor: Principal) -> tuple[str, str]:
    return f"coupon-code:staff:{actor.staff_id}", f"coupon-code:client:{actor.ip or '-'}"


async def guarded(actor: Principal, attempt: Callable[[], Awaitable[T]]) -> T:
    """Runs a lookup or redemption by code unless the caller is backed off; counts it if the code was unknown."""
    staff_key, client_key = _keys(actor)
    await ratelimit.check_all((staff_key, client_key), message="coupon.code_throttled")
    try:
        return await attempt()
    except NotFound:
        async with writing():
            await ratelimit.fail(staff_key, free=STAFF["free"], window=WINDOW, per_window=STAFF["per_window"])
            await ratelimit.fail(client_key, free=CLIENT["free"], window=WINDOW, per_window=CLIENT["per_window"])
        raise
