"""What care holds about a customer, for the personal-data export and for erasure."""

from __future__ import annotations

from typing import Any

from regulars.core import clock
from regulars.core.db import raw
from regulars.customers import privacy


async def export_section(customer_id: int) -> dict[str, Any]:
    contacts = await raw(
        "SELECT o.occasion_date, o.status, o.channel, o.contacted_at, cp.name AS campaign FROM care_outbox o "
        "LEFT JOIN care_campaign cp ON cp.id = o.campaign WHERE o.customer = {} ORDER BY o.id", customer_id)
    task_rows = await raw(
        "SELECT t.due_on, t.status, t.outcome, t.outcome_at, t.script, t.note, cp.name AS campaign FROM care_task t "
        "LEFT JOIN care_campaign cp ON cp.id = t.campaign WHERE t.customer = {} ORDER BY t.id", customer_id)
    return {"contacts": [_plain(r) for r in contacts], "tasks": [_plain(r) for r in task_rows]}


async def erase(customer_id: int) -> None:
    """Open tasks and waiting contacts go; scripts and notes of past tasks are blanked; counts stay."""
    await raw("DELETE FROM care_task WHERE customer = {} AND status = 'open'", customer_id)
    await raw("UPDATE care_task SET script = '', note = '' WHERE customer = {}", customer_id)
    await raw("UPDATE care_outbox SET status = 'cancelled', finished_at = {}, lease_owner = NULL, lease_until = NULL "
              "WHERE customer = {} AND status = 'pending'", clock.now(), customer_id)


def _plain(row: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


privacy.register_export_section("care", export_section)
privacy.register_erasure_hook(erase)
