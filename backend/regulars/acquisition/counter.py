"""The counter's rotating redemption QR: a signed token bound to a store and a clerk, shown on the clerk's
tablet, scanned by the customer; and the events that let the tablet see a redemption arrive at once.

A token is stateless (store, clerk, issue time and a nonce, signed with HMAC-SHA256 under a key derived
from the secret key); it can be scanned for SCAN_SECONDS and confirmed for CONFIRM_SECONDS after issue,
and redeems at most once (its nonce is spent in the redemption's own transaction). Events go through a
table, so the tablet sees them whichever process handled the customer's request.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import secrets
import struct
from collections import defaultdict
from typing import Any, AsyncIterator

import msgspec

from regulars.core import clock
from regulars.core.db import delete_in_batches, raw
from regulars.core.errors import Gone, NotFound
from regulars.settings import get_settings

log = logging.getLogger("regulars.counter")
VERSION = 1
ROTATE_SECONDS = 30
SCAN_SECONDS = 60
CONFIRM_SECONDS = 180
_LAYOUT = struct.Struct(">BIII5s")  # version, store, staff, issued (unix seconds), nonce
MAC_BYTES = 12
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{40}")
POLL_SECONDS = 0.3
KEEPALIVE_SECONDS = 15.0


class CounterToken(msgspec.Struct, frozen=True):
    store_id: int
    staff_id: int
    issued_at: dt.datetime
    nonce: str


def _key() -> bytes:
    return hashlib.sha256(b"regulars counter token\x00" + get_settings().secret_key.encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def sign(store_id: int, staff_id: int, now: dt.datetime | None = None) -> str:
    issued = int((now or clock.now()).timestamp())
    payload = _LAYOUT.pack(VERSION, store_id, staff_id, issued, secrets.token_bytes(5))
    return _b64(payload + hmac.new(_key(), payload, hashlib.sha256).digest()[:MAC_BYTES])


def read(token: str, *, now: dt.datetime | None = None, within: int = SCAN_SECONDS) -> CounterToken:
    """The token's content; NotFound if it is not one of ours, Gone once older than `within` seconds."""
    if not TOKEN_RE.fullmatch(token or ""):
        raise NotFound("counter.token_unknown")
    raw_bytes = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    if len(raw_bytes) != _LAYOUT.size + MAC_BYTES:
        raise NotFound("counter.token_unknown")
    payload, mac = raw_bytes[:_LAYOUT.size], raw_bytes[_LAYOUT.size:]
    if not hmac.compare_digest(mac, hmac.new(_key(), payload, hashlib.sha256).digest()[:MAC_BYTES]):
        raise NotFound("counter.token_unknown")
    version, store_id, staff_id, issued, nonce = _LAYOUT.unpack(payload)
    if version != VERSION:
        raise NotFound("counter.token_unknown")
    issued_at = dt.datetime.fromtimestamp(issued, dt.timezone.utc)
    age = ((now or clock.now()) - issued_at).total_seconds()
    if age > within or age < -30:
        raise Gone("counter.token_expired")
    return CounterToken(store_id=store_id, staff_id=staff_id, issued_at=issued_at, nonce=nonce.hex())


async def spend(token: CounterToken) -> None:
    """Marks the token used, inside the redemption's transaction; Gone if it already redeemed something."""
    rows = await raw(
        "INSERT INTO counter_token_use (nonce, store, staff, used_at) VALUES ({}, {}, {}, {}) "
        "ON CONFLICT (nonce) DO NOTHING RETURNING id",
        token.nonce, token.store_id, token.staff_id, clock.now(),
    )
    if not rows:
        raise Gone("counter.token_used")


async def spent(token: CounterToken) -> bool:
    return bool(await raw("SELECT 1 AS one FROM counter_token_use WHERE nonce = {}", token.nonce))


def url(token: str) -> str:
    return f"{get_settings().public_base_url}/redeem/{token}"


# events --------------------------------------------------------------------------------------------------


