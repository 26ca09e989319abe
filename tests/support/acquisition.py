"""Fixtures and helpers for the public pages: a server that may push to 127.0.0.1 and texts through a local
gateway, the local push service, and visitors (a phone's browser: its own cookies and address)."""

from __future__ import annotations

import html
import itertools
import re
from typing import Any

import httpx
import pytest

from tests.support.push_service import PushService
from tests.support.server import ServerProcess
from tests.support.sms_dev import dev_sms_code
from tests.support.sms_gateway import SECRET, SmsGateway
from tests.support.world import StaffClient, World

_addresses = itertools.count(1)
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
async def sms_gateway() -> SmsGateway:
    gateway = await SmsGateway().start()
    yield gateway
    await gateway.stop()


@pytest.fixture(scope="session")
async def push_service() -> PushService:
    service = await PushService().start()
    yield service
    await service.stop()


@pytest.fixture(scope="session")
def acq_server(database, sms_gateway) -> ServerProcess:
    process = ServerProcess.start(extra_env={
        "REGULARS_PUSH_ALLOW_INSECURE_LOCAL": "1",
        "REGULARS_SMS_PROVIDER": "http",
        "REGULARS_SMS_GATEWAY_URL": sms_gateway.url,
        "REGULARS_SMS_GATEWAY_SECRET": SECRET,
        "REGULARS_TRUSTED_PROXIES": "127.0.0.1/32",
    })
    yield process
    process.stop()


def fresh_address() -> str:
    n = next(_addresses)
    return f"198.51.{n // 250 % 250}.{n % 250 + 1}"


class Visitor:
    """One phone's browser: its own cookie jar and its own client address."""

    def __init__(self, base_url: str, lang: str = "zh-CN", address: str | None = None):
        self.address = address or fresh_address()
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30.0, follow_redirects=False,
                                      headers={"Accept-Language": lang, "X-Forwarded-For": self.address,
                                               "User-Agent": "Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0"})
        self.last_html = ""

    async def close(self) -> None:
        await self.http.aclose()

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        response = await self.http.get(url, **kwargs)
        if response.headers.get("content-type", "").startswith("text/html"):
            self.last_html = response.text
        return response

    def csrf(self) -> str:
        """The form's CSRF field on the last page, else the cookie it mirrors."""
        found = CSRF_FIELD.search(self.last_html)
        if found:
            return html.unescape(found.group(1))
        cookie = self.http.cookies.get("csrftoken")
        assert cookie, "no CSRF field on the last page and no csrftoken cookie"
        return cookie

    async def post_form(self, url: str, fields: dict[str, str]) -> httpx.Response:
        response = await self.http.post(url, data={"_csrf_token": self.csrf(), **fields})
        if response.headers.get("content-type", "").startswith("text/html"):
            self.last_html = response.text
        return response

    async def send_code(self, code: str, phone: str, *, marketing: bool = False, service: bool = True,
                        adult: bool = True, notice_version: str | None = None) -> httpx.Response:
        page = await self.get(f"/f/{code}?step=phone")
        assert page.status_code == 200, page.text[:300]
        version = notice_version or re.search(r'name="notice_version" value="([^"]+)"', page.text).group(1)
        fields = {"action": "send", "phone": phone, "notice_version": version}
        if service:
            fields["consent_service"] = "yes"
        if marketing:
            fields["consent_marketing"] = "yes"
        if adult:
            fields["age_confirmed"] = "yes"
        return await self.post_form(f"/f/{code}", fields)

    async def verify(self, code: str, location: str, otp: str) -> httpx.Response:
        page = await self.get(location)
        assert page.status_code == 200, page.text[:300]
        ref = re.search(r'name="ref" value="([^"]+)"', page.text).group(1)
        return await self.post_form(f"/f/{code}", {"action": "verify", "ref": html.unescape(ref), "code": otp})

    async def follow(self, code: str, phone: str, gateway: SmsGateway, *, marketing: bool = False) -> str:
        """The whole flow: phone, code by SMS, verify; returns the wallet path it lands on (without its query)."""
        sent = await self.send_code(code, phone, marketing=marketing)
        assert sent.status_code == 303, sent.text[:500]
        verified = await self.verify(code, sent.headers["location"], gateway.last_code(phone))
        assert verified.status_code == 303, verified.text[:500]
        return verified.headers["location"].split("?", 1)[0]


async def staff_on(server: ServerProcess, username: str) -> StaffClient:
    from tests.support.world import STAFF_PASSWORD

    return await StaffClient(server.url, username).login(STAFF_PASSWORD)


async def join_store(client: StaffClient, phone: str, consents: list[dict] | None = None) -> dict:
    """Makes another store's customer the client's store's customer too, with the code their phone receives
    (the development SMS provider's log); returns the profile."""
    body = {"phone": phone, "consents": consents or []}
    sent = await client.post("/api/v1/customers/follow", json=body)
    assert sent.status_code == 202, sent.text
    ref = sent.json()["ref"]
    joined = await client.post("/api/v1/customers/follow", json=body | {"ref": ref, "code": dev_sms_code(ref)})
    assert joined.status_code == 200, joined.text
    return joined.json()


async def make_channel(world: World, client: StaffClient | None = None, **fields: Any) -> dict:
    body = {"kind": "store", "name": "门口海报", **fields}
    response = await (client or world.manager_a).post("/api/v1/channels", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def friend_follows(acq_server, link: str, phone: str, gateway) -> tuple[str, str]:
    """A friend opens a referral link in their own browser and follows with their phone; (channel code, wallet)."""
    friend = Visitor(acq_server.url)
    try:
        opened = await friend.get(link.split(acq_server.url, 1)[1])
        assert opened.status_code == 303, opened.text[:300]
        landing = opened.headers["location"]
        page = await friend.get(landing)
        assert page.status_code == 200 and 'name="referral"' in page.text and "您的好友邀请您一起关注" in page.text
        channel_code = re.match(r"/f/([^?]+)", landing).group(1)
        referral_code = re.search(r'name="referral" value="([^"]+)"', page.text).group(1)
        version = re.search(r'name="notice_version" value="([^"]+)"', page.text).group(1)
        sent = await friend.post_form(f"/f/{channel_code}", {
            "action": "send", "phone": phone, "consent_service": "yes", "age_confirmed": "yes",
            "notice_version": version, "referral": referral_code})
        assert sent.status_code == 303, sent.text[:300]
        verified = await friend.verify(channel_code, sent.headers["location"], gateway.last_code(phone))
        assert verified.status_code == 303
        return channel_code, verified.headers["location"]
    finally:
        await friend.close()
