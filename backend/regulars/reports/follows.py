"""Acquisition: scans of the channel codes, follows through them, scan-to-follow conversion, new followers
and customers, and followers credited to their first touch and to their latest touch; by channel, store,
clerk (the code's) or day."""

from __future__ import annotations

from typing import Any

from regulars.core.db import raw
from regulars.core.i18n import t
from regulars.reports import common, dialect, registry
from regulars.reports.filters import Filters

FIGURES = ("scans", "follows", "new_followers", "new_customers", "first_touch", "latest_touch")


def _offset(filters: Filters) -> int:
    start, _ = filters.utc_bounds()
    return dialect.pieces(filters.timezone, start, start)[0][2]


def _keys(filters: Filters) -> dict[str, str]:
    """The grouping key of each source under the chosen grouping (channel by default)."""
    group = filters.group or "channel"
    if group == "day":
        zone, offset = filters.timezone, _offset(filters)
        return {"scans": "cd.day", "touch": dialect.local_day("x.at", zone, offset)}
    return {
        "channel": {"scans": "cd.channel_id", "touch": "x.channel"},
        "store": {"scans": "cd.store_id", "touch": "x.store"},
        "clerk": {"scans": "COALESCE(ch.staff, 0)", "touch": "COALESCE(x.staff, 0)"},
    }.get(group, {"scans": "cd.channel_id", "touch": "x.channel"})


def _where(filters: Filters, store: str, clerk: str, channel: str, campaign: str) -> tuple[str, list[Any]]:
    where, args = common.scope(filters, store, clerk)
    if filters.channel_id is not None:
        where, args = where + f" AND {channel} = {{}}", args + [filters.channel_id]
    label = filters.params.get("campaign")
    if label and not label.isdigit():
        where, args = where + f" AND {campaign} = {{}}", args + [label]
    return where, args


async def compute(filters: Filters, lang: str) -> registry.Table:
    start, end = filters.utc_bounds()
    keys = _keys(filters)
    scans_where, scans_args = _where(filters, "cd.store_id", "ch.staff", "cd.channel_id", "ch.campaign")
    touch_where, touch_args = _where(filters, "x.store", "x.staff", "x.channel", "x.campaign")
    # Every counted follow is a touch with the follow's latest channel, clerk, campaign and time, the first one
    # marked new_follower: so the follows credited to their first touch in the range are the range's new
    # followers, and those credited to their latest touch are the range's touches that are still their follow's
    # latest (found through the follow by its (customer, store) key, not by scanning all the store's follows).
    # 'd': the follows per local day, for the chart whatever the grouping
    day = dialect.local_day("x.at", filters.timezone, _offset(filters))
    rows = await common.aggregate(
        f"""
        SELECT 's' AS part, {keys['scans']} AS g, CAST(NULL AS DATE) AS d, SUM(cd.scans) AS a, 0 AS b, 0 AS c FROM report_channel_day cd
            JOIN channel ch ON ch.id = cd.channel_id WHERE cd.day >= {{}} AND cd.day <= {{}} AND {scans_where} GROUP BY 2
        UNION ALL
        SELECT 't', {keys['touch']}, NULL, COUNT(*), SUM(CASE WHEN x.new_follower THEN 1 ELSE 0 END),
               SUM(CASE WHEN x.new_customer THEN 1 ELSE 0 END) FROM follow_touch x
            WHERE x.at >= {{}} AND x.at < {{}} AND {touch_where} GROUP BY 2
        UNION ALL
        SELECT 'l', {keys['touch']}, NULL, COUNT(*), 0, 0 FROM follow_touch x
            JOIN follow f ON f.customer = x.customer AND f.store = x.store AND f.last_at = x.at
            WHERE x.at >= {{}} AND x.at < {{}} AND {touch_where} GROUP BY 2
        UNION ALL
        SELECT 'd', NULL, {day}, COUNT(*), 0, 0 FROM follow_touch x WHERE x.at >= {{}} AND x.at < {{}} AND {touch_where}
            GROUP BY 3
        """,
        filters.date_from, filters.date_to, *scans_args, start, end, *touch_args, start, end, *touch_args,
        start, end, *touch_args,
    )
    by_day = sorted((dialect.day_text(r["d"]), common.num(r["a"])) for r in rows if r["part"] == "d")
    groups: dict[Any, dict[str, Any]] = {}
    for row in rows:
        if row["part"] == "d":
            continue
        key = dialect.day_text(row["g"]) if (filters.group == "day" and row["g"] is not None) else row["g"]
        figures = groups.setdefault(key, {f: 0 for f in FIGURES})
        part = row["part"]
        if part == "s":
            figures["scans"] += common.num(row["a"])
        elif part == "t":
            figures["follows"] += common.num(row["a"])
            figures["new_followers"] += common.num(row["b"])
            figures["new_customers"] += common.num(row["c"])
            figures["first_touch"] += common.num(row["b"])
        else:
            figures["latest_touch"] += common.num(row["a"])
    for figures in groups.values():
        figures["conversion"] = common.share(figures["follows"], figures["scans"]) if figures["scans"] else None
    table_rows, keys_columns = await _label(filters, groups, lang)
    totals = common.totals(table_rows, FIGURES)
    totals["conversion"] = common.share(totals["follows"], totals["scans"]) if totals["scans"] else None
    columns = keys_columns + [common.column("scans", lang), common.column("follows", lang),
                              common.column("conversion", lang, "percent"), common.column("new_followers", lang),
                              common.column("new_customers", lang), common.column("first_touch", lang),
                              common.column("latest_touch", lang)]
    return registry.Table(name="acquisition", title=t("report.title.acquisition", lang), columns=columns,
                          rows=table_rows, totals=totals, breakdowns=_breakdowns(filters, by_day, table_rows))


