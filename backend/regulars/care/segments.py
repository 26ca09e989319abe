"""Saved audiences: filters over customer data, turned into one SQL condition on `customer c`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from regulars.care import occasions, rules
from regulars.care.schemas import Filters
from regulars.core.db import is_postgres
from regulars.reports import rfm_rollup


def condition(filters: Filters, today: dt.date, zone: str, store_id: int | None = None) -> tuple[str, list[Any]]:
    """The filters as a SQL condition over `customer c` (all must hold), with its parameters."""
    parts: list[str] = []
    args: list[Any] = []

    def add(sql: str, values: list[Any]) -> None:
        parts.append(sql)
        args.extend(values)

    if filters.store_ids:
        add(f"EXISTS (SELECT 1 FROM customer_store sx WHERE sx.customer = c.id AND sx.store IN ({_marks(filters.store_ids)}))",
            list(filters.store_ids))
    if filters.tags_any:
        add(f"EXISTS (SELECT 1 FROM customer_tag tg WHERE tg.customer = c.id AND tg.tag IN ({_marks(filters.tags_any)}))",
            list(filters.tags_any))
    if filters.interests_any:
        elements = "json_array_elements_text(c.interests) AS j(value)" if is_postgres() else "json_each(c.interests) AS j"
        add(f"EXISTS (SELECT 1 FROM {elements} WHERE j.value IN ({_marks(filters.interests_any)}))",
            list(filters.interests_any))
    for column, values in (("occupation", filters.occupations), ("plan", filters.plans),
                           ("spend_band", filters.spend_bands), ("gender", filters.genders),
                           ("responsible_clerk", filters.clerk_ids)):
        if values:
            add(f"c.{column} IN ({_marks(values)})", list(values))
    if filters.store_grades:
        add(f"c.home_store IN (SELECT sg.id FROM store sg WHERE sg.grade IN ({_marks(filters.store_grades)}))",
            list(filters.store_grades))
    if filters.device_age_months_min is not None:
        add("c.device_purchased_on <= {}", [rules.add_months(today, -filters.device_age_months_min)])
    if filters.device_age_months_max is not None:
        add("c.device_purchased_on > {}", [rules.add_months(today, -(filters.device_age_months_max + 1))])
    if filters.last_visit_days_min is not None:
        add(*occasions.no_visit_since(today - dt.timedelta(days=filters.last_visit_days_min), zone))
    if filters.last_visit_days_max is not None:
        add(*occasions.visited_since(today - dt.timedelta(days=filters.last_visit_days_max), zone))
    if filters.completeness_min is not None:
        add("c.completeness >= {}", [filters.completeness_min])
    if filters.points_min is not None:
        add("c.id IN (SELECT pb.customer FROM points_balance pb WHERE pb.balance >= {})", [filters.points_min])
    if filters.points_max is not None:
        add("COALESCE((SELECT pb.balance FROM points_balance pb WHERE pb.customer = c.id), 0) <= {}", [filters.points_max])
    if filters.rfm_r or filters.rfm_f or filters.rfm_m:
        add(*rfm_rollup.segment_condition(store_id, r=filters.rfm_r, f=filters.rfm_f, m=filters.rfm_m))
    return (" AND ".join(parts) or "1 = 1"), args


def _marks(values: Any) -> str:
    return ", ".join("{}" for _ in values) or "NULL"
