"""Stripe-style idempotency: same key and body, the stored answer; same key, other body, 422.

The key row is written in the same transaction as the effect it guards, so an
effect without its key (or a key without its effect) cannot exist.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Awaitable, Callable

import msgspec

from regulars.core import clock
from regulars.core.db import raw, writing
from regulars.core.errors import BadInput

# plain statements: this runs inside every money-like write, where building ORM queries shows in the profile
SELECT_KEY = "SELECT request_hash, status_code, response FROM idempotency_key WHERE scope = {} AND key = {}"
INSERT_KEY = ("INSERT INTO idempotency_key (scope, key, request_hash, status_code, response, created_at) "
              "VALUES ({}, {}, {}, {}, {}, {})")


class Outcome(msgspec.Struct, frozen=True):
    status_code: int
    body: bytes
    replayed: bool


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
                    found = await raw(SELECT_KEY, scope, key)
                    stored = found[0] if found else None
                    if stored is not None:
                        if stored["request_hash"] != digest:
                            raise BadInput("error.idempotency_mismatch", field="Idempotency-Key", idempotency_key=key)
                        return Outcome(200, stored["response"].encode(), True)
                status, body = await action()
                encoded = msgspec.json.encode(body)
                if key is not None:
                    await raw(INSERT_KEY, scope, key, digest, status, encoded.decode(), clock.now())
                return Outcome(status, encoded, False)
        except Exception as exc:
            # Two first uses of one key raced on PostgreSQL: the loser rolled back and now replays.
            if attempt < 2 and key is not None and is_unique_violation(exc) and "idempotency" in str(exc).lower():
                continue
            raise
    raise RuntimeError("unreachable")
