"""A customer of another store, at this store's counter, becomes this store's customer too.

Typing a phone number proves nothing about who is at the counter, and joining opens the whole profile to the
store: so the customer proves it with a code sent to their phone, which they read out to the clerk. A first
request with the phone sends the code (202 with the reference the second request carries); the second, with
the code, joins. A customer the store already has needs no code (nothing new is opened), nor does a chain
admin, who reaches every customer. Codes are limited per phone (the one-time code rules) and per clerk.
"""

from __future__ import annotations

import datetime as dt
import json
import os

import msgspec

from regulars.core import ratelimit
from regulars.core.auth import Principal
from regulars.core.db import writing
from regulars.core.errors import BadInput, NotFound
from regulars.customers import rules as customer_rules
from regulars.customers import schemas as customer_schemas
from regulars.customers import service as customers
from regulars.acquisition import otp, rules
from regulars.stores import service as stores

PURPOSE = "store_join"
CODES_PER_CLERK_DAY = int(os.environ.get("REGULARS_JOIN_CODES_PER_CLERK", "40"))


class CodeSent(msgspec.Struct, kw_only=True):
    """A code went to the customer's phone; send the request again with `ref` and the code."""

    code_sent: bool = True
    ref: str
    phone_masked: str
    expires_in: int  # seconds


async def join(actor: Principal, data: customer_schemas.StoreFollow, *,
               client_ip: str | None) -> customer_schemas.Customer | CodeSent:
    phone = customer_rules.normalise_phone(data.phone)
    found = await customers.find_by_phone(phone)
    if found is None or found["erased_at"] is not None:
        raise NotFound("customer.phone_unknown", phone=customer_rules.mask_phone(phone))
    if actor.store_id is None or await customers.in_store(found["id"], actor.store_id):
        return await customers.follow_in_store(actor, found["id"], data.consents)
    if data.code is None:
        if data.ref is not None:
            raise BadInput("join.code_needed", field="code")
        return await _send_code(actor, phone, found, client_ip)
    if data.ref is None:
        raise BadInput("otp.unknown", field="code")
    challenge = await otp.check(data.ref, data.code, PURPOSE)
    meant = challenge["data"]
    meant = json.loads(meant) if isinstance(meant, str) else meant
    if challenge["phone"] != phone or meant.get("store") != actor.store_id:
        raise BadInput("otp.unknown", field="code")
    async with writing():
        if not await otp.claim(challenge["id"]):
            raise BadInput("otp.unknown", field="code")
        return await customers.follow_in_store(actor, found["id"], data.consents)


async def _send_code(actor: Principal, phone: str, customer: dict, client_ip: str | None) -> CodeSent:
    async with writing():
        await ratelimit.hit(f"join:staff:{actor.staff_id}", limit=CODES_PER_CLERK_DAY, window=dt.timedelta(days=1),
                            message="join.too_many")
    store = await stores.get_store(actor.store_id)
    ref = await otp.start(PURPOSE, phone, client_ip=client_ip, channel_id=None,
                          data={"store": actor.store_id, "staff": actor.staff_id}, brand=store.name,
                          lang=customer.get("language") or "zh-CN", text="sms.store_join")
    return CodeSent(ref=ref, phone_masked=customer_rules.mask_phone(phone),
                    expires_in=int(rules.OTP_LIFETIME.total_seconds()))
