"""Pure decisions of acquisition: when a code is open, what a follow form must carry, one-time codes."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from regulars.core.security import crockford_valid, normalise_crockford, restore_check

NOTICE_VERSION = "2026-11"
MIN_AGE = 14
OTP_DIGITS = 6
OTP_LIFETIME = dt.timedelta(minutes=5)
OTP_MAX_ATTEMPTS = 5
RESUBMIT_WINDOW = dt.timedelta(minutes=10)
CODE_LENGTH = 10


def is_open(active: bool, starts_at: dt.datetime | None, ends_at: dt.datetime | None, now: dt.datetime) -> bool:
    """A code answers only while active and inside its window (start inclusive, end exclusive)."""
    if not active:
        return False
    if starts_at is not None and now < starts_at:
        return False
    return ends_at is None or now < ends_at


def check_window(starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> bool:
    return starts_at is None or ends_at is None or starts_at < ends_at


def form_problems(*, service_consent: bool, age_confirmed: bool, notice_version: str) -> list[tuple[str, str]]:
    """(field, message key) for each reason the follow form cannot go on."""
    problems = []
    if notice_version != NOTICE_VERSION:
        problems.append(("notice_version", "follow.notice_changed"))
    if not service_consent:
        problems.append(("consent_service", "follow.service_consent_required"))
    if not age_confirmed:
        problems.append(("age_confirmed", "follow.age_required"))
    return problems


def new_otp() -> str:
    return f"{secrets.randbelow(10 ** OTP_DIGITS):0{OTP_DIGITS}d}"


def clean_otp(text: str) -> str:
    """Digits only: people paste codes with spaces, and full-width digits from Chinese keyboards."""
    return "".join(c for c in text.translate(str.maketrans("０１２３４５６７８９", "0123456789")) if c in "0123456789")[:12]


def spend_fen(text: str) -> int | None:
    """A purchase amount as a customer types it on a phone ('120', '99.5', '１２０元', '¥120.00') in fen; None when
    it is not one (at most ¥1,000,000 and two decimals, as the API takes it)."""
    cleaned = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789.")).strip().strip("¥￥元 ").replace(",", "")
    match = re.fullmatch(r"([0-9]{1,7})(?:\.([0-9]{1,2}))?", cleaned)
    if match is None:
        return None
    fen = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
    return fen if fen <= 100_000_000 else None


def link_code(text: str) -> str | None:
    """The stored form of a channel or referral code from a link or typed in; None when it cannot be one."""
    code = restore_check(normalise_crockford(text), CODE_LENGTH)
    if len(code) != CODE_LENGTH + 1 or not crockford_valid(code):
        return None
    return code
