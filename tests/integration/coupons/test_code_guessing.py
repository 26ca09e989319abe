"""Guessing coupon codes at the counter (`POST /api/v1/coupons/redeem`, `GET /api/v1/coupons/lookup`):
no oracle (every "no such code" answer is the same, whatever was wrong), no hit, and limits per staff member
and per client address that engage quickly for a script and never for a clerk's typo; a spoofed
X-Forwarded-For evades nothing unless a trusted proxy is configured. Afterwards no code, token or phone
number is in the server's log.
"""

from __future__ import annotations

import random

import pytest

from regulars.core.db import raw
from regulars.core import clock
from regulars.core.security import CROCKFORD, crockford_check, crockford_code
from regulars.coupons import rules
from tests.support.attacks import Secrets, assert_logs_clean, forget_rate_limits, gather_limited, login_as, start_logged_server
from tests.support.coupons import count, make_coupon, make_customer, make_template
from tests.support.world import make_staff

REDEEM = "/api/v1/coupons/redeem"
LOOKUP = "/api/v1/coupons/lookup"
SECRETS = Secrets()
VOLATILE_HEADERS = {"date", "x-request-id", "content-length"}


@pytest.fixture(scope="module")
def direct(world):
    server = start_logged_server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def proxied(world):
    server = start_logged_server(behind_proxy=True)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
async def fresh_limits():
    yield
    await forget_rate_limits()


def guesses(n: int, seed: str) -> list[str]:
    """Well-formed codes (valid check character) that are almost surely no coupon's."""
    rng = random.Random(seed)
    codes = []
    for _ in range(n):
        body = "".join(rng.choice(CROCKFORD) for _ in range(rules.CODE_LENGTH))
        codes.append(body + crockford_check(body))
    return codes


async def try_code(client, code: str, how: str = "redeem", **headers: str):
    SECRETS.add_code(code) if len(code) == rules.CODE_LENGTH + 1 else SECRETS.add(code)
    if how == "redeem":
        return await client.post(REDEEM, json={"code": code}, headers=headers)
    return await client.get(LOOKUP, params={"code": code}, headers=headers)


def comparable(response, code: str) -> tuple:
    body = response.json()
    texts = {k: (v.replace(code, "<code>") if isinstance(v, str) else v) for k, v in body.items()}
    headers = sorted(k for k in response.headers if k not in VOLATILE_HEADERS)
    return response.status_code, texts, headers


async def test_unknown_code_answers_alike_malformed_wrong_check_unknown_and_other_stores(world, direct):
    other = await make_coupon(world, (await make_template(world, owner="manager_b")).id,
                              await make_customer(world, clerk="clerk_b"), clerk="clerk_b")
    SECRETS.add_code(other.code)
    valid = crockford_code(rules.CODE_LENGTH)
    wrong_check = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    clerk = await login_as(direct.url, "clerk_a", SECRETS)
    for how in ("redeem", "lookup"):
        answers = [comparable(await try_code(clerk, code, how), code)
                   for code in ("ABC-12", wrong_check, valid, other.code)]
        assert answers[0][0] == 404
        assert all(answer == answers[0] for answer in answers), answers
    await clerk.close()
    assert await count("SELECT COUNT(*) AS n FROM coupon_redemption WHERE coupon = {}", other.id) == 0


async def test_code_guessing_by_one_clerk_backs_off_and_never_hits(world, direct):
    await make_staff("guesser1", "clerk", world.store_a.id)
    real = await make_coupon(world, (await make_template(world)).id, await make_customer(world))
    SECRETS.add_code(real.code)
    clerk = await login_as(direct.url, "guesser1", SECRETS)
    statuses = [(await try_code(clerk, code, how)).status_code
                for code, how in zip(guesses(14, "one-clerk"), ["redeem", "lookup"] * 7)]
    assert statuses[:11] == [404] * 11
    assert statuses[11:] == [429] * 3
    refused = await try_code(clerk, real.code)
    assert refused.status_code == 429 and refused.json()["code"] == "coupon.code_throttled"
    assert int(refused.headers["retry-after"]) >= 1
    await clerk.close()
    assert await count("SELECT COUNT(*) AS n FROM coupon WHERE id = {} AND state = 'issued'", real.id) == 1


