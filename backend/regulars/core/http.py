"""HTTP plumbing shared by every room: client address, language, idempotent responses, paging."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar import Request, Response
from litestar.connection import ASGIConnection

from regulars.core.errors import BadInput
from regulars.core.i18n import negotiate
from regulars.core.idempotency import Outcome
from regulars.settings import get_settings


def client_ip(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The peer address; X-Forwarded-For is believed only from a configured trusted proxy."""
    peer = connection.client.host if connection.client else None
    trusted = get_settings().trusted_proxies
    if peer and trusted and _in(peer, trusted):
        forwarded = connection.headers.get("x-forwarded-for", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        while hops and _in(hops[-1], trusted):
            hops.pop()
        if hops:
            return hops[-1]
    return peer


def cross_site(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """Whether the browser says the request comes from another site: `Sec-Fetch-Site: cross-site`, or an
    `Origin` that is neither this host nor the public base URL (requests without Origin are not browsers')."""
    if connection.headers.get("sec-fetch-site", "") == "cross-site":
        return True
    origin = connection.headers.get("origin")
    if origin is None:
        return False
    ours = {connection.headers.get("host", ""), urlsplit(get_settings().public_base_url).netloc}
    return urlsplit(origin).netloc not in ours - {""}


def _in(address: str, networks: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


def language(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    return negotiate(connection.headers.get("accept-language"))


def outcome_response(outcome: Outcome) -> Response[bytes]:
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
    return Response(outcome.body, status_code=outcome.status_code, media_type="application/json", headers=headers)


class Page(msgspec.Struct):
    limit: int
    offset: int


MAX_OFFSET = 1_000_000


def page(limit: int, offset: int, max_limit: int = 200) -> Page:
    if not 1 <= limit <= max_limit or not 0 <= offset <= MAX_OFFSET:
        raise BadInput("error.page", field="limit")
    return Page(limit=limit, offset=offset)


def idempotency_key(request: Request) -> str | None:
    return request.headers.get("idempotency-key")
