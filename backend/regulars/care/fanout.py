"""The dispatcher's batch path: the first contact of a whole claimed batch in one transaction, the external
sends of the batch together over pooled connections, and their outcomes in one statement per kind.

It decides exactly what the one-row-at-a-time path (dispatcher.py) decides, and hands that path every row
it does not take: a customer with more than one row in the batch (their frequency cap depends on the order
of their rows), a row past its attempts, of a paused or ended campaign, expired, in quiet hours, or found in
`sending` through a channel that cannot re-send safely. If the batch transaction fails, nothing of it is
kept and its rows go the one-at-a-time way as well.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections import Counter, defaultdict
from typing import Any, Awaitable, Callable

from regulars.care import actions, channels, rules, sending
from regulars.care.dispatch_context import Batch, Row
from regulars.care.outcomes import finish_many, marks, mark_sending_many, timeline_many
from regulars.care.sending import ContinueFrom, Settings
from regulars.core.db import is_postgres, raw, writing

log = logging.getLogger("regulars.care.dispatcher")

OneRow = Callable[[Row], Awaitable[None]]


def partition(batch: Batch, settings: Settings) -> tuple[list[Row], list[tuple[Row, str]], list[Row]]:
    """(fresh rows for a batch first contact, (row, channel) to send again through an external channel, the rest)."""
    per_customer = Counter(row.customer for row in batch.rows)
    fresh: list[Row] = []
    again: list[tuple[Row, str]] = []
    rest: list[Row] = []
    for row in batch.rows:
        campaign = batch.campaigns.get(row.campaign)
        if campaign is None or row.attempts > settings.max_claims:
            rest.append(row)
        elif row.status == "sending":
            channel = channels.get(row.channel or "")
            usable = channel is not None and channel.replace_safe and not channel.in_transaction
            if usable and row.channel in (campaign["channels"] or []) and row.customer in batch.reachable.get(row.channel, ()):
                again.append((row, row.channel))
            else:
                rest.append(row)
        elif campaign["status"] != "active" or (row.contacted_at is None and settings.now >= row.expires_at):
            rest.append(row)
        elif campaign["message"] and rules.next_allowed(settings.now, batch.zone(row.store_id), *batch.quiet(campaign)) > settings.now:
            rest.append(row)
        elif row.contacted_at is None:
            (fresh if per_customer[row.customer] == 1 else rest).append(row)
        else:
            channel = channels.get(row.channel or "")
            if (channel is not None and not channel.in_transaction and row.channel in (campaign["channels"] or [])
                    and row.customer in batch.reachable.get(row.channel, ())):
                again.append((row, row.channel))
            else:
                rest.append(row)
    return fresh, again, rest


async def run(batch: Batch, settings: Settings, one_row: OneRow, continue_from: ContinueFrom) -> None:
    """Handles the whole batch: in bulk where it can, through `one_row` for the rest."""
    fresh, again, rest = partition(batch, settings)
    outgoing: list[tuple[Row, str]] = []
    if fresh:
        try:
            outgoing = await first_contact(batch, [dataclasses.replace(r) for r in fresh], settings)
        except Exception:
            log.exception("care batch first contact failed; its %s rows go one at a time", len(fresh))
            rest += fresh
    if again:
        copies = [(dataclasses.replace(row), name) for row, name in again]
        ours = await mark_sending_many([(row, row.answer, name) for row, name in copies], settings.owner)
        for row, name in copies:
            if row.id in ours:
                row.status, row.channel = "sending", name
                outgoing.append((row, name))
    gate = asyncio.Semaphore(settings.concurrency)

    async def alone(row: Row) -> None:
        async with gate:
            await one_row(row)

    await asyncio.gather(sending.send(batch, outgoing, settings, continue_from), *(alone(row) for row in rest))


async def first_contact(batch: Batch, rows: list[Row], settings: Settings) -> list[tuple[Row, str]]:
    """Consent, the cap, actions, tasks and in-database channels for every row, in one transaction.

    Returns the rows (marked `sending`) to send through an external channel next."""
    owner, now = settings.owner, settings.now
    async with writing():
        customers = sorted({row.customer for row in rows})
        if is_postgres():
            await raw("SELECT count(pg_advisory_xact_lock({}, c)) AS n FROM (SELECT unnest({}::int[]) AS c ORDER BY c) AS s",
                      settings.cap_lock_namespace, customers)
        ids = [row.id for row in rows]
        mine = {r["id"] for r in await raw(
            f"UPDATE care_outbox SET contacted_at = {{}} WHERE id IN ({marks(ids)}) AND lease_owner = {{}} "
            "AND contacted_at IS NULL RETURNING id", now, *ids, owner)}
        rows = [row for row in rows if row.id in mine]  # the others passed to another process
        if not rows:
            return []
        consent = await _consent(customers)
        room = await _cap_room(rows, batch.cap, now)
        skipped, capped, contacted = [], [], []
        for row in rows:
            campaign = batch.campaigns[row.campaign]
            found = consent.get(row.customer)
            column = "consent_marketing" if campaign["purpose"] == "marketing" else "consent_service"
            if found is None or found["erased_at"] is not None or not found[column]:
                skipped.append((row, {"reason": "consent"}, None))
            elif not room[row.id]:
                capped.append((row, {"cap": batch.cap}, None))
            else:
                contacted.append(row)
        await finish_many(skipped, owner, now, "skipped", uncontact=True)
        await finish_many(capped, owner, now, "capped", uncontact=True)
        answers: dict[int, dict[str, Any]] = {}
        for row in contacted:
            campaign = batch.campaigns[row.campaign]
            answers[row.id] = await actions.run(row.id, row.customer, row.store_id, campaign) if (
                campaign["coupon_template_id"] or campaign["points"]) else {}
            row.answer = answers[row.id]  # the message and the script may name the coupon and the points
        tasked = [row for row in contacted if batch.campaigns[row.campaign]["task"]]
        if tasked:
            results = await _in_transaction(channels.get("task"),
                                            [batch.task_message(row, batch.campaigns[row.campaign]) for row in tasked])
            for row, result in zip(tasked, results):
                answers[row.id]["task"] = result.detail
        delivered, external = await _walk(batch, [row for row in contacted if batch.campaigns[row.campaign]["message"]],
                                          answers)
        outgoing = [(row, external[row.id]) for row in contacted if row.id in external]
        ours = await mark_sending_many([(row, answers[row.id], name) for row, name in outgoing], owner)
        reached, unreached = [], []
        for row in contacted:
            if row.id in external:
                continue
            campaign = batch.campaigns[row.campaign]
            how = delivered.get(row.id) or ("task" if campaign["task"] else None) or (
                "action" if actions.delivered(answers[row.id]) else None)
            (reached if how else unreached).append((row, answers[row.id], how))
        by_channel: dict[str, list] = defaultdict(list)
        for item in reached:
            by_channel[item[2]].append(item)
        done: set[int] = set()
        for how, items in by_channel.items():
            done |= await finish_many(items, owner, now, "sent")
        await timeline_many(batch, [(row, how) for row, _, how in reached if row.id in done])
        await finish_many(unreached, owner, now, "undeliverable", uncontact=True)  # it does not count toward the cap
    for row, name in outgoing:
        row.answer, row.status, row.channel = answers[row.id], "sending", name
    return [(row, name) for row, name in outgoing if row.id in ours]


async def _walk(batch: Batch, rows: list[Row], answers: dict[int, dict]) -> tuple[dict[int, str], dict[int, str]]:
    """Goes down each campaign's channel order: in-database channels deliver here, an external one ends the walk.

    Returns ({row id: channel delivered}, {row id: external channel to send through})."""
    position = {row.id: 0 for row in rows}
    delivered: dict[int, str] = {}
    external: dict[int, str] = {}
    waiting = rows
    while waiting:
        groups: dict[str, list[Row]] = defaultdict(list)
        for row in waiting:
            order = batch.campaigns[row.campaign]["channels"] or []
            while position[row.id] < len(order):
                name = order[position[row.id]]
                channel = channels.get(name)
                if channel is not None and row.customer in batch.reachable.get(name, ()):
                    break
                answers[row.id][name] = "not_configured" if channel is None else "unreachable"
                position[row.id] += 1
            else:
                continue  # no channel left
            if channel.in_transaction:
                groups[name].append(row)
            else:
                external[row.id] = name
        waiting = []
        for name, group in groups.items():
            results = await _in_transaction(channels.get(name),
                                            [batch.message(row, batch.campaigns[row.campaign], name) for row in group])
            for row, result in zip(group, results):
                answers[row.id][name] = result.detail | {"outcome": result.outcome}
                if result.outcome == "sent":
                    delivered[row.id] = name
                else:
                    position[row.id] += 1
                    waiting.append(row)
    return delivered, external


async def _in_transaction(channel: Any, messages: list[channels.Message]) -> list[channels.Answer]:
    many = getattr(channel, "send_many", None)
    if many is not None:
        return await many(messages)
    return [await channel.send(message) for message in messages]


async def _consent(customers: list[int]) -> dict[int, dict]:
    rows = await raw(f"SELECT id, consent_marketing, consent_service, erased_at FROM customer WHERE id IN ({marks(customers)})",
                     *customers)
    return {r["id"]: r for r in rows}


async def _cap_room(rows: list[Row], cap: dict, now: dt.datetime) -> dict[int, bool]:
    """Whether each row fits its customer's frequency cap (each customer has one row here), in one query."""
    ids = [row.id for row in rows]
    found = await raw(
        "SELECT b.id, SUM(CASE WHEN o.contacted_at >= {} THEN 1 ELSE 0 END) AS contacted, "
        "SUM(CASE WHEN o.contacted_at IS NULL AND o.status = 'pending' AND o.expires_at > {} "
        "AND (o.priority > b.priority OR (o.priority = b.priority AND o.id < b.id)) THEN 1 ELSE 0 END) AS reserved "
        f"FROM care_outbox b JOIN care_outbox o ON o.customer = b.customer AND o.id <> b.id WHERE b.id IN ({marks(ids)}) "
        "GROUP BY b.id",
        now - dt.timedelta(days=cap["cap_days"]), now, *ids,
    )
    counts = {r["id"]: (r["contacted"] or 0, r["reserved"] or 0) for r in found}
    return {i: rules.cap_allows(*counts.get(i, (0, 0)), cap["cap_count"]) for i in ids}
