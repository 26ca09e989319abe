"""SMS through a provider chosen by settings: the development provider or a generic signed HTTP gateway.

Development provider: the message is not sent; it is written to var/sms-dev.log (one JSON
line each) with the phone masked and the text in full, so that the developer can read a
one-time code there. The server log says only that a message went there: a one-time code
and the reference it answers never reach a log line, nor does the full number.

HTTP gateway: a JSON POST of {to, text, purpose, ref, sent_at} to the configured URL,
signed with HMAC-SHA256 over the exact body bytes with the configured secret, in
`X-Regulars-Signature: sha256=<hex>`; `ref` is unique per message, so a gateway can
drop a replayed or repeated request. Any 2xx is success; 5xx and network errors are
worth retrying; other answers are not.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
from typing import Literal, Protocol

import httpx
import msgspec

from regulars.core import clock
from regulars.customers.rules import mask_phone
from regulars.messaging.config import messaging_settings
from regulars.settings import get_settings

log = logging.getLogger("regulars.sms")
DEV_LOG = "sms-dev.log"


class SmsResult(msgspec.Struct):
    status: Literal["sent", "retry", "failed"]
    provider: str
    provider_ref: str | None = None
    detail: str = ""


class SmsProvider(Protocol):
    name: str

    async def send(self, phone: str, text: str, *, purpose: str, ref: str) -> SmsResult: ...


class DevSmsProvider:
    name = "dev"

    async def send(self, phone: str, text: str, *, purpose: str, ref: str) -> SmsResult:
        masked = mask_phone(phone)
        log.warning("SMS not sent (development provider) to %s [%s]: the text is in var/%s", masked, purpose, DEV_LOG)
        line = {"at": clock.now().isoformat(), "to": masked, "purpose": purpose, "ref": ref, "text": text}
        with (get_settings().var_dir / DEV_LOG).open("a", encoding="utf-8") as sink:
            sink.write(json.dumps(line, ensure_ascii=False) + "\n")
        return SmsResult("sent", self.name, provider_ref=ref, detail="written to the log")


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class HttpSmsProvider:
    name = "http"

    def __init__(self, url: str, secret: str, timeout: float) -> None:
        self.url, self.secret, self.timeout = url, secret, timeout

    async def send(self, phone: str, text: str, *, purpose: str, ref: str) -> SmsResult:
        body = json.dumps(
            {"to": phone, "text": text, "purpose": purpose, "ref": ref, "sent_at": clock.now().isoformat()},
            ensure_ascii=False, separators=(",", ":"),
        ).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "X-Regulars-Signature": signature(self.secret, body)}
        try:
            async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, trust_env=False) as client:
                response = await client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            log.warning("SMS gateway unreachable for %s: %s", mask_phone(phone), type(exc).__name__)
            return SmsResult("retry", self.name, detail=type(exc).__name__)
        if 200 <= response.status_code < 300:
            try:
                provider_ref = str(response.json().get("id") or "") or None
            except (ValueError, AttributeError):
                provider_ref = None
            return SmsResult("sent", self.name, provider_ref=provider_ref)
        status = "retry" if response.status_code >= 500 or response.status_code == 429 else "failed"
        log.warning("SMS gateway answered %s for %s", response.status_code, mask_phone(phone))
        return SmsResult(status, self.name, detail=f"HTTP {response.status_code}: {response.text[:200]}")


@functools.cache
def provider() -> SmsProvider:
    settings = messaging_settings()
    if settings.sms_provider == "http":
        return HttpSmsProvider(settings.sms_gateway_url, settings.sms_gateway_secret, settings.sms_timeout_seconds)
    return DevSmsProvider()


async def send_sms(phone: str, text: str, *, purpose: str, ref: str) -> SmsResult:
    """Sends one SMS through the configured provider; `ref` names the message (unique per message)."""
    return await provider().send(phone, text, purpose=purpose, ref=ref)
