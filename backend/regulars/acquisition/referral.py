"""Referral (以老带新): a customer's link /r/{code}, who may be credited as referred, and the referrer's reward.

Only a phone that was not yet a customer can be referred, never by oneself, and each
referrer is credited at most REFERRALS_PER_DAY times a day (an account farming
referrals meets the limit, the follows themselves still happen). The referrer is
rewarded once per referee, on the referee's first purchase, and the reward is taken back (the points
as far as they are unspent, the coupon if unused) when that purchase is refunded in full.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

from regulars.core import clock, ratelimit
from regulars.core.db import raw
from regulars.core.errors import DomainError, TooManyRequests
from regulars.core.i18n import t
from regulars.core.idempotency import is_unique_violation
from regulars.core.security import crockford_code
from regulars.coupons import service as coupons
from regulars.customers import privacy, timeline
from regulars.customers import rules as customer_rules
from regulars.customers import service as customers
from regulars.messaging import inbox
from regulars.points import service as points
from regulars.purchases import schemas as purchase_schemas
from regulars.purchases import service as purchases
from regulars.acquisition import channels, rules
from regulars.acquisition.savepoint import undone_on_error
from regulars.settings import get_settings

log = logging.getLogger("regulars.acquisition")

REFERRALS_PER_DAY = int(os.environ.get("REGULARS_REFERRALS_PER_DAY", "20"))


def link(code: str) -> str:
    return f"{get_settings().public_base_url}/r/{code}"


async def code_of(customer_id: int) -> str:
    """The customer's referral code, made on first use."""
    for _ in range(5):
        rows = await raw("SELECT code FROM referral_code WHERE customer = {}", customer_id)
        if rows:
            return rows[0]["code"]
        try:
            await raw("INSERT INTO referral_code (customer, code, created_at) VALUES ({}, {}, {}) "
                      "ON CONFLICT (customer) DO NOTHING", customer_id, crockford_code(rules.CODE_LENGTH), clock.now())
        except Exception as exc:
            if not is_unique_violation(exc):
                raise
    raise RuntimeError(f"no referral code for customer {customer_id}")


async def referrer_of(code: str | None) -> dict | None:
    """The referrer (id and home store) behind a code; None for unknown, malformed or erased alike."""
    if not code:
        return None
    code = rules.link_code(code)
    if code is None:
        return None
    rows = await raw(
        "SELECT c.id, c.home_store FROM referral_code r JOIN customer c ON c.id = r.customer "
        "WHERE r.code = {} AND c.erased_at IS NULL", code,
    )
    return rows[0] if rows else None


async def credit(referrer_id: int | None, referee_id: int, *, new_customer: bool, store_id: int,
                 channel_id: int | None, referee_phone: str | None) -> int | None:
    """Records the referral inside the follow's transaction; returns the referrer credited, or None."""
    if referrer_id is None or not new_customer or referrer_id == referee_id:
        return None
    try:
        await ratelimit.hit(f"referral:day:{referrer_id}", limit=REFERRALS_PER_DAY, window=dt.timedelta(days=1))
    except TooManyRequests:
        return None
    rows = await raw(
        "INSERT INTO referral (referrer, referee, store, channel, created_at, status, reward) "
        "VALUES ({}, {}, {}, {}, {}, 'pending', '') ON CONFLICT (referee) DO NOTHING RETURNING id",
        referrer_id, referee_id, store_id, channel_id, clock.now(),
    )
    if not rows:
        return None
    await timeline.add(referrer_id, "referred", channel="web", store_id=store_id,
                       data={"phone": customer_rules.mask_phone(referee_phone)}, ref_type="customer", ref_id=referee_id)
    return referrer_id


