"""Which store, channel, clerk and campaign brought a customer in: first touch, latest touch, every touch."""

from __future__ import annotations

from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.db import raw
from regulars.customers import service as customers
from regulars.acquisition import channels, schemas


def _touch(store_id: int, channel_id, staff_id, campaign, referrer, at, names: dict[int, str]) -> schemas.Touch:
    return schemas.Touch(store_id=store_id, channel_id=channel_id, channel_name=names.get(channel_id),
                         staff_id=staff_id, campaign=campaign or "", referrer_customer_id=referrer, at=clock.aware(at))


async def of_customer(actor: Principal, customer_id: int, limit: int = 100) -> schemas.Attribution:
    """The customer's follows within the actor's reach (their store's, or all for an admin)."""
    await customers.reachable(actor, customer_id)
    where, args = "customer = {}", [customer_id]
    if not actor.is_admin:
        where += " AND store = {}"
        args.append(actor.store_id)
    follows = await raw(f"SELECT * FROM follow WHERE {where} ORDER BY first_at", *args)
    touches = await raw(f"SELECT * FROM follow_touch WHERE {where} ORDER BY at DESC, id DESC LIMIT {{}}", *args, limit)
    ids = {f["first_channel"] for f in follows} | {f["last_channel"] for f in follows} | {t["channel"] for t in touches}
    names = await channels.names(sorted(i for i in ids if i is not None))
    return schemas.Attribution(
        customer_id=customer_id,
        follows=[
            schemas.StoreFollow(
                store_id=f["store"],
                first=_touch(f["store"], f["first_channel"], f["first_staff"], f["first_campaign"], f["first_referrer"],
                             f["first_at"], names),
                latest=_touch(f["store"], f["last_channel"], f["last_staff"], f["last_campaign"], f["last_referrer"],
                              f["last_at"], names),
                touches=f["touches"],
            )
            for f in follows
        ],
        history=[_touch(t["store"], t["channel"], t["staff"], t["campaign"], t["referrer"], t["at"], names)
                 for t in touches],
    )
