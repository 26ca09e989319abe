"""The dispatcher: claims due outbox rows under a lease, contacts each customer once, records answers.

A row's life: pending -> (first contact: consent and frequency cap checked, actions run, the message
handed to the first reachable channel) -> sent, or sending (an external channel in flight) -> sent /
pending again with back-off / failed. Every write names the lease owner, so a process whose lease ran
out cannot overwrite the row's new owner; a row found in `sending` after its lease ran out was being
sent when a process died (see channels.py for what happens next).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import secrets
import socket
from typing import Any

from regulars.care import actions, channels, fanout, rules
from regulars.care.dispatch_context import Batch, Row
from regulars.care.outcomes import finish, reschedule, to_json as _json
from regulars.care.outcomes import timeline as _timeline
from regulars.core import clock
from regulars.core.db import is_postgres, raw, writing

log = logging.getLogger("regulars.care.dispatcher")
LEASE = dt.timedelta(seconds=float(os.environ.get("REGULARS_CARE_LEASE_SECONDS", "120")))
BATCH = int(os.environ.get("REGULARS_CARE_BATCH", "100"))
SEND_CONCURRENCY = int(os.environ.get("REGULARS_CARE_SEND_CONCURRENCY", "100"))
LANES = max(1, int(os.environ.get("REGULARS_CARE_LANES", "2")))
SEND_TIMEOUT = 30.0
MAX_CLAIMS = 10
PAUSED_RECHECK = dt.timedelta(minutes=15)
CAP_LOCK_NAMESPACE = 7301
OWNER = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
_RETURNED = ("id, customer, campaign, occasion_date, store_id, clerk_id, status, priority, expires_at, attempts, "
             "channel, contacted_at, answer")


async def dispatch(now: dt.datetime | None = None, *, owner: str = OWNER, limit: int = BATCH) -> int:
    """Claims and handles one batch; returns how many rows it claimed."""
    now = now or clock.now()
    rows = await claim(owner, now, limit)
    if not rows:
        return 0
    batch = await Batch.load(rows, now)

    async def one_row(row: Row) -> None:
        try:
            await handle(batch, row, owner, now)
        except Exception:
            log.exception("care outbox row %s failed; it is retried when its lease runs out", row.id)

    async def continue_from(row: Row, answer: dict, name: str, result: channels.Answer) -> None:
        row.answer = answer
        await send_from(batch, row, batch.campaigns[row.campaign], owner, now, name, answered=result)

    settings = fanout.Settings(owner=owner, now=now, max_claims=MAX_CLAIMS, cap_lock_namespace=CAP_LOCK_NAMESPACE,
                               concurrency=SEND_CONCURRENCY, timeout=SEND_TIMEOUT)
    await fanout.run(batch, settings, one_row, continue_from)
    return len(rows)


async def dispatch_until_idle(now: dt.datetime | None = None, *, owner: str = OWNER, budget_seconds: float = 30.0) -> int:
    """Dispatches batches until none is due or the budget is spent; returns how many rows were claimed.

    `LANES` batches are in hand at once, each under its own lease owner (as separate processes would be),
    so that one batch's database work overlaps another's sends."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget_seconds

    async def lane(name: str) -> int:
        total = 0
        while loop.time() < deadline:
            claimed = await dispatch(now, owner=name)
            total += claimed
            if claimed == 0:
                break
        return total

    names = [owner] + [f"{owner}/{n}" for n in range(1, LANES)]
    results = await asyncio.gather(*(lane(name) for name in names), return_exceptions=True)
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        raise failed[0]
    return sum(results)


async def claim(owner: str, now: dt.datetime, limit: int) -> list[dict]:
    """Leases up to `limit` due rows to `owner` in one statement (SKIP LOCKED on PostgreSQL)."""
    skip = " FOR UPDATE SKIP LOCKED" if is_postgres() else ""
    async with writing():
        rows = await raw(
            "UPDATE care_outbox SET lease_owner = {}, lease_until = {}, attempts = attempts + 1 "
            "WHERE id IN (SELECT id FROM care_outbox WHERE status IN ('pending', 'sending') AND due_at <= {} "
            f"AND (lease_until IS NULL OR lease_until < {{}}) ORDER BY due_at, id LIMIT {{}}{skip}) "
            f"AND (lease_until IS NULL OR lease_until < {{}}) RETURNING {_RETURNED}",
            owner, now + LEASE, now, now, limit, now,
        )
    return sorted(rows, key=lambda r: r["id"])


