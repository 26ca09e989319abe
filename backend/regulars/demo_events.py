"""The timeline events of the demo's history, as the services write them for the same facts.

Each function gives one `timeline_event` row (in the order of `timeline.COLUMNS`) built by `timeline.values`,
the helper the services write through, with the moment the fact happened instead of the moment of writing:
kinds, channels, store and staff, data and references as `purchases.service`, `points.ledger`,
`coupons.service`, `coupons.redemption`, `coupons.jobs` and `customers.service` give them.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from regulars.coupons.rules import format_code
from regulars.customers import timeline
from regulars.purchases.rules import CATEGORY_LABELS, VISIT_LABELS, yuan

COLUMNS = tuple(timeline.COLUMNS.split(", "))


@lru_cache(maxsize=None)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _row(customer: int, at: dt.datetime, kind: str, **fields) -> tuple:
    values = timeline.values(customer, kind, **fields)
    values[1] = at
    return tuple(values)


def created(customer: int, at: dt.datetime, store: int, staff: int | None, *, channel: str) -> tuple:
    """`customers.service.insert_customer`: at the counter (channel store, the clerk) or on the follow page (web)."""
    return _row(customer, at, "created", channel=channel, store_id=store, staff_id=staff)


def consent(customer: int, at: dt.datetime, purpose: str, notice_version: str, store: int, staff: int | None, *,
            channel: str) -> tuple:
    """`customers.service.record_consent`, a grant; one the customer gave on the follow page reads as online."""
    return _row(customer, at, "consent", channel=channel if channel in ("store", "web") else ("store" if staff else "web"),
                store_id=store,
                staff_id=staff, data={"purpose": purpose, "state": "granted", "notice_version": notice_version})


def purchase(customer: int, at: dt.datetime, purchase_id: int, kind: str, category: str | None,
             visit_kind: str | None, amount_fen: int, seq: int | None, points: int, store: int,
             clerk: int | None) -> tuple:
    """`purchases.service._note`: a purchase or a visit recorded in the store."""
    data: dict = {"amount": yuan(amount_fen), "points": points, "seq": seq}
    if category:
        data |= {"category": category, "category_zh": CATEGORY_LABELS[category][0],
                 "category_en": CATEGORY_LABELS[category][1]}
    if visit_kind:
        data |= {"visit_kind": visit_kind, "visit_zh": VISIT_LABELS[visit_kind][0],
                 "visit_en": VISIT_LABELS[visit_kind][1]}
    return _row(customer, at, kind, channel="store", store_id=store, staff_id=clerk, data=data, ref_type="purchase",
                ref_id=purchase_id)


def points(customer: int, at: dt.datetime, entry: int, kind: str, delta: int, balance: int, source_kind: str,
           store: int | None, staff: int | None, reason: str = "") -> tuple:
    """`points.ledger._note`: one ledger entry (earn, redeem, expire)."""
    return _row(customer, at, f"points_{kind}", channel="store" if staff else "system", store_id=store,
                staff_id=staff, data={"delta": f"{delta:+d}", "balance": balance, "source": source_kind,
                                      "reason": reason},
                ref_type="points_entry", ref_id=entry)


def coupon(customer: int, at: dt.datetime, kind: str, coupon_id: int, name: str, code: str, store: int,
           staff: int | None, store_name: str | None = None) -> tuple:
    """A coupon issued by a clerk (`coupons.service`), redeemed at the counter (`coupons.redemption`) or expired
    (`coupons.jobs`, channel system)."""
    data = {"name": name, "code": format_code(code)}
    if store_name is not None:
        data["store"] = store_name
    return _row(customer, at, kind, channel="system" if kind == "coupon_expired" else "store", store_id=store,
                staff_id=staff, data=data, ref_type="coupon", ref_id=coupon_id)
