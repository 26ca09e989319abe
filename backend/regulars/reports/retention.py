"""Cohort retention: customers who joined within the range, grouped by the month they became customers (or, with
`basis=follow`, the month they first followed by a channel code), and the share of each cohort with a visit or
purchase in every month since (month 0 is the cohort's own month); with a store chosen, visits and purchases there."""

from __future__ import annotations

from typing import Any

from regulars.core import clock
from regulars.core.i18n import t
from regulars.reports import common, dialect, registry
from regulars.reports.filters import Filters


def _months(filters: Filters) -> tuple[list, int]:
    """Month starts (UTC) from the first cohort month through the current month, and the number of cohorts."""
    today = clock.today_in(filters.timezone)
    last = max(today, filters.date_to)
    starts = dialect.month_starts(filters.timezone, filters.date_from, last)
    cohorts = (filters.date_to.year - filters.date_from.year) * 12 + filters.date_to.month - filters.date_from.month + 1
    return starts, cohorts


def _cohort(filters: Filters) -> tuple[str, list[Any], list, int]:
    """The cohorts' members: those who joined (or first followed) within the range, from its first day through its
    last, as the clerks and stores reports count new customers; a month the range cuts holds only its part."""
    starts, cohorts = _months(filters)
    since, until = filters.utc_bounds()
    if filters.params.get("basis") == "follow" or filters.channel_id is not None:
        where, args = common.scope(filters, "f.store", "f.first_staff")
        if filters.channel_id is not None:
            where, args = where + " AND f.first_channel = {}", args + [filters.channel_id]
        bucket, bucket_args = dialect.buckets("MIN(f.first_at)", starts)
        sql = (f"SELECT f.customer AS id, {bucket} AS cm FROM follow f WHERE f.first_at < {{}} AND {where} "
               f"GROUP BY f.customer HAVING MIN(f.first_at) >= {{}}")
        return sql, [*bucket_args, until, *args, since], starts, cohorts
    where, args = common.scope(filters, "c.home_store", "c.responsible_clerk")
    bucket, bucket_args = dialect.buckets("c.created_at", starts)
    sql = (f"SELECT c.id AS id, {bucket} AS cm FROM customer c "
           f"WHERE c.created_at >= {{}} AND c.created_at < {{}} AND {where}")
    return sql, [*bucket_args, since, until, *args], starts, cohorts


async def compute(filters: Filters, lang: str) -> registry.Table:
    cohort, args, starts, cohorts = _cohort(filters)
    activity, activity_args = dialect.buckets("p.occurred_at", starts)
    # "+ 0": look purchases up by customer, never by the store's whole range (SQLite would, per cohort member)
    at_store = " AND p.store + 0 = {}" if filters.store_id is not None else ""
    rows = await common.aggregate(
        f"""
        WITH cohort AS MATERIALIZED ({cohort})
        SELECT 's' AS part, cm, -1 AS am, COUNT(*) AS n FROM cohort GROUP BY cm
        UNION ALL
        SELECT 'a', x.cm, x.am, COUNT(*) FROM (
            SELECT DISTINCT k.id AS customer, k.cm AS cm, {activity} AS am FROM cohort k CROSS JOIN purchase p
            WHERE p.customer = k.id AND p.occurred_at >= {{}} AND p.occurred_at < {{}}
                  AND p.kind IN ('purchase', 'visit'){at_store}) x
        GROUP BY x.cm, x.am
        """,
        *args, *activity_args, starts[0], starts[-1], *([filters.store_id] if filters.store_id is not None else []),
    )
    sizes: dict[int, int] = {}
    active: dict[tuple[int, int], int] = {}
    for row in rows:
        if row["cm"] is None:
            continue
        if row["part"] == "s":
            sizes[common.num(row["cm"])] = common.num(row["n"])
        elif row["am"] is not None:
            active[(common.num(row["cm"]), common.num(row["am"]))] = common.num(row["n"])
    horizon = len(starts) - 1  # months from the first cohort through the current month
    spans = horizon  # month offsets 0 .. horizon-1
    table_rows = []
    for index in range(cohorts):
        size = sizes.get(index, 0)
        label = clock.local(starts[index], filters.timezone).strftime("%Y-%m")
        row: dict[str, Any] = {"cohort": label, "customers": size}
        for k in range(spans):
            reached = index + k < horizon
            row[f"m{k}"] = common.share(active.get((index, index + k), 0), size) if reached and size else None
        table_rows.append(row)
    curve = []
    for k in range(spans):
        reached = [(sizes.get(i, 0), active.get((i, i + k), 0)) for i in range(cohorts) if i + k < horizon]
        whole = sum(s for s, _ in reached)
        if whole:
            curve.append({"month": f"M{k}", "share": common.share(sum(a for _, a in reached), whole)})
    columns = [registry.Column("cohort", t("report.col.cohort", lang), "text"), common.column("customers", lang)]
    columns += [registry.Column(f"m{k}", t("report.col.month_since", lang, n=k), "percent") for k in range(spans)]
    return registry.Table(name="retention", title=t("report.title.retention", lang), columns=columns, rows=table_rows,
                          totals={"customers": sum(sizes.values())}, breakdowns={"curve": curve})


async def customers(filters: Filters) -> tuple[str, list[Any]]:
    """The cohorts' customers; `cohort=YYYY-MM` keeps one cohort."""
    cohort, args, starts, _ = _cohort(filters)
    wanted = filters.params.get("cohort")
    labels = [clock.local(s, filters.timezone).strftime("%Y-%m") for s in starts]
    if wanted in labels:
        return f"SELECT x.id FROM ({cohort}) x WHERE x.cm = {{}}", [*args, labels.index(wanted)]
    return f"SELECT x.id FROM ({cohort}) x", args


registry.register("retention", compute, customers)