async def handle(batch: Batch, row: Row, owner: str, now: dt.datetime) -> None:
    campaign = batch.campaigns.get(row.campaign)
    if row.attempts > MAX_CLAIMS:
        return await finish(row, owner, now, "failed", {"reason": "too_many_attempts"})
    if row.status == "sending":
        channel = channels.get(row.channel or "")
        if channel is None or not channel.replace_safe or campaign is None:
            return await finish(row, owner, now, "uncertain", {"recovered": row.channel})
        return await send_from(batch, row, campaign, owner, now, row.channel)
    if campaign is None or campaign["status"] == "ended":
        return await finish(row, owner, now, "cancelled", {"reason": "campaign_ended"})
    if campaign["status"] != "active":
        return await reschedule(row, owner, now + PAUSED_RECHECK)
    if row.contacted_at is None and now >= row.expires_at:
        return await finish(row, owner, now, "expired", {})
    if campaign["message"]:
        zone = batch.zone(row.store_id)
        allowed = rules.next_allowed(now, zone, *batch.quiet(campaign))
        if allowed > now:
            return await reschedule(row, owner, allowed)
    if row.contacted_at is None:
        channel_name = await first_contact(batch, row, campaign, owner, now)
        if channel_name is None:
            return
    else:
        channel_name = row.channel
    await send_from(batch, row, campaign, owner, now, channel_name)


async def first_contact(batch: Batch, row: Row, campaign: dict, owner: str, now: dt.datetime) -> str | None:
    """Checks consent and the cap, runs the actions, delivers in-database channels, all in one transaction.

    Returns the external channel to send through next, or None when the row is finished."""
    async with writing():
        if is_postgres():
            await raw("SELECT pg_advisory_xact_lock({}, {})", CAP_LOCK_NAMESPACE, row.customer)
        mine = await raw("UPDATE care_outbox SET contacted_at = {} WHERE id = {} AND lease_owner = {} "
                         "AND contacted_at IS NULL RETURNING id", now, row.id, owner)
        if not mine:
            return None  # the lease passed to another process, which handles the row now
        customer = (await raw("SELECT consent_marketing, consent_service, erased_at FROM customer WHERE id = {}",
                              row.customer) or [None])[0]
        consent = "consent_marketing" if campaign["purpose"] == "marketing" else "consent_service"
        if customer is None or customer["erased_at"] is not None or not customer[consent]:
            await finish(row, owner, now, "skipped", {"reason": "consent"}, uncontact=True)
            return None
        if not await cap_allows(row, batch.cap, now):
            await finish(row, owner, now, "capped", {"cap": batch.cap}, uncontact=True)
            return None
        answer: dict[str, Any] = await actions.run(row.id, row.customer, row.store_id, campaign)
        row.answer = answer  # the message and the script may name the coupon and the points
        if campaign["task"]:
            result = await channels.get("task").send(batch.task_message(row, campaign))
            answer["task"] = result.detail
        external = None
        delivered = None
        if campaign["message"]:
            for name in campaign["channels"]:
                channel = channels.get(name)
                if channel is None or row.customer not in batch.reachable.get(name, set()):
                    answer[name] = "not_configured" if channel is None else "unreachable"
                    continue
                if not channel.in_transaction:
                    external = name
                    break
                result = await channel.send(batch.message(row, campaign, name))
                answer[name] = result.detail | {"outcome": result.outcome}
                if result.outcome == "sent":
                    delivered = name
                    break
        if external is not None:
            await raw("UPDATE care_outbox SET status = 'sending', channel = {}, answer = {} WHERE id = {} AND lease_owner = {}",
                      external, _json(answer), row.id, owner)
            row.answer, row.status, row.channel = answer, "sending", external
            return external
        reached = delivered or ("task" if campaign["task"] else None) or ("action" if actions.delivered(answer) else None)
        if reached is None:  # nothing reached the customer: it does not count toward the cap
            await finish(row, owner, now, "undeliverable", answer, uncontact=True)
            return None
        await finish(row, owner, now, "sent", answer, channel=reached)
        await _timeline(batch, row, campaign, reached)
        return None


