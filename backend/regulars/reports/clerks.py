"""Clerks: per staff member, the customers they brought and look after, follows through their codes, profiles
completed, coupons issued and redeemed, purchases and repurchases they recorded in the range (from the daily
roll-up), and care tasks due or done in the range, and how many are done."""

from __future__ import annotations

from typing import Any

from regulars.core.i18n import t
from regulars.reports import common, registry
from regulars.reports.filters import Filters

COMPLETE = 80
FLOWS = ("new_customers", "follows", "new_followers", "coupons_issued", "coupons_redeemed", "purchases", "repurchases",
         "visits", "sales_fen")


async def compute(filters: Filters, lang: str) -> registry.Table:
    where, args = common.scope(filters, "d.store_id", "d.clerk_id")
    flows = await common.aggregate(
        f"SELECT d.clerk_id AS clerk, {', '.join(f'SUM(d.{f}) AS {f}' for f in FLOWS)} FROM report_daily d "
        f"WHERE d.day >= {{}} AND d.day <= {{}} AND {where} GROUP BY d.clerk_id",
        filters.date_from, filters.date_to, *args,
    )
    mine, mine_args = common.scope(filters, "c.home_store", "c.responsible_clerk")
    looked_after = await common.aggregate(
        f"SELECT COALESCE(c.responsible_clerk, 0) AS clerk, COUNT(*) AS customers, "
        f"SUM(CASE WHEN c.completeness >= {COMPLETE} THEN 1 ELSE 0 END) AS profiles_completed "
        f"FROM customer c WHERE c.erased_at IS NULL AND {mine} GROUP BY 1",
        *mine_args,
    )
    tasks_where, tasks_args = common.scope(filters, "t.store_id", "t.clerk_id")
    done_from, done_to = filters.utc_bounds()
    care_tasks = await common.aggregate(  # tasks due in the range, and those done in it (early calls count)
        f"SELECT COALESCE(t.clerk_id, 0) AS clerk, COUNT(*) AS tasks, SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END) "
        f"AS tasks_done FROM care_task t WHERE ((t.due_on >= {{}} AND t.due_on <= {{}}) OR (t.status = 'done' "
        f"AND t.outcome_at >= {{}} AND t.outcome_at < {{}})) AND {tasks_where} GROUP BY 1",
        filters.date_from, filters.date_to, done_from, done_to, *tasks_args,
    )
    staff = await common.staff_of(filters)
    empty = {f: 0 for f in (*FLOWS, "customers", "profiles_completed", "tasks", "tasks_done")}
    groups: dict[int, dict[str, Any]] = {
        staff_id: dict(empty) for staff_id, person in staff.items()
        if filters.clerk_id in (None, staff_id) and person["role"] in ("clerk", "manager")
    }
    for row in flows:
        groups.setdefault(common.num(row["clerk"]), dict(empty)).update({f: common.num(row[f]) for f in FLOWS})
    for row in looked_after:
        groups.setdefault(common.num(row["clerk"]), dict(empty)).update(
            customers=common.num(row["customers"]), profiles_completed=common.num(row["profiles_completed"]))
    for row in care_tasks:
        groups.setdefault(common.num(row["clerk"]), dict(empty)).update(
            tasks=common.num(row["tasks"]), tasks_done=common.num(row["tasks_done"]))
    for figures in groups.values():
        figures["profiles_completed_share"] = common.share(figures["profiles_completed"], figures["customers"])
        figures["tasks_done_share"] = common.share(figures["tasks_done"], figures["tasks"])
    by_clerk = Filters(**{**_fields(filters), "group": "clerk"})
    table_rows = await common.label(by_clerk, groups, lang)
    columns = common.key_columns(by_clerk, lang) + [
        common.column("new_customers", lang), common.column("follows", lang), common.column("new_followers", lang),
        common.column("customers", lang),
        common.column("profiles_completed", lang), common.column("profiles_completed_share", lang, "percent"),
        common.column("coupons_issued", lang), common.column("coupons_redeemed", lang),
        common.column("purchases", lang), common.column("repurchases", lang), common.column("visits", lang),
        common.column("sales_fen", lang, "fen"), common.column("tasks", lang), common.column("tasks_done", lang),
        common.column("tasks_done_share", lang, "percent"),
    ]
    totals = common.totals(table_rows, (*FLOWS, "customers", "profiles_completed", "tasks", "tasks_done"))
    totals["profiles_completed_share"] = common.share(totals["profiles_completed"], totals["customers"])
    totals["tasks_done_share"] = common.share(totals["tasks_done"], totals["tasks"])
    named = [r for r in table_rows if r["clerk_id"]]
    return registry.Table(name="clerks", title=t("report.title.clerks", lang), columns=columns, rows=table_rows,
                          totals=totals, breakdowns={
                              "new_customers": [{"clerk": r["clerk"], "new_customers": r["new_customers"]} for r in named],
                              "repurchases": [{"clerk": r["clerk"], "repurchases": r["repurchases"]} for r in named]})


def _fields(filters: Filters) -> dict[str, Any]:
    return {f: getattr(filters, f) for f in filters.__struct_fields__}


async def customers(filters: Filters) -> tuple[str, list[Any]]:
    """The customers a clerk looks after (`clerk=`), or the store's; `completed=yes|no` by profile completeness."""
    mine, args = common.scope(filters, "c.home_store", "c.responsible_clerk")
    done = filters.params.get("completed")
    if done in ("yes", "no"):
        mine += f" AND c.completeness {'>=' if done == 'yes' else '<'} {COMPLETE}"
    return f"SELECT c.id FROM customer c WHERE c.erased_at IS NULL AND {mine}", args


registry.register("clerks", compute, customers, reads="report_daily")
