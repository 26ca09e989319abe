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


@dataclass(frozen=True)
class Report:
    name: str
    compute: Compute


_reports: dict[str, Report] = {}


def register(name: str, compute: Compute) -> None:
    _reports[name] = Report(name, compute)


def get(name: str) -> Report | None:
    return _reports.get(name)


def names() -> list[str]:
    return sorted(_reports)
