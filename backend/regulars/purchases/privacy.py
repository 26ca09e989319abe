"""The purchases room's part in a customer's data export and erasure."""

from __future__ import annotations

import msgspec

from regulars.core.db import raw
from regulars.customers import privacy
from regulars.purchases import service


async def export_section(customer_id: int) -> list[dict]:
    return [msgspec.to_builtins(p) for p in await service.all_of(customer_id)]


async def erase(customer_id: int) -> None:
    """Amounts, categories and times stay for the aggregates; notes typed about the customer go."""
    await raw("UPDATE purchase SET note = '' WHERE customer = {} AND note <> ''", customer_id)


privacy.register_export_section("purchases", export_section)
privacy.register_erasure_hook(erase)
