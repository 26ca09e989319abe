"""Every report: a name, its columns (translated headers) and the SQL aggregate that fills it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import msgspec

from regulars.reports.filters import Filters


class Column(msgspec.Struct, frozen=True):
    key: str
    label: str
    kind: str = "number"  # number, percent, fen, text, date


class Table(msgspec.Struct):
    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] = {}
    breakdowns: dict[str, list[dict[str, Any]]] = {}
    filters: dict[str, Any] = {}


Compute = Callable[[Filters, str], Awaitable[Table]]
# The customers behind a report's figures: SQL selecting customer ids (column `id`), with its parameters.
Customers = Callable[[Filters], Awaitable[tuple[str, list[Any]]]]
# Per-customer figures for a page of the drill list: customer id -> extra fields.
Detail = Callable[[Filters, list[int], str], Awaitable[dict[int, dict[str, Any]]]]


@dataclass(frozen=True)
class Report:
    name: str
    compute: Compute
    customers: Customers | None = None
    reads: str = "live"  # "live": the other rooms' rows; otherwise the roll-ups it reads
    detail: Detail | None = None


_reports: dict[str, Report] = {}


def register(name: str, compute: Compute, customers: Customers | None = None, reads: str = "live",
             detail: Detail | None = None) -> None:
    _reports[name] = Report(name, compute, customers, reads, detail)


def get(name: str) -> Report | None:
    return _reports.get(name)


# the order managers meet them in (issue 7's list); reports not named here follow alphabetically
ORDER = ("acquisition", "profiles", "repurchase", "retention", "coupons", "points", "care", "churn-risk", "clerks",
         "stores", "rfm")


def names() -> list[str]:
    known = [n for n in ORDER if n in _reports]
    return known + sorted(n for n in _reports if n not in ORDER)
