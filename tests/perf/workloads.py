"""The benchmark's workloads: what is measured, and how each one prepares its requests.

To add a workload, write an async `setup(ctx) -> Plan` and append a `Workload` to
WORKLOADS. The plan's requests are written to a file that `lua/requests.lua` replays
at random under wrk, and the same requests feed the paced client for the half-load
latency. A workload whose requests must differ every time (idempotency keys, one-shot
codes) names its own Lua script (which ends with `done = dofile("report.lua")`) and
gives the plan a `make_request(i)` for the paced client.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Optional
from urllib.parse import quote

from tests.perf.context import Context


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""

    def plan_line(self) -> str:
        headers = "\x1f".join(f"{name}: {value}" for name, value in self.headers.items())
        return f"{self.method}\t{self.target}\t{headers}\t{self.body}"


@dataclass
class Plan:
    """The requests one workload sends; `make_request(i)` when each request must be new."""

    requests: list[Request]
    make_request: Optional[Callable[[int], Request]] = None
    wrk_args: list[str] = field(default_factory=list)
    notes: str = ""


@dataclass(frozen=True)
class Workload:
    name: str
    method: str
    path: str
    setup: Callable[[Context], Awaitable[Plan]]
    script: str = "requests.lua"
    description: str = ""
    baseline: bool = False
    half_load: bool = True
    goal_ratio: Optional[float] = None
    goal_half_load_p99_ms: Optional[float] = None


# baseline ---------------------------------------------------------------------------------


async def setup_ping(ctx: Context) -> Plan:
    return Plan([Request("GET", "/api/v1/ping")])


# customer lookup by phone -----------------------------------------------------------------

LOOKUP_CLERKS = 8
LOOKUP_PHONES = 4000


async def setup_lookup(ctx: Context) -> Plan:
    """Clerks of several stores, each looking up full phones of their own store's customers."""
    rng = random.Random(ctx.seed)
    stores = await ctx.db.fetch(
        "SELECT st.store, MIN(st.username) AS username FROM staff st "
        "WHERE st.role = 'clerk' AND st.active = {} GROUP BY st.store ORDER BY st.store",
        True,
    )
    chosen = rng.sample(stores, min(LOOKUP_CLERKS, len(stores)))
    per_store = max(1, LOOKUP_PHONES // len(chosen))
    requests: list[Request] = []
    for store_id, username in chosen:
        cookie = await ctx.login(username)
        phones = await ctx.db.fetch(
            "SELECT c.phone FROM customer_store cs JOIN customer c ON c.id = cs.customer "
            "WHERE cs.store = {} AND c.phone IS NOT NULL",
            store_id,
        )
        for (phone,) in rng.sample(phones, min(per_store, len(phones))):
            requests.append(Request("GET", f"/api/v1/customers?q={quote(phone)}", {"Cookie": cookie}))
    rng.shuffle(requests)
    found = await ctx.check(requests[0])
    if len(found.get("items", [])) != 1:
        raise RuntimeError(f"lookup sanity check found {found!r}")
    return Plan(requests, notes=f"{len(requests)} phones of {len(chosen)} stores, one logged-in clerk per store")


# reports ---------------------------------------------------------------------------------

REPORTS = ("acquisition", "profiles", "repurchase", "retention", "coupons", "points", "clerks", "stores", "rfm", "churn-risk")
REPORT_MANAGERS = 4


def setup_report(name: str) -> Callable[[Context], Awaitable[Plan]]:
    """Store managers of several stores opening one report for their store (the default last 30 days)."""

    async def setup(ctx: Context) -> Plan:
        managers = await ctx.db.fetch("SELECT username FROM staff WHERE role = 'manager' AND active = {} ORDER BY id", True)
        requests = []
        for (username,) in managers[:REPORT_MANAGERS]:
            requests.append(Request("GET", f"/api/v1/reports/{name}", {"Cookie": await ctx.login(username)}))
        found = await ctx.check(requests[0])
        if found.get("name") != name:
            raise RuntimeError(f"report {name} answered {str(found)[:200]}")
        return Plan(requests, notes=f"{len(requests)} store managers, their own store, the last 30 days")

    return setup


def report_workloads() -> list[Workload]:
    return [Workload(name=f"report_{name.replace('-', '_')}", method="GET", path=f"/api/v1/reports/{name}",
                     setup=setup_report(name), description=f"a store manager opens the {name} report of the store")
            for name in REPORTS]


WORKLOADS: list[Workload] = [
    Workload(
        name="baseline",
        method="GET",
        path="/api/v1/ping",
        setup=setup_ping,
        description="bare JSON answer of the same app, no session, no database",
        baseline=True,
        half_load=False,
    ),
    Workload(
        name="lookup_phone",
        method="GET",
        path="/api/v1/customers?q=<full phone>",
        setup=setup_lookup,
        description="a logged-in clerk finds a customer of the store by full phone",
        goal_ratio=0.5,
        goal_half_load_p99_ms=50.0,
    ),
    *report_workloads(),
]


def selected(names: str | None) -> list[Workload]:
    """The workloads named in BENCH_WORKLOADS (comma-separated), always with the baseline first."""
    if not names:
        return list(WORKLOADS)
    wanted = {n.strip() for n in names.split(",") if n.strip()}
    unknown = wanted - {w.name for w in WORKLOADS}
    if unknown:
        raise SystemExit(f"unknown workloads: {', '.join(sorted(unknown))}; known: {', '.join(w.name for w in WORKLOADS)}")
    return [w for w in WORKLOADS if w.baseline or w.name in wanted]
