"""One-time codes by SMS: sent under per-phone and per-client limits, expiring, a few attempts each, used once."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os

from regulars.core import audit, clock, ratelimit
from regulars.core.db import delete_in_batches, raw, writing
from regulars.core.errors import BadInput, DomainError, Gone
from regulars.core.i18n import t
from regulars.core.security import new_token, token_hash
from regulars.acquisition import messages  # noqa: F401  (registers the room's messages)
from regulars.acquisition import rules
from regulars.messaging import sms
from regulars.messaging.config import messaging_settings

PHONE_GAP = dt.timedelta(seconds=60)
PHONE_DAY = dt.timedelta(days=1)
PHONE_PER_DAY = 10
CLIENT_WINDOW = dt.timedelta(minutes=10)
# A store's shared Wi-Fi puts a whole event's visitors behind one address.
CLIENT_PER_WINDOW = int(os.environ.get("REGULARS_OTP_PER_CLIENT", "60"))
VERIFY_WINDOW = dt.timedelta(hours=1)


class SmsUnavailable(DomainError):
    status_code = 503
    default_key = "otp.send_failed"


def _code_hash(ref: str, code: str) -> str:
    return token_hash(f"otp:{ref}:{code}")


async def start(purpose: str, phone: str, *, client_ip: str | None, channel_id: int | None, data: dict,
                brand: str, lang: str, text: str = "sms.otp") -> str:
    """Sends a new code to `phone` and returns the reference the page carries to the verify step; `text` is the
    message key of the SMS (with `brand`, `code` and `minutes`)."""
    ref, code = new_token(16), messaging_settings().sms_dev_fixed_code or rules.new_otp()
    now = clock.now()
    async with writing():
        await ratelimit.hit(f"otp:phone-gap:{phone}", limit=1, window=PHONE_GAP, message="otp.too_soon")
        await ratelimit.hit(f"otp:phone-day:{phone}", limit=PHONE_PER_DAY, window=PHONE_DAY, message="otp.too_soon")
        await ratelimit.hit(f"otp:client:{client_ip or '-'}", limit=CLIENT_PER_WINDOW, window=CLIENT_WINDOW,
                            message="otp.too_soon")
        await raw(
            "INSERT INTO otp_challenge (ref_hash, purpose, phone, code_hash, channel_id, data, attempts, client_ip, "
            "created_at, expires_at) VALUES ({}, {}, {}, {}, {}, {}, 0, {}, {}, {})",
            token_hash(ref), purpose, phone, _code_hash(ref, code), channel_id, json.dumps(data, ensure_ascii=False), client_ip, now,
            now + rules.OTP_LIFETIME,
        )
    minutes = int(rules.OTP_LIFETIME.total_seconds() // 60)
    result = await sms.send_sms(phone, t(text, lang, brand=brand, code=code, minutes=minutes),
                                purpose=f"otp:{purpose}", ref=ref)
    if result.status != "sent":
        async with writing():
            await audit.record(None, "otp.send_failed", "otp", None, actor_kind="anonymous",
                               detail={"provider": result.provider, "detail": result.detail[:100]})
        raise SmsUnavailable()
    return ref


async def pending(ref: str) -> dict | None:
    """The unexpired, unused challenge behind a reference, or None."""
    rows = await raw(
        "SELECT id, purpose, phone, channel_id, data, attempts, expires_at, verified_at FROM otp_challenge "
        "WHERE ref_hash = {}", token_hash(ref),
    )
    if not rows or rows[0]["verified_at"] is not None or clock.aware(rows[0]["expires_at"]) <= clock.now():
        return None
    return rows[0]


async def check(ref: str, code: str, purpose: str) -> dict:
    """Counts one attempt and returns the challenge if `code` is right; raises with what the visitor can do next."""
    code = rules.clean_otp(code)
    rows = await raw(
        "SELECT id, purpose, phone, code_hash, channel_id, data, expires_at, verified_at FROM otp_challenge "
        "WHERE ref_hash = {}",
        token_hash(ref),
    )
    if not rows or rows[0]["purpose"] != purpose or rows[0]["verified_at"] is not None:
        raise BadInput("otp.unknown", field="code")
    challenge = rows[0]
    if clock.aware(challenge["expires_at"]) <= clock.now():
        raise Gone("otp.expired", field="code")
    phone_key = f"otp:verify:{challenge['phone']}"
    await ratelimit.check(phone_key, message="otp.used_up")
    right = bool(code) and hmac.compare_digest(_code_hash(ref, code), challenge["code_hash"])
    async with writing():
        counted = await raw(
            "UPDATE otp_challenge SET attempts = attempts + 1 WHERE id = {} AND attempts < {} AND verified_at IS NULL "
            "RETURNING attempts", challenge["id"], rules.OTP_MAX_ATTEMPTS,
        )
        if counted and not right:
            await ratelimit.fail(phone_key, free=10, window=VERIFY_WINDOW, per_window=30)
    if not counted:
        raise BadInput("otp.used_up", field="code")
    if not right:
        raise BadInput("otp.wrong", field="code")
    return challenge


async def claim(challenge_id: int) -> bool:
    """Marks the challenge used, inside the caller's transaction; False if another request used it first."""
    rows = await raw("UPDATE otp_challenge SET verified_at = {} WHERE id = {} AND verified_at IS NULL RETURNING id",
                     clock.now(), challenge_id)
    return bool(rows)


async def forget_old(now: dt.datetime | None = None) -> int:
    """Deletes challenges a day past their expiry: they hold phone numbers and serve no purpose after."""
    return await delete_in_batches("otp_challenge", "expires_at < {}", (now or clock.now()) - dt.timedelta(days=1))


async def resend(ref: str, *, channel_id: int | None, client_ip: str | None, brand: str, lang: str) -> str:
    """A fresh code for the same phone and choices as an earlier, unused challenge (expired or not)."""
    rows = await raw("SELECT purpose, phone, channel_id, data, verified_at FROM otp_challenge WHERE ref_hash = {}",
                     token_hash(ref))
    if not rows or rows[0]["verified_at"] is not None or rows[0]["channel_id"] != channel_id:
        raise BadInput("otp.unknown", field="code")
    row = rows[0]
    data = json.loads(row["data"]) if isinstance(row["data"], str) else row["data"]
    return await start(row["purpose"], row["phone"], client_ip=client_ip, channel_id=row["channel_id"], data=data,
                       brand=brand, lang=lang)