async def cap_allows(row: Row, cap: dict, now: dt.datetime) -> bool:
    """Contacts in the window plus better-ranked rows still waiting must leave room for this one."""
    window_start = now - dt.timedelta(days=cap["cap_days"])
    found = (await raw(
        "SELECT SUM(CASE WHEN contacted_at >= {} THEN 1 ELSE 0 END) AS contacted, "
        "SUM(CASE WHEN contacted_at IS NULL AND status = 'pending' AND expires_at > {} "
        "AND (priority > {} OR (priority = {} AND id < {})) THEN 1 ELSE 0 END) AS reserved "
        "FROM care_outbox WHERE customer = {} AND id <> {}",
        window_start, now, row.priority, row.priority, row.id, row.customer, row.id,
    ))[0]
    return rules.cap_allows(found["contacted"] or 0, found["reserved"] or 0, cap["cap_count"])


async def send_from(batch: Batch, row: Row, campaign: dict, owner: str, now: dt.datetime, start: str | None, *,
                    answered: channels.Answer | None = None) -> None:
    """Sends the message through the channels from `start` on, in the campaign's order; `answered` is what
    `start` already answered (the batch path sent it)."""
    order = list(campaign["channels"] or [])
    answer = dict(row.answer or {})
    names = order[order.index(start):] if start in order else []
    for name in names:
        if answered is not None:
            result, answered = answered, None
            answer[name] = result.detail | {"outcome": result.outcome}
            if await _settle(batch, row, campaign, owner, now, name, answer, result):
                return
            continue
        channel = channels.get(name)
        if channel is None or row.customer not in batch.reachable.get(name, set()):
            answer[name] = "not_configured" if channel is None else "unreachable"
            continue
        message = batch.message(row, campaign, name)
        if channel.in_transaction:
            async with writing():
                result = await channel.send(message)
                answer[name] = result.detail | {"outcome": result.outcome}
                if result.outcome == "sent":
                    if await finish(row, owner, now, "sent", answer, channel=name):
                        await _timeline(batch, row, campaign, name)
                    return
            continue
        if row.status != "sending" or row.channel != name:
            updated = await raw("UPDATE care_outbox SET status = 'sending', channel = {} WHERE id = {} AND lease_owner = {} "
                                "RETURNING id", name, row.id, owner)
            if not updated:
                return
            row.status, row.channel = "sending", name
        try:
            result = await asyncio.wait_for(channel.send(message), SEND_TIMEOUT)
        except asyncio.TimeoutError:
            result = channels.Answer("retry", {"error": "timeout"})
        except Exception as exc:  # a channel that raises is a channel to try again later
            log.warning("care channel %s raised %s for outbox row %s", name, type(exc).__name__, row.id)
            result = channels.Answer("retry", {"error": type(exc).__name__})
        answer[name] = result.detail | {"outcome": result.outcome}
        if await _settle(batch, row, campaign, owner, now, name, answer, result):
            return
    reached = "task" if "task" in answer else ("action" if actions.delivered(answer) else None)
    await finish(row, owner, now, "sent" if reached else "undeliverable", answer, channel=reached, uncontact=not reached)


async def _settle(batch: Batch, row: Row, campaign: dict, owner: str, now: dt.datetime, name: str, answer: dict,
                  result: channels.Answer) -> bool:
    """Records an external channel's answer; False when the next channel in the order is to be tried."""
    if result.outcome == "sent":
        async with writing():
            if await finish(row, owner, now, "sent", answer, channel=name):
                await _timeline(batch, row, campaign, name)
        return True
    if result.outcome == "retry":
        if row.attempts >= rules.MAX_ATTEMPTS:
            await finish(row, owner, now, "failed", answer, channel=name)
        else:
            wait = max(rules.backoff(row.attempts), dt.timedelta(seconds=(result.detail or {}).get("retry_after") or 0))
            await reschedule(row, owner, now + wait, status="pending", answer=answer, channel=name)
        return True
    if result.outcome == "failed":
        await finish(row, owner, now, "failed", answer, channel=name)
        return True
    return False
