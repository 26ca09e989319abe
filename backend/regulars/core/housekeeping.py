"""Background work of the plumbing: forgetting rate-limit counters and Idempotency-Keys that decide nothing more."""

from __future__ import annotations

from regulars import worker
from regulars.core import idempotency, ratelimit


async def forget() -> None:
    await ratelimit.forget_old()
    await idempotency.forget_old()


worker.register("core.forget", 3600, forget)
