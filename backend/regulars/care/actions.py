"""A contact's actions besides the message: a coupon from the coupons room, points from the points room.

Both run inside the outbox row's transaction, each in a savepoint: a refusal (stock gone, the
customer's limit reached) undoes only that action and is recorded with the row. Both are keyed by
the outbox row, so running them again gives nothing twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any, AsyncIterator

from regulars.core import clock
from regulars.core.db import engine, writing
from regulars.core.errors import DomainError
from regulars.coupons import rules as coupon_rules
from regulars.coupons import service as coupons
from regulars.points import service as points
from regulars.stores import service as stores

SOURCE = "care"


@contextlib.asynccontextmanager
async def undone_on_error() -> AsyncIterator[None]:
    async with writing():
        savepoint = await engine().current_transaction.get().savepoint()
        try:
            yield
        except BaseException:
            await savepoint.rollback_to()
            raise
        await savepoint.release()


def reference(outbox_id: int) -> str:
    return f"outbox:{outbox_id}"


async def run(outbox_id: int, customer_id: int, store_id: int, campaign: dict) -> dict[str, Any]:
    """Issues the campaign's coupon and credits its points; returns what each answered."""
    answer: dict[str, Any] = {}
    if campaign["coupon_template_id"]:
        try:
            async with undone_on_error():
                coupon = await coupons.issue(None, campaign["coupon_template_id"], customer_id, source=SOURCE,
                                             source_ref=reference(outbox_id), store_id=store_id)
            zone = await stores.store_timezone(store_id)
            last_day = (clock.local(coupon.valid_until, zone) - dt.timedelta(microseconds=1)).date()
            answer["coupon"] = {"coupon_id": coupon.id, "code": coupon_rules.format_code(coupon.code),
                                "name": {"zh-CN": coupon.name_zh, "en": coupon.name_en or coupon.name_zh},
                                "last_day": last_day.isoformat()}
        except DomainError as exc:
            answer["coupon"] = {"refused": exc.key, **exc.extra}
    if campaign["points"]:
        try:
            async with undone_on_error():
                entry = await points.earn(customer_id, campaign["points"], source_kind=SOURCE,
                                          source_id=reference(outbox_id), store_id=store_id,
                                          reason=campaign["name"][:200])
            answer["points"] = {"points": campaign["points"], "entry_id": entry.id if entry else None}
        except DomainError as exc:
            answer["points"] = {"refused": exc.key, **exc.extra}
    return answer


def delivered(answer: dict[str, Any]) -> bool:
    """Whether an action reached the customer (a coupon issued or points credited)."""
    return any(name in answer and "refused" not in answer[name] for name in ("coupon", "points"))
