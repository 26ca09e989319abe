"""The messaging room's settings, read from the environment once."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from urllib.parse import urlparse

from regulars.settings import get_settings


def _bool(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class MessagingSettings:
    push_allow_insecure_local: bool
    vapid_subject: str
    push_timeout_seconds: float
    sms_provider: str
    sms_gateway_url: str
    sms_gateway_secret: str
    sms_timeout_seconds: float
    sms_dev_fixed_code: str | None


def _default_subject() -> str:
    base = get_settings().public_base_url
    # Push services want a contact they can reach; a public https origin is one, localhost is not.
    if base.startswith("https://"):
        return base
    return "mailto:webpush@regulars.example"


@functools.cache
def messaging_settings() -> MessagingSettings:
    provider = os.environ.get("REGULARS_SMS_PROVIDER", "dev").strip().lower()
    url = os.environ.get("REGULARS_SMS_GATEWAY_URL", "").strip()
    secret = os.environ.get("REGULARS_SMS_GATEWAY_SECRET", "")
    if provider not in ("dev", "http"):
        raise RuntimeError(f"REGULARS_SMS_PROVIDER must be dev or http, not {provider!r}")
    if provider == "http":
        if urlparse(url).scheme not in ("http", "https") or not secret:
            raise RuntimeError("REGULARS_SMS_PROVIDER=http needs REGULARS_SMS_GATEWAY_URL and REGULARS_SMS_GATEWAY_SECRET")
    return MessagingSettings(
        push_allow_insecure_local=_bool("REGULARS_PUSH_ALLOW_INSECURE_LOCAL"),
        vapid_subject=os.environ.get("REGULARS_VAPID_SUBJECT", "").strip() or _default_subject(),
        push_timeout_seconds=float(os.environ.get("REGULARS_PUSH_TIMEOUT_SECONDS", "10")),
        sms_provider=provider,
        sms_gateway_url=url,
        sms_gateway_secret=secret,
        sms_timeout_seconds=float(os.environ.get("REGULARS_SMS_TIMEOUT_SECONDS", "5")),
        # Load tests only: with the development provider (nothing is delivered anyway) every code is this one.
        sms_dev_fixed_code=_fixed_code(provider),
    )


def _fixed_code(provider: str) -> str | None:
    code = os.environ.get("REGULARS_SMS_DEV_FIXED_CODE", "").strip()
    if not code:
        return None
    if provider != "dev" or not (code.isdigit() and len(code) == 6):
        raise RuntimeError("REGULARS_SMS_DEV_FIXED_CODE needs REGULARS_SMS_PROVIDER=dev and six digits")
    return code
