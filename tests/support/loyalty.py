"""Helpers for points and purchases tests: customers over HTTP, principals, the ledger invariant."""

from __future__ import annotations

import asyncio
import uuid

from regulars.core.auth import Principal
from regulars.core.db import raw
from tests.support.world import World, new_phone


def key() -> str:
    return uuid.uuid4().hex


def principal(world: World, name: str) -> Principal:
    staff = world.staff[name]
    return Principal(staff_id=staff.id, username=staff.username, display_name=staff.display_name,
                     role=staff.role, store_id=staff.store_id)


async def new_customer(client, **fields) -> int:
    response = await client.post("/api/v1/customers", json={"phone": new_phone(), "name": "积分客户"} | fields,
                                 headers={"Idempotency-Key": key()})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def balance_and_ledger(customer_id: int) -> tuple[int, int] | None:
    """The cached balance and the ledger sum, read in one statement (one snapshot on either engine)."""
    rows = await raw(
        "SELECT b.balance AS balance, (SELECT COALESCE(SUM(e.points), 0) FROM points_entry e WHERE e.customer = b.customer) AS ledger "
        "FROM points_balance b WHERE b.customer = {}",
        customer_id,
    )
    return (rows[0]["balance"], int(rows[0]["ledger"])) if rows else None


class InvariantWatch:
    """Samples balance and ledger sum while a burst runs; every sample must be >= 0 and agree."""

    def __init__(self, customer_id: int):
        self.customer_id = customer_id
        self.samples: list[tuple[int, int]] = []
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while not self._stop.is_set():
            found = await balance_and_ledger(self.customer_id)
            if found is not None:
                self.samples.append(found)
            await asyncio.sleep(0.002)

    async def __aenter__(self) -> "InvariantWatch":
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    async def __aexit__(self, *exc) -> None:
        self._stop.set()
        await self._task
        found = await balance_and_ledger(self.customer_id)
        if found is not None:
            self.samples.append(found)

    def check(self) -> None:
        assert self.samples, "no sample taken"
        bad = [s for s in self.samples if s[0] < 0 or s[0] != s[1]]
        assert not bad, f"balance/ledger broke the invariant: {bad[:5]}"
