"""The follow flow: verify the phone, create or match the customer, record consent, attribution and the wallet.

First touch is kept, the latest touch is updated, and every touch is a row of its own,
so a re-follow through another channel is counted and never overwrites who came first.
A repeated submission through the same channel within a few minutes counts once.
"""

from __future__ import annotations

import json
import logging

import msgspec

from regulars.core import audit, clock
from regulars.core.db import raw, writing
from regulars.core.errors import BadInput, Conflict, DomainError, Gone, NotFound
from regulars.core.idempotency import is_unique_violation
from regulars.coupons import service as coupons
from regulars.customers import rules as customer_rules
from regulars.customers import service as customers
from regulars.customers import timeline
from regulars.customers.schemas import ConsentGrant
from regulars.acquisition import channels, otp, referral, rules, wallet
from regulars.acquisition.savepoint import undone_on_error
from regulars.points import service as points
from regulars.stores import service as stores

log = logging.getLogger("regulars.acquisition")


class Choices(msgspec.Struct):
    """What the visitor ticked on the follow form."""

    service_consent: bool
    marketing_consent: bool
    age_confirmed: bool
    notice_version: str
    referrer_id: int | None = None


class Followed(msgspec.Struct):
    customer_id: int
    store_id: int
    new_customer: bool
    new_follower: bool
    counted: bool
    wallet_token: str | None = None
    welcome_coupon_id: int | None = None


def check_choices(choices: Choices) -> None:
    problems = rules.form_problems(service_consent=choices.service_consent, age_confirmed=choices.age_confirmed,
                                   notice_version=choices.notice_version)
    if problems:
        field, key = problems[0]
        raise BadInput(key, field=field, extra={"problems": [{"field": f, "code": k} for f, k in problems]})


async def follows(customer_id: int, store_id: int) -> bool:
    """Whether the customer already follows the store (a follow again brings no welcome coupon)."""
    return bool(await raw("SELECT 1 FROM follow WHERE customer = {} AND store = {}", customer_id, store_id))


async def _open_channel(code: str) -> dict:
    channel = await channels.open_by_code(code)
    if channel is None:
        raise NotFound("follow.closed")
    return channel


async def send_code(code: str, phone_text: str, choices: Choices, *, client_ip: str | None, lang: str,
                    referral_code: str | None = None) -> str:
    """Checks the form and texts a one-time code to the phone; returns the reference for the verify step."""
    channel = await _open_channel(code)
    phone = customer_rules.normalise_phone(phone_text)
    check_choices(choices)
    referrer = await referral.referrer_of(referral_code)
    choices = msgspec.structs.replace(choices, referrer_id=referrer["id"] if referrer else None)
    store = await stores.get_store(channel["store"])
    return await otp.start("follow", phone, client_ip=client_ip, channel_id=channel["id"],
                           data=msgspec.to_builtins(choices), brand=store.name, lang=lang)


async def resend_code(code: str, ref: str, *, client_ip: str | None, lang: str) -> str:
    channel = await _open_channel(code)
    store = await stores.get_store(channel["store"])
    return await otp.resend(ref, channel_id=channel["id"], client_ip=client_ip, brand=store.name, lang=lang)


async def verify_and_follow(code: str, ref: str, entered: str) -> Followed:
    """Follows with a verified phone; the code is used once even if the form is sent twice at the same moment."""
    channel = await _open_channel(code)
    challenge = await otp.check(ref, entered, "follow")
    if challenge["channel_id"] != channel["id"]:
        raise BadInput("otp.unknown", field="code")
    data = challenge["data"]
    choices = msgspec.convert(json.loads(data) if isinstance(data, str) else data, Choices)
    for attempt in range(2):
        try:
            async with writing():
                if not await otp.claim(challenge["id"]):
                    raise BadInput("otp.unknown", field="code")
                return await _follow(channel, choices, phone=challenge["phone"], customer_id=None)
        except Exception as exc:
            # PostgreSQL: another request created this phone's customer a moment ago; now it matches.
            if attempt == 0 and is_unique_violation(exc) and "phone" in str(exc):
                continue
            raise
    raise RuntimeError("unreachable")


async def follow_known(code: str, customer_id: int, choices: Choices) -> Followed:
    """Follows as the customer the wallet cookie names, without a new code."""
    channel = await _open_channel(code)
    check_choices(choices)
    async with writing():
        return await _follow(channel, choices, phone=None, customer_id=customer_id)