async def _label(filters: Filters, groups: dict, lang: str) -> tuple[list[dict], list[registry.Column]]:
    group = filters.group or "channel"
    if group == "day":
        rows = [{"day": day} | groups[day] for day in sorted(k for k in groups if k is not None)]
        return rows, [registry.Column("day", t("report.col.day", lang), "date")]
    if group in ("store", "clerk"):
        by = Filters(**{**{f: getattr(filters, f) for f in filters.__struct_fields__}, "group": group})
        keyed = {common.num(k): v for k, v in groups.items() if k is not None}
        return await common.label(by, keyed, lang), common.key_columns(by, lang)
    ids = [k for k in groups if k is not None]
    found = {}
    if ids:
        found = {r["id"]: r for r in await raw(
            f"SELECT ch.id AS id, ch.name AS name, ch.kind AS kind, ch.campaign AS campaign, ch.staff AS staff, "
            f"ch.store AS store_id, s.name AS store FROM channel ch JOIN store s ON s.id = ch.store "
            f"WHERE ch.id IN ({dialect.marks(ids)})", *ids)}
    rows = []
    for key in sorted(groups, key=lambda k: (k is None, k or 0)):
        info = found.get(key, {})
        rows.append({"channel_id": key, "channel": info.get("name") or t("report.no_channel", lang),
                     "kind": t(f"report.kind.{info['kind']}", lang) if info else "", "campaign": info.get("campaign", ""),
                     "store_id": info.get("store_id"), "store": info.get("store", "")} | groups[key])
    columns = [registry.Column("channel", t("report.col.channel", lang), "text"),
               registry.Column("kind", t("report.col.kind", lang), "text"),
               registry.Column("store", t("report.col.store", lang), "text")]
    return rows, columns


def _breakdowns(filters: Filters, by_day: list[tuple[str, int]], rows: list[dict]) -> dict[str, list[dict[str, Any]]]:
    label = {"day": "day", "store": "store", "clerk": "clerk"}.get(filters.group or "channel", "channel")
    return {"by_day": [{"day": day, "follows": follows} for day, follows in by_day],
            "follows": [{"group": str(r.get(label) or ""), "follows": r["follows"]} for r in rows]}


async def customers(filters: Filters) -> tuple[str, list[Any]]:
    """Customers who followed in the range (through the channel, by the clerk's codes, as filtered);
    `new=yes` keeps first follows of the store."""
    start, end = filters.utc_bounds()
    where, args = _where(filters, "x.store", "x.staff", "x.channel", "x.campaign")
    if filters.params.get("new") == "yes":
        where += " AND x.new_follower = {}"
        args = args + [True]
    return f"SELECT x.customer FROM follow_touch x WHERE x.at >= {{}} AND x.at < {{}} AND {where}", [start, end, *args]


registry.register("acquisition", compute, customers, reads="report_channel_day (scans)")
