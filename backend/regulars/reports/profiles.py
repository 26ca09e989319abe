"""Profiles: how complete the stores' customer data is, and who may be contacted."""

from __future__ import annotations

from regulars.core import clock
from regulars.core.db import raw
from regulars.core.i18n import t
from regulars.reports import common, profile_bands, registry
from regulars.reports.filters import Filters

FLAGS = tuple(profile_bands.FLAGS)


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


BANDS = ("0-19", "20-39", "40-59", "60-79", "80-100")


async def compute(filters: Filters, lang: str) -> registry.Table:
    _, end = filters.utc_bounds()
    if end > clock.now():
        # the range reaches today: the customers as they are now, from the roll-up
        await profile_bands.catch_up(filters.store_id)
        where, args = common.scope(filters, "p.store_id", "p.clerk_id")
        rows = await raw(
            f"SELECT p.store_id AS store_id, p.band AS band, SUM(p.customers) AS customers, "
            f"SUM(p.completeness) AS completeness, {', '.join(f'SUM(p.{f}) AS {f}' for f in FLAGS)} "
            f"FROM report_profile p WHERE {where} GROUP BY p.store_id, p.band",
            *args,
        )
    else:
        # customers as they were by the end of the range (profile fields as they are now)
        where, args = scope(filters)
        rows = await common.aggregate(
            f"SELECT c.home_store AS store_id, {profile_bands.band()} AS band, COUNT(*) AS customers, "
            f"SUM(c.completeness) AS completeness, {profile_bands.flag_sums()} FROM customer c WHERE {where} GROUP BY 1, 2",
            *args,
        )
    names = await common.store_names(sorted({r["store_id"] for r in rows}) if filters.store_id is not None else None)
    stores: dict[int, dict] = {}
    bands = [0] * len(BANDS)
    for row in rows:
        entry = stores.setdefault(row["store_id"], {"customers": 0, "completeness": 0, **{f: 0 for f in FLAGS}})
        customers = common.num(row["customers"])
        bands[common.num(row["band"])] += customers
        entry["customers"] += customers
        entry["completeness"] += common.num(row["completeness"])
        for flag in FLAGS:
            entry[flag] += common.num(row[flag])
    out = []
    totals = {"customers": 0, **{flag: 0 for flag in FLAGS}}
    weighted = 0
    for store_id in sorted(stores):
        found = stores[store_id]
        customers = found["customers"]
        entry = {"store_id": store_id, "store": names.get(store_id, str(store_id)), "customers": customers,
                 "avg_completeness": round(found["completeness"] / customers, 1) if customers else 0.0}
        weighted += found["completeness"]
        for flag in FLAGS:
            entry[flag] = found[flag]
            entry[f"{flag}_share"] = round(found[flag] / customers, 4) if customers else 0.0
            totals[flag] += found[flag]
        totals["customers"] += customers
        out.append(entry)
    if totals["customers"]:
        totals["avg_completeness"] = round(weighted / totals["customers"], 1)
        for flag in FLAGS:
            totals[f"{flag}_share"] = round(totals[flag] / totals["customers"], 4)
    distribution = [{"bucket": band, "customers": count} for band, count in zip(BANDS, bands)]
    columns = [registry.Column("store", t("report.col.store", lang), "text"),
               registry.Column("customers", t("report.col.customers", lang)),
               registry.Column("avg_completeness", t("report.col.avg_completeness", lang))]
    for flag in FLAGS:
        columns.append(registry.Column(flag, t(f"report.col.{flag}", lang)))
        columns.append(registry.Column(f"{flag}_share", t(f"report.col.{flag}", lang) + " %", "percent"))
    return registry.Table(name="profiles", title=t("report.title.profiles", lang), columns=columns, rows=out,
                          totals=totals, breakdowns={"completeness": distribution})


async def customers(filters: Filters) -> tuple[str, list]:
    """Customers in reach of the report; `band=0-19|...|80-100` keeps one completeness band."""
    where, args = scope(filters)
    band = filters.params.get("band")
    if band in BANDS:
        low, high = (int(x) for x in band.split("-"))
        where, args = where + " AND c.completeness >= {} AND c.completeness <= {}", args + [low, high]
    return f"SELECT c.id FROM customer c WHERE {where}", args


registry.register("profiles", compute, customers, reads="report_profile (when the range reaches today)")
