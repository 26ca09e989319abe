"""Churn risk to clerk tasks: the customers a manager picked from the list, each with its suggested action
as the task's script, for the chosen clerk, the customer's own clerk, or the store's pool."""

from __future__ import annotations

import datetime as dt

from regulars.care import tasks
from regulars.core import clock, idempotency
from regulars.core.auth import Principal
from regulars.core.db import marks, raw
from regulars.core.errors import BadInput
from regulars.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from regulars.core.idempotency import Outcome
from regulars.reports import churn, schemas
from regulars.reports.filters import Filters
from regulars.stores import service as stores


async def assign(actor: Principal, data: schemas.ChurnAssign, key: str | None) -> Outcome:
    """Once per Idempotency-Key: a replay answers what the first request did."""
    async def action() -> tuple[int, schemas.ChurnAssigned]:
        return 201, await _assign(actor, data)

    return await idempotency.run(f"reports.churn_assign:{actor.staff_id}", key, data, action)


async def _assign(actor: Principal, data: schemas.ChurnAssign) -> schemas.ChurnAssigned:
    ids = sorted(set(data.customer_ids))
    zone = await stores.store_timezone(actor.store_id, actor)
    today = clock.today_in(zone)
    filters = Filters(date_from=today, date_to=today, store_id=None if actor.is_admin else actor.store_id,
                      clerk_id=None, channel_id=None, campaign_id=None, timezone=zone,
                      params={"lapsed_days": str(data.lapsed_days), "contract_days": str(data.contract_days)})
    # the script is written in the customer's language, as a campaign's task is (not the manager's screen's)
    languages: dict[str, list[int]] = {}
    for row in await raw(f"SELECT id, language FROM customer WHERE id IN ({marks(len(ids))})", *ids) if ids else []:
        languages.setdefault(row["language"] if row["language"] in LANGUAGES else DEFAULT_LANGUAGE, []).append(row["id"])
    found: dict[int, dict] = {}
    spoken: dict[int, str] = {}
    for language, group in languages.items():
        for customer_id, row in (await churn.details(filters, group, language)).items():
            found[customer_id], spoken[customer_id] = row, language
    items, scripts = [], {}
    for customer_id, row in sorted(found.items()):
        clerk = data.clerk_id if data.clerk_id is not None else row["clerk_id"]
        if clerk is not None and not await stores.active_clerk_in_store(clerk, row["store_id"]):
            if data.clerk_id is not None:
                raise BadInput("report.assign_clerk", field="clerk_id", id=data.clerk_id)
            clerk = None  # the customer's clerk left the store: the pool takes it
        items.append((customer_id, row["store_id"], clerk))
        zh = spoken[customer_id] == "zh-CN"
        scripts[customer_id] = f"{row['action']}（{row['reason']}）" if zh else f"{row['action']} ({row['reason']})"
    given: list[int] = []
    for script in sorted(set(scripts.values())):
        batch = [item for item in items if scripts[item[0]] == script]
        given += await tasks.assign(actor, batch, script, today + dt.timedelta(days=data.due_in_days))
    return schemas.ChurnAssigned(assigned=sorted(given), already_open=sorted(set(found) - set(given)),
                                 not_at_risk=[i for i in ids if i not in found])
