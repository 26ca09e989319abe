"""A local Web Push service on 127.0.0.1: checks each request's VAPID JWT, decrypts the aes128gcm body
with the subscription's private key (RFC 8291), records what arrived, and answers as told."""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

import http_ece
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Subscriber:
    """A browser's side of a subscription: its P-256 key pair and auth secret."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: secrets.token_bytes(16))

    @property
    def p256dh(self) -> str:
        return b64url(self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    def json(self, **extra: Any) -> dict:
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth_secret)}, **extra}


@dataclass
class Delivery:
    subscriber_id: str
    headers: dict[str, str]
    payload: bytes | None
    vapid_ok: bool
    vapid_key: str
    claims: dict
    error: str = ""

    @property
    def message(self) -> dict:
        return json.loads(self.payload)


class PushService:
    def __init__(self) -> None:
        self.subscribers: dict[str, Subscriber] = {}
        self.answers: dict[str, list[tuple[int, dict]]] = {}
        self.deliveries: list[Delivery] = []
        self.requests: list[str] = []
        self.runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> "PushService":
        app = web.Application()
        app.router.add_post("/push/{sid}", self._receive)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def subscriber(self) -> Subscriber:
        sid = secrets.token_hex(8)
        found = Subscriber(endpoint=f"{self.base}/push/{sid}")
        self.subscribers[sid] = found
        return found

    def answer(self, subscriber: Subscriber, *answers: int | tuple[int, dict]) -> None:
        """The statuses (and headers) to answer this subscriber's next requests with, then 201."""
        sid = subscriber.endpoint.rsplit("/", 1)[1]
        self.answers[sid] = [a if isinstance(a, tuple) else (a, {}) for a in answers]

    def received(self, subscriber: Subscriber) -> list[Delivery]:
        sid = subscriber.endpoint.rsplit("/", 1)[1]
        return [d for d in self.deliveries if d.subscriber_id == sid]

    def attempts(self, subscriber: Subscriber) -> int:
        sid = subscriber.endpoint.rsplit("/", 1)[1]
        return self.requests.count(sid)

    async def _receive(self, request: web.Request) -> web.Response:
        sid = request.match_info["sid"]
        self.requests.append(sid)
        queued = self.answers.get(sid)
        if queued:
            status, headers = queued.pop(0)
            return web.Response(status=status, headers=headers, text="as told")
        subscriber = self.subscribers.get(sid)
        if subscriber is None:
            return web.Response(status=404)
        body = await request.read()
        auth = request.headers.get("Authorization", "")
        delivery = Delivery(sid, dict(request.headers), None, False, "", {})
        try:
            delivery.vapid_ok = bool(Vapid02.verify(auth))
            parts = dict(p.split("=", 1) for p in auth.split(" ", 1)[1].split(","))
            delivery.vapid_key = parts["k"]
            delivery.claims = json.loads(b64url_decode(parts["t"].split(".")[1]))
            delivery.payload = http_ece.decrypt(body, private_key=subscriber.private_key,
                                                auth_secret=subscriber.auth_secret, version="aes128gcm")
        except Exception as exc:  # recorded for the test to see
            delivery.error = f"{type(exc).__name__}: {exc}"
            self.deliveries.append(delivery)
            return web.Response(status=400, text=delivery.error)
        self.deliveries.append(delivery)
        return web.Response(status=201, headers={"Location": f"{self.base}/message/{len(self.deliveries)}"})
