"""Coupons: of the coupons issued in the range, how many the customers saw in the wallet and redeemed, by
template, store or clerk; what is still outstanding, and the liability of the amount-off ones in fen."""

from __future__ import annotations

from typing import Any

from regulars.core import clock
from regulars.core.db import raw
from regulars.core.i18n import t
from regulars.reports import common, registry
from regulars.reports.filters import Filters

FIGURES = ("issued", "seen", "redeemed", "expired", "outstanding", "liability_fen")
OUTSTANDING = "c.state = 'issued' AND c.valid_until > {}"


def _where(filters: Filters) -> tuple[str, list[Any]]:
    start, end = filters.utc_bounds()
    where, args = common.scope(filters, "c.issued_store", "c.issued_by")
    template = filters.params.get("template")
    if template and template.isdigit():
        where, args = where + " AND c.template = {}", args + [int(template)]
    return f"c.issued_at >= {{}} AND c.issued_at < {{}} AND {where}", [start, end, *args]


def _key(filters: Filters) -> str:
    group = filters.group or "template"
    return {"template": "c.template", "store": "c.issued_store", "clerk": "COALESCE(c.issued_by, 0)"}[group]


async def compute(filters: Filters, lang: str) -> registry.Table:
    now = clock.now()
    where, args = _where(filters)
    rows = await raw(
        f"""
        SELECT {_key(filters)} AS g, COUNT(*) AS issued,
               SUM(CASE WHEN c.seen_at IS NOT NULL THEN 1 ELSE 0 END) AS seen,
               SUM(CASE WHEN c.state = 'redeemed' THEN 1 ELSE 0 END) AS redeemed,
               SUM(CASE WHEN c.state = 'expired' THEN 1 ELSE 0 END) AS expired,
               SUM(CASE WHEN {OUTSTANDING} THEN 1 ELSE 0 END) AS outstanding,
               SUM(CASE WHEN {OUTSTANDING} AND t.kind = 'amount_off' THEN t.amount_off_fen ELSE 0 END) AS liability_fen
        FROM coupon c JOIN coupon_template t ON t.id = c.template
        WHERE {where} GROUP BY 1
        """,
        now, now, *args,
    )
    scope, scope_args = common.scope(filters, "c.issued_store", "c.issued_by")
    everything = (await raw(
        f"SELECT COUNT(*) AS outstanding, SUM(CASE WHEN t.kind = 'amount_off' THEN t.amount_off_fen ELSE 0 END) AS fen "
        f"FROM coupon c JOIN coupon_template t ON t.id = c.template WHERE {OUTSTANDING} AND {scope}",
        now, *scope_args,
    ))[0]
    groups = {common.num(r["g"]): _figures(r) for r in rows}
    if (filters.group or "template") == "template":
        names = await _templates(list(groups), lang)
        table_rows = [{"template_id": k, "template": names.get(k, str(k))} | groups[k] for k in sorted(groups)]
        keys = [registry.Column("template", t("report.col.template", lang), "text")]
    else:
        table_rows = await common.label(filters, groups, lang)
        keys = common.key_columns(filters, lang)
    totals = _figures(common.totals(table_rows, FIGURES))
    totals |= {"all_outstanding": common.num(everything["outstanding"]), "all_liability_fen": common.num(everything["fen"])}
    columns = keys + [common.column("issued", lang), common.column("seen", lang), common.column("seen_share", lang, "percent"),
                      common.column("redeemed", lang), common.column("redemption_rate", lang, "percent"),
                      common.column("expired", lang), common.column("outstanding", lang),
                      common.column("liability_fen", lang, "fen")]
    funnel = [{"stage": t(f"report.stage.{stage}", lang), "coupons": totals[stage]} for stage in ("issued", "seen", "redeemed")]
    label = "template" if (filters.group or "template") == "template" else ("clerk" if filters.group == "clerk" else "store")
    rates = [{"group": r[label], "redemption_rate": r["redemption_rate"]} for r in table_rows]
    return registry.Table(name="coupons", title=t("report.title.coupons", lang), columns=columns, rows=table_rows,
                          totals=totals, breakdowns={"funnel": funnel, "redemption_rate": rates})


def _figures(row: dict) -> dict[str, Any]:
    found = {key: common.num(row[key]) for key in FIGURES}
    found["seen_share"] = common.share(found["seen"], found["issued"])
    found["redemption_rate"] = common.share(found["redeemed"], found["issued"])
    return found


async def _templates(ids: list[int], lang: str) -> dict[int, str]:
    if not ids:
        return {}
    marks = ", ".join("{}" for _ in ids)
    rows = await raw(f"SELECT id, name_zh, name_en FROM coupon_template WHERE id IN ({marks})", *ids)
    return {r["id"]: (r["name_en"] or r["name_zh"]) if lang == "en" else r["name_zh"] for r in rows}


async def customers(filters: Filters) -> tuple[str, list[Any]]:
    """Holders of coupons issued in the range; `state=issued|seen|redeemed|expired` narrows them."""
    where, args = _where(filters)
    state = filters.params.get("state")
    if state == "seen":
        where += " AND c.seen_at IS NOT NULL"
    elif state in ("issued", "redeemed", "expired", "void"):
        where, args = where + " AND c.state = {}", args + [state]
    return f"SELECT c.customer FROM coupon c WHERE {where}", args


registry.register("coupons", compute, customers)
