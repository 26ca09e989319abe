"""Repurchase: of the customers whose first purchase fell in the range, how many bought again within the
window, how soon (average and median days), by store or clerk of the first purchase, and which coupons
came with the second purchase."""

from __future__ import annotations

from typing import Any

from regulars.core.i18n import t
from regulars.reports import common, dialect, registry
from regulars.reports.filters import Filters, number

DEFAULT_WINDOW = 90
# a redemption goes with a purchase when linked to it, or by the same customer within a day of it
SAME_VISIT_DAYS = 1


def _cohort(filters: Filters) -> tuple[str, list[Any]]:
    """Customers with their first purchase in the range: group key, customer, second purchase id and time, gap."""
    window = number(filters, "window", DEFAULT_WINDOW, 1, 730)
    start, end = filters.utc_bounds()
    where, args = common.scope(filters, "p1.store", "p1.clerk")
    key = common.group_key(filters, "p1.store", "p1.clerk")
    gap = dialect.days_between("p1.occurred_at", "p2.occurred_at")
    sql = (
        f"SELECT {key} AS g, p1.customer AS customer, p2.id AS second_id, p2.occurred_at AS second_at, "
        f"CASE WHEN p2.id IS NOT NULL AND {gap} <= {{}} THEN {gap} END AS days "
        "FROM purchase p1 LEFT JOIN purchase p2 ON p2.customer = p1.customer AND p2.seq = 2 "
        f"WHERE p1.seq = 1 AND p1.occurred_at >= {{}} AND p1.occurred_at < {{}} AND {where}"
    )
    return sql, [window, start, end, *args]


async def compute(filters: Filters, lang: str) -> registry.Table:
    cohort, args = _cohort(filters)
    near = dialect.days_between("r.at", "co.second_at")
    rows = await common.aggregate(
        f"""
        WITH cohort AS MATERIALIZED ({cohort}),
        ranked AS (SELECT g, days, ROW_NUMBER() OVER (PARTITION BY g ORDER BY days) AS rn,
                          COUNT(*) OVER (PARTITION BY g) AS n FROM cohort WHERE days IS NOT NULL),
        ranked_all AS (SELECT days, ROW_NUMBER() OVER (ORDER BY days) AS rn, COUNT(*) OVER () AS n
                       FROM cohort WHERE days IS NOT NULL),
        coupons AS (SELECT cp.template AS template, co.customer AS customer FROM cohort co
                    JOIN coupon_redemption r ON r.customer = co.customer AND r.reversed_at IS NULL
                    JOIN coupon cp ON cp.id = r.coupon
                    WHERE co.days IS NOT NULL AND (r.purchase_id = co.second_id
                          OR (r.purchase_id IS NULL AND {near} BETWEEN -{SAME_VISIT_DAYS} AND {SAME_VISIT_DAYS})))
        SELECT 'g' AS part, g, COUNT(*) AS customers, COUNT(days) AS repurchased, AVG(days) AS avg_days,
               NULL AS median, NULL AS name_zh, NULL AS name_en FROM cohort GROUP BY g
        UNION ALL SELECT 'm', g, 0, 0, NULL, AVG(days), NULL, NULL FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY g
        UNION ALL SELECT 't', -1, COUNT(*), COUNT(days), AVG(days), NULL, NULL, NULL FROM cohort
        UNION ALL SELECT 'tm', -1, 0, 0, NULL, AVG(days), NULL, NULL FROM ranked_all WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
        UNION ALL SELECT 'c', k.template, COUNT(DISTINCT k.customer), 0, NULL, NULL, MAX(ct.name_zh), MAX(ct.name_en)
            FROM coupons k JOIN coupon_template ct ON ct.id = k.template GROUP BY k.template
        UNION ALL SELECT 'ca', -1, COUNT(DISTINCT customer), 0, NULL, NULL, NULL, NULL FROM coupons
        """,
        *args,
    )
    groups: dict[int, dict[str, Any]] = {}
    medians: dict[int, Any] = {}
    total: dict[str, Any] = {}
    by_coupon: dict[int, int] = {}
    names: dict[int, str] = {}
    with_coupon = 0
    for row in rows:
        part, key = row["part"], common.num(row["g"])
        if part == "g":
            groups[key] = _figures(row)
        elif part == "m":
            medians[key] = row["median"]
        elif part == "t":
            total = _figures(row)
        elif part == "tm":
            total["median_days"] = common.one_decimal(row["median"])
        elif part == "c":
            by_coupon[key] = common.num(row["customers"])
            names[key] = (row["name_en"] or row["name_zh"]) if lang == "en" else row["name_zh"]
        else:
            with_coupon = common.num(row["customers"])
    for key, figures in groups.items():
        figures["median_days"] = common.one_decimal(medians.get(key))
    coupons = [{"coupon": names.get(k, str(k)), "customers": n} for k, n in sorted(by_coupon.items(), key=lambda i: -i[1])]
    coupons.append({"coupon": t("report.no_coupon", lang), "customers": max(0, total.get("repurchased", 0) - with_coupon)})
    columns = common.key_columns(filters, lang) + [
        common.column("first_buyers", lang), common.column("repurchased", lang),
        common.column("repurchase_rate", lang, "percent"), common.column("avg_days", lang),
        common.column("median_days", lang),
    ]
    table_rows = await common.label(filters, groups, lang)
    return registry.Table(name="repurchase", title=t("report.title.repurchase", lang), columns=columns, rows=table_rows,
                          totals=total, breakdowns={"coupon": coupons,
                                                    "repurchase": [{"group": r.get("clerk") or r["store"],
                                                                    "repurchased": r["repurchased"]} for r in table_rows]})


def _figures(row: dict) -> dict[str, Any]:
    buyers, again = common.num(row["customers"]), common.num(row["repurchased"])
    return {"first_buyers": buyers, "repurchased": again, "repurchase_rate": common.share(again, buyers),
            "avg_days": common.one_decimal(row["avg_days"]), "median_days": None}


async def customers(filters: Filters) -> tuple[str, list[Any]]:
    """The cohort; `repurchased=yes|no` keeps those who did (or did not) buy again within the window."""
    cohort, args = _cohort(filters)
    which = filters.params.get("repurchased")
    condition = {"yes": " WHERE x.days IS NOT NULL", "no": " WHERE x.days IS NULL"}.get(which or "", "")
    return f"SELECT x.customer FROM ({cohort}) x{condition}", args


registry.register("repurchase", compute, customers)
