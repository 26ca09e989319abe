"""The store ranking: a weighted composite of each store's measures over a period, and A/B/C grades by share.

Each measure is scaled to the best store's value (the best gets 1, a store with nothing 0), the score is
the weighted mean of the scaled measures times 100, stores rank by score (ties by id), and the top
`a_share` of them are graded A, the next `b_share` B, the rest C (counts rounded half up).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from regulars.core import audit, clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import BadInput
from regulars.reports import common, schemas

MEASURES = ("new_customers", "new_followers", "follows", "first_purchases", "repurchases", "visits", "coupons_redeemed",
            "sales_fen")
DEFAULT = schemas.RankingSettings(weights={"new_customers": 30, "repurchases": 30, "coupons_redeemed": 20, "sales_fen": 20})
KEY = "store_ranking"


async def settings() -> schemas.RankingSettings:
    rows = await raw("SELECT value FROM report_setting WHERE key = {}", KEY)
    if not rows:
        return DEFAULT
    value = rows[0]["value"]
    value = json.loads(value) if isinstance(value, str) else value
    return schemas.RankingSettings(weights={k: float(v) for k, v in value["weights"].items()},
                                   a_share=float(value["a_share"]), b_share=float(value["b_share"]))


def check(data: schemas.RankingSettings) -> None:
    unknown = sorted(set(data.weights) - set(MEASURES))
    if unknown:
        raise BadInput("report.weight_unknown", field="weights", name=unknown[0], known=", ".join(MEASURES))
    if any(w < 0 or not math.isfinite(w) for w in data.weights.values()) or sum(data.weights.values()) <= 0:
        raise BadInput("report.weights_positive", field="weights")
    if not (0 <= data.a_share <= 1 and 0 <= data.b_share <= 1 and data.a_share + data.b_share <= 1):
        raise BadInput("report.grade_shares", field="a_share")


async def save(actor: Principal, data: schemas.RankingSettings) -> schemas.RankingSettings:
    check(data)
    value = json.dumps({"weights": data.weights, "a_share": data.a_share, "b_share": data.b_share})
    async with writing():
        await raw(
            "INSERT INTO report_setting (key, value, updated_at, updated_by) VALUES ({}, {}, {}, {}) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
            "updated_by = excluded.updated_by",
            KEY, value, clock.now(), actor.staff_id,
        )
        await audit.record(actor, "report.ranking_settings", "report_setting", KEY, detail={"value": value})
    return await settings()


def grade_counts(stores: int, a_share: float, b_share: float) -> tuple[int, int]:
    """How many stores are graded A, and how many A or B."""
    a = math.floor(stores * a_share + 0.5)
    return a, max(a, math.floor(stores * (a_share + b_share) + 0.5))


async def rank(first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Every active store's measures over the local days first..last, its score, rank and grade."""
    chosen = await settings()
    rows = await raw(
        f"SELECT s.id AS store_id, s.name AS store, {', '.join(f'COALESCE(SUM(d.{m}), 0) AS {m}' for m in MEASURES)} "
        "FROM store s LEFT JOIN report_daily d ON d.store_id = s.id AND d.day >= {} AND d.day <= {} "
        "WHERE s.active = {} GROUP BY s.id, s.name",
        first, last, True,
    )
    stores = [{"store_id": r["store_id"], "store": r["store"]} | {m: common.num(r[m]) for m in MEASURES} for r in rows]
    best = {m: max((s[m] for s in stores), default=0) for m in MEASURES}
    weight_sum = sum(chosen.weights.values())
    for store in stores:
        scaled = sum(w * (store[m] / best[m] if best[m] > 0 else 0.0) for m, w in chosen.weights.items())
        store["score"] = round(100 * scaled / weight_sum, 2)
    stores.sort(key=lambda s: (-s["score"], s["store_id"]))
    a_count, ab_count = grade_counts(len(stores), chosen.a_share, chosen.b_share)
    for index, store in enumerate(stores):
        store["rank"] = index + 1
        store["grade"] = "A" if index < a_count else ("B" if index < ab_count else "C")
    return stores
