"""Wallet tokens: the customer's bearer link (/w/{token}) and cookie, at least 128 random bits, stored hashed."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from regulars.core import clock
from regulars.core.db import raw
from regulars.core.security import new_token, token_hash
from regulars.customers import privacy
from regulars.messaging import identity
from regulars.settings import get_settings

COOKIE = "regulars_wallet"
COOKIE_MAX_AGE = 400 * 24 * 3600
TOKEN_BYTES = 24  # 192 bits
TOKEN_LENGTH = 32  # base64url characters of TOKEN_BYTES


async def issue(customer_id: int) -> str:
    """A new wallet token for the customer (inside the caller's transaction); only its hash is kept."""
    token = new_token(TOKEN_BYTES)
    await raw("INSERT INTO wallet_token (customer, token_hash, created_at) VALUES ({}, {}, {})",
              customer_id, token_hash(token), clock.now())
    return token


def _plausible(token: str | None) -> bool:
    return bool(token) and len(token) == TOKEN_LENGTH and all(c.isalnum() or c in "-_" for c in token)


async def customer_of_token(token: str | None) -> int | None:
    """The customer a token opens, or None for any token that is malformed, unknown, revoked or erased alike."""
    if not _plausible(token):
        token_hash(token or "-")  # same work as a real lookup's hashing
        return None
    rows = await raw(
        "SELECT w.id, w.customer, w.last_used_at FROM wallet_token w JOIN customer c ON c.id = w.customer "
        "WHERE w.token_hash = {} AND w.revoked_at IS NULL AND c.erased_at IS NULL",
        token_hash(token),
    )
    if not rows:
        return None
    row = rows[0]
    now = clock.now()
    if row["last_used_at"] is None or (now - clock.aware(row["last_used_at"])).total_seconds() > 3600:
        await raw("UPDATE wallet_token SET last_used_at = {} WHERE id = {}", now, row["id"])
    return row["customer"]


async def customer_of_cookie(connection: ASGIConnection[Any, Any, Any, Any]) -> int | None:
    return await customer_of_token(connection.cookies.get(COOKIE))


def cookie_settings() -> dict[str, Any]:
    return {"key": COOKIE, "httponly": True, "samesite": "lax", "secure": get_settings().secure_cookies,
            "path": "/", "max_age": COOKIE_MAX_AGE}


async def revoke_all(customer_id: int) -> None:
    await raw("UPDATE wallet_token SET revoked_at = {} WHERE customer = {} AND revoked_at IS NULL",
              clock.now(), customer_id)


identity.register_customer_resolver(customer_of_cookie)
privacy.register_erasure_hook(revoke_all)
