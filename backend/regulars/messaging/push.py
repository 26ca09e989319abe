"""Sends one Web Push message (RFC 8030/8291/8292) and reports what the push service answered.

The caller decides what to do with a result (care's dispatcher keeps its own retries);
this module handles what belongs to the push service itself: 404/410 remove the
subscription, 429 holds back every send to that service's origin until Retry-After,
5xx and network errors are retried a few times in line with a doubling wait.
Every connection is made to an address checked first (push_http): loopback, private and
link-local addresses are refused, so a stored endpoint cannot be turned against the inside.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import logging
import time
from typing import Any, Literal

import msgspec
from pywebpush import WebPusher

from regulars.core import clock
from regulars.core.db import raw
from regulars.messaging import push_http, rules, vapid
from regulars.messaging.config import messaging_settings

log = logging.getLogger("regulars.push")

Status = Literal["sent", "gone", "retry", "rejected"]


class PushTarget(msgspec.Struct, frozen=True):
    endpoint: str
    p256dh: str
    auth: str
    id: int | None = None


class PushResult(msgspec.Struct):
    """What happened to one message for one subscription; `retry_after` is in seconds."""

    status: Status
    subscription_id: int | None = None
    http_status: int | None = None
    retry_after: int | None = None
    attempts: int = 0
    detail: str = ""


_clients: dict[int, push_http.Client] = {}
_backoff_cache: dict[str, tuple[dt.datetime | None, float]] = {}
BACKOFF_RECHECK = 5.0


def client() -> push_http.Client:
    """One client (its keep-alive connections) per event loop."""
    loop = asyncio.get_running_loop()
    found = _clients.get(id(loop))
    if found is None or found.loop is not loop:  # a loop's id can be reused once it is gone
        settings = messaging_settings()
        found = _clients[id(loop)] = push_http.Client(allow_loopback=settings.push_allow_insecure_local,
                                                      timeout=settings.push_timeout_seconds)
    return found


async def close_sessions() -> None:
    found = _clients.pop(id(asyncio.get_running_loop()), None)
    if found is not None:
        found.close()


async def resolves_outward(host: str, port: int) -> bool:
    """True if every address of `host` is one a push may go to (checked again at connection time)."""
    literal = rules.ip_literal(host)
    allow = messaging_settings().push_allow_insecure_local
    if literal is not None:
        return rules.address_allowed(literal, allow_loopback=allow)
    try:
        addresses = await push_http.resolve(host, port)
    except OSError:
        return False
    return bool(addresses) and all(rules.address_allowed(address, allow_loopback=allow) for address in addresses)


def encode_payload(payload: dict | bytes | str) -> bytes:
    data = payload if isinstance(payload, bytes) else (
        payload.encode() if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    )
    if not data or len(data) > rules.MAX_PAYLOAD:
        raise ValueError(f"push payload must be 1..{rules.MAX_PAYLOAD} bytes, not {len(data)}")
    return data


def encrypt(target: PushTarget, data: bytes) -> bytes:
    """The aes128gcm body for this subscription (RFC 8291), made with a fresh ephemeral key."""
    pusher = WebPusher({"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}})
    return pusher.encode(data, content_encoding="aes128gcm")["body"]


async def _held_back(origin: str, now: dt.datetime) -> int | None:
    """Seconds still to wait for an origin that answered 429 (any process may have recorded it)."""
    cached = _backoff_cache.get(origin)
    if cached is None or cached[1] < time.monotonic() - BACKOFF_RECHECK:
        rows = await raw("SELECT until FROM push_backoff WHERE origin = {}", origin)
        cached = (clock.aware(rows[0]["until"]) if rows else None, time.monotonic())
        _backoff_cache[origin] = cached
    until = cached[0]
    if until is not None and until > now:
        return max(1, int((until - now).total_seconds() + 0.999))
    return None


async def _hold_back(origin: str, seconds: int) -> None:
    until = clock.now() + dt.timedelta(seconds=seconds)
    _backoff_cache[origin] = (until, time.monotonic())
    await raw(
        "INSERT INTO push_backoff (origin, until) VALUES ({}, {}) "
        "ON CONFLICT (origin) DO UPDATE SET until = excluded.until",
        origin, until,
    )


async def send(
    target: PushTarget,
    payload: dict | bytes | str,
    *,
    ttl: int,
    topic: str | None = None,
    urgency: str = "normal",
    inline_retries: int = 2,
) -> PushResult:
    """Encrypts and posts one message; never raises for what the push service or the network does.

    Call it outside any write transaction: it waits on the network.
    """
    result = await deliver(target, encode_payload(payload), ttl=ttl, topic=topic, urgency=urgency,
                           inline_retries=inline_retries)
    await record([(target, result)])
    return result


async def deliver_within(target: PushTarget, data: bytes, timeout: float | None, **options: Any) -> PushResult:
    """`deliver`, answering `retry` when it takes longer than `timeout` or raises (never raises itself)."""
    try:
        async with asyncio.timeout(timeout):  # a deadline on this task, not a task of its own as wait_for makes
            return await deliver(target, data, **options)
    except TimeoutError:
        return PushResult("retry", target.id, detail="timeout")
    except Exception as exc:  # a failure of one send is that message's answer, not the batch's
        log.warning("push to %s raised %s", rules.origin_of(target.endpoint), type(exc).__name__)
        return PushResult("retry", target.id, detail=type(exc).__name__)


async def record(outcomes: list[tuple[PushTarget, PushResult]]) -> None:
    """Keeps each subscription's last answer; a subscription the push service no longer knows is deleted."""
    gone = sorted({t.id for t, r in outcomes if t.id is not None and r.status == "gone"})
    answered = {t.id: r.http_status for t, r in outcomes
                if t.id is not None and r.status in ("sent", "rejected") and r.http_status is not None}
    if gone:
        await raw(f"DELETE FROM push_subscription WHERE id IN ({_marks(gone)})", *gone)
    if answered:
        ids = sorted(answered)
        if len({answered[i] for i in ids}) == 1:
            status_sql, status_args = "{}", [answered[ids[0]]]
        else:
            status_sql = "CASE id " + " ".join("WHEN {} THEN CAST({} AS SMALLINT)" for _ in ids) + " END"
            status_args = [value for i in ids for value in (i, answered[i])]
        await raw(f"UPDATE push_subscription SET last_sent_at = {{}}, last_status = {status_sql} WHERE id IN ({_marks(ids)})",
                  clock.now(), *status_args, *ids)


