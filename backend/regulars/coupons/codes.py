"""Coupon codes: drawn from a CSPRNG, read back from what a clerk types or scans, drawn as a QR."""

from __future__ import annotations

import qrcode
import qrcode.image.svg

from regulars.core.security import CROCKFORD, crockford_code, crockford_valid, normalise_crockford, restore_check
from regulars.coupons.rules import CODE_LENGTH


def new_code() -> str:
    return crockford_code(CODE_LENGTH)


def parse(typed: str) -> str | None:
    """The stored form of a typed or scanned code, or None when it cannot be a coupon code (bad check character).
    An older code's extra check symbol (*~$=U) may be left off: it is restored."""
    code = restore_check(normalise_crockford(typed), CODE_LENGTH)
    if len(code) != CODE_LENGTH + 1 or not crockford_valid(code):
        return None
    return code


def incomplete(typed: str) -> bool:
    """A code typed without its last character (the check), which the clerk can be told about."""
    code = normalise_crockford(typed)
    return len(code) == CODE_LENGTH and all(c in CROCKFORD for c in code)


def qr_svg(code: str) -> bytes:
    """The QR of a coupon code as SVG (what the wallet page shows and the counter scans)."""
    image = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage,
                        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    return image.to_string()
