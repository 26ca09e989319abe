"""A local SMS gateway: receives the HTTP provider's signed JSON, checks the HMAC, keeps the messages."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

from aiohttp import web

SECRET = "test-sms-gateway-secret"


class SmsGateway:
    def __init__(self, secret: str = SECRET) -> None:
        self.secret = secret
        self.messages: list[dict] = []
        self.bad_signatures = 0
        self.fail_next = 0
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> "SmsGateway":
        app = web.Application()
        app.router.add_post("/sms", self._receive)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/sms"
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("X-Regulars-Signature", "")):
            self.bad_signatures += 1
            return web.json_response({"error": "bad signature"}, status=401)
        if self.fail_next:
            self.fail_next -= 1
            return web.json_response({"error": "busy"}, status=503)
        message = json.loads(body)
        self.messages.append(message)
        return web.json_response({"id": f"gw-{len(self.messages)}"})

    def to(self, phone: str) -> list[dict]:
        return [m for m in self.messages if m["to"] == phone]

    def last_code(self, phone: str) -> str:
        found = self.to(phone)
        assert found, f"no SMS to {phone}"
        return re.search(r"\b(\d{6})\b", found[-1]["text"]).group(1)
