"""Shapes of the reports room besides the report table itself (registry.Table)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec


class RankingSettings(msgspec.Struct, forbid_unknown_fields=True):
    """The store ranking: a weight per measure, and the shares of stores graded A and B (the rest C)."""

    weights: dict[str, float]
    a_share: float = 0.2
    b_share: float = 0.5


class GradeRequest(msgspec.Struct, forbid_unknown_fields=True):
    month: str | None = None  # YYYY-MM; the previous month when absent


class StoreGrade(msgspec.Struct):
    store_id: int
    store: str
    score: float
    rank: int
    grade: str


class Graded(msgspec.Struct):
    month: str
    stores: list[StoreGrade]
    changed: int


class DrillCustomer(msgspec.Struct):
    id: int
    name: str
    phone_masked: str
    home_store_id: int
    responsible_clerk_id: int | None
    completeness: int
    detail: dict[str, Any] = {}


class DrillPage(msgspec.Struct):
    report: str
    items: list[DrillCustomer]
    total: int
    limit: int
    offset: int


class ChurnAssign(msgspec.Struct, forbid_unknown_fields=True):
    """Customers chosen from the churn-risk list, to become clerk tasks with their suggested action."""

    customer_ids: Annotated[list[int], msgspec.Meta(min_length=1, max_length=500)]
    clerk_id: int | None = None  # None: each customer's responsible clerk, else the store's pool
    due_in_days: Annotated[int, msgspec.Meta(ge=0, le=30)] = 3
    lapsed_days: Annotated[int, msgspec.Meta(ge=7, le=730)] = 90
    contract_days: Annotated[int, msgspec.Meta(ge=1, le=180)] = 30


class ChurnAssigned(msgspec.Struct):
    assigned: list[int]  # customers given a task
    already_open: list[int]  # at risk, but a task of theirs is still open
    not_at_risk: list[int]  # outside the caller's reach or not at risk (any more)


class Today(msgspec.Struct):
    """A store's day so far (store-local day), and the caller's own share of it: the staff app's home screen."""

    day: dt.date
    store_id: int | None  # None: the whole chain (an admin without a store)
    new_customers: int
    new_customers_mine: int  # the caller is their responsible clerk
    follows: int
    new_followers: int
    follows_mine: int  # through the caller's own channel code
    redemptions: int
    redemptions_mine: int
    coupons_issued: int
    purchases: int
    purchases_fen: int  # sales net of the refunds recorded today, as report_daily.sales_fen
