"""The benchmark's workloads: what is measured, and how each one prepares its requests.

To add a workload, write an async `setup(ctx) -> Plan` and append a `Workload` to
WORKLOADS. The plan's requests are written to a file that `lua/requests.lua` replays
at random under wrk, and the same requests feed the paced client for the half-load
latency. A workload whose requests must differ every time (idempotency keys, one-shot
codes) names its own Lua script (`lua/once.lua` sends the plan's requests in order, each once,
carrying its position from the warm-up to the measured run in a state file, the script's third
argument) and gives the plan a `make_request(i)` for the paced client (taking requests from the other
end of the plan, so that the two never send the same one). A flow of several requests whose answers
decide the next one (follow-and-claim) has its own script and no half-load run.
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Optional
from urllib.parse import parse_qs, quote, urlsplit

import httpx

from tests.perf.context import Context
from tests.perf.pool import POOL_TEMPLATE


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
    capacity: Optional[int] = None  # how many requests the plan can send before they start to fail


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
    goal_vs: Optional[str] = None  # goal_ratio is against this workload's throughput in the same run, not the baseline
    unit: str = "request"  # what one operation is: a request, or a flow of several (throughput counts these)
    requests_per_flow: int = 1
    short: bool = False  # peak throughput only, over a third of the duration: the reports, many and similar
    server_env: dict[str, str] = field(default_factory=dict)  # settings the bench server needs for this workload


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

REPORTS = ("acquisition", "profiles", "repurchase", "retention", "coupons", "points", "care", "clerks", "stores", "rfm",
           "churn-risk")
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
                     setup=setup_report(name), description=f"a store manager opens the {name} report of the store",
                     half_load=False, short=True)
            for name in REPORTS]


# coupon redemption --------------------------------------------------------------------------

REDEEM_CLERKS = 8
REDEEM_CODES = 80_000  # more than wrk and the paced client redeem in one configuration at small scale


async def setup_redeem(ctx: Context) -> Plan:
    """Clerks of several stores redeeming coupons of the pool (tests/perf/pool.py), each code once, each request
    with its own Idempotency-Key; the pool's template is chain-wide, so every clerk may redeem every code."""
    rng = random.Random(ctx.seed)
    stores = await ctx.db.fetch(
        "SELECT st.store, MIN(st.username) AS username FROM staff st "
        "WHERE st.role = 'clerk' AND st.active = {} GROUP BY st.store ORDER BY st.store",
        True,
    )
    chosen = rng.sample(stores, min(REDEEM_CLERKS, len(stores)))
    clerks = []
    for _store, username in chosen:
        cookie = await ctx.login(username)
        clerks.append({"Cookie": cookie, "x-csrftoken": ctx.csrf(username), "Content-Type": "application/json"})
    codes = [code for (code,) in await ctx.db.fetch(
        "SELECT c.code FROM coupon c WHERE c.template = (SELECT id FROM coupon_template WHERE name_zh = {}) "
        "AND c.state = 'issued' ORDER BY c.id LIMIT {}", POOL_TEMPLATE, REDEEM_CODES)]
    if len(codes) < 1000:
        raise RuntimeError(f"the coupon pool has {len(codes)} unredeemed coupons left: rebuild the data set (BENCH_FRESH=1)")
    run = secrets.token_hex(4)
    requests = [Request("POST", "/api/v1/coupons/redeem", {**clerks[i % len(clerks)], "Idempotency-Key": f"bench-{run}-{i}"},
                        json.dumps({"code": code})) for i, code in enumerate(codes)]
    redeemed = await ctx.check(requests.pop())
    if redeemed.get("coupon", {}).get("state") != "redeemed":
        raise RuntimeError(f"redemption sanity check answered {str(redeemed)[:300]}")
    return Plan(requests, make_request=lambda i: requests[len(requests) - 1 - i], capacity=len(requests),
                notes=f"{len(requests):,} unredeemed pool coupons, {len(clerks)} logged-in clerks of as many stores; "
                      "each request a new code and Idempotency-Key (wrk from the start of the list, the paced client "
                      "from its end)")


# follow and claim -------------------------------------------------------------------------

FOLLOW_STORES = 4
FOLLOW_OTP = "246810"
FOLLOW_PHONES = "199"  # a prefix the demo chain does not use: every phone is a new customer
FOLLOW_SERVER_ENV = {
    # the development SMS provider answers this code for every message (allowed only with that provider)
    "REGULARS_SMS_DEV_FIXED_CODE": FOLLOW_OTP,
    # the visitors come through a proxy on 127.0.0.1 that names each one's address: the per-client limits apply
    # per visitor as in the field, unchanged; nothing else trusts X-Forwarded-For
    "REGULARS_TRUSTED_PROXIES": "127.0.0.1",
}


