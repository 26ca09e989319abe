"""What the reports share: rows grouped by store or clerk with their names, shares, whole numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from regulars.core.db import raw
from regulars.core.i18n import t
from regulars.reports import registry
from regulars.reports.filters import Filters


async def aggregate(sql: str, *args: Any) -> list[dict]:
    """A report's aggregate statement: a read of more than a millisecond (straight to a reader thread on SQLite)."""
    return await raw(sql, *args, long=True)


def num(value: Any) -> int:
    """A count or sum from either engine (PostgreSQL sums are Decimal) as an int; NULL is 0."""
    if value is None:
        return 0
    return int(value) if isinstance(value, (int, Decimal)) else int(float(value))


def share(part: int | float, whole: int | float) -> float:
    return round(part / whole, 4) if whole else 0.0


def one_decimal(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def scope(filters: Filters, store_column: str | None, clerk_column: str | None) -> tuple[str, list[Any]]:
    """The store and clerk filters as a condition on the given columns ('1 = 1' when none apply)."""
    parts, args = ["1 = 1"], []
    if filters.store_id is not None and store_column:
        parts.append(f"{store_column} = {{}}")
        args.append(filters.store_id)
    if filters.clerk_id is not None and clerk_column:
        parts.append(f"{clerk_column} = {{}}")
        args.append(filters.clerk_id)
    return " AND ".join(parts), args


def group_key(filters: Filters, store_column: str, clerk_column: str) -> str:
    """The SQL grouping key: the store column, or the clerk column (0 for none) with group=clerk."""
    return f"COALESCE({clerk_column}, 0)" if filters.group == "clerk" else store_column


async def store_names(ids: list[int] | None = None) -> dict[int, str]:
    """Store id -> name: of these stores only (a store manager's report names one), or of every store."""
    if ids is None:
        return {r["id"]: r["name"] for r in await raw("SELECT id, name FROM store")}
    if not ids:
        return {}
    marks = ", ".join("{}" for _ in ids)
    return {r["id"]: r["name"] for r in await raw(f"SELECT id, name FROM store WHERE id IN ({marks})", *ids)}


async def staff_of(filters: Filters) -> dict[int, dict[str, Any]]:
    """Staff who may appear as a report's clerks: id -> name and store."""
    sql, args = "SELECT id, display_name, store, role FROM staff WHERE role <> 'admin'", []
    if filters.store_id is not None:
        sql += " AND store = {}"
        args.append(filters.store_id)
    return {r["id"]: {"name": r["display_name"], "store_id": r["store"], "role": r["role"]} for r in await raw(sql, *args)}


async def label(filters: Filters, rows: dict[int, dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Rows keyed by store id (or clerk id with group=clerk) with their names, in a stable order."""
    out = []
    if filters.group == "clerk":
        staff = await staff_of(filters)
        stores = await store_names(None if filters.store_id is None else [filters.store_id])
        for key in sorted(rows, key=lambda k: (k == 0, k)):
            person = staff.get(key)
            if key == 0 or person is None:
                name, store_id = t("report.no_clerk", lang), filters.store_id
            else:
                name, store_id = person["name"], person["store_id"]
            out.append({"clerk_id": key or None, "clerk": name, "store_id": store_id,
                        "store": stores.get(store_id, "") if store_id else ""} | rows[key])
        return out
    stores = await store_names(sorted(rows) if filters.store_id is not None or len(rows) <= 50 else None)
    for key in sorted(rows):
        out.append({"store_id": key, "store": stores.get(key, str(key))} | rows[key])
    return out


def key_columns(filters: Filters, lang: str) -> list[registry.Column]:
    if filters.group == "clerk":
        return [registry.Column("clerk", t("report.col.clerk", lang), "text"),
                registry.Column("store", t("report.col.store", lang), "text")]
    return [registry.Column("store", t("report.col.store", lang), "text")]


def column(key: str, lang: str, kind: str = "number") -> registry.Column:
    return registry.Column(key, t(f"report.col.{key}", lang), kind)


def totals(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: sum(r.get(key) or 0 for r in rows) for key in keys}
