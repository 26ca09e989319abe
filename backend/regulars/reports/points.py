"""Points: earned, redeemed, expired, adjusted and reversed in the range (from the daily roll-up, by the
store and staff of each ledger line), the outstanding balance and what expires soon (by home store and
responsible clerk of the holders)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from regulars.core import clock
from regulars.core.i18n import t
from regulars.reports import common, dialect, registry
from regulars.reports.filters import Filters

FLOWS = ("points_earned", "points_redeemed", "points_expired", "points_adjusted", "points_reversed")
EXPIRING_DAYS = 30
EXPIRY_MONTHS = 3


async def compute(filters: Filters, lang: str) -> registry.Table:
    now = clock.now()
    key = "clerk_id" if filters.group == "clerk" else "store_id"
    where, args = common.scope(filters, "d.store_id", "d.clerk_id")
    flows = await common.aggregate(
        f"SELECT d.{key} AS g, {', '.join(f'SUM(d.{f}) AS {f}' for f in FLOWS)} FROM report_daily d "
        f"WHERE d.day >= {{}} AND d.day <= {{}} AND {where} GROUP BY d.{key}",
        filters.date_from, filters.date_to, *args,
    )
    holders, holder_args = common.scope(filters, "c.home_store", "c.responsible_clerk")
    holder_key = common.group_key(filters, "c.home_store", "c.responsible_clerk")
    balances = await common.aggregate(
        f"SELECT {holder_key} AS g, SUM(b.balance) AS balance, SUM(CASE WHEN b.balance > 0 THEN 1 ELSE 0 END) AS holders "
        f"FROM points_balance b JOIN customer c ON c.id = b.customer WHERE {holders} GROUP BY 1",
        *holder_args,
    )
    zone = filters.timezone
    today = clock.today_in(zone, now)
    months = dialect.month_starts(zone, today, _add_months(today, EXPIRY_MONTHS - 1))
    # a lot's expires_at is the instant it is gone: midnight starting 1 January expires in December, so each
    # bucket takes its upper bound in ((start, end]) by moving every bound a microsecond later
    edge = dt.timedelta(microseconds=1)
    bucket, bucket_args = dialect.buckets("l.expires_at", [now + edge] + [m + edge for m in months[1:]])
    expiring = await common.aggregate(
        f"SELECT {holder_key} AS g, {bucket} AS month, "
        f"SUM(CASE WHEN l.expires_at < {{}} THEN l.remaining ELSE 0 END) AS soon, SUM(l.remaining) AS points "
        f"FROM points_lot l JOIN customer c ON c.id = l.customer "
        f"WHERE l.remaining > 0 AND l.expires_at >= {{}} AND l.expires_at < {{}} AND {holders} GROUP BY 1, 2",
        *bucket_args, now + dt.timedelta(days=EXPIRING_DAYS), now + edge, months[-1] + edge, *holder_args,
    )
    groups: dict[int, dict[str, Any]] = {}

    def group(key: Any) -> dict[str, Any]:
        return groups.setdefault(common.num(key), {f: 0 for f in (*FLOWS, "balance", "holders", "expiring_soon")})

    for row in flows:
        group(row["g"]).update({f: common.num(row[f]) for f in FLOWS})
    for row in balances:
        group(row["g"]).update(balance=common.num(row["balance"]), holders=common.num(row["holders"]))
    by_month = [0] * EXPIRY_MONTHS
    for row in expiring:
        group(row["g"])["expiring_soon"] += common.num(row["soon"])
        if row["month"] is not None:
            by_month[common.num(row["month"])] += common.num(row["points"])
    table_rows = await common.label(filters, groups, lang)
    columns = common.key_columns(filters, lang) + [common.column(f, lang) for f in FLOWS] + [
        common.column("balance", lang), common.column("holders", lang), common.column("expiring_soon", lang)]
    labels = [clock.local(m, zone).strftime("%Y-%m") for m in months[:-1]]
    expiry = [{"month": label, "points": points} for label, points in zip(labels, by_month)]
    return registry.Table(name="points", title=t("report.title.points", lang), columns=columns, rows=table_rows,
                          totals=common.totals(table_rows, (*FLOWS, "balance", "holders", "expiring_soon")),
                          breakdowns={"expiry": expiry})


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


async def customers(filters: Filters) -> tuple[str, list[Any]]:
    """Holders of points; `expiring=yes` keeps those with points expiring within 30 days."""
    holders, args = common.scope(filters, "c.home_store", "c.responsible_clerk")
    if filters.params.get("expiring") == "yes":
        now = clock.now()
        return (f"SELECT l.customer FROM points_lot l JOIN customer c ON c.id = l.customer WHERE l.remaining > 0 "
                f"AND l.expires_at >= {{}} AND l.expires_at < {{}} AND {holders}",
                [now, now + dt.timedelta(days=EXPIRING_DAYS), *args])
    return f"SELECT b.customer FROM points_balance b JOIN customer c ON c.id = b.customer WHERE b.balance > 0 AND {holders}", args


registry.register("points", compute, customers, reads="report_daily")