async def _follow_once(http: httpx.AsyncClient, code: str, token: str, phone: str, notice: str) -> str:
    headers = {"Cookie": f"csrftoken={token}", "X-Forwarded-For": "10.255.255.1"}
    sent = await http.post(f"/f/{code}", headers=headers, data={
        "action": "send", "phone": phone, "consent_service": "yes", "age_confirmed": "yes", "notice_version": notice,
        "_csrf_token": token})
    location = sent.headers.get("location", "")
    if sent.status_code != 303 or "step=verify" not in location:
        raise RuntimeError(f"follow send answered {sent.status_code} {location} {sent.text[:300]}")
    ref = parse_qs(urlsplit(location).query)["c"][0]
    verified = await http.post(f"/f/{code}", headers=headers, data={
        "action": "verify", "ref": ref, "code": FOLLOW_OTP, "_csrf_token": token})
    location = verified.headers.get("location", "")
    if verified.status_code != 303 or not location.startswith("/w/"):
        raise RuntimeError(f"follow verify answered {verified.status_code} {location} {verified.text[:300]}")
    return location


async def setup_follow(ctx: Context) -> Plan:
    """Each of a few stores' managers puts up a store channel code with a welcome coupon; new phones follow
    through them (send, then verify with the development provider's fixed code) and get the coupon."""
    from regulars.acquisition.rules import NOTICE_VERSION

    managers = await ctx.db.fetch("SELECT username FROM staff WHERE role = 'manager' AND active = {} ORDER BY id", True)
    codes = []
    run = secrets.token_hex(2)
    async with httpx.AsyncClient(base_url=ctx.url, timeout=30.0) as http:
        for (username,) in managers[:FOLLOW_STORES]:
            headers = {"Cookie": await ctx.login(username), "x-csrftoken": ctx.csrf(username)}
            template = await http.post("/api/v1/coupon-templates", headers=headers, json={
                "name_zh": f"关注有礼{run}", "kind": "amount_off", "category": "business", "purpose": "reward",
                "amount_off_fen": 1000, "valid_days": 30, "per_customer_limit": 1, "scope": "issuing"})
            template.raise_for_status()
            channel = await http.post("/api/v1/channels", headers=headers, json={
                "kind": "store", "name": f"门口海报{run}", "welcome_template_id": template.json()["id"]})
            channel.raise_for_status()
            codes.append(channel.json()["code"])
        page = await http.get(f"/f/{codes[0]}")
        token = page.cookies.get("csrftoken")
        if page.status_code != 200 or not token:
            raise RuntimeError(f"follow page answered {page.status_code} without a CSRF cookie")
        highest = (await ctx.db.fetch("SELECT MAX(phone) FROM customer WHERE phone LIKE {}", FOLLOW_PHONES + "%"))[0][0]
        first = int(highest) + 1 if highest else int(FOLLOW_PHONES + "00000000")
        wallet = await _follow_once(http, codes[0], token, str(first), NOTICE_VERSION)
        shown = await http.get(wallet)
        if shown.status_code != 200 or "关注有礼" not in shown.text:
            raise RuntimeError(f"wallet after follow answered {shown.status_code} without the welcome coupon")
    return Plan([], wrk_args=[token, ",".join(codes), str(first), FOLLOW_OTP, NOTICE_VERSION],
                notes=f"one flow = POST /f/{{code}} action=send (new phone, SMS by the development provider, which "
                      f"writes var/sms-dev.log) + POST action=verify (customer, follow, consent, welcome coupon, wallet); "
                      f"{len(codes)} store channel codes; visitors spread over 10.0.0.0/8 through a trusted proxy "
                      f"setting, rate limits unchanged; throughput = requests/s / 2 (every send is followed by its verify; the "
                      f"flows completed inside the window, also recorded, undercount by the ones in flight at its edges)")


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
    Workload(
        name="redeem",
        method="POST",
        path="/api/v1/coupons/redeem",
        setup=setup_redeem,
        script="once.lua",
        description="a logged-in clerk redeems a different valid coupon each time, with a fresh Idempotency-Key",
        goal_ratio=0.5,
    ),
    Workload(
        name="follow_claim",
        method="POST",
        path="/f/{code} (send, verify)",
        setup=setup_follow,
        script="follow.lua",
        description="a new phone follows a store on the public follow page and gets the welcome coupon",
        half_load=False,
        goal_ratio=1.0,
        goal_vs="redeem",
        unit="flow",
        requests_per_flow=2,
        server_env=FOLLOW_SERVER_ENV,
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
