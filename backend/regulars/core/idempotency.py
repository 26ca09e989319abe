"""Stripe-style idempotency: same key and body, the stored answer; same key, other body, 422.

The key row is written in the same transaction as the effect it guards, so an
effect without its key (or a key without its effect) cannot exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Awaitable, Callable

import msgspec

from regulars.core import clock
from regulars.core.db import delete_in_batches, marks, raw, writing
from regulars.core.errors import BadInput, DomainError

# plain statements: this runs inside every money-like write, where building ORM queries shows in the profile
SELECT_KEY = "SELECT request_hash, status_code, response FROM idempotency_key WHERE scope = {} AND key = {}"
KEY_COLUMNS = "scope, key, request_hash, status_code, response, created_at"
INSERT_KEY = f"INSERT INTO idempotency_key ({KEY_COLUMNS}) VALUES ({marks(6)})"
# How long a key answers for its first request. Longer than Stripe's day: a tablet's outbox replays its writes
# when it is back online, which may be days later. A key used again after this runs its request anew.
KEEP = dt.timedelta(days=30)


class Outcome(msgspec.Struct, frozen=True):
    status_code: int
    body: bytes
    replayed: bool


class Pending(msgspec.Struct, frozen=True):
    """A key an action stores itself, in the statement or transaction of its effect (see `run_keyed`)."""

    scope: str
    key: str
    request_hash: str

    def values(self, status_code: int, body: bytes, at: Any) -> list[Any]:
        """The arguments of INSERT_KEY for this key and answer."""
        return [self.scope, self.key, self.request_hash, status_code, body.decode(), at]


def request_hash(payload: Any) -> str:
    canonical = json.dumps(msgspec.to_builtins(payload), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not 8 <= len(key) <= 200 or not key.isprintable():
        raise BadInput("error.idempotency_key", field="Idempotency-Key")
    return key


def is_unique_violation(exc: BaseException) -> bool:
    name = type(exc).__name__
    return name == "UniqueViolationError" or (name == "IntegrityError" and "UNIQUE" in str(exc))


async def run(
    scope: str,
    key: str | None,
    payload: Any,
    action: Callable[[], Awaitable[tuple[int, Any]]],
) -> Outcome:
    """Runs `action` (which returns status and a body) at most once per (scope, key)."""
    key = check_key(key)
    digest = request_hash(payload)
    for attempt in range(3):
        try:
            async with writing():
                if key is not None:
                    replayed = await _replay(scope, key, digest)
                    if replayed is not None:
                        return replayed
                status, body = await action()
                encoded = msgspec.json.encode(body)
                if key is not None:
                    await raw(INSERT_KEY, scope, key, digest, status, encoded.decode(), clock.now())
                return Outcome(status, encoded, False)
        except Exception as exc:
            # Two first uses of one key raced on PostgreSQL: the loser rolled back and now replays.
            if attempt < 2 and key is not None and _is_key_violation(exc):
                continue
            raise
    raise RuntimeError("unreachable")


async def run_keyed(
    scope: str,
    key: str | None,
    payload: Any,
    action: Callable[[Pending | None], Awaitable[tuple[int, Any]]],
) -> Outcome:
    """`run` for an action that stores the key itself, with its answer, in the very statement or transaction of its
    effect (on PostgreSQL a one-statement redemption needs no transaction, and no read of the key first).

    A replay runs the action again: its refusal (the effect is already there) or the key's unique constraint
    (the effect could be made again, and was rolled back with the key) is answered from the stored key.
    """
    key = check_key(key)
    pending = None if key is None else Pending(scope, key, request_hash(payload))
    try:
        status, body = await action(pending)
    except Exception as exc:
        if pending is None or not (isinstance(exc, DomainError) or _is_key_violation(exc)):
            raise
        replayed = await _replay(scope, pending.key, pending.request_hash)
        if replayed is None:
            raise
        return replayed
    return Outcome(status, msgspec.json.encode(body), False)


def _is_key_violation(exc: BaseException) -> bool:
    return is_unique_violation(exc) and "idempotency" in str(exc).lower()


async def _replay(scope: str, key: str, digest: str) -> Outcome | None:
    """The stored answer to the key, None if there is none; 422 if the key was used for another request."""
    found = await raw(SELECT_KEY, scope, key)
    if not found:
        return None
    if found[0]["request_hash"] != digest:
        raise BadInput("error.idempotency_mismatch", field="Idempotency-Key", idempotency_key=key)
    return Outcome(200, found[0]["response"].encode(), True)


async def forget_old(now: dt.datetime | None = None) -> int:
    """Deletes keys older than KEEP, with the answers they stored (which may name customers)."""
    return await delete_in_batches("idempotency_key", "created_at < {}", (now or clock.now()) - KEEP)


async def forget_answers(scope_prefix: str, answer_prefix: str) -> None:
    """Deletes the stored answers of the scopes starting with `scope_prefix` that start with `answer_prefix`
    (an erased customer's profile, say: `{"id":42,`); their keys then run their requests anew."""
    upper = scope_prefix[:-1] + chr(ord(scope_prefix[-1]) + 1)  # the scopes in [prefix, upper) use the index
    pattern = answer_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    await raw("DELETE FROM idempotency_key WHERE scope >= {} AND scope < {} AND response LIKE {} ESCAPE '\\'",
              scope_prefix, upper, pattern)
