"""Forgetting what decides nothing more: rate-limit counters (their keys name phone numbers and addresses) past
every limit's window, Idempotency-Keys (their stored answers may name customers) past the time they answer for,
one-time codes (they hold phone numbers) and counter events a day on."""

import datetime as dt
import secrets

import pytest

from regulars import worker
from regulars.core import clock, idempotency, ratelimit
from regulars.core.db import raw
from regulars.core.errors import TooManyRequests


def _key(name: str) -> str:
    return f"test:{name}:{secrets.token_hex(4)}"


async def _counter(key: str, window_start: dt.datetime, count: int, blocked_until: dt.datetime | None = None) -> None:
    await raw("INSERT INTO rate_counter (key, window_start, count, failures, blocked_until) VALUES ({}, {}, {}, 0, {})",
              key, window_start, count, blocked_until)


async def _counters(*keys: str) -> set[str]:
    marks = ", ".join("{}" for _ in keys)
    return {r["key"] for r in await raw(f"SELECT key FROM rate_counter WHERE key IN ({marks})", *keys)}


async def test_counters_forgotten_only_once_they_can_refuse_nothing(clean):
    now = clock.now()
    stale = _key("otp:phone-day:13800000001")  # its day ended an hour ago
    blocked = _key("login:account:alice")  # an old window, but blocked for ten more minutes
    current = _key("otp:phone-day:13800000002")  # at its limit, in a window that began 23 hours ago
    await _counter(stale, now - dt.timedelta(days=1, hours=1), 5)
    await _counter(blocked, now - dt.timedelta(days=2), 100, blocked_until=now + dt.timedelta(minutes=10))
    await _counter(current, now - dt.timedelta(hours=23), 5)

    await ratelimit.forget_old(now)
    assert await _counters(stale, blocked, current) == {blocked, current}
    # the counters kept still refuse as before
    with pytest.raises(TooManyRequests):
        await ratelimit.hit(current, limit=5, window=dt.timedelta(days=1))
    with pytest.raises(TooManyRequests):
        await ratelimit.check(blocked)
    # the forgotten key starts afresh, as its next use would have started a new window anyway
    await ratelimit.hit(stale, limit=5, window=dt.timedelta(days=1))
    assert (await raw("SELECT count FROM rate_counter WHERE key = {}", stale))[0]["count"] == 1


async def test_forgetting_counters_goes_in_batches(clean):
    from regulars.core.db import delete_in_batches

    now, run = clock.now(), secrets.token_hex(4)
    keys = [f"test:batch:{run}:{n}" for n in range(25)]
    for key in keys:
        await _counter(key, now - dt.timedelta(hours=1), 1)  # live: nothing else deletes them meanwhile
    deleted = await delete_in_batches("rate_counter", "key LIKE {} AND window_start < {}", f"test:batch:{run}:%", now,
                                      batch=7)
    assert deleted == 25 and await _counters(*keys) == set()


async def test_limit_over_a_longer_window_refused(clean):
    with pytest.raises(ValueError):
        await ratelimit.hit(_key("x"), limit=1, window=ratelimit.LONGEST_WINDOW + dt.timedelta(seconds=1))
    with pytest.raises(ValueError):
        await ratelimit.fail(_key("x"), free=1, window=dt.timedelta(days=7))
    with pytest.raises(ValueError):
        await ratelimit.attempt(_key("x"), window=dt.timedelta(days=2), per_window=3)


async def test_idempotency_keys_forgotten_after_they_stop_answering(clean):
    now = clock.now()
    payload = {"amount_fen": 100}
    digest = idempotency.request_hash(payload)
    old, recent = _key("old"), _key("recent")
    for key, age in ((old, idempotency.KEEP + dt.timedelta(hours=1)), (recent, idempotency.KEEP - dt.timedelta(hours=1))):
        await raw(idempotency.INSERT_KEY, "test.scope", key, digest, 201, '{"customer": 1}', now - age)

    await idempotency.forget_old(now)
    rows = await raw("SELECT key FROM idempotency_key WHERE scope = 'test.scope' AND key IN ({}, {})", old, recent)
    assert {r["key"] for r in rows} == {recent}
    ran = []

    async def action():
        ran.append(1)
        return 201, {"customer": 2}

    replay = await idempotency.run("test.scope", recent, payload, action)  # the key kept answers as it did
    assert (replay.body, replay.replayed, ran) == (b'{"customer": 1}', True, [])
    again = await idempotency.run("test.scope", old, payload, action)  # the forgotten one runs its request anew
    assert (again.body, again.replayed, ran) == (b'{"customer":2}', False, [1])


async def test_the_hourly_job_forgets_both(clean):
    import regulars.app  # noqa: F401  (as the server and the workers do: every room registers its jobs)
    from regulars.core import housekeeping

    assert "core.forget" in worker.registered()
    now = clock.now()
    counter, key = _key("otp:client:10.9.9.9"), _key("old")
    await _counter(counter, now - dt.timedelta(days=2), 1)
    await raw(idempotency.INSERT_KEY, "test.scope", key, "h" * 64, 201, "{}", now - idempotency.KEEP - dt.timedelta(days=1))
    await housekeeping.forget()
    assert await _counters(counter) == set()
    assert await raw("SELECT id FROM idempotency_key WHERE scope = 'test.scope' AND key = {}", key) == []


async def test_one_time_codes_and_counter_events_forgotten_a_day_on(clean):
    from regulars.acquisition import counter, otp

    now, run = clock.now(), secrets.token_hex(4)
    for name, expires in (("old", now - dt.timedelta(days=1, hours=1)), ("recent", now - dt.timedelta(hours=1))):
        await raw("INSERT INTO otp_challenge (ref_hash, purpose, phone, code_hash, data, attempts, created_at, expires_at) "
                  "VALUES ({}, 'follow', '13900000000', 'x', '{}', 0, {}, {})".replace("'{}'", "{}"),
                  f"{run}-{name}", "{}", expires - dt.timedelta(minutes=5), expires)
        await raw("INSERT INTO counter_event (store, staff, kind, data, at) VALUES (0, 0, {}, '{}', {})".replace("'{}'", "{}"),
                  f"t{run}-{name}"[:20], "{}", expires)
    await otp.forget_old(now)
    await counter.forget_old(now)
    challenges = await raw("SELECT ref_hash FROM otp_challenge WHERE ref_hash LIKE {}", f"{run}-%")
    events = await raw("SELECT kind FROM counter_event WHERE kind LIKE {}", f"t{run}-%")
    assert [r["ref_hash"] for r in challenges] == [f"{run}-recent"]
    assert [r["kind"] for r in events] == [f"t{run}-recent"[:20]]
