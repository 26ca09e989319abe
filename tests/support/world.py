"""Builders: a small chain to test against, and logged-in staff clients speaking real HTTP."""

from __future__ import annotations

import itertools
import os
import random
from dataclasses import dataclass, field
from typing import Any

import httpx

from regulars.core.auth import Principal
from regulars.stores import schemas as store_schemas
from regulars.stores import service as stores

STAFF_PASSWORD = "staff-test-password"
SYSTEM = Principal(staff_id=0, username="test", display_name="test", role="admin", store_id=None)
_phones = itertools.count(random.Random(os.getpid()).randint(0, 4_000_000))


def new_phone(prefix: str = "139") -> str:
    """A mainland mobile number no other test in this run has used."""
    return f"{prefix}{next(_phones) * 17 % 100_000_000:08d}"


class StaffClient:
    """An httpx client logged in as one staff member, sending the CSRF header on unsafe methods."""

    def __init__(self, base_url: str, username: str, lang: str = "zh-CN"):
        self.username = username
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30.0, headers={"Accept-Language": lang})
        self.me: dict[str, Any] = {}

    async def login(self, password: str = STAFF_PASSWORD) -> "StaffClient":
        response = await self.http.post("/api/v1/auth/login", json={"username": self.username, "password": password})
        assert response.status_code == 200, response.text
        self.me = response.json()["me"]
        return self

    @property
    def csrf(self) -> str:
        return self.http.cookies.get("csrftoken", "")

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if method.upper() not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault("x-csrftoken", self.csrf)
        return await self.http.request(method, url, headers=headers, **kwargs)

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", url, **kwargs)

    async def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PATCH", url, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("DELETE", url, **kwargs)

    async def close(self) -> None:
        await self.http.aclose()


@dataclass
class World:
    url: str
    store_a: store_schemas.Store
    store_b: store_schemas.Store
    staff: dict[str, store_schemas.Staff]
    clients: dict[str, StaffClient] = field(default_factory=dict)

    def __getattr__(self, name: str) -> StaffClient:
        clients = self.__dict__.get("clients", {})
        if name in clients:
            return clients[name]
        raise AttributeError(name)

    async def client(self, username: str, lang: str = "zh-CN") -> StaffClient:
        password = os.environ["REGULARS_ADMIN_PASSWORD"] if username == "admin" else STAFF_PASSWORD
        return await StaffClient(self.url, username, lang).login(password)

    async def close(self) -> None:
        for client in self.clients.values():
            await client.close()


async def make_store(code: str, name: str, kind: str = "community") -> store_schemas.Store:
    return await stores.create_store(SYSTEM, store_schemas.StoreCreate(code=code, name=name, kind=kind, region="测试区"))


async def make_staff(username: str, role: str, store_id: int | None, employee_no: str | None = None) -> store_schemas.Staff:
    return await stores.create_staff(
        SYSTEM,
        store_schemas.StaffCreate(username=username, display_name=f"{username} 名", role=role, password=STAFF_PASSWORD,
                                  store_id=store_id, employee_no=employee_no),
    )


async def build_world(url: str) -> World:
    store_a = await make_store("XX001", "测试一厅", "flagship")
    store_b = await make_store("XX002", "测试二厅")
    staff = {
        "manager_a": await make_staff("manager_a", "manager", store_a.id, "M0001"),
        "clerk_a": await make_staff("clerk_a", "clerk", store_a.id, "E1001"),
        "clerk_a2": await make_staff("clerk_a2", "clerk", store_a.id, "E1002"),
        "manager_b": await make_staff("manager_b", "manager", store_b.id, "M0002"),
        "clerk_b": await make_staff("clerk_b", "clerk", store_b.id, "E2001"),
    }
    world = World(url=url, store_a=store_a, store_b=store_b, staff=staff)
    for username in ("admin", "manager_a", "clerk_a", "clerk_a2", "manager_b", "clerk_b"):
        world.clients[username] = await world.client(username)
    return world
