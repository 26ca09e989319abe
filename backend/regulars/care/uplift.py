"""What a campaign changed: customers contacted against its holdout, over the same days after each contact.

Both groups come from the same planned audience (the holdout is a stable hash share of it), so the
difference in purchase, visit and redemption rates is the campaign's effect, not an attribution.
"""

from __future__ import annotations

import datetime as dt

from regulars.care import schemas, service
from regulars.core import stats
from regulars.core.auth import Principal
from regulars.core.db import plus_days, raw

MAX_OCCASIONS = 400


async def uplift(actor: Principal, campaign_id: int, days: int) -> schemas.Uplift:
    await service.get_campaign(actor, campaign_id)  # 404 outside the caller's reach
    scope, scope_args = service.store_scope(actor, "o.store_id")  # a chain campaign seen by a store: its own part
    dates = await raw(f"SELECT DISTINCT occasion_date FROM care_outbox o WHERE campaign = {{}}{scope} "
                      "AND status IN ('sent', 'holdout') ORDER BY occasion_date DESC LIMIT {}",
                      campaign_id, *scope_args, MAX_OCCASIONS)
    totals = {group: {"customers": 0, "purchased": 0, "visited": 0, "redeemed": 0} for group in ("sent", "holdout")}
    # each row's window starts when it was contacted (the holdout: when it was due), not on the occasion's date,
    # which can lie weeks before (a date range planned late, a win-back period's start)
    start = "COALESCE(o.contacted_at, o.due_at)"
    end = plus_days(start, days)
    for found in dates:
        day = found["occasion_date"]
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
        rows = await raw(
            "SELECT o.status, count(*) AS customers, "
            "SUM(CASE WHEN EXISTS (SELECT 1 FROM purchase p WHERE p.customer = o.customer AND p.kind = 'purchase' "
            f"AND p.occurred_at >= {start} AND p.occurred_at < {end}) THEN 1 ELSE 0 END) AS purchased, "
            "SUM(CASE WHEN EXISTS (SELECT 1 FROM purchase v WHERE v.customer = o.customer AND v.kind IN ('purchase', 'visit') "
            f"AND v.occurred_at >= {start} AND v.occurred_at < {end}) THEN 1 ELSE 0 END) AS visited, "
            "SUM(CASE WHEN EXISTS (SELECT 1 FROM coupon r WHERE r.customer = o.customer "
            f"AND r.redeemed_at >= {start} AND r.redeemed_at < {end}) THEN 1 ELSE 0 END) AS redeemed "
            f"FROM care_outbox o WHERE o.campaign = {{}} AND o.occasion_date = {{}}{scope} AND o.status IN ('sent', 'holdout') "
            "GROUP BY o.status",
            campaign_id, day, *scope_args,
        )
        for row in rows:
            for key in ("customers", "purchased", "visited", "redeemed"):
                totals[row["status"]][key] += int(row[key] or 0)
    contacted, holdout = (_group(totals["sent"]), _group(totals["holdout"]))
    _, low, high = stats.difference(contacted.purchased, contacted.customers, holdout.purchased, holdout.customers)
    missing = None if low is not None else "too_few" if contacted.customers and holdout.customers else "no_data"
    return schemas.Uplift(campaign_id=campaign_id, days=days, occasions=len(dates), contacted=contacted, holdout=holdout,
                          purchase_uplift_points=round((contacted.purchase_rate - holdout.purchase_rate) * 100, 2),
                          purchase_uplift_low_points=None if low is None else round(low * 100, 2),
                          purchase_uplift_high_points=None if high is None else round(high * 100, 2),
                          no_interval=missing)


def _group(counts: dict[str, int]) -> schemas.GroupOutcome:
    rate = counts["purchased"] / counts["customers"] if counts["customers"] else 0.0
    return schemas.GroupOutcome(purchase_rate=round(rate, 4), **counts)