async def test_code_guessing_stopped_for_the_hour_after_100_misses(world, direct):
    staff = await make_staff("guesser2", "clerk", world.store_a.id)
    clerk = await login_as(direct.url, "guesser2", SECRETS)
    await raw("INSERT INTO rate_counter (key, window_start, count, failures, blocked_until) "
              "VALUES ({}, {}, 99, 0, NULL)", f"coupon-code:staff:{staff.id}", clock.now())
    assert (await try_code(clerk, guesses(1, "hundredth")[0])).status_code == 404
    refused = await try_code(clerk, guesses(1, "hundred-first")[0])
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 3000
    await clerk.close()


async def test_code_guessing_by_many_clerks_from_one_address_engages_the_client_limit(world, direct):
    clerks = []
    for i in range(6):
        await make_staff(f"ring{i}", "clerk", world.store_a.id)
        clerks.append(await login_as(direct.url, f"ring{i}", SECRETS))
    codes = guesses(80, "ring")
    responses = await gather_limited([try_code(clerks[i % 6], code) for i, code in enumerate(codes)], limit=12)
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {404, 429} and statuses.count(429) >= 30
    for clerk in clerks:
        await clerk.close()


async def test_spoofed_forwarded_for_does_not_evade_the_client_limit(world, direct):
    clerks = []
    for i in range(4):
        await make_staff(f"spoofer{i}", "clerk", world.store_a.id)
        clerks.append(await login_as(direct.url, f"spoofer{i}", SECRETS))
    statuses = [(await try_code(clerks[i % 4], code, **{"X-Forwarded-For": f"203.0.113.{i}"})).status_code
                for i, code in enumerate(guesses(36, "spoof"))]
    assert statuses[:31] == [404] * 31
    assert statuses[31:] == [429] * 5
    for clerk in clerks:
        await clerk.close()


async def test_behind_a_trusted_proxy_each_address_is_a_client_but_the_clerk_limit_holds(world, proxied):
    clerks = []
    for i in range(4):
        await make_staff(f"proxied{i}", "clerk", world.store_a.id)
        clerks.append(await login_as(proxied.url, f"proxied{i}", SECRETS))
    # four clerks behind the proxy, each from an address of their own: 9 misses each stay under every limit
    spread = [(await try_code(clerks[i % 4], code, **{"X-Forwarded-For": f"192.0.2.{i % 4}"})).status_code
              for i, code in enumerate(guesses(36, "proxied"))]
    assert spread == [404] * 36
    # one clerk moving from address to address is still one clerk
    moving = [(await try_code(clerks[0], code, **{"X-Forwarded-For": f"198.18.1.{i}"})).status_code
              for i, code in enumerate(guesses(4, "moving"))]
    assert moving[:2] == [404, 404] and moving[2:] == [429, 429]
    for clerk in clerks:
        await clerk.close()


async def test_legitimate_redemptions_after_a_typo_are_not_slowed(world, direct):
    template = await make_template(world, per_customer_limit=None)
    customer_id = await make_customer(world)
    coupons = [await make_coupon(world, template.id, customer_id) for _ in range(20)]
    clerk = await login_as(direct.url, "clerk_a2", SECRETS)
    assert (await try_code(clerk, guesses(1, "typo")[0])).status_code == 404
    for coupon in coupons:
        response = await try_code(clerk, rules.format_code(coupon.code).lower())
        assert response.status_code == 200, response.text
    await clerk.close()
    rows = await raw("SELECT key, count, failures, blocked_until FROM rate_counter WHERE key LIKE 'coupon-code:%'")
    assert {r["count"] for r in rows} == {1} and all(r["blocked_until"] is None for r in rows), rows


async def test_attacks_left_no_secret_in_the_server_logs(world, direct, proxied):
    assert_logs_clean([direct, proxied], SECRETS)

