"""Today so far in a store: new customers, follows, redemptions, coupons issued and purchases (sales net of
refunds) since the store-local midnight, with the caller's own share; read live from the rows (each an indexed
range of today)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.db import raw
from regulars.core.errors import NotFound
from regulars.reports import messages  # noqa: F401  (registers the room's messages)
from regulars.reports import schemas
from regulars.stores import service as stores


async def today(actor: Principal, store_id: int | None) -> schemas.Today:
    """The caller's store (staff), or the store asked for (admin; the chain without one)."""
    if not actor.is_admin:
        if store_id is not None and store_id != actor.store_id:
            raise NotFound("report.store")  # another store is out of reach
        store_id = actor.store_id
    elif store_id is not None:
        await stores.get_store(store_id)  # 404 for an unknown store
    zone = ZoneInfo(await stores.store_timezone(store_id, actor))
    now = clock.now()
    day = now.astimezone(zone).date()
    since = dt.datetime.combine(day, dt.time(), zone).astimezone(dt.timezone.utc)
    me = actor.staff_id

    def where(column: str) -> tuple[str, list]:
        return ("", []) if store_id is None else (f" AND {column} = {{}}", [store_id])

    s, a = where("home_store")
    customers = (await raw(f"SELECT COUNT(*) AS n, SUM(CASE WHEN responsible_clerk = {{}} THEN 1 ELSE 0 END) AS mine "
                           f"FROM customer WHERE created_at >= {{}} AND erased_at IS NULL{s}", me, since, *a))[0]
    s, a = where("store")
    follows = (await raw(f"SELECT COUNT(*) AS n, SUM(CASE WHEN new_follower THEN 1 ELSE 0 END) AS fresh, "
                         f"SUM(CASE WHEN staff = {{}} THEN 1 ELSE 0 END) AS mine FROM follow_touch WHERE at >= {{}}{s}",
                         me, since, *a))[0]
    redemptions = (await raw(f"SELECT COUNT(*) AS n, SUM(CASE WHEN staff_id = {{}} THEN 1 ELSE 0 END) AS mine "
                             f"FROM coupon_redemption WHERE at >= {{}} AND reversed_at IS NULL{s}", me, since, *a))[0]
    s, a = where("issued_store")
    issued = (await raw(f"SELECT COUNT(*) AS n FROM coupon WHERE issued_at >= {{}}{s}", since, *a))[0]
    s, a = where("store")
    # net of refunds (negative amounts), as every other report's sales: the same day gives the same figure
    bought = (await raw(f"SELECT SUM(CASE WHEN kind = 'purchase' THEN 1 ELSE 0 END) AS n, SUM(amount_fen) AS fen "
                        f"FROM purchase WHERE occurred_at >= {{}} AND kind IN ('purchase', 'refund'){s}", since, *a))[0]
    return schemas.Today(
        day=day, store_id=store_id, new_customers=customers["n"], new_customers_mine=int(customers["mine"] or 0),
        follows=follows["n"], new_followers=int(follows["fresh"] or 0), follows_mine=int(follows["mine"] or 0),
        redemptions=redemptions["n"], redemptions_mine=int(redemptions["mine"] or 0), coupons_issued=issued["n"],
        purchases=int(bought["n"] or 0), purchases_fen=int(bought["fen"] or 0))
