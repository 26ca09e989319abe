"""Churn risk: customers who have not visited or bought for N days, or whose contract ends within 30 days,
most urgent first, each with the suggested next action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from regulars.core import clock
from regulars.core.db import is_postgres, raw
from regulars.core.i18n import t
from regulars.customers import rules as customer_rules
from regulars.reports import common, dialect, registry
from regulars.reports.filters import Filters, number

SHOWN = 200
ACTIONS = ("renew_offer", "call_win_back", "send_care")
ACTION_SQL = "CASE WHEN a.contract = 1 THEN 'renew_offer' WHEN a.m >= 4 THEN 'call_win_back' ELSE 'send_care' END"
ORDER = "a.contract DESC, CASE WHEN a.contract = 1 THEN a.contract_end_on END, a.m DESC, a.id"


def at_risk(filters: Filters, ids: list[int] | None = None) -> tuple[str, list[Any]]:
    """Every customer at risk (of `ids` only, when given): id, home store, clerk, contract end, flags contract
    and lapsed, value tier m."""
    lapsed_days = number(filters, "lapsed_days", 90, 7, 730)
    contract_days = number(filters, "contract_days", 30, 1, 180)
    now = clock.now()
    today = clock.today_in(filters.timezone, now)
    cutoff = now - dt.timedelta(days=lapsed_days)
    where, args = common.scope(filters, "c.home_store", "c.responsible_clerk")
    if ids is not None:
        where, args = where + f" AND c.id IN ({dialect.marks(ids)})", args + list(ids)
    # the flags once per customer (a materialized step), then the value tier of those at risk only. SQLite, and
    # PostgreSQL for one store's customers, look each customer's recent visits up by index; PostgreSQL anti-joins
    # the chain's recent visitors as one hashed set.
    if is_postgres() and filters.store_id is None and ids is None:
        recent = ("LEFT JOIN (SELECT DISTINCT p.customer FROM purchase p WHERE p.occurred_at >= {} "
                  "AND p.kind IN ('purchase', 'visit')) r ON r.customer = c.id")
        lapsed = "CASE WHEN c.created_at < {} AND r.customer IS NULL THEN 1 ELSE 0 END"
    else:
        recent = ""
        lapsed = ("CASE WHEN c.created_at < {} AND NOT EXISTS (SELECT 1 FROM purchase p WHERE p.customer = c.id "
                  "AND p.occurred_at >= {} AND p.kind IN ('purchase', 'visit')) THEN 1 ELSE 0 END")
    select = ("SELECT c.id AS id, c.home_store AS store_id, c.responsible_clerk AS clerk_id, "
              "c.contract_end_on AS contract_end_on, "
              "CASE WHEN c.contract_end_on >= {} AND c.contract_end_on <= {} THEN 1 ELSE 0 END AS contract, "
              f"{lapsed} AS lapsed FROM customer c {recent} WHERE c.erased_at IS NULL AND {where}")
    # either way the parameters read: contract from and to, then the cutoff twice
    order = [today, today + dt.timedelta(days=contract_days), cutoff, cutoff]
    sql = (
        f"WITH f AS MATERIALIZED ({select}) "
        "SELECT f.id AS id, f.store_id AS store_id, f.clerk_id AS clerk_id, f.contract_end_on AS contract_end_on, "
        "f.contract AS contract, f.lapsed AS lapsed, COALESCE(x.m, 0) AS m "
        "FROM f LEFT JOIN customer_rfm x ON x.customer = f.id WHERE f.contract = 1 OR f.lapsed = 1"
    )
    return sql, [*order, *args]


async def compute(filters: Filters, lang: str) -> registry.Table:
    risk, args = at_risk(filters)
    key = "COALESCE(a.clerk_id, 0)" if filters.group == "clerk" else "a.store_id"
    actions = ", ".join(f"SUM(CASE WHEN {ACTION_SQL} = '{a}' THEN 1 ELSE 0 END) AS {a}" for a in ACTIONS)
    zeros = ", ".join(f"0 AS {a}" for a in ACTIONS)
    nulls = ", ".join(f"NULL AS {c}" for c in SHOWN_COLUMNS)
    # the counts over everyone at risk, and the first SHOWN by urgency (a top-N sort, not a ranking of them all)
    # with who they are and their last visit or purchase, in one statement
    found = await common.aggregate(
        f"WITH a AS MATERIALIZED ({risk}) "
        f"SELECT 'g' AS part, {key} AS g, COUNT(*) AS at_risk, SUM(a.contract) AS contract_ending, "
        f"SUM(a.lapsed) AS lapsed, {actions}, 0 AS rank, {nulls} FROM a GROUP BY 2 "
        f"UNION ALL SELECT 't', a.id, 0, 0, 0, {zeros}, ROW_NUMBER() OVER (ORDER BY {ORDER}), {_shown_columns()} "
        f"FROM (SELECT * FROM a ORDER BY {ORDER} LIMIT {SHOWN}) a {SHOWN_JOINS}",
        *args,
    )
    counts = [r for r in found if r["part"] == "g"]
    top = sorted((r for r in found if r["part"] == "t"), key=lambda r: r["rank"])
    figures = ("at_risk", "contract_ending", "lapsed", *ACTIONS)
    groups = {common.num(r["g"]): {f: common.num(r[f]) for f in figures} for r in counts}
    summary = await common.label(filters, groups, lang)
    rows = [_detail(dict(r) | {"id": common.num(r["g"])}, filters, lang) for r in top]
    columns = [common.column("customer", lang, "text"), common.column("phone", lang, "text"),
               common.column("store", lang, "text"), common.column("clerk", lang, "text"),
               common.column("last_activity_on", lang, "date"), common.column("contract_end_on", lang, "date"),
               common.column("reason", lang, "text"), common.column("action", lang, "text")]
    totals = common.totals(summary, figures)
    breakdowns = {
        "action": [{"action": t(f"report.action.{a}", lang), "customers": totals[a]} for a in ACTIONS],
        "reason": [{"reason": t("report.reason.contract", lang), "customers": totals["contract_ending"]},
                   {"reason": t("report.reason.lapsed", lang), "customers": totals["lapsed"]}],
        "by_group": [{"group": r.get("clerk") or r["store"], "customers": r["at_risk"]} for r in summary],
    }
    return registry.Table(name="churn-risk", title=t("report.title.churn", lang), columns=columns, rows=rows,
                          totals=totals, breakdowns=breakdowns,
                          filters={"lapsed_days": number(filters, "lapsed_days", 90, 7, 730),
                                   "contract_days": number(filters, "contract_days", 30, 1, 180), "shown": len(rows)})


SHOWN_COLUMNS = ("contract_flag", "lapsed_flag", "action", "name", "phone", "contract_end_on", "store", "clerk",
                 "store_id", "clerk_id", "last_at")
SHOWN_JOINS = ("JOIN customer cu ON cu.id = a.id JOIN store s ON s.id = a.store_id "
               "LEFT JOIN staff st ON st.id = a.clerk_id")


def _shown_columns() -> str:
    """A customer at risk (`a`, joined by SHOWN_JOINS) as the list shows them, in SHOWN_COLUMNS' order."""
    last = ("(SELECT MAX(p.occurred_at) FROM purchase p WHERE p.customer = a.id "
            "AND p.kind IN ('purchase', 'visit'))")
    return (f"a.contract AS contract_flag, a.lapsed AS lapsed_flag, {ACTION_SQL} AS action, cu.name AS name, "
            f"cu.phone AS phone, cu.contract_end_on AS contract_end_on, s.name AS store, st.display_name AS clerk, "
            f"a.store_id AS store_id, a.clerk_id AS clerk_id, {last} AS last_at")


