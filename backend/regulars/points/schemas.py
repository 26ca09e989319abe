"""Request and response shapes of points: balance, ledger, expiry, adjustments, grants, rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

Category = Literal["plan", "device", "accessory", "service", "bill_payment"]
Bonus = Literal["follow", "referral", "profile_completed"]
EntryKind = Literal["earn", "redeem", "expire", "adjust", "reverse"]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Rate = Annotated[int, msgspec.Meta(ge=0, le=100)]
BonusPoints = Annotated[int, msgspec.Meta(ge=0, le=100_000)]
RowId = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]  # what a serial id can be: a job never meets another


class Rule(msgspec.Struct):
    """How points are earned: per yuan by category (0 excludes it), fixed bonuses, birthday month, expiry."""

    rates: dict[str, int]
    bonuses: dict[str, int]
    birthday_multiplier_pct: int
    expiry_years: int | None


class RuleUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """The whole rule of the chain (store_id null, admin) or of one store (its manager), replacing the previous one."""

    rates: dict[Category, Rate]
    bonuses: dict[Bonus, BonusPoints] = {}
    birthday_multiplier_pct: Annotated[int, msgspec.Meta(ge=100, le=1000)] = 100
    expiry_years: Annotated[int, msgspec.Meta(ge=0, le=10)] | None = 1
    store_id: int | None = None


class RuleSet(msgspec.Struct):
    store_id: int | None
    chain: Rule
    store: Rule | None
    effective: Rule


class Entry(msgspec.Struct):
    id: int
    kind: str
    points: int
    balance_after: int
    source_kind: str
    source_id: str
    store_id: int | None
    staff_id: int | None
    reason: str
    at: dt.datetime


class Expiry(msgspec.Struct):
    expires_at: dt.datetime
    expires_on: dt.date
    points: int


class Points(msgspec.Struct):
    customer_id: int
    balance: int
    upcoming_expiry: list[Expiry]
    entries: list[Entry]
    limit: int
    offset: int
    has_more: bool


class AdjustCreate(msgspec.Struct, forbid_unknown_fields=True):
    points: Annotated[int, msgspec.Meta(ge=-1_000_000, le=1_000_000)]
    reason: Reason


class GrantCreate(msgspec.Struct, forbid_unknown_fields=True):
    customer_ids: Annotated[list[RowId], msgspec.Meta(min_length=1, max_length=10_000)]
    points: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
    reason: Reason


class GrantError(msgspec.Struct):
    customer_id: int
    message: str


class Grant(msgspec.Struct):
    id: int
    status: str
    points: int
    reason: str
    total: int
    processed: int
    granted: int
    skipped: int
    failed: int
    errors: list[GrantError]
    created_at: dt.datetime
    finished_at: dt.datetime | None


class Drift(msgspec.Struct):
    """A customer whose cached balance, ledger sum and unexpired lots do not agree."""

    customer_id: int
    balance: int
    ledger: int
    lots: int