async def _follow(channel: dict, choices: Choices, *, phone: str | None, customer_id: int | None) -> Followed:
    now = clock.now()
    store_id, staff_id = channel["store"], channel["staff"]
    store = await stores.get_store(store_id)
    new_customer = False
    if customer_id is None:
        existing = await customers.find_by_phone(phone)
        if existing is not None:
            customer_id = existing["id"]
        else:
            customer_id = await customers.insert_customer(
                phone=phone, home_store=store_id, responsible_clerk=staff_id, source="follow",
                source_detail=f"{channel['kind']}:{channel['name']}"[:100], profile={}, actor=None, channel="web",
            )
            new_customer = True
    referrer_id = await referral.credit(choices.referrer_id, customer_id, new_customer=new_customer, store_id=store_id,
                                        channel_id=channel["id"], referee_phone=phone)
    await customers.add_follower(customer_id, store_id)
    grants = [ConsentGrant(purpose="service", granted=True, notice_version=choices.notice_version)]
    if choices.marketing_consent:
        grants.append(ConsentGrant(purpose="marketing", granted=True, notice_version=choices.notice_version))
    for grant in grants:
        await customers.record_consent(customer_id, grant, channel="follow_page", actor=None, store_id=store_id)
    rows = await raw(
        "INSERT INTO follow (customer, store, first_channel, first_staff, first_campaign, first_referrer, first_at, "
        "last_channel, last_staff, last_campaign, last_referrer, last_at, touches) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 1) "
        "ON CONFLICT (customer, store) DO UPDATE SET last_channel = excluded.last_channel, "
        "last_staff = excluded.last_staff, last_campaign = excluded.last_campaign, "
        "last_referrer = excluded.last_referrer, last_at = excluded.last_at, touches = follow.touches + 1 "
        "WHERE NOT (COALESCE(follow.last_channel, 0) = COALESCE(excluded.last_channel, 0) AND follow.last_at > {}) "
        "RETURNING touches",
        customer_id, store_id, channel["id"], staff_id, channel["campaign"], referrer_id, now,
        channel["id"], staff_id, channel["campaign"], referrer_id, now, now - rules.RESUBMIT_WINDOW,
    )
    counted = bool(rows)
    new_follower = counted and rows[0]["touches"] == 1
    if counted:
        await raw(
            "INSERT INTO follow_touch (customer, store, channel, staff, campaign, referrer, new_customer, new_follower, at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})",
            customer_id, store_id, channel["id"], staff_id, channel["campaign"], referrer_id, new_customer,
            new_follower, now,
        )
        await channels.count_follow(channel["id"], new_customer)
        await timeline.add(customer_id, "followed" if new_follower else "refollowed", channel="web", store_id=store_id,
                           staff_id=staff_id, data={"channel": channel["name"], "store": store.name},
                           ref_type="channel", ref_id=channel["id"])
        await audit.record(None, "acquisition.follow", "customer", customer_id, store_id=store_id, actor_kind="customer",
                           actor_id=customer_id, detail={"channel_id": channel["id"], "new_customer": new_customer,
                                                         "new_follower": new_follower})
    welcome = await _welcome(channel, customer_id) if new_follower and channel["welcome_template_id"] else None
    if new_follower:
        await _follow_bonus(channel, customer_id)
    token = await wallet.issue(customer_id) if phone is not None else None
    return Followed(customer_id=customer_id, store_id=store_id, new_customer=new_customer, new_follower=new_follower,
                    counted=counted, wallet_token=token, welcome_coupon_id=welcome)


async def _follow_bonus(channel: dict, customer_id: int) -> None:
    """The store's points for following it (its points rule says how many), once per customer and store."""
    try:
        async with undone_on_error():
            await points.grant_bonus(customer_id, "follow", "follow", channel["store"], store_id=channel["store"],
                                     staff_id=channel["staff"])
    except DomainError as refused:
        log.warning("follow bonus for customer %s not granted: %s", customer_id, refused.key)


async def _welcome(channel: dict, customer_id: int) -> int | None:
    """The code's welcome coupon, once per customer and store (issue_once keys it), within the template's limits."""
    try:
        async with undone_on_error():
            coupon, _ = await coupons.issue_once(
                None, channel["welcome_template_id"], customer_id, source="welcome",
                source_ref=f"follow:{channel['store']}", store_id=channel["store"], staff_id=channel["staff"],
            )
        return coupon.id
    except (Conflict, Gone, NotFound, BadInput) as refused:
        log.info("welcome coupon of channel %s not issued: %s", channel["id"], refused.key)
        return None


