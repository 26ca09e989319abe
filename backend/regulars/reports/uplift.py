"""Care effect: per campaign, the audience planned, who was reached by which channel, clerk tasks done, and
the share who came back (a visit or purchase within 30 days of the contact) among those reached against
the holdout, with the difference and its 95% confidence interval (normal approximation), or, where a group is
too small for that approximation, no interval and a note that says so."""

from __future__ import annotations

from typing import Any

from regulars.core.db import plus_days, raw
from regulars.core.i18n import t
from regulars.core.stats import MIN_EACH_WAY, difference
from regulars.reports import common, dialect, registry
from regulars.reports.filters import Filters

OUTCOME_DAYS = 30
CHANNELS = ("push", "inbox", "sms", "task")
COUNTS = ("audience", "treated", "holdout", *(f"sent_{c}" for c in CHANNELS), "not_reached", "held_back", "tasks",
          "tasks_done", "treated_came", "holdout_came")


def _where(filters: Filters) -> tuple[str, list[Any]]:
    where, args = common.scope(filters, "o.store_id", "o.clerk_id")
    if filters.campaign_id is not None:
        where, args = where + " AND o.campaign = {}", args + [filters.campaign_id]
    return f"o.occasion_date >= {{}} AND o.occasion_date <= {{}} AND {where}", [filters.date_from, filters.date_to, *args]


# The outcome window starts when the row was contacted, or, for the holdout, when it was due to be: an occasion's
# date can lie well before the contact (a date range planned late, a win-back period's start)
WINDOW_START = "COALESCE(o.contacted_at, o.due_at)"


def _came(filters: Filters) -> str:
    end = plus_days(WINDOW_START, OUTCOME_DAYS)
    return (f"EXISTS (SELECT 1 FROM purchase p WHERE p.customer = o.customer AND p.kind IN ('purchase', 'visit') "
            f"AND p.occurred_at >= {WINDOW_START} AND p.occurred_at < {end})")


async def compute(filters: Filters, lang: str) -> registry.Table:
    where, args = _where(filters)
    came = _came(filters)
    channels = ", ".join(f"SUM(CASE WHEN o.status = 'sent' AND o.channel = '{c}' THEN 1 ELSE 0 END) AS sent_{c}"
                         for c in CHANNELS)
    rows = await common.aggregate(
        f"""
        SELECT o.campaign AS g, COUNT(*) AS audience, SUM(CASE WHEN o.status = 'sent' THEN 1 ELSE 0 END) AS treated,
               SUM(CASE WHEN o.status = 'holdout' THEN 1 ELSE 0 END) AS holdout, {channels},
               SUM(CASE WHEN o.status IN ('failed', 'undeliverable', 'expired') THEN 1 ELSE 0 END) AS not_reached,
               SUM(CASE WHEN o.status IN ('capped', 'skipped') THEN 1 ELSE 0 END) AS held_back,
               COUNT(t.id) AS tasks, SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END) AS tasks_done,
               SUM(CASE WHEN o.status = 'sent' AND {came} THEN 1 ELSE 0 END) AS treated_came,
               SUM(CASE WHEN o.status = 'holdout' AND {came} THEN 1 ELSE 0 END) AS holdout_came
        FROM care_outbox o LEFT JOIN care_task t ON t.outbox_id = o.id
        WHERE {where} GROUP BY o.campaign
        """,
        *args,
    )
    groups = {common.num(r["g"]): {c: common.num(r[c]) for c in COUNTS} for r in rows}
    names = await _names(list(groups))
    table_rows = [{"campaign_id": k, "campaign": names.get(k, str(k))} | _rates(groups[k], lang) for k in sorted(groups)]
    totals = _rates(common.totals(table_rows, COUNTS), lang)
    columns = [registry.Column("campaign", t("report.col.campaign", lang), "text")]
    columns += [common.column(c, lang) for c in ("audience", "treated", "holdout", "sent_push", "sent_inbox", "sent_sms",
                                                   "tasks", "tasks_done")]
    columns += [common.column(c, lang, "percent") for c in ("treated_rate", "holdout_rate", "uplift", "uplift_low",
                                                              "uplift_high")]
    columns.append(common.column("uplift_note", lang, "text"))
    breakdowns = {
        "uplift": [{"campaign": r["campaign"], "uplift": r["uplift"]} for r in table_rows if r["uplift"] is not None],
        "channels": [{"channel": t(f"report.channel.{c}", lang), "sent": totals[f"sent_{c}"]} for c in CHANNELS],
    }
    return registry.Table(name="care", title=t("report.title.care", lang), columns=columns, rows=table_rows,
                          totals=totals, breakdowns=breakdowns, filters={"outcome_days": OUTCOME_DAYS})


def _rates(counts: dict[str, Any], lang: str) -> dict[str, Any]:
    found = dict(counts)
    found["treated_rate"] = common.share(counts["treated_came"], counts["treated"]) if counts["treated"] else None
    found["holdout_rate"] = common.share(counts["holdout_came"], counts["holdout"]) if counts["holdout"] else None
    found["uplift"], found["uplift_low"], found["uplift_high"] = difference(
        counts["treated_came"], counts["treated"], counts["holdout_came"], counts["holdout"])
    too_few = found["uplift"] is not None and found["uplift_low"] is None
    found["uplift_note"] = t("report.uplift_too_few", lang, n=MIN_EACH_WAY) if too_few else ""
    return found


async def _names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {r["id"]: r["name"] for r in await raw(f"SELECT id, name FROM care_campaign WHERE id IN ({dialect.marks(ids)})", *ids)}


async def customers(filters: Filters) -> tuple[str, list[Any]]:
    """The campaigns' audience in the range; `arm=treated|holdout` and `came=yes|no` narrow it."""
    where, args = _where(filters)
    which = filters.params.get("arm")
    if which == "treated":
        where += " AND o.status = 'sent'"
    elif which == "holdout":
        where += " AND o.status = 'holdout'"
    came = filters.params.get("came")
    if came in ("yes", "no"):
        where += f" AND {'' if came == 'yes' else 'NOT '}{_came(filters)}"
    return f"SELECT o.customer FROM care_outbox o WHERE {where}", args


registry.register("care", compute, customers)
