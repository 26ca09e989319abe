"""Tools for the attack tests: servers that log at INFO (their logs are scanned afterwards), attacking
clients, and the secrets an attack used or saw, none of which may appear in a log line."""

from __future__ import annotations

import asyncio
import re
from typing import Iterable

import httpx

from regulars.core.db import raw
from regulars.coupons.rules import format_code
from tests.support.server import ServerProcess
from tests.support.world import StaffClient

PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
LOG_AT_INFO = {"REGULARS_LOG_LEVEL": "INFO"}
BEHIND_PROXY = {**LOG_AT_INFO, "REGULARS_TRUSTED_PROXIES": "127.0.0.1"}


def start_logged_server(behind_proxy: bool = False) -> ServerProcess:
    """A server of its own at INFO level; behind_proxy: it believes X-Forwarded-For from 127.0.0.1."""
    return ServerProcess.start(extra_env=BEHIND_PROXY if behind_proxy else LOG_AT_INFO)


class Secrets:
    """Passwords tried, tokens held, codes guessed or redeemed, phones typed: what no log line may show."""

    def __init__(self) -> None:
        self.values: set[str] = set()

    def add(self, *values: str | None) -> None:
        for value in values:
            if value and len(value) >= 6:
                self.values.add(value)

    def add_code(self, code: str) -> None:
        self.add(code, format_code(code))

    def add_client(self, client: StaffClient) -> None:
        self.add(client.http.cookies.get("regulars_session"), client.http.cookies.get("csrftoken"))


def leaks(log_text: str, secrets: Secrets) -> list[str]:
    """The log lines that show a full phone number or one of the secrets."""
    found = []
    for line in log_text.splitlines():
        shown = [s for s in secrets.values if s in line] + PHONE.findall(line)
        if shown:
            found.append(f"{shown}: {line[:300]}")
    return found


def assert_logs_clean(servers: Iterable[ServerProcess], secrets: Secrets) -> None:
    for server in servers:
        text = server.log_path.read_text(errors="replace")
        assert '"logger": "regulars.access"' in text, "the server did not log at INFO"
        found = leaks(text, secrets)
        assert not found, "\n".join(found[:10])


async def login_as(url: str, username: str, secrets: Secrets, **headers: str) -> StaffClient:
    client = StaffClient(url, username)
    client.http.headers.update(headers)
    await client.login()
    secrets.add_client(client)
    return client


async def attempt_login(http: httpx.AsyncClient, username: str, password: str, secrets: Secrets,
                        forwarded_for: str | None = None) -> httpx.Response:
    secrets.add(password)
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return await http.post("/api/v1/auth/login", json={"username": username, "password": password}, headers=headers)


async def forget_rate_limits() -> None:
    """Empties the counters an attack filled, so that later tests log in and redeem freely."""
    await raw("DELETE FROM rate_counter")


async def gather_limited(coroutines: list, limit: int = 32) -> list:
    gate = asyncio.Semaphore(limit)

    async def one(coroutine):
        async with gate:
            return await coroutine

    return await asyncio.gather(*(one(c) for c in coroutines))
