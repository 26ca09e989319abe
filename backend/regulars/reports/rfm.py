"""RFM: customers who bought in the trailing year, by recency, frequency and monetary tiers against the
chain, and the segments those tiers make; read from the customer_rfm roll-up (refreshed daily)."""

from __future__ import annotations

from typing import Any

from regulars.core.i18n import t
from regulars.reports import common, registry, rfm_rollup
from regulars.reports.filters import Filters

SEGMENTS = ("champions", "loyal", "new", "at_risk", "attention", "hibernating")
SEGMENT_SQL = (
    "CASE WHEN x.r >= 4 AND x.f >= 4 THEN 'champions' WHEN x.r >= 3 AND x.f >= 3 THEN 'loyal' "
    "WHEN x.r >= 4 THEN 'new' WHEN x.f >= 3 THEN 'at_risk' WHEN x.r = 3 THEN 'attention' ELSE 'hibernating' END"
)


async def compute(filters: Filters, lang: str) -> registry.Table:
    where, args = common.scope(filters, "x.store_id", "x.clerk_id")
    # grouped by an expression: SQLite then reads the roll-up in table order and sorts the groups, instead of
    # walking the store index and fetching each row from it (twice as slow for the chain)
    key = "x.clerk_id + 0" if filters.group == "clerk" else "x.store_id + 0"
    segments = ", ".join(f"SUM(CASE WHEN {SEGMENT_SQL} = '{s}' THEN 1 ELSE 0 END) AS {s}" for s in SEGMENTS)
    tiers = ", ".join(f"SUM(CASE WHEN x.{d} = {k} THEN 1 ELSE 0 END) AS {d}{k}" for d in "rfm" for k in range(1, 6))
    rows = await common.aggregate(
        f"SELECT {key} AS g, COUNT(*) AS customers, AVG(x.recency_days) AS avg_recency_days, "
        f"AVG(x.frequency) AS avg_frequency, AVG(x.monetary_fen) AS avg_monetary_fen, {segments}, {tiers} "
        f"FROM customer_rfm x WHERE {where} GROUP BY {key}",
        *args,
    )
    groups: dict[int, dict[str, Any]] = {}
    tier_counts = {f"{d}{k}": 0 for d in "rfm" for k in range(1, 6)}
    for row in rows:
        customers = common.num(row["customers"])
        groups[common.num(row["g"])] = {
            "customers": customers, "avg_recency_days": common.one_decimal(row["avg_recency_days"]),
            "avg_frequency": common.one_decimal(row["avg_frequency"]),
            "avg_monetary_fen": round(float(row["avg_monetary_fen"] or 0)),
        } | {s: common.num(row[s]) for s in SEGMENTS}
        for name in tier_counts:
            tier_counts[name] += common.num(row[name])
    table_rows = await common.label(filters, groups, lang)
    columns = common.key_columns(filters, lang) + [
        common.column("customers", lang), common.column("avg_recency_days", lang), common.column("avg_frequency", lang),
        common.column("avg_monetary_fen", lang, "fen")] + [
        registry.Column(s, t(f"report.segment.{s}", lang)) for s in SEGMENTS]
    totals = common.totals(table_rows, ("customers", *SEGMENTS))
    breakdowns = {d: [{"tier": f"{d.upper()}{k}", "customers": tier_counts[f"{d}{k}"]} for k in range(1, 6)] for d in "rfm"}
    breakdowns["segments"] = [{"segment": t(f"report.segment.{s}", lang), "customers": totals[s]} for s in SEGMENTS]
    state = await rfm_rollup.state()
    return registry.Table(name="rfm", title=t("report.title.rfm", lang), columns=columns, rows=table_rows,
                          totals=totals, breakdowns=breakdowns,
                          filters={"as_of": state["as_of"], "window_days": rfm_rollup.WINDOW_DAYS})


async def customers(filters: Filters) -> tuple[str, list[Any]]:
    """Customers in the roll-up; `segment=`, `r=`, `f=`, `m=` (a tier 1-5) narrow them."""
    where, args = common.scope(filters, "x.store_id", "x.clerk_id")
    segment = filters.params.get("segment")
    if segment in SEGMENTS:
        where, args = where + f" AND {SEGMENT_SQL} = {{}}", args + [segment]
    for dimension in "rfm":
        value = filters.params.get(dimension)
        if value in ("1", "2", "3", "4", "5"):
            where, args = where + f" AND x.{dimension} = {{}}", args + [int(value)]
    return f"SELECT x.customer FROM customer_rfm x WHERE {where}", args


registry.register("rfm", compute, customers, reads="customer_rfm")
