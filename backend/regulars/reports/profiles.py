"""Profiles: how complete the stores' customer data is, and who may be contacted."""

from __future__ import annotations

from regulars.core.db import raw
from regulars.core.i18n import t
from regulars.reports import registry
from regulars.reports.filters import Filters

FLAGS = ("with_birthday", "with_plan", "with_device", "service_consent", "marketing_consent")


def scope(filters: Filters, alias: str = "c") -> tuple[str, list]:
    """Customers in the report's reach: not erased, existing by the end of the range, store and clerk filters."""
    _, end = filters.utc_bounds()
    sql, args = f"{alias}.erased_at IS NULL AND {alias}.created_at < {{}}", [end]
    if filters.store_id is not None:
        sql += f" AND {alias}.home_store = {{}}"
        args.append(filters.store_id)
    if filters.clerk_id is not None:
        sql += f" AND {alias}.responsible_clerk = {{}}"
        args.append(filters.clerk_id)
    return sql, args


async def compute(filters: Filters, lang: str) -> registry.Table:
    where, args = scope(filters)
    rows = await raw(
        f"""
        SELECT s.id AS store_id, s.name AS store, COUNT(c.id) AS customers,
               AVG(c.completeness) AS avg_completeness,
               SUM(CASE WHEN c.birth_month IS NOT NULL THEN 1 ELSE 0 END) AS with_birthday,
               SUM(CASE WHEN c.plan <> '' THEN 1 ELSE 0 END) AS with_plan,
               SUM(CASE WHEN c.device_model <> '' THEN 1 ELSE 0 END) AS with_device,
               SUM(CASE WHEN c.consent_service THEN 1 ELSE 0 END) AS service_consent,
               SUM(CASE WHEN c.consent_marketing THEN 1 ELSE 0 END) AS marketing_consent
        FROM customer c JOIN store s ON s.id = c.home_store
        WHERE {where}
        GROUP BY s.id, s.name ORDER BY s.id
        """,
        *args,
    )
    buckets = await raw(
        f"""
        SELECT CASE WHEN c.completeness >= 80 THEN '80-100' WHEN c.completeness >= 60 THEN '60-79'
                    WHEN c.completeness >= 40 THEN '40-59' WHEN c.completeness >= 20 THEN '20-39' ELSE '0-19' END AS bucket,
               COUNT(*) AS customers
        FROM customer c WHERE {where} GROUP BY 1 ORDER BY 1
        """,
        *args,
    )
    out = []
    totals = {"customers": 0, **{flag: 0 for flag in FLAGS}}
    weighted = 0.0
    for row in rows:
        customers = int(row["customers"])
        entry = {"store_id": row["store_id"], "store": row["store"], "customers": customers,
                 "avg_completeness": round(float(row["avg_completeness"] or 0), 1)}
        weighted += float(row["avg_completeness"] or 0) * customers
        for flag in FLAGS:
            entry[flag] = int(row[flag] or 0)
            entry[f"{flag}_share"] = round(entry[flag] / customers, 4) if customers else 0.0
            totals[flag] += entry[flag]
        totals["customers"] += customers
        out.append(entry)
    if totals["customers"]:
        totals["avg_completeness"] = round(weighted / totals["customers"], 1)
        for flag in FLAGS:
            totals[f"{flag}_share"] = round(totals[flag] / totals["customers"], 4)
    present = {b["bucket"]: int(b["customers"]) for b in buckets}
    distribution = [{"bucket": band, "customers": present.get(band, 0)} for band in ("0-19", "20-39", "40-59", "60-79", "80-100")]
    columns = [registry.Column("store", t("report.col.store", lang), "text"),
               registry.Column("customers", t("report.col.customers", lang)),
               registry.Column("avg_completeness", t("report.col.avg_completeness", lang))]
    for flag in FLAGS:
        columns.append(registry.Column(flag, t(f"report.col.{flag}", lang)))
        columns.append(registry.Column(f"{flag}_share", t(f"report.col.{flag}", lang) + " %", "percent"))
    return registry.Table(name="profiles", title=t("report.title.profiles", lang), columns=columns, rows=out,
                          totals=totals, breakdowns={"completeness": distribution})


registry.register("profiles", compute)
