"""Shapes of the reports room besides the report table itself (registry.Table)."""

from __future__ import annotations

from typing import Any

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
