"""What a workload's setup may use: the prepared database, the running server, staff logins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from regulars.demo import DEMO_PASSWORD
from tests.perf.datasets import Database

if TYPE_CHECKING:
    from tests.perf.workloads import Request


@dataclass
class Context:
    db: Database
    url: str
    seed: int = 20261123
    _cookies: dict[str, str] = field(default_factory=dict)

    async def login(self, username: str, password: str = DEMO_PASSWORD) -> str:
        """A Cookie header value for a fresh session of this staff member (CSRF cookie included)."""
        if username not in self._cookies:
            async with httpx.AsyncClient(base_url=self.url, timeout=30.0) as http:
                response = await http.post("/api/v1/auth/login", json={"username": username, "password": password})
                if response.status_code != 200:
                    raise RuntimeError(f"login of {username} failed: {response.status_code} {response.text[:200]}")
                jar = {name: http.cookies.get(name) for name in ("regulars_session", "csrftoken")}
            self._cookies[username] = "; ".join(f"{k}={v}" for k, v in jar.items() if v)
        return self._cookies[username]

    def csrf(self, username: str) -> str:
        """The CSRF token to send as `x-csrftoken` with this staff member's unsafe requests."""
        for part in self._cookies[username].split("; "):
            if part.startswith("csrftoken="):
                return part.split("=", 1)[1]
        return ""

    async def check(self, request: "Request") -> Any:
        """Sends one request of a plan and returns its JSON; fails loudly unless it answers 2xx."""
        async with httpx.AsyncClient(base_url=self.url, timeout=30.0) as http:
            response = await http.request(request.method, request.target, headers=request.headers,
                                          content=request.body or None)
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"{request.method} {request.target} answered {response.status_code}: {response.text[:300]}")
        return response.json() if response.content else None