def _detail(row: dict[str, Any], filters: Filters, lang: str) -> dict[str, Any]:
    at = row["last_at"]
    reasons = [t(f"report.reason.{r}", lang) for r in ("contract", "lapsed") if row[f"{r}_flag"]]
    return {
        "customer_id": row["id"], "customer": row["name"], "phone": customer_rules.mask_phone(row["phone"]),
        "store_id": row["store_id"], "store": row["store"], "clerk_id": row["clerk_id"], "clerk": row["clerk"] or "",
        "last_activity_on": clock.local(clock.aware(at), filters.timezone).date().isoformat() if at else None,
        "contract_end_on": dialect.day_text(row["contract_end_on"]) if row["contract_end_on"] else None,
        "reason": "、".join(reasons) if lang == "zh-CN" else ", ".join(reasons),
        "action_key": row["action"], "action": t(f"report.action.{row['action']}", lang),
    }


async def details(filters: Filters, ids: list[int], lang: str) -> dict[int, dict[str, Any]]:
    """For these customers (a page at most): who they are, last activity, reason and suggested action."""
    if not ids:
        return {}
    risk, args = at_risk(filters, ids)
    rows = await raw(f"SELECT a.id AS id, {_shown_columns()} FROM ({risk}) a {SHOWN_JOINS}", *args)
    return {row["id"]: _detail(dict(row), filters, lang) for row in rows}


async def customers(filters: Filters) -> tuple[str, list[Any]]:
    """Everyone at risk; `action=` keeps one suggested action."""
    risk, args = at_risk(filters)
    action = filters.params.get("action")
    if action in ACTIONS:
        return f"SELECT a.id FROM ({risk}) a WHERE {ACTION_SQL} = {{}}", [*args, action]
    return f"SELECT a.id FROM ({risk}) a", args


registry.register("churn-risk", compute, customers, reads="customer_rfm (value tier)", detail=details)
