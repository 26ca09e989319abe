"""Referral (以老带新): a customer's link /r/{code}, who may be credited as referred, and the referrer's reward.

Only a phone that was not yet a customer can be referred, never by oneself, and each
referrer is credited at most REFERRALS_PER_DAY times a day (an account farming
referrals meets the limit, the follows themselves still happen). The referrer is
rewarded once per referee, on the referee's first purchase.
"""

from __future__ import annotations

import datetime as dt
import os

from regulars.core import clock, ratelimit
from regulars.core.db import raw
from regulars.core.errors import TooManyRequests
from regulars.core.idempotency import is_unique_violation
from regulars.core.security import crockford_code, crockford_valid, normalise_crockford
from regulars.customers import privacy, timeline
from regulars.customers import rules as customer_rules
from regulars.acquisition import rules
from regulars.settings import get_settings

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
    code = normalise_crockford(code)
    if not crockford_valid(code) or len(code) != rules.CODE_LENGTH + 1:
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


async def summary(customer_id: int) -> tuple[int, int]:
    """How many friends the customer brought in, and for how many they were rewarded."""
    rows = await raw("SELECT status, COUNT(*) AS n FROM referral WHERE referrer = {} GROUP BY status", customer_id)
    counts = {r["status"]: r["n"] for r in rows}
    return sum(counts.values()), counts.get("rewarded", 0)


async def forget(customer_id: int) -> None:
    """Erasure: the customer's own link stops working (referrals stay as anonymous facts)."""
    await raw("DELETE FROM referral_code WHERE customer = {}", customer_id)


privacy.register_erasure_hook(forget)