def _marks(values: Any) -> str:
    return ", ".join("{}" for _ in values)


@functools.lru_cache(maxsize=4096)
def _refused(endpoint: str, p256dh: str, auth: str, allow_insecure_local: bool) -> str | None:
    """Why a subscription cannot be sent to, or None (pure: remembered per subscription)."""
    try:
        rules.check_endpoint(endpoint, allow_insecure_local=allow_insecure_local)
        rules.check_keys(p256dh, auth)
    except rules.EndpointRefused as refused:
        return refused.reason
    return None


async def deliver(
    target: PushTarget,
    data: bytes,
    *,
    ttl: int,
    topic: str | None = None,
    urgency: str = "normal",
    inline_retries: int = 2,
) -> PushResult:
    """Encrypts and posts one encoded payload and says what the push service answered; the caller records it
    (`record`). A 429 holds back every send to that origin at once."""
    rules.check_send_options(ttl, urgency)
    refused = _refused(target.endpoint, target.p256dh, target.auth, messaging_settings().push_allow_insecure_local)
    if refused is not None:
        return PushResult("rejected", target.id, detail=f"endpoint refused: {refused}")
    origin = rules.origin_of(target.endpoint)
    wait = await _held_back(origin, clock.now())
    if wait is not None:
        return PushResult("retry", target.id, retry_after=wait, detail="push service asked to slow down")
    body = encrypt(target, data)
    headers = {
        "TTL": str(ttl),
        "Urgency": urgency,
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "Authorization": vapid.authorization(origin),
    }
    if topic is not None:
        headers["Topic"] = rules.topic_header(topic)
    attempt = 0
    while True:
        attempt += 1
        try:
            response = await client().post(target.endpoint, headers, body)
            status, retry_header = response.status, response.headers.get("retry-after")
            text = response.body[:200].decode(errors="replace")
        except push_http.InvalidEndpoint as exc:
            return PushResult("rejected", target.id, attempts=attempt, detail=f"invalid endpoint: {exc}"[:200])
        except push_http.InwardAddress:
            return PushResult("rejected", target.id, attempts=attempt, detail="endpoint resolves to a private address")
        except (OSError, TimeoutError) as exc:
            status, retry_header, text = None, None, f"{type(exc).__name__}: {exc}"[:200]
        if status is not None and 200 <= status < 300:
            return PushResult("sent", target.id, http_status=status, attempts=attempt)
        if status in (404, 410):
            return PushResult("gone", target.id, http_status=status, attempts=attempt, detail=text)
        if status == 429:
            seconds = rules.retry_after_seconds(retry_header, clock.now())
            await _hold_back(origin, seconds)
            return PushResult("retry", target.id, http_status=429, retry_after=seconds, attempts=attempt, detail=text)
        if status is not None and status < 500:
            log.warning("push to %s refused with %s: %s", origin, status, text)
            return PushResult("rejected", target.id, http_status=status, attempts=attempt, detail=text)
        suggested = rules.retry_after_seconds(retry_header, clock.now(), default=30)
        if attempt > inline_retries:
            return PushResult("retry", target.id, http_status=status, retry_after=suggested, attempts=attempt, detail=text)
        await asyncio.sleep(min(rules.backoff_seconds(attempt), suggested))