async def publish(store_id: int, staff_id: int, kind: str, data: dict[str, Any]) -> None:
    """Queues an event for the clerk's tablet, inside the caller's transaction."""
    await raw("INSERT INTO counter_event (store, staff, kind, data, at) VALUES ({}, {}, {}, {}, {})",
              store_id, staff_id, kind, json.dumps(data, ensure_ascii=False), clock.now())


async def latest_id() -> int:
    rows = await raw("SELECT MAX(id) AS id FROM counter_event")
    return rows[0]["id"] or 0


class _Listener:
    def __init__(self, floor: int) -> None:
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=100)
        self.floor = floor  # events up to this id the tablet had before it connected
        self.given: set[int] = set()

    def offer(self, event: dict) -> None:
        """Hands the event over once, whether the catch-up or the poller finds it first."""
        if event["id"] > self.floor and event["id"] not in self.given and not self.queue.full():
            self.given.add(event["id"])
            self.queue.put_nowait(event)


class _Hub:
    """One poller per process reads new events and hands them to the tablets connected here."""

    def __init__(self) -> None:
        self.listeners: dict[int, set[_Listener]] = defaultdict(set)
        self.task: asyncio.Task | None = None
        self.last_id = 0

    async def listen(self, staff_id: int, after: int | None) -> _Listener:
        latest = await latest_id()
        listener = _Listener(latest if after is None else after)
        # Registered before catching up, so that nothing the poller reads meanwhile passes it by.
        self.listeners[staff_id].add(listener)
        if self.task is None or self.task.done():
            self.last_id = latest
            self.task = asyncio.get_running_loop().create_task(self._poll())
        if listener.floor < self.last_id:  # what the tablet missed while it reconnected
            for event in await _events_since(listener.floor, staff_id=staff_id, upto=self.last_id):
                listener.offer(event)
        return listener

    def leave(self, staff_id: int, listener: _Listener) -> None:
        self.listeners[staff_id].discard(listener)
        if not self.listeners[staff_id]:
            del self.listeners[staff_id]

    async def _poll(self) -> None:
        while self.listeners:
            try:
                for event in await _events_since(self.last_id):
                    self.last_id = max(self.last_id, event["id"])
                    for listener in list(self.listeners.get(event["staff"], ())):
                        listener.offer(event)
            except Exception:  # a failed poll is tried again; the stream stays open
                log.exception("reading counter events failed; trying again")
            await asyncio.sleep(POLL_SECONDS)


_hubs: dict[int, _Hub] = {}


def _hub() -> _Hub:
    loop_id = id(asyncio.get_running_loop())
    if loop_id not in _hubs:
        _hubs[loop_id] = _Hub()
    return _hubs[loop_id]


async def _events_since(after: int, *, staff_id: int | None = None, upto: int | None = None) -> list[dict]:
    sql, args = "SELECT id, store, staff, kind, data, at FROM counter_event WHERE id > {}", [after]
    if staff_id is not None:
        sql, args = sql + " AND staff = {}", args + [staff_id]
    if upto is not None:
        sql, args = sql + " AND id <= {}", args + [upto]
    rows = [dict(row) for row in await raw(sql + " ORDER BY id LIMIT 200", *args)]
    for row in rows:
        row["data"] = json.loads(row["data"]) if isinstance(row["data"], str) else row["data"]
    return rows


async def stream(staff_id: int, after: int | None) -> AsyncIterator[dict | None]:
    """The clerk's events from now (or after event `after`) as they happen; None now and then, for a keep-alive."""
    hub = _hub()
    listener = await hub.listen(staff_id, after)
    try:
        while True:
            try:
                yield await asyncio.wait_for(listener.queue.get(), timeout=KEEPALIVE_SECONDS)
            except asyncio.TimeoutError:
                yield None
    finally:
        hub.leave(staff_id, listener)


async def forget_old(now: dt.datetime | None = None) -> None:
    cutoff = (now or clock.now()) - dt.timedelta(days=1)
    await delete_in_batches("counter_event", "at < {}", cutoff)
    await delete_in_batches("counter_token_use", "used_at < {}", cutoff)
