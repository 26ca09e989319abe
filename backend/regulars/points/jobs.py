"""Background work of the points room (lot expiry, bulk grants), its invariant, and its part in export and erasure."""

from __future__ import annotations

import msgspec

from regulars import worker
from regulars.core import invariants
from regulars.core.db import raw
from regulars.customers import privacy
from regulars.points import grants, service


async def expire_lots() -> None:
    await service.expire_due()


async def ledger_matches_balances() -> list[str]:
    return [f"customer {d.customer_id}: balance {d.balance}, ledger {d.ledger}, lots {d.lots}" for d in await service.reconcile()]


async def export_section(customer_id: int) -> dict:
    return {
        "balance": await service.balance(customer_id),
        "ledger": [msgspec.to_builtins(e) for e in await service.entries_of(customer_id)],
    }


async def erase(customer_id: int) -> None:
    """Amounts stay for the aggregates; the free text a manager typed about the customer goes."""
    await raw("UPDATE points_entry SET reason = '' WHERE customer = {} AND reason <> ''", customer_id)


worker.register("points.expire", 600, expire_lots)
worker.register("points.grants", 15, grants.resume)
invariants.register("points.ledger", ledger_matches_balances)
privacy.register_export_section("points", export_section)
privacy.register_erasure_hook(erase)
