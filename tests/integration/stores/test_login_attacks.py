"""Staff login under attack: brute force on one account, credential stuffing across accounts, spoofed
X-Forwarded-For; afterwards no password, token or phone number is in the server's log.

The attacks go to servers of their own that log at INFO: one as deployed without a proxy, one behind a
trusted proxy (127.0.0.1) whose X-Forwarded-For it believes.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from regulars.core.db import raw
from tests.support.attacks import (
    Secrets,
    assert_logs_clean,
    attempt_login,
    forget_rate_limits,
    gather_limited,
    start_logged_server,
)
from tests.support.world import STAFF_PASSWORD, make_staff

SECRETS = Secrets()
SECRETS.add(STAFF_PASSWORD)


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


async def failed_checks(staff_id: int) -> int:
    rows = await raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.login_failed' AND target_id = {}",
                     str(staff_id))
    return rows[0]["n"]


async def back_off_waited_out(key: str) -> None:
    """Time passes beyond the back-off's wait (the hour's window stays)."""
    await raw("UPDATE rate_counter SET blocked_until = NULL WHERE key = {}", key)


async def test_login_brute_force_in_parallel_at_most_100_password_checks_per_hour(world, proxied):
    staff = await make_staff("bf_target", "clerk", world.store_a.id)
    async with httpx.AsyncClient(base_url=proxied.url, timeout=60) as attacker:
        # The first burst meets a fresh account: the back-off engages after a few failures.
        first = await gather_limited([
            attempt_login(attacker, "bf_target", f"guess-0-{i}", SECRETS, forwarded_for=f"198.51.0.{i}")
            for i in range(60)
        ])
        assert [r.status_code for r in first].count(429) > 0
        assert all(int(r.headers["retry-after"]) >= 1 for r in first if r.status_code == 429)
        # Later in the hour, 90 checks were spent and the last wait ran out: a burst from 150 addresses
        # gets at most the 10 checks left, however many arrive at once.
        await raw("UPDATE rate_counter SET count = 90, failures = 0, blocked_until = NULL "
                  "WHERE key = 'login:account:bf_target'")
        before = await failed_checks(staff.id)
        burst = await gather_limited([
            attempt_login(attacker, "bf_target", f"guess-1-{i}", SECRETS, forwarded_for=f"198.51.1.{i}")
            for i in range(150)
        ], limit=75)
        assert {r.status_code for r in burst} <= {401, 429}
        checks = [r.status_code for r in burst].count(401)
        assert 1 <= checks <= 10 and await failed_checks(staff.id) - before == checks
        # The waits run out one by one until the hour's 100 are spent: then even the right password waits.
        for i in range(10 - checks):
            await back_off_waited_out("login:account:bf_target")
            assert (await attempt_login(attacker, "bf_target", f"guess-2-{i}", SECRETS,
                                        forwarded_for="198.51.2.1")).status_code == 401
        await back_off_waited_out("login:account:bf_target")
        right = await attempt_login(attacker, "bf_target", STAFF_PASSWORD, SECRETS, forwarded_for="198.51.200.1")
        assert right.status_code == 429 and int(right.headers["retry-after"]) > 60
        await raw("UPDATE rate_counter SET window_start = {} WHERE key = 'login:account:bf_target'",
                  dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=61))
        next_hour = await attempt_login(attacker, "bf_target", STAFF_PASSWORD, SECRETS, forwarded_for="198.51.200.1")
    assert next_hour.status_code == 200
    SECRETS.add(next_hour.cookies.get("regulars_session"))


async def test_login_back_off_doubles_after_five_failures_for_known_and_unknown_names(world, direct):
    await make_staff("bo_target", "clerk", world.store_a.id)
    async with httpx.AsyncClient(base_url=direct.url) as attacker:
        for username in ("bo_target", "nobody-at-all"):
            first = [await attempt_login(attacker, username, f"wrong-{i}", SECRETS) for i in range(6)]
            assert [r.status_code for r in first] == [401] * 6
            waits = []
            for i in range(3):
                refused = await attempt_login(attacker, username, f"again-{i}", SECRETS)
                assert refused.status_code == 429 and refused.json()["code"] == "auth.throttled"
                waits.append(int(refused.headers["retry-after"]))
                await back_off_waited_out(f"login:account:{username}")
                assert (await attempt_login(attacker, username, f"later-{i}", SECRETS)).status_code == 401
            assert waits == [1, 2, 4]


async def test_login_success_after_failures_resets_the_back_off(world, direct):
    await make_staff("forgetful", "clerk", world.store_a.id)
    async with httpx.AsyncClient(base_url=direct.url) as http:
        for i in range(4):
            assert (await attempt_login(http, "forgetful", f"typo-{i}", SECRETS)).status_code == 401
        ok = await attempt_login(http, "forgetful", STAFF_PASSWORD, SECRETS)
        assert ok.status_code == 200
        SECRETS.add(ok.cookies.get("regulars_session"))
        for i in range(5):
            assert (await attempt_login(http, "forgetful", f"typo-again-{i}", SECRETS)).status_code == 401


async def test_credential_stuffing_from_one_client_backs_off(world, direct):
    async with httpx.AsyncClient(base_url=direct.url) as attacker:
        statuses = [(await attempt_login(attacker, f"user{i:03d}", f"leaked-{i}", SECRETS)).status_code
                    for i in range(24)]
    assert statuses[:21] == [401] * 21
    assert statuses[21:] == [429] * 3


async def test_spoofed_forwarded_for_does_not_evade_the_client_limit(world, direct):
    async with httpx.AsyncClient(base_url=direct.url) as attacker:
        statuses = [(await attempt_login(attacker, f"spoof{i:03d}", f"leaked-{i}", SECRETS,
                                         forwarded_for=f"203.0.113.{i}")).status_code for i in range(24)]
    assert statuses[:21] == [401] * 21
    assert statuses[21:] == [429] * 3
    rows = await raw("SELECT detail FROM audit_log WHERE action = 'auth.login_failed' "
                     "AND CAST(detail AS TEXT) LIKE {}", "%spoof0%")
    assert rows and all("203.0.113." not in str(r["detail"]) for r in rows)


async def test_forwarded_for_believed_only_from_a_trusted_proxy(world, proxied):
    async with httpx.AsyncClient(base_url=proxied.url) as http:
        # behind the proxy, each forwarded address is a client of its own: no shared back-off
        spread = [(await attempt_login(http, f"spread{i:03d}", f"leaked-{i}", SECRETS,
                                       forwarded_for=f"192.0.2.{i}")).status_code for i in range(24)]
        # what the attacker writes before the proxy's own entry is not believed: the proxy's last word is
        stuffed = [(await attempt_login(http, f"stuff{i:03d}", f"leaked-{i}", SECRETS,
                                        forwarded_for=f"10.9.8.{i}, 198.18.0.7")).status_code for i in range(24)]
        colleague = await attempt_login(http, "clerk_a", STAFF_PASSWORD, SECRETS, forwarded_for="198.18.0.99")
    assert spread == [401] * 24
    assert stuffed[:21] == [401] * 21 and stuffed[21:] == [429] * 3
    assert colleague.status_code == 200, "another address behind the same proxy is not held back"
    SECRETS.add(colleague.cookies.get("regulars_session"))
    rows = await raw("SELECT detail FROM audit_log WHERE action = 'auth.login_failed' "
                     "AND CAST(detail AS TEXT) LIKE {}", "%stuff000%")
    assert "198.18.0.7" in str(rows[0]["detail"])


async def test_attacks_left_no_secret_in_the_server_logs(world, direct, proxied):
    for client in world.clients.values():
        SECRETS.add_client(client)
    assert_logs_clean([direct, proxied], SECRETS)
