"""Builders and checks for the reports tests: customers and histories over HTTP at chosen local times,
roll-ups brought up to date, and CSV / XLSX downloads parsed back against the JSON table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from regulars.core import clock
from regulars.core.db import raw, writing
from regulars.reports import coupon_days, daily, profile_bands, rfm_rollup
from tests.support.world import new_phone

ZONE = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    return clock.today_in("Asia/Shanghai")


def local(days_ago: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A UTC moment at a store-local hour, `days_ago` local days before today."""
    day = today() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour, minute), ZONE).astimezone(dt.timezone.utc)


def day(days_ago: int) -> str:
    return (today() - dt.timedelta(days=days_ago)).isoformat()


def key() -> str:
    return uuid.uuid4().hex


async def customer(client, **fields: Any) -> int:
    response = await client.post("/api/v1/customers", json={"phone": new_phone(), "name": "报表客户"} | fields,
                                 headers={"Idempotency-Key": key()})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def buy(client, customer_id: int, at: dt.datetime | None = None, amount_fen: int = 10000,
              category: str = "device", **fields: Any) -> dict:
    body = {"customer_id": customer_id, "category": category, "amount_fen": amount_fen} | fields
    if at is not None:
        body["occurred_at"] = at.isoformat()
    response = await client.post("/api/v1/purchases", json=body, headers={"Idempotency-Key": key()})
    assert response.status_code == 201, response.text
    return response.json()


async def visit(client, customer_id: int, at: dt.datetime | None = None) -> dict:
    body: dict[str, Any] = {"customer_id": customer_id, "kind": "visit", "visit_kind": "consultation"}
    if at is not None:
        body["occurred_at"] = at.isoformat()
    response = await client.post("/api/v1/purchases", json=body, headers={"Idempotency-Key": key()})
    assert response.status_code == 201, response.text
    return response.json()


async def move(table: str, row_id: int, **values: Any) -> None:
    """Moves a row's times as the passing of time would (tests only)."""
    sets = ", ".join(f"{k} = {{}}" for k in values)
    async with writing():
        await raw(f"UPDATE {table} SET {sets} WHERE id = {{}}", *values.values(), row_id)


async def roll_up() -> None:
    await daily.refresh(full=True)
    await coupon_days.refresh(full=True)
    await profile_bands.refresh(full=True)
    await rfm_rollup.refresh()


async def report(client, name: str, **params: Any) -> dict:
    response = await client.get(f"/api/v1/reports/{name}", params={k: v for k, v in params.items() if v is not None})
    assert response.status_code == 200, response.text
    return response.json()


async def drill(client, name: str, **params: Any) -> dict:
    response = await client.get(f"/api/v1/reports/{name}/customers", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def by(rows: list[dict], field: str) -> dict[Any, dict]:
    return {r[field]: r for r in rows}


def _csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value  # text a spreadsheet would run as a formula
    if kind == "fen":
        return f"{value / 100:.2f}"
    return str(value)


async def assert_downloads_match(client, name: str, table: dict, **params: Any) -> None:
    """The CSV and XLSX of the same request parse back to the JSON table's headers and cells."""
    labels = [c["label"] for c in table["columns"]]
    response = await client.get(f"/api/v1/reports/{name}", params=params, headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert parsed[0] == labels
    expected = [[_csv_cell(row.get(c["key"]), c["kind"]) for c in table["columns"]] for row in table["rows"]]
    assert parsed[1:] == expected

    response = await client.get(f"/api/v1/reports/{name}", params=params | {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == labels
    assert len(values) - 1 == len(table["rows"])
    for cells, row in zip(values[1:], table["rows"]):
        for cell, column in zip(cells, table["columns"]):
            value = row.get(column["key"])
            if value is None:
                assert cell is None
            elif column["kind"] == "fen":
                assert abs(cell - value / 100) < 1e-9
            elif isinstance(value, (int, float)):
                assert abs(cell - value) < 1e-9
            else:
                assert cell == str(value)
