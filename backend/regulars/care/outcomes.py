"""Writing what became of outbox rows: one row at a time, or a whole batch in one statement per kind.

Every write names the lease owner, so a process whose lease ran out cannot overwrite the row's new owner;
the batch forms answer which rows were still this owner's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

import msgspec

from regulars.care.dispatch_context import Batch, Row
from regulars.core import clock
from regulars.core.db import raw

TIMELINE_CHANNEL = {"push": "push", "sms": "sms", "inbox": "web", "task": "phone", "action": "system"}


def to_json(value: Any) -> str | None:
    return None if value is None else msgspec.json.encode(value).decode()


def marks(values: Sequence[Any]) -> str:
    return ", ".join("{}" for _ in values)


def case(ids: Sequence[int], values: Sequence[Any]) -> tuple[str, list[Any]]:
    """`CASE id WHEN .. THEN .. END` for per-row values in one UPDATE (portable to both engines)."""
    if len(set(map(repr, values))) == 1:
        return "{}", [values[0]]
    return "CASE id " + " ".join("WHEN {} THEN {}" for _ in ids) + " END", [v for pair in zip(ids, values) for v in pair]


async def finish(row: Row, owner: str, now: dt.datetime, status: str, answer: dict, *, channel: str | None = None,
                 uncontact: bool = False) -> bool:
    contacted = ", contacted_at = NULL" if uncontact else ""
    updated = await raw(
        f"UPDATE care_outbox SET status = {{}}, channel = {{}}, answer = {{}}, finished_at = {{}}, lease_owner = NULL, "
        f"lease_until = NULL{contacted} WHERE id = {{}} AND lease_owner = {{}} RETURNING id",
        status, channel or row.channel, to_json(answer), now, row.id, owner,
    )
    return bool(updated)


async def finish_many(items: list[tuple[Row, dict, str | None]], owner: str, now: dt.datetime, status: str, *,
                      uncontact: bool = False) -> set[int]:
    """Finishes (row, answer, channel) items with one status in one statement; returns the ids still ours."""
    if not items:
        return set()
    ids = [row.id for row, _, _ in items]
    channel_sql, channel_args = case(ids, [channel or row.channel for row, _, channel in items])
    answer_sql, answer_args = case(ids, [to_json(answer) for _, answer, _ in items])
    contacted = ", contacted_at = NULL" if uncontact else ""
    updated = await raw(
        f"UPDATE care_outbox SET status = {{}}, channel = {channel_sql}, answer = {answer_sql}, finished_at = {{}}, "
        f"lease_owner = NULL, lease_until = NULL{contacted} WHERE id IN ({marks(ids)}) AND lease_owner = {{}} RETURNING id",
        status, *channel_args, *answer_args, now, *ids, owner,
    )
    return {r["id"] for r in updated}


async def mark_sending_many(items: list[tuple[Row, dict | None, str]], owner: str) -> set[int]:
    """Notes that each (row, answer, channel) is about to go out through an external channel."""
    if not items:
        return set()
    ids = [row.id for row, _, _ in items]
    channel_sql, channel_args = case(ids, [channel for _, _, channel in items])
    answer_sql, answer_args = case(ids, [to_json(answer) for _, answer, _ in items])
    updated = await raw(
        f"UPDATE care_outbox SET status = 'sending', channel = {channel_sql}, answer = {answer_sql} "
        f"WHERE id IN ({marks(ids)}) AND lease_owner = {{}} RETURNING id",
        *channel_args, *answer_args, *ids, owner,
    )
    return {r["id"] for r in updated}


async def reschedule(row: Row, owner: str, due: dt.datetime, *, status: str | None = None, answer: dict | None = None,
                     channel: str | None = None) -> None:
    """Hands the row back for later; waiting for quiet hours or a pause does not count as an attempt."""
    counted = status is not None
    await raw(
        "UPDATE care_outbox SET due_at = {}, status = {}, channel = {}, answer = {}, lease_owner = NULL, lease_until = NULL"
        f"{'' if counted else ', attempts = attempts - 1'} WHERE id = {{}} AND lease_owner = {{}}",
        due, status or row.status, channel or row.channel, to_json(answer if answer is not None else row.answer),
        row.id, owner,
    )


async def timeline(batch: Batch, row: Row, campaign: dict, channel: str) -> None:
    await timeline_many(batch, [(row, channel)])


async def timeline_many(batch: Batch, items: list[tuple[Row, str]]) -> None:
    """A `care_contact` event on each customer's timeline, in one statement (inside the caller's transaction)."""
    if not items:
        return
    now = clock.now()
    values, args = [], []
    for row, channel in items:
        campaign = batch.campaigns[row.campaign]
        values.append("({}, {}, 'care_contact', {}, {}, NULL, {}, 'care_campaign', {})")
        args += [row.customer, now, TIMELINE_CHANNEL.get(channel, "system"), row.store_id,
                 to_json({"campaign": campaign["name"], "channel": channel}), str(campaign["id"])]
    await raw("INSERT INTO timeline_event (customer, at, kind, channel, store_id, staff_id, data, ref_type, ref_id) "
              f"VALUES {', '.join(values)}", *args)
