"""Pure coupon decisions: template checks, validity windows, why a redemption was refused, reversal window."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from regulars.core.errors import BadInput

REVERSE_WINDOW = dt.timedelta(minutes=30)
CODE_LENGTH = 10
UNLIMITED = 2_147_483_647

KIND_FIELDS = {
    "amount_off": ("amount_off_fen",),
    "percent_off": ("percent_off",),
    "gift": ("item",),
    "service": ("item",),
}
VALUE_FIELDS = ("amount_off_fen", "percent_off", "max_off_fen", "item")


def check_template(values: dict[str, Any], now: dt.datetime) -> None:
    """Refuses a template whose kind lacks its value, whose validity is not exactly one form, or that has ended."""
    kind = values["kind"]
    for field in KIND_FIELDS[kind]:
        if not values.get(field):
            raise BadInput("coupon.kind_value", field=field, kind=kind)
    allowed = set(KIND_FIELDS[kind]) | ({"max_off_fen"} if kind == "percent_off" else set())
    for field in VALUE_FIELDS:
        if field not in allowed and values.get(field):
            raise BadInput("coupon.kind_extra", field=field, kind=kind)
    window = values.get("valid_from") is not None or values.get("valid_until") is not None
    days = values.get("valid_days") is not None
    if window == days:
        raise BadInput("coupon.validity", field="valid_days")
    if window:
        start, end = values.get("valid_from"), values.get("valid_until")
        if end is None or (start is not None and start >= end):
            raise BadInput("coupon.validity", field="valid_until")
        if end <= now:
            raise BadInput("coupon.window_past", field="valid_until", until=end.isoformat())
    if values.get("scope") == "list" and not values.get("store_ids"):
        raise BadInput("coupon.store_list", field="store_ids", ids="")


def coupon_window(template: dict[str, Any], issued_at: dt.datetime, zone: str) -> tuple[dt.datetime, dt.datetime]:
    """The coupon's validity: the template's fixed window, or N days counting the day of issue in the store's zone."""
    if template["valid_days"] is not None:
        local_day = issued_at.astimezone(ZoneInfo(zone)).date()
        last = local_day + dt.timedelta(days=template["valid_days"])
        end = dt.datetime.combine(last, dt.time(0), tzinfo=ZoneInfo(zone)).astimezone(dt.timezone.utc)
        return issued_at, end
    start = template["valid_from"] or issued_at
    return start, template["valid_until"]


def window_ended(template: dict[str, Any], now: dt.datetime) -> bool:
    return template["valid_days"] is None and template["valid_until"] is not None and template["valid_until"] <= now


def refusal(coupon: dict[str, Any], *, now: dt.datetime, valid_here: bool, in_reach: bool) -> str | None:
    """Why a coupon that the conditional redemption did not change was refused; None if it is redeemable now.

    Reach comes first: outside it, every refusal looks like an unknown code.
    """
    if not in_reach:
        return "not_found"
    if not valid_here:
        return "wrong_store"
    state = coupon["state"]
    if state == "redeemed":
        return "already_redeemed"
    if state == "void":
        return "void"
    if state == "expired" or coupon["valid_until"] <= now:
        return "expired"
    if coupon["valid_from"] > now:
        return "not_yet_valid"
    return None


def reversible(redeemed_at: dt.datetime, now: dt.datetime) -> bool:
    return now - redeemed_at <= REVERSE_WINDOW


def format_code(code: str) -> str:
    """The code as people read it aloud: groups of four."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def shown_time(moment: dt.datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"