async def reward_first_purchase(purchase: purchase_schemas.Purchase) -> None:
    """On a referee's first purchase, rewards the referrer once: the store's referral points, and its reward coupon
    if the store's referral code names one. Runs inside the purchase's transaction; never fails the purchase."""
    if purchase.kind != "purchase" or purchase.seq != 1:
        return
    rows = await raw(
        "UPDATE referral SET status = 'rewarded', rewarded_at = {} WHERE referee = {} AND status = 'pending' "
        "RETURNING id, referrer, store, channel",
        clock.now(), purchase.customer_id,
    )
    if not rows:
        return
    row = rows[0]
    given: list[str] = []
    try:
        async with undone_on_error():
            entry = await points.grant_bonus(row["referrer"], "referral", "referral", row["id"], store_id=row["store"])
            if entry is not None:
                given.append(f"points:{entry.points}")
    except DomainError as refused:
        log.warning("referral %s: points not granted: %s", row["id"], refused.key)
    channel = await channels.by_id(row["channel"]) if row["channel"] else None
    if channel and channel["reward_template_id"]:
        try:
            async with undone_on_error():
                coupon, _ = await coupons.issue_once(None, channel["reward_template_id"], row["referrer"],
                                                     source="referral", source_ref=f"referral:{row['id']}",
                                                     store_id=row["store"])
            given.append(f"coupon:{coupon.id}")
        except DomainError as refused:
            log.warning("referral %s: reward coupon not issued: %s", row["id"], refused.key)
    referee = await customers.detail(purchase.customer_id)
    phone = referee.phone_masked
    await raw("UPDATE referral SET reward = {} WHERE id = {}", " ".join(given)[:60], row["id"])
    await timeline.add(row["referrer"], "referral_rewarded", channel="system", store_id=row["store"],
                       data={"phone": phone}, ref_type="referral", ref_id=row["id"])
    if given:
        await inbox.deliver_inbox(row["referrer"], t("referral.reward_title"), t("referral.reward_body", phone=phone),
                                  "/w", store_id=row["store"], kind="referral", ref_type="referral", ref_id=row["id"],
                                  dedupe_key=f"referral-reward:{row['id']}", add_to_timeline=False)


async def take_back_on_refund(purchase: purchase_schemas.Purchase) -> None:
    """A full refund of the referee's first purchase voids the referral: what the referrer got for it is taken back
    (points already spent stay spent, a coupon already redeemed stays redeemed). Runs inside the refund's
    transaction, once: the referral leaves 'rewarded' in the same conditional update."""
    if purchase.kind != "refund" or purchase.refund_of is None:
        return
    first = await raw("SELECT customer FROM purchase WHERE id = {} AND seq = 1 AND refunded_fen >= amount_fen",
                      purchase.refund_of)
    if not first:
        return
    rows = await raw("UPDATE referral SET status = 'void' WHERE referee = {} AND status = 'rewarded' "
                     "RETURNING id, referrer, store, reward", first[0]["customer"])
    if not rows:
        return
    row = rows[0]
    taken_points, voided = 0, False
    for part in row["reward"].split():
        kind, _, value = part.partition(":")
        if kind == "points" and value.isdigit():
            taken_points = await points.reverse(row["referrer"], int(value), source_kind="referral_void",
                                                source_id=row["id"], store_id=row["store"],
                                                prefer_source=("referral", row["id"]))
        elif kind == "coupon" and value.isdigit():
            voided = await coupons.void_unredeemed(int(value))
    phone = (await customers.detail(purchase.customer_id)).phone_masked
    await timeline.add(row["referrer"], "referral_taken_back", channel="system", store_id=row["store"],
                       data={"phone": phone, "points": taken_points, "coupon": "yes" if voided else "no"},
                       ref_type="referral", ref_id=row["id"])


async def summary(customer_id: int) -> tuple[int, int]:
    """How many friends the customer brought in, and for how many they were rewarded."""
    rows = await raw("SELECT status, COUNT(*) AS n FROM referral WHERE referrer = {} GROUP BY status", customer_id)
    counts = {r["status"]: r["n"] for r in rows}
    return sum(counts.values()), counts.get("rewarded", 0)


async def forget(customer_id: int) -> None:
    """Erasure: the customer's own link stops working (referrals stay as anonymous facts)."""
    await raw("DELETE FROM referral_code WHERE customer = {}", customer_id)


privacy.register_erasure_hook(forget)
purchases.register_after_purchase(reward_first_purchase)
purchases.register_after_purchase(take_back_on_refund)
