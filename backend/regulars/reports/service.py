"""Runs a named report with the caller's filters and reach."""

from __future__ import annotations

from typing import Any

from regulars.core.auth import Principal
from regulars.core.errors import NotFound
from regulars.reports import messages  # noqa: F401  (registers the room's messages)
from regulars.reports import profiles  # noqa: F401  (each module registers its report)
from regulars.reports import filters as report_filters
from regulars.reports import registry
from regulars.stores import service as stores


def available() -> list[str]:
    return registry.names()


async def run(actor: Principal, name: str, query: dict[str, Any], lang: str) -> registry.Table:
    report = registry.get(name)
    if report is None:
        raise NotFound("report.not_found", name=name[:40])
    zone = await stores.store_timezone(actor.store_id if not actor.is_admin else _int(query.get("store")))
    filters = report_filters.parse(actor, query, zone)
    table = await report.compute(filters, lang)
    table.filters = {"from": filters.date_from.isoformat(), "to": filters.date_to.isoformat(),
                     "store": filters.store_id, "clerk": filters.clerk_id, "channel": filters.channel_id,
                     "campaign": filters.campaign_id, "timezone": filters.timezone}
    return table


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
