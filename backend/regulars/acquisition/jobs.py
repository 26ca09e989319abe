"""Background work of acquisition: due erasure requests, and forgetting spent one-time codes."""

from __future__ import annotations

from regulars import worker
from regulars.acquisition import account, otp


async def _erase_due() -> None:
    while await account.erase_due() > 0:
        pass


async def _forget_codes() -> None:
    await otp.forget_old()


worker.register("acquisition.erase_due", 300, _erase_due)
worker.register("acquisition.forget_codes", 3600, _forget_codes)
