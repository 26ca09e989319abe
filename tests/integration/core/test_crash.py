"""`kill -9` of the server in the middle of a burst of redemptions and points exchanges, then a restart.

Every answer the clients got (200 redeemed, 201 exchanged) is in the database after the restart; every
other request either happened completely (coupon state, redemption row, timeline event, audit row and
idempotency key together) or not at all; replaying each request with its Idempotency-Key then finishes
the burst exactly once; SQLite's integrity check passes and `regulars reconcile` exits 0.

`make test` runs one round of 1,000 redemptions; `make soak` (REGULARS_SOAK=1) runs several rounds, larger,
against one and two workers, killing at different points.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sqlite3
import subprocess
import uuid
from dataclasses import dataclass, field

import httpx
import pytest

import regulars.app  # noqa: F401  (imports every room, which registers its invariants)
from regulars.core import invariants
from regulars.core.db import is_postgres, raw, writing
from regulars.coupons import service as coupons
from regulars.points import schemas as points_schemas
from regulars.points import service as points
from regulars.settings import get_settings
from tests.support.coupons import make_customer, make_template, principal
from tests.support.server import ROOT, ServerProcess, regulars_command
from tests.support.world import STAFF_PASSWORD

SOAK = os.environ.get("REGULARS_SOAK") == "1"
REDEMPTIONS = 3000 if SOAK else 1000
EXCHANGES = 200 if SOAK else 60
CUSTOMERS = 60
CONNECTIONS = 64
CASHIERS = ("clerk_a", "clerk_a2", "manager_a")
EXCHANGE_PRICE = 10


@dataclass
class Call:
    kind: str  # "redeem" or "exchange"
    cashier: str
    key: str
    body: dict
    customer_id: int
    status: int | None = None
    answer: dict | None = None
    error: str | None = None

    @property
    def url(self) -> str:
        if self.kind == "redeem":
            return "/api/v1/coupons/redeem"
        return f"/api/v1/customers/{self.customer_id}/points/exchange"

    @property
    def acknowledged(self) -> bool:
        return self.status in (200, 201)


@dataclass
class Burst:
    redeem_template: int
    exchange_template: int
    calls: list[Call] = field(default_factory=list)
    codes: dict[str, int] = field(default_factory=dict)  # code -> coupon id


async def prepare(world, rng: random.Random) -> Burst:
    """Customers, coupons to redeem (issued in one transaction) and points to exchange."""
    template = await make_template(world, per_customer_limit=None, scope="issuing")
    exchange = await make_template(world, per_customer_limit=None, points_price=EXCHANGE_PRICE, name_zh="积分换券")
    customers = [await make_customer(world) for _ in range(CUSTOMERS)]
    burst = Burst(template.id, exchange.id)
    clerk = principal(world, "clerk_a")
    async with writing():
        for i in range(REDEMPTIONS):
            coupon = await coupons.issue(clerk, template.id, customers[i % CUSTOMERS], source="staff")
            burst.codes[coupon.code] = coupon.id
    savers = customers[:10]
    for customer_id in savers:
        await points.adjust(principal(world, "manager_a"), customer_id,
                            points_schemas.AdjustCreate(points=EXCHANGE_PRICE * EXCHANGES, reason="开户赠送"), None)
    for i, code in enumerate(burst.codes):
        burst.calls.append(Call("redeem", CASHIERS[i % len(CASHIERS)], uuid.uuid4().hex,
                                {"code": code, "device": f"pad-{i % 7}"}, customers[i % CUSTOMERS]))
    for i in range(EXCHANGES):
        burst.calls.append(Call("exchange", CASHIERS[i % len(CASHIERS)], uuid.uuid4().hex,
                                {"template_id": exchange.id}, savers[i % len(savers)]))
    rng.shuffle(burst.calls)
    return burst


async def cashier_clients(url: str) -> dict[str, httpx.AsyncClient]:
    per_client = httpx.Limits(max_connections=CONNECTIONS // len(CASHIERS), max_keepalive_connections=CONNECTIONS)
    clients = {}
    for name in CASHIERS:
        client = httpx.AsyncClient(base_url=url, timeout=60.0, limits=per_client)
        response = await client.post("/api/v1/auth/login", json={"username": name, "password": STAFF_PASSWORD})
        assert response.status_code == 200, response.text
        clients[name] = client
    return clients


async def send(client: httpx.AsyncClient, call: Call) -> None:
    headers = {"x-csrftoken": client.cookies.get("csrftoken", ""), "Idempotency-Key": call.key}
    try:
        response = await client.post(call.url, json=call.body, headers=headers)
    except httpx.HTTPError as exc:
        call.status, call.error = None, type(exc).__name__
        return
    call.status = response.status_code
    if response.headers.get("content-type", "").startswith(("application/json", "application/problem+json")):
        call.answer = response.json()


async def fire_and_kill(server: ServerProcess, burst: Burst, kill_after: int) -> None:
    """Sends every call at once (bounded by the connection limit); kills the server at the kill_after-th answer."""
    clients = await cashier_clients(server.url)
    answered = 0

    async def one(call: Call) -> None:
        nonlocal answered
        await send(clients[call.cashier], call)
        if call.status is not None:
            answered += 1
            if answered == kill_after:
                server.kill()

    try:
        await asyncio.gather(*(one(call) for call in burst.calls))
    finally:
        for client in clients.values():
            await client.aclose()


async def replay(server: ServerProcess, burst: Burst) -> list[tuple[Call, Call]]:
    """Sends again, with its key, every call left unanswered and a sample of the answered ones (all in soak)."""
    clients = await cashier_clients(server.url)
    chosen = [c for i, c in enumerate(burst.calls) if not c.acknowledged or SOAK or i % 4 == 0]
    again = [(c, Call(c.kind, c.cashier, c.key, c.body, c.customer_id)) for c in chosen]
    try:
        await asyncio.gather(*(send(clients[c.cashier], c) for _, c in again))
    finally:
        for client in clients.values():
            await client.aclose()
    return again


async def redemption_facts(burst: Burst) -> dict[int, dict]:
    """Per coupon of the burst: its state and how many rows each part of a redemption left."""
    rows = await raw(
        """
        SELECT c.id, c.state, c.redeemed_by,
          (SELECT COUNT(*) FROM coupon_redemption r WHERE r.coupon = c.id) AS redemptions,
          (SELECT COUNT(*) FROM timeline_event e WHERE e.kind = 'coupon_redeemed' AND e.ref_type = 'coupon'
             AND e.ref_id = CAST(c.id AS TEXT)) AS events,
          (SELECT COUNT(*) FROM audit_log a WHERE a.action = 'coupon.redeem' AND a.target_id = CAST(c.id AS TEXT)) AS audits
        FROM coupon c WHERE c.template = {}
        """,
        burst.redeem_template,
    )
    return {r["id"]: dict(r) for r in rows}


async def stored_keys(scope_prefix: str) -> dict[str, dict]:
    rows = await raw("SELECT key, status_code, response FROM idempotency_key WHERE scope LIKE {}", scope_prefix + "%")
    return {r["key"]: dict(r) for r in rows}


def sqlite_integrity() -> None:
    if is_postgres():
        return
    with sqlite3.connect(get_settings().sqlite_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def reconcile() -> None:
    result = subprocess.run(regulars_command("reconcile"), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


async def check_after_crash(burst: Burst) -> None:
    """Nothing acknowledged is lost; nothing unacknowledged is half done."""
    facts = await redemption_facts(burst)
    redeem_keys = await stored_keys("coupons.redeem:")
    exchange_keys = await stored_keys("points.exchange:")
    by_code = {c.body["code"]: c for c in burst.calls if c.kind == "redeem"}
    for code, coupon_id in burst.codes.items():
        fact, call = facts[coupon_id], by_code[code]
        done = fact["state"] == "redeemed"
        parts = (fact["redemptions"], fact["events"], fact["audits"], int(call.key in redeem_keys))
        assert parts == ((1, 1, 1, 1) if done else (0, 0, 0, 0)), (code, fact, call.status)
        if call.acknowledged:
            assert done, (code, call.status)
            assert call.answer["coupon"]["id"] == coupon_id
        if done:
            stored = json.loads(redeem_keys[call.key]["response"])
            assert stored["coupon"]["id"] == coupon_id
    exchanged = await raw(
        "SELECT c.id, c.source_ref FROM coupon c WHERE c.template = {}", burst.exchange_template)
    entries = await raw(
        "SELECT id FROM points_entry WHERE source_kind = 'exchange' AND reason = {}",
        f"coupon template {burst.exchange_template}")
    assert sorted(str(e["id"]) for e in entries) == sorted(c["source_ref"] for c in exchanged)
    exchange_calls = [c for c in burst.calls if c.kind == "exchange"]
    done_keys = {c.key for c in exchange_calls if c.key in exchange_keys}
    assert len(done_keys) == len(exchanged)
    for call in exchange_calls:
        if call.acknowledged:
            assert call.key in exchange_keys
            assert json.loads(exchange_keys[call.key]["response"])["coupon"]["id"] == call.answer["coupon"]["id"]


async def check_after_replay(burst: Burst, again: list[tuple[Call, Call]]) -> None:
    """Replaying the keys finishes the burst exactly once and repeats every acknowledged answer."""
    for first, second in again:
        assert second.status in (200, 201), (second.kind, second.status, second.answer)
        if first.acknowledged:
            assert second.status == 200 and second.answer == first.answer
    facts = await redemption_facts(burst)
    assert all((f["state"], f["redemptions"], f["events"], f["audits"]) == ("redeemed", 1, 1, 1)
               for f in facts.values())
    exchanged = await raw("SELECT COUNT(*) AS n FROM coupon WHERE template = {}", burst.exchange_template)
    assert exchanged[0]["n"] == EXCHANGES
    drift = {name: found for name, found in (await invariants.run_all()).items() if found}
    assert not drift, drift


ROUNDS = [(1, 0.5)] if not SOAK else [(1, 0.15), (2, 0.5), (1, 0.85), (2, 0.3)]


@pytest.mark.parametrize("workers,kill_at", ROUNDS, ids=[f"workers{w}-kill{int(k * 100)}pct" for w, k in ROUNDS])
async def test_kill_server_during_redemptions_loses_nothing_acknowledged(world, workers, kill_at):
    rng = random.Random(f"crash-{workers}-{kill_at}")
    burst = await prepare(world, rng)
    crashing = ServerProcess.start(workers=workers)
    try:
        await fire_and_kill(crashing, burst, kill_after=int(len(burst.calls) * kill_at))
    finally:
        crashing.kill()
    acknowledged = sum(c.acknowledged for c in burst.calls)
    refused = [(c.kind, c.status, c.answer) for c in burst.calls if c.status is not None and not c.acknowledged]
    assert not refused, refused[:5]
    assert acknowledged >= int(len(burst.calls) * kill_at)
    assert acknowledged < len(burst.calls), "the server finished the burst before it was killed"

    sqlite_integrity()
    restarted = ServerProcess.start(workers=workers)
    try:
        await check_after_crash(burst)
        reconcile()
        again = await replay(restarted, burst)
        await check_after_replay(burst, again)
    finally:
        restarted.stop()
    sqlite_integrity()
