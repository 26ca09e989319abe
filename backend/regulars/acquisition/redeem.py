"""Customer-side redemption: the customer scans the counter's QR, picks a coupon valid in that store, confirms,
and it is redeemed by the coupons room with the same guarantees as at the counter, credited to the QR's clerk."""

from __future__ import annotations

import datetime as dt

import msgspec

from regulars.core import clock
from regulars.core.db import writing
from regulars.core.errors import Gone, NotFound
from regulars.coupons import codes as coupon_codes
from regulars.coupons import redemption as coupon_redemption
from regulars.coupons import rules as coupon_rules
from regulars.coupons import schemas as coupon_schemas
from regulars.coupons import service as coupons
from regulars.customers import rules as customer_rules
from regulars.customers import service as customers
from regulars.acquisition import account, counter, otp, wallet
from regulars.acquisition import messages  # noqa: F401  (registers the room's messages)
from regulars.stores import service as stores


# the page that says a coupon was redeemed stays for as long as a manager may reverse the redemption
RECEIPT_SECONDS = int(coupon_rules.REVERSE_WINDOW.total_seconds())


async def opened(token_text: str, *, within: int) -> counter.CounterToken:
    """The counter token if it may still be used: not tampered with, not expired, not spent."""
    token = counter.read(token_text, within=within)
    if await counter.spent(token):
        raise Gone("counter.token_used")
    if not await stores.active_clerk_in_store(token.staff_id, token.store_id):
        raise Gone("counter.token_expired")
    return token


async def usable_here(customer_id: int, store_id: int) -> list[account.WalletCoupon]:
    """The customer's coupons that can be redeemed in this store right now."""
    now = clock.now()
    found = []
    for coupon in await account.wallet_coupons(customer_id):
        if coupon.state != "issued" or not coupon.valid_from <= now < coupon.valid_until:
            continue
        if await coupons.valid_in_store({"scope": coupon.scope, "issued_store": coupon.issued_store_id,
                                         "template": coupon.template_id}, store_id):
            found.append(coupon)
    return sorted(found, key=lambda c: c.valid_until)


async def send_code(token_text: str, phone_text: str, *, client_ip: str | None, lang: str) -> str:
    token = await opened(token_text, within=counter.CONFIRM_SECONDS)
    phone = customer_rules.normalise_phone(phone_text)
    store = await stores.get_store(token.store_id)
    return await otp.start("redeem", phone, client_ip=client_ip, channel_id=None, data={"store": token.store_id},
                           brand=store.name, lang=lang)


async def verify(token_text: str, ref: str, entered: str) -> str:
    """Recognises the customer by phone and code; returns a new wallet token for their cookie."""
    await opened(token_text, within=counter.CONFIRM_SECONDS)
    challenge = await otp.check(ref, entered, "redeem")
    async with writing():
        if not await otp.claim(challenge["id"]):
            raise NotFound("otp.unknown")
        customer = await customers.find_by_phone(challenge["phone"])
        if customer is None or customer["erased_at"] is not None:
            raise NotFound("redeem.not_a_customer")
        return await wallet.issue(customer["id"])


class Redeemed(msgspec.Struct):
    coupon: coupon_schemas.Coupon
    code_shown: str
    store_name: str
    clerk_name: str | None
    at: dt.datetime


async def redeem(token_text: str, customer_id: int, code: str, spend_fen: int | None = None) -> Redeemed:
    """Spends the counter token and redeems the customer's coupon in one transaction, then tells the tablet.
    `spend_fen` is the purchase's amount as the customer states it (a coupon with a minimum spend needs it)."""
    token = await opened(token_text, within=counter.CONFIRM_SECONDS)
    async with writing():
        await counter.spend(token)
        done = await coupon_redemption.redeem(
            coupon_schemas.Holder(customer_id=customer_id), code, store_id=token.store_id, staff_id=token.staff_id,
            channel="web",  # the coupons room's name for the customer's own scan
            spend_fen=spend_fen,
        )
        profile = await customers.detail(customer_id)
        shown = coupon_rules.format_code(done.coupon.code)
        await counter.publish(token.store_id, token.staff_id, "redeemed", {
            "coupon_id": done.coupon.id, "code": shown, "name_zh": done.coupon.name_zh, "name_en": done.coupon.name_en,
            "kind": done.coupon.kind, "amount_off_fen": done.coupon.amount_off_fen, "percent_off": done.coupon.percent_off,
            "max_off_fen": done.coupon.max_off_fen, "item": done.coupon.item,
            "customer_id": customer_id, "customer": profile.phone_masked, "redemption_id": done.id, "spend_fen": spend_fen,
        })
    return Redeemed(coupon=done.coupon, code_shown=shown, store_name=done.store_name,
                    clerk_name=await stores.staff_name(token.staff_id), at=done.at)


async def receipt(token_text: str, customer_id: int, code: str) -> tuple[counter.CounterToken, Redeemed]:
    """The counter token and the redemption of the customer's coupon through it, for the page the customer shows
    the clerk: reloading it or coming back to it shows it again. NotFound for anything else."""
    token = counter.read(token_text, within=RECEIPT_SECONDS)
    parsed = coupon_codes.parse(code)
    row = await coupons.row_by_code(parsed) if parsed else None
    if (row is None or row["customer"] != customer_id or row["state"] != "redeemed"
            or row["redeemed_store"] != token.store_id or row["redeemed_by"] != token.staff_id):
        raise NotFound("counter.token_unknown")
    coupon = coupons.to_schema(row)
    store = await stores.get_store(token.store_id)
    return token, Redeemed(coupon=coupon, code_shown=coupon_rules.format_code(coupon.code), store_name=store.name,
                           clerk_name=await stores.staff_name(token.staff_id), at=coupon.redeemed_at)
