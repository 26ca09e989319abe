"""A write block whose effects are undone if it raises, while the caller's larger transaction goes on."""

from __future__ import annotations

import contextlib
from typing import AsyncIterator

from regulars.core.db import engine, writing


@contextlib.asynccontextmanager
async def undone_on_error() -> AsyncIterator[None]:
    """A savepoint inside the current write unit (a follow that issues a coupon: an empty stock must not undo the follow)."""
    async with writing():
        savepoint = await engine().current_transaction.get().savepoint()
        try:
            yield
        except BaseException:
            await savepoint.rollback_to()
            raise
        await savepoint.release()
