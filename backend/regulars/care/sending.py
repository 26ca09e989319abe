"""Sending a batch's rows through their external channels at once, and writing the answers as they come."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from typing import Any, Awaitable, Callable

from regulars.care import channels
from regulars.care.dispatch_context import Batch, Row
from regulars.care.outcomes import finish_many, timeline_many
from regulars.core.db import writing

log = logging.getLogger("regulars.care.dispatcher")

ContinueFrom = Callable[[Row, dict, str, channels.Answer], Awaitable[None]]


@dataclasses.dataclass
class Settings:
    owner: str
    now: dt.datetime
    max_claims: int
    cap_lock_namespace: int
    concurrency: int
    timeout: float



async def send(batch: Batch, outgoing: list[tuple[Row, str]], settings: Settings, continue_from: ContinueFrom) -> None:
    """Sends every row through its external channel at once. Answers are written as they come, many rows per
    statement (whatever arrived while the previous write ran): the sent in one transaction, every other answer
    (retry, refused, unreachable) handed to the one-at-a-time path to finish. A process killed in the middle
    leaves only the rows whose answers were not yet written in `sending`."""
    by_channel: dict[str, list[Row]] = defaultdict(list)
    for row, name in outgoing:
        by_channel[name].append(row)

    async def one_channel(name: str, rows: list[Row]) -> None:
        answered: list[tuple[Row, channels.Answer]] = []
        writer: asyncio.Task | None = None

        async def write() -> None:
            while answered:
                items = answered[:]
                answered.clear()
                try:
                    await _write_answers(batch, items, name, settings, continue_from)
                except Exception:
                    log.exception("care answers of %s rows were not written; they are retried when their lease "
                                  "runs out", len(items))

        heard: set[int] = set()

        async def on_answer(n: int, result: channels.Answer) -> None:
            nonlocal writer
            heard.add(n)
            answered.append((rows[n], result))
            if writer is None or writer.done():
                writer = asyncio.ensure_future(write())

        channel = channels.get(name)
        messages = [batch.message(row, batch.campaigns[row.campaign], name) for row in rows]
        results = await _external(channel, messages, settings, on_answer)
        # a channel that failed as a whole answered `retry` for every row it had not answered yet
        answered.extend((rows[n], result) for n, result in enumerate(results) if n not in heard)
        while writer is not None and not writer.done():
            await writer
        await write()

    await asyncio.gather(*(one_channel(name, rows) for name, rows in by_channel.items()))


async def _write_answers(batch: Batch, items: list[tuple[Row, channels.Answer]], name: str, settings: Settings,
                         continue_from: ContinueFrom) -> None:
    sent, other = [], []
    for row, result in items:
        answer = dict(row.answer or {}) | {name: result.detail | {"outcome": result.outcome}}
        (sent if result.outcome == "sent" else other).append((row, answer, result))
    if sent:
        async with writing():
            done = await finish_many([(row, answer, name) for row, answer, _ in sent], settings.owner, settings.now, "sent")
            await timeline_many(batch, [(row, name) for row, _, _ in sent if row.id in done])
    for row, answer, result in other:
        try:
            await continue_from(row, answer, name, result)
        except Exception:
            log.exception("care outbox row %s failed; it is retried when its lease runs out", row.id)


async def _external(channel: Any, messages: list[channels.Message], settings: Settings,
                    on_answer: Callable[[int, channels.Answer], Awaitable[None]]) -> list[channels.Answer]:
    """Every message's answer, in order; each also handed to `on_answer` as soon as it is known."""
    many = getattr(channel, "send_many", None)
    if many is not None:
        try:
            return await many(messages, concurrency=settings.concurrency, timeout=settings.timeout, on_answer=on_answer)
        except Exception as exc:  # nothing more is known of this batch's sends: the rest is tried again later
            log.warning("care channel %s raised %s for a batch of %s", channel.name, type(exc).__name__, len(messages))
            return [channels.Answer("retry", {"error": type(exc).__name__}) for _ in messages]
    gate = asyncio.Semaphore(settings.concurrency)

    async def one(n: int) -> channels.Answer:
        async with gate:
            try:
                result = await asyncio.wait_for(channel.send(messages[n]), settings.timeout)
            except asyncio.TimeoutError:
                result = channels.Answer("retry", {"error": "timeout"})
            except Exception as exc:
                log.warning("care channel %s raised %s for outbox row %s", channel.name, type(exc).__name__,
                            messages[n].outbox_id)
                result = channels.Answer("retry", {"error": type(exc).__name__})
        await on_answer(n, result)
        return result

    return list(await asyncio.gather(*(one(n) for n in range(len(messages)))))
