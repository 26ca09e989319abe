"""Runs a named report with the caller's filters and reach; the customers behind it; the ranking settings."""

from __future__ import annotations

from typing import Any

from regulars.core.auth import Principal
from regulars.core.db import raw
from regulars.core.errors import NotFound
from regulars.core.http import page
from regulars.customers import rules as customer_rules
from regulars.customers import service as customers_service
from regulars.reports import messages  # noqa: F401  (registers the room's messages)
from regulars.reports import churn, clerks, coupons, follows, points, profiles, repurchase, retention, rfm, stores, uplift  # noqa: F401
from regulars.reports import filters as report_filters
from regulars.reports import jobs  # noqa: F401  (registers the roll-up jobs)
from regulars.reports import ranking, registry, schemas
from regulars.stores import service as stores_service


def available() -> list[str]:
    return registry.names()


async def _filters(actor: Principal, query: dict[str, Any]) -> report_filters.Filters:
    store_id = actor.store_id if not actor.is_admin else report_filters.whole(query.get("store"), "store")
    return report_filters.parse(actor, query, await stores_service.store_timezone(store_id, actor))


def _report(name: str) -> registry.Report:
    report = registry.get(name)
    if report is None:
        raise NotFound("report.not_found", name=name[:40])
    return report


async def run(actor: Principal, name: str, query: dict[str, Any], lang: str) -> registry.Table:
    report = _report(name)
    filters = await _filters(actor, query)
    table = await report.compute(filters, lang)
    table.filters = {"from": filters.date_from.isoformat(), "to": filters.date_to.isoformat(),
                     "store": filters.store_id, "clerk": filters.clerk_id, "channel": filters.channel_id,
                     "campaign": filters.campaign_id, "timezone": filters.timezone, "group": filters.group or None,
                     "reads": report.reads, "drill": report.customers is not None} | table.filters
    return table


async def drill(actor: Principal, name: str, query: dict[str, Any], lang: str, limit: int, offset: int) -> schemas.DrillPage:
    """The customers behind a report's figures, within the caller's reach, masked, a page at a time."""
    report = _report(name)
    if report.customers is None:
        raise NotFound("report.no_drill", name=name)
    chosen = page(limit, offset)
    filters = await _filters(actor, query)
    sub, args = await report.customers(filters)
    reach, reach_args = customers_service.reach_sql(actor)
    where = f"c.id IN ({sub}) AND {reach}"
    total = (await raw(f"SELECT COUNT(*) AS n FROM customer c WHERE {where}", *args, *reach_args))[0]["n"]
    rows = await raw(
        f"SELECT c.id, c.name, c.phone, c.home_store, c.responsible_clerk, c.completeness FROM customer c "
        f"WHERE {where} ORDER BY c.id LIMIT {{}} OFFSET {{}}",
        *args, *reach_args, chosen.limit, chosen.offset,
    )
    extra = await report.detail(filters, [r["id"] for r in rows], lang) if report.detail and rows else {}
    items = [schemas.DrillCustomer(id=r["id"], name=r["name"], phone_masked=customer_rules.mask_phone(r["phone"]),
                                   home_store_id=r["home_store"], responsible_clerk_id=r["responsible_clerk"],
                                   completeness=r["completeness"], detail=_plain(extra.get(r["id"], {})))
             for r in rows]
    return schemas.DrillPage(report=name, items=items, total=int(total), limit=chosen.limit, offset=chosen.offset)


def _plain(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in detail.items() if k not in ("customer_id", "customer", "phone")}


async def assign_churn(actor: Principal, data: schemas.ChurnAssign, key: str | None):
    from regulars.reports import assign

    return await assign.assign(actor, data, key)


async def ranking_settings() -> schemas.RankingSettings:
    return await ranking.settings()


async def save_ranking_settings(actor: Principal, data: schemas.RankingSettings) -> schemas.RankingSettings:
    return await ranking.save(actor, data)


async def grade_stores(actor: Principal, data: schemas.GradeRequest) -> schemas.Graded:
    if data.month is not None:
        report_filters.month_range({"month": data.month})  # 422 on a bad month
    return await stores.grade_month(actor, data.month)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
