"""Coupons: of the coupons issued in the range, how many the customers saw in the wallet and redeemed, by
template, store or clerk; what is still outstanding, and the liability of the amount-off ones in fen."""

from __future__ import annotations

from typing import Any

from regulars.core import clock
from regulars.core.i18n import t
from regulars.reports import common, registry
from regulars.reports.filters import Filters, whole

FIGURES = ("issued", "seen", "redeemed", "expired", "outstanding", "liability_fen")
PAST_DUE = "c.state = 'issued' AND c.valid_until <= {}"  # outstanding no more, not yet turned expired


def _where(filters: Filters) -> tuple[str, list[Any]]:
    start, end = filters.utc_bounds()
    where, args = common.scope(filters, "c.issued_store", "c.issued_by")
    template = whole(filters.params.get("template"), "template")
    if template is not None:
        where, args = where + " AND c.template = {}", args + [template]
    return f"c.issued_at >= {{}} AND c.issued_at < {{}} AND {where}", [start, end, *args]


def _keys(filters: Filters) -> tuple[str, str]:
    """The grouping key on the roll-up and on the coupons themselves."""
    group = filters.group or "template"
    return {"template": ("d.template_id", "c.template"), "store": ("d.store_id", "c.issued_store"),
            "clerk": ("d.clerk_id", "COALESCE(c.issued_by, 0)")}[group]


async def compute(filters: Filters, lang: str) -> registry.Table:
    """Read from the roll-up (by the issuing store's local day of issue); the coupons still issued but past their
    validity (until the expiry job turns them expired, minutes) are read live and taken off the outstanding ones."""
    now = clock.now()
    start, end = filters.utc_bounds()
    rolled, coupons_key = _keys(filters)
    scope, scope_args = common.scope(filters, "d.store_id", "d.clerk_id")
    live_scope, live_args = common.scope(filters, "c.issued_store", "c.issued_by")
    window, window_args = scope, list(scope_args)
    in_window, in_window_args = "c.issued_at >= {} AND c.issued_at < {}", [start, end]
    template = whole(filters.params.get("template"), "template")
    if template is not None:
        window, window_args = window + " AND d.template_id = {}", window_args + [template]
        in_window, in_window_args = in_window + " AND c.template = {}", in_window_args + [template]
    fen = "CASE WHEN t.kind = 'amount_off' THEN t.amount_off_fen ELSE 0 END"
    # 'o': the past-due coupons of the scope (few: the expiry job turns them expired each minute), those issued in
    # the range apart, to take off the roll-up's still issued ones
    rows = await common.aggregate(
        f"""
        SELECT 'g' AS part, {rolled} AS g, SUM(d.issued) AS issued, SUM(d.seen) AS seen, SUM(d.redeemed) AS redeemed,
               SUM(d.expired) AS expired, SUM(d.still_issued) AS still, SUM(d.still_issued * {fen}) AS fen,
               MAX(t.name_zh) AS name_zh, MAX(t.name_en) AS name_en
            FROM report_coupon_day d JOIN coupon_template t ON t.id = d.template_id
            WHERE d.day >= {{}} AND d.day <= {{}} AND {window} GROUP BY 2
        UNION ALL
        SELECT 'o', {coupons_key}, SUM(CASE WHEN {in_window} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {in_window} THEN {fen} ELSE 0 END), 0, 0, COUNT(*), SUM({fen}), '', ''
            FROM coupon c JOIN coupon_template t ON t.id = c.template WHERE {PAST_DUE} AND {live_scope} GROUP BY 2
        UNION ALL
        SELECT 'a', 0, 0, 0, 0, 0, SUM(s.still), SUM(s.still * {fen}), '', ''
            FROM (SELECT d.template_id AS template_id, SUM(d.still_issued) AS still FROM report_coupon_day d
                  WHERE {scope} GROUP BY d.template_id) s JOIN coupon_template t ON t.id = s.template_id
        """,
        filters.date_from, filters.date_to, *window_args, *in_window_args, *in_window_args, now, *live_args, *scope_args,
    )
    groups: dict[int, dict[str, Any]] = {}
    names: dict[int, str] = {}
    past_due: dict[int, tuple[int, int]] = {}  # per group: past-due coupons issued in the range, their liability
    everything = {"still": 0, "fen": 0}
    for row in rows:
        part, key = row["part"], common.num(row["g"])
        if part == "g":
            groups[key] = {f: common.num(row[f]) for f in ("issued", "seen", "redeemed", "expired")}
            groups[key] |= {"outstanding": common.num(row["still"]), "liability_fen": common.num(row["fen"])}
            names[key] = (row["name_en"] or row["name_zh"]) if lang == "en" else row["name_zh"]
            continue
        if part == "o":  # its first two figures sit in the columns named issued and seen by the 'g' part
            past_due[key] = (common.num(row["issued"]), common.num(row["seen"]))
        sign = 1 if part == "a" else -1
        everything["still"] += sign * common.num(row["still"])
        everything["fen"] += sign * common.num(row["fen"])
    for key, (count, fen) in past_due.items():
        if key in groups:
            groups[key]["outstanding"] -= count
            groups[key]["liability_fen"] -= fen
    groups = {k: _figures(v) for k, v in groups.items()}
    if (filters.group or "template") == "template":
        table_rows = [{"template_id": k, "template": names.get(k, str(k))} | groups[k] for k in sorted(groups)]
        keys = [registry.Column("template", t("report.col.template", lang), "text")]
    else:
        table_rows = await common.label(filters, groups, lang)
        keys = common.key_columns(filters, lang)
    totals = _figures(common.totals(table_rows, FIGURES))
    totals |= {"all_outstanding": everything["still"], "all_liability_fen": everything["fen"]}
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


async def customers(filters: Filters) -> tuple[str, list[Any]]:
    """Holders of coupons issued in the range; `state=issued|seen|redeemed|expired` narrows them."""
    where, args = _where(filters)
    state = filters.params.get("state")
    if state == "seen":
        where += " AND c.seen_at IS NOT NULL"
    elif state in ("issued", "redeemed", "expired", "void"):
        where, args = where + " AND c.state = {}", args + [state]
    return f"SELECT c.customer FROM coupon c WHERE {where}", args


registry.register("coupons", compute, customers, reads="report_coupon_day")
