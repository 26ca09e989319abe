"""The HTTP/1.1 client Web Push sends go through: keep-alive connections per origin, one request at a time on each.

A push is one POST of a few hundred bytes answered by an empty 201, to a handful of push services. A general
client (aiohttp) spent nearly as much CPU on that as on the message's encryption (~230 against ~300 µs); this one
does only what a push needs (~110-180 µs with the socket write): it writes the request in one piece, parses the
answer with httptools, and keeps the connection for the next send. It follows no redirect, sends and keeps no
cookie, and uses no proxy. Every new connection first resolves the name and refuses any address that points inward
(`rules.address_allowed`), then connects to the checked address itself, so a name cannot be rebound between the
check and the connection.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections import defaultdict
from typing import NamedTuple
from urllib.parse import urlsplit

import httptools

from regulars.messaging import rules

BODY_LIMIT = 4096  # of an answer: enough for any error text worth logging
IN_FLIGHT = 256  # requests at once per client (and so open connections, file descriptors); more wait their turn


class Response(NamedTuple):
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


class InwardAddress(OSError):
    """A push endpoint's name resolved to an address this server must not call."""


class InvalidEndpoint(ValueError):
    """The endpoint is not an http(s) URL with a host."""


class ConnectionClosed(ConnectionError):
    """The push service closed the connection before its answer was complete."""

    def __init__(self, message: str, answered_nothing: bool) -> None:
        super().__init__(message)
        self.answered_nothing = answered_nothing


async def resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (the tests replace it to rebind a name)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


class _Connection(asyncio.Protocol):
    """One keep-alive connection; `exchange` writes a request and waits for its whole answer."""

    def __init__(self, origin: tuple[str, str, int]) -> None:
        self.origin = origin
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.waiter: asyncio.Future[Response] | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.headers: dict[str, str] = {}
        self.body = b""
        self.headers_done = False
        self.received = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(ConnectionClosed(f"unreadable answer: {exc}", answered_nothing=False))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            if self.headers_done and "content-length" not in self.headers and "transfer-encoding" not in self.headers:
                self._complete()  # an answer whose body ends with the connection
            else:
                self._fail(ConnectionClosed(f"connection closed: {exc or 'by the push service'}",
                                            answered_nothing=not self.received))

    # httptools callbacks
    def on_message_begin(self) -> None:
        if self.waiter is None or self.waiter.done():  # an answer nobody asked for: the connection is not to be trusted
            self.close()

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self.headers_done = True

    def on_body(self, body: bytes) -> None:
        if len(self.body) < BODY_LIMIT:
            self.body += body[:BODY_LIMIT - len(self.body)]

    def on_message_complete(self) -> None:
        keep = self.parser.should_keep_alive()
        self._complete()
        if not keep:
            self.close()

    def _complete(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(Response(self.parser.get_status_code(), self.headers, self.body))
            self.headers = {}  # the answer keeps its own; nothing read later lands in it

    def _fail(self, exc: Exception) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)

    async def exchange(self, request: bytes) -> Response:
        self.headers, self.body, self.headers_done, self.received = {}, b"", False, False
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class Client:
    """The connections of one event loop (made inside it), kept per origin (scheme, host, port)."""

    def __init__(self, *, allow_loopback: bool, timeout: float, tls: ssl.SSLContext | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        self.allow_loopback = allow_loopback
        self.timeout = timeout
        self.idle: dict[tuple[str, str, int], list[_Connection]] = defaultdict(list)
        self.gate = asyncio.Semaphore(IN_FLIGHT)
        self.tls = tls or ssl.create_default_context()  # the system's trusted authorities, names checked

    async def post(self, endpoint: str, headers: dict[str, str], body: bytes) -> Response:
        """POSTs `body` and returns the answer; raises InwardAddress, InvalidEndpoint, OSError or TimeoutError."""
        origin, path, host_header = _target(endpoint)
        request = _request(path, host_header, headers, body)
        async with self.gate, asyncio.timeout(self.timeout):
            connection = self._idle(origin)
            if connection is not None:
                try:
                    return await self._exchange(connection, request)
                except ConnectionClosed as exc:
                    if not exc.answered_nothing:
                        raise
                    # closed without a byte of answer: most likely the service had closed the idle connection
                    # before the request reached it, so it is sent once more on a new one (as HTTP clients do
                    # with pooled connections; a push re-sent with the same Topic replaces the first)
            return await self._exchange(await self._connect(origin), request)

    async def _exchange(self, connection: _Connection, request: bytes) -> Response:
        try:
            response = await connection.exchange(request)
        except BaseException:
            connection.close()  # a late answer must not be read as the next request's
            raise
        if not connection.closed:  # (idle ones are never more than IN_FLIGHT: one opens only when none is idle)
            self.idle[connection.origin].append(connection)
        return response

    def _idle(self, origin: tuple[str, str, int]) -> _Connection | None:
        idle = self.idle.get(origin)
        while idle:
            connection = idle.pop()
            if not connection.closed:
                return connection
        return None

    async def _connect(self, origin: tuple[str, str, int]) -> _Connection:
        scheme, host, port = origin
        literal = rules.ip_literal(host)
        addresses = [literal] if literal is not None else await resolve(host, port)
        refused = [a for a in addresses if not rules.address_allowed(a, allow_loopback=self.allow_loopback)]
        if refused or not addresses:
            raise InwardAddress(f"{host} resolves to {', '.join(refused) or 'nothing'}")
        loop = asyncio.get_running_loop()
        last: OSError | None = None
        for address in addresses:
            try:
                _, connection = await loop.create_connection(
                    lambda: _Connection(origin), address, port,
                    ssl=self.tls if scheme == "https" else None, server_hostname=host if scheme == "https" else None)
                return connection
            except OSError as exc:
                last = exc
        raise last or OSError(f"no address to connect to for {host}")

    def close(self) -> None:
        for connections in self.idle.values():
            for connection in connections:
                connection.close()
        self.idle.clear()


def _target(endpoint: str) -> tuple[tuple[str, str, int], str, str]:
    """((scheme, host, port), request target, Host header) of an endpoint URL."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError as exc:
        raise InvalidEndpoint(str(exc)) from None
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidEndpoint(f"not an http(s) URL: {endpoint[:100]}")
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise InvalidEndpoint(str(exc)) from None
    default = 443 if parts.scheme == "https" else 80
    port = port or default
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    shown = f"[{host}]" if ":" in host else host
    return (parts.scheme, host, port), path, shown if port == default else f"{shown}:{port}"


def _request(path: str, host: str, headers: dict[str, str], body: bytes) -> bytes:
    if any(c in part for part in (path, *headers.values()) for c in "\r\n\0"):
        raise InvalidEndpoint("a line break in the request target or a header")
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    try:
        return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body
    except UnicodeEncodeError:
        raise InvalidEndpoint("the request target or a header is not ASCII") from None
