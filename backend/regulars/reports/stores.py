"""Stores: the ranking by weighted composite over the range, with A/B/C grades; a month's grades written
back to the stores by an admin or by the monthly job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.i18n import t
from regulars.reports import daily, ranking, registry, schemas
from regulars.reports.filters import Filters, month_range
from regulars.settings import get_settings
from regulars.stores import service as stores_service


async def compute(filters: Filters, lang: str) -> registry.Table:
    ranked = await ranking.rank(filters.date_from, filters.date_to)
    chosen = await ranking.settings()
    shown = [s for s in ranked if filters.store_id is None or s["store_id"] == filters.store_id]
    columns = [registry.Column("rank", t("report.col.rank", lang)),
               registry.Column("store", t("report.col.store", lang), "text"),
               registry.Column("grade", t("report.col.grade", lang), "text"),
               registry.Column("score", t("report.col.score", lang))]
    columns += [registry.Column(m, t(f"report.col.{m}", lang), "fen" if m.endswith("_fen") else "number")
                for m in ranking.MEASURES]
    grades = [{"grade": g, "stores": sum(1 for s in shown if s["grade"] == g)} for g in "ABC"]
    return registry.Table(
        name="stores", title=t("report.title.stores", lang), columns=columns, rows=shown,
        totals={m: sum(s[m] for s in shown) for m in ranking.MEASURES},
        breakdowns={"score": [{"store": s["store"], "score": s["score"]} for s in shown], "grades": grades},
        filters={"weights": chosen.weights, "a_share": chosen.a_share, "b_share": chosen.b_share},
    )


def previous_month(today: dt.date) -> str:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.strftime("%Y-%m")


async def grade_month(actor: Principal | None, month: str | None) -> schemas.Graded:
    """Ranks the stores over a calendar month, keeps the grades, and writes them to the stores."""
    zone = get_settings().timezone
    month = month or previous_month(clock.today_in(zone))
    bounds = month_range({"month": month})
    first, last = dt.date.fromisoformat(bounds["from"]), dt.date.fromisoformat(bounds["to"])
    await daily.refresh()
    ranked = await ranking.rank(first, last)
    now = clock.now()
    async with writing():
        for store in ranked:
            await raw(
                "INSERT INTO report_store_grade (month, store_id, score, rank, grade, graded_at, graded_by) "
                "VALUES ({}, {}, {}, {}, {}, {}, {}) ON CONFLICT (month, store_id) DO UPDATE SET score = excluded.score, "
                "rank = excluded.rank, grade = excluded.grade, graded_at = excluded.graded_at, graded_by = excluded.graded_by",
                month, store["store_id"], store["score"], store["rank"], store["grade"], now,
                actor.staff_id if actor else None,
            )
        changed = await stores_service.set_grades(actor, {s["store_id"]: s["grade"] for s in ranked}, f"ranking {month}")
    return schemas.Graded(month=month, changed=changed, stores=[
        schemas.StoreGrade(store_id=s["store_id"], store=s["store"], score=s["score"], rank=s["rank"], grade=s["grade"])
        for s in ranked])


async def grade_last_month_once() -> None:
    """The monthly job: grades the previous month unless it has been graded (by the job or an admin)."""
    month = previous_month(clock.today_in(get_settings().timezone))
    if await raw("SELECT 1 AS x FROM report_store_grade WHERE month = {} LIMIT 1", month):
        return
    await grade_month(None, month)


async def customers(filters: Filters) -> tuple[str, list[Any]]:
    """Customers whose home store is the store chosen (all stores' for an admin without one)."""
    if filters.store_id is None:
        return "SELECT c.id FROM customer c WHERE c.erased_at IS NULL", []
    return "SELECT c.id FROM customer c WHERE c.erased_at IS NULL AND c.home_store = {}", [filters.store_id]


registry.register("stores", compute, customers, reads="report_daily")
