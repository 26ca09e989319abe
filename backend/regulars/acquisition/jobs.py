"""Background work of acquisition: forgetting spent one-time codes (they hold phone numbers) and old counter events."""

from __future__ import annotations

from regulars import worker
from regulars.acquisition import counter, otp


async def _forget_codes() -> None:
    await otp.forget_old()
    await counter.forget_old()


worker.register("acquisition.forget_codes", 3600, _forget_codes)
