"""Who a customer is on a public request: the acquisition room registers how the wallet cookie is read."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from litestar.connection import ASGIConnection

CustomerResolver = Callable[[ASGIConnection[Any, Any, Any, Any]], Awaitable[int | None]]

_resolver: CustomerResolver | None = None


def register_customer_resolver(resolver: CustomerResolver) -> None:
    global _resolver
    _resolver = resolver


async def customer_of(connection: ASGIConnection[Any, Any, Any, Any]) -> int | None:
    """The customer behind this request's wallet cookie, or None."""
    return await _resolver(connection) if _resolver is not None else None
