"""Pure decisions about purchases: what a POS line is, money and time as the POS writes them, labels."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

CATEGORY_LABELS = {
    "plan": ("套餐业务", "plan"),
    "device": ("终端", "device"),
    "accessory": ("配件", "accessory"),
    "service": ("服务", "service"),
    "bill_payment": ("缴费", "bill payment"),
}
VISIT_LABELS = {
    "bill_payment": ("缴费", "bill payment"),
    "after_sales": ("售后", "after-sales"),
    "consultation": ("咨询", "consultation"),
    "complaint": ("投诉", "complaint"),
}
# 业务类型 as POS and billing exports write it
POS_CATEGORIES = {
    "套餐办理": "plan", "套餐": "plan", "业务办理": "plan", "宽带": "plan",
    "终端销售": "device", "终端": "device", "手机": "device",
    "配件": "accessory", "配件销售": "accessory",
    "售后服务": "service", "售后": "service", "服务": "service",
    "缴费": "bill_payment", "充值": "bill_payment", "充值缴费": "bill_payment",
    **{code: code for code in CATEGORY_LABELS},
}
# a line without money in these categories is a visit, not a purchase
ZERO_AMOUNT_VISITS = {"service": "after_sales", "bill_payment": "bill_payment"}


def kind_of(amount_fen: int) -> str:
    return "refund" if amount_fen < 0 else "purchase"


def classify_pos_line(category: str, amount_fen: int) -> tuple[str, str | None, str | None]:
    """(kind, category, visit_kind) of a POS line: a refund if negative, a visit if free after-sales or payment."""
    if amount_fen == 0 and category in ZERO_AMOUNT_VISITS:
        return "visit", None, ZERO_AMOUNT_VISITS[category]
    return kind_of(amount_fen), category, None


def yuan(amount_fen: int) -> str:
    """An amount as people read it: thousands grouped, both decimals ("1,299.90"), as the staff app shows money."""
    sign = "-" if amount_fen < 0 else ""
    return f"{sign}{abs(amount_fen) // 100:,}.{abs(amount_fen) % 100:02d}"


def local_time(text: str, zone: str) -> dt.datetime:
    """'2026-01-02 17:21[:00]' (or with '/') in the store's zone, as UTC; ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?", text.strip())
    if not match:
        raise ValueError(text)
    parts = [int(p) if p else 0 for p in match.groups()]
    local = dt.datetime(*parts, tzinfo=ZoneInfo(zone))
    return local.astimezone(dt.timezone.utc)


def items_from_text(text: str) -> list[dict]:
    names = [n.strip() for n in re.split(r"[|；;、]", text) if n.strip()]
    return [{"name": n[:100], "quantity": 1} for n in names]


def birthday_of(row: dict) -> tuple[str, int, int, bool] | None:
    """(calendar, month, day, leap_month) from a customer record as the customers service returns it."""
    if row.get("birth_month") is None or row.get("birth_day") is None:
        return None
    return (row.get("birth_calendar") or "solar", row["birth_month"], row["birth_day"], bool(row.get("birth_leap_month")))
