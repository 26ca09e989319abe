"""What the sender does with each answer of a push service (404/410, 429 with Retry-After, 5xx, 4xx),
and the refusal of endpoints that point inward, at subscription time and again at sending time."""

import time

import pytest

from regulars.core import clock
from regulars.core.db import raw
from regulars.messaging import push, service
from regulars.messaging.config import messaging_settings
from regulars.messaging.push import PushTarget
from tests.support.acquisition import Visitor, make_channel
from tests.support.push_service import PushService
from tests.support.world import new_phone


@pytest.fixture
async def local_push(monkeypatch, database):
    """This process may push to 127.0.0.1, like the test server (the setting is off by default)."""
    monkeypatch.setenv("REGULARS_PUSH_ALLOW_INSECURE_LOCAL", "1")
    messaging_settings.cache_clear()
    await push.close_sessions()
    yield
    messaging_settings.cache_clear()
    await push.close_sessions()


@pytest.fixture
async def default_push(database):
    messaging_settings.cache_clear()
    await push.close_sessions()
    assert messaging_settings().push_allow_insecure_local is False
    yield
    await push.close_sessions()


@pytest.fixture
async def own_service(database):
    """A push service of its own (its own origin), so that a 429 here holds back nothing else."""
    service_ = await PushService().start()
    yield service_
    await service_.stop()
    await raw("DELETE FROM push_backoff WHERE origin = {}", service_.base)
    push._backoff_cache.clear()


def target(subscriber, subscription_id=None) -> PushTarget:
    body = subscriber.json()
    return PushTarget(endpoint=body["endpoint"], p256dh=body["keys"]["p256dh"], auth=body["keys"]["auth"],
                      id=subscription_id)


async def stored(subscriber) -> int:
    rows = await raw("INSERT INTO push_subscription (endpoint, p256dh, auth, user_agent, created_at, updated_at) "
                     "VALUES ({}, {}, {}, '', {}, {}) RETURNING id", subscriber.endpoint, target(subscriber).p256dh,
                     target(subscriber).auth, clock.now(), clock.now())
    return rows[0]["id"]


async def test_send_sets_ttl_topic_urgency(local_push, push_service):
    subscriber = push_service.subscriber()
    result = await push.send(target(subscriber), {"id": 1, "title": "hi"}, ttl=600, topic="care-outbox-12345",
                             urgency="low")
    assert result.status == "sent" and result.http_status == 201
    [delivery] = push_service.received(subscriber)
    assert (delivery.headers["TTL"], delivery.headers["Topic"], delivery.headers["Urgency"]) == ("600", "care-outbox-12345", "low")


async def test_send_long_topic_hashed_to_32_safe_characters(local_push, push_service):
    subscriber = push_service.subscriber()
    await push.send(target(subscriber), "x", ttl=60, topic="birthday:2027-03-01:customer-1234567:campaign-42")
    topic = push_service.received(subscriber)[0].headers["Topic"]
    assert len(topic) <= 32 and all(c.isalnum() or c in "-_" for c in topic)


async def test_send_needs_explicit_ttl(local_push, push_service):
    with pytest.raises(TypeError):
        await push.send(target(push_service.subscriber()), "x")  # no ttl: a programming error, not a default 0


async def test_send_payload_too_large_refused(local_push, push_service):
    with pytest.raises(ValueError):
        await push.send(target(push_service.subscriber()), "长" * 2000, ttl=60)


async def test_send_410_deletes_subscription(local_push, push_service):
    subscriber = push_service.subscriber()
    subscription_id = await stored(subscriber)
    push_service.answer(subscriber, 410)
    result = await push.send(target(subscriber, subscription_id), "x", ttl=60)
    assert (result.status, result.http_status) == ("gone", 410)
    assert await raw("SELECT id FROM push_subscription WHERE id = {}", subscription_id) == []


async def test_send_429_honours_retry_after_for_the_whole_push_service(local_push, own_service):
    first, second = own_service.subscriber(), own_service.subscriber()
    own_service.answer(first, (429, {"Retry-After": "120"}))
    result = await push.send(target(first), "x", ttl=60)
    assert (result.status, result.http_status, result.retry_after) == ("retry", 429, 120)
    held = await push.send(target(second), "x", ttl=60)
    assert held.status == "retry" and 100 <= held.retry_after <= 120
    assert own_service.attempts(second) == 0  # nothing was sent to that service meanwhile
    rows = await raw("SELECT until FROM push_backoff WHERE origin = {}", own_service.base)
    assert len(rows) == 1


async def test_send_429_with_http_date(local_push, own_service):
    subscriber = own_service.subscriber()
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 300))
    own_service.answer(subscriber, (429, {"Retry-After": when}))
    result = await push.send(target(subscriber), "x", ttl=60)
    assert result.status == "retry" and 295 <= result.retry_after <= 301


async def test_send_5xx_retried_with_backoff_then_sent(local_push, push_service):
    subscriber = push_service.subscriber()
    push_service.answer(subscriber, 503, 502)
    started = time.monotonic()
    result = await push.send(target(subscriber), {"id": 7}, ttl=60)
    assert (result.status, result.attempts) == ("sent", 3)
    assert time.monotonic() - started >= 1.4  # waited 0.5 s, then 1 s
    assert len(push_service.received(subscriber)) == 1


async def test_send_5xx_exhausted_reports_retry_and_keeps_subscription(local_push, push_service):
    subscriber = push_service.subscriber()
    subscription_id = await stored(subscriber)
    push_service.answer(subscriber, 500, 500, (503, {"Retry-After": "90"}))
    result = await push.send(target(subscriber, subscription_id), "x", ttl=60)
    assert (result.status, result.http_status, result.attempts) == ("retry", 503, 3)
    assert result.retry_after == 90
    assert await raw("SELECT id FROM push_subscription WHERE id = {}", subscription_id)


async def test_send_network_error_reports_retry(local_push):
    gone = PushService()
    await gone.start()
    subscriber = gone.subscriber()
    await gone.stop()
    result = await push.send(target(subscriber), "x", ttl=60, inline_retries=0)
    assert result.status == "retry" and result.http_status is None


async def test_send_4xx_rejected_without_retry(local_push, push_service):
    subscriber = push_service.subscriber()
    push_service.answer(subscriber, 400)
    result = await push.send(target(subscriber), "x", ttl=60)
    assert (result.status, result.http_status, result.attempts) == ("rejected", 400, 1)


async def test_fan_out_to_every_subscription_of_a_customer(local_push, push_service, world, acq_server, sms_gateway):
    channel = await make_channel(world, name="多设备")
    browser = Visitor(acq_server.url)
    phone = new_phone()
    try:
        await browser.follow(channel["code"], phone, sms_gateway)
        subscribers = [push_service.subscriber() for _ in range(3)]
        for s in subscribers:
            response = await browser.http.post("/api/v1/push/subscriptions", json=s.json(),
                                               headers={"x-csrftoken": browser.http.cookies.get("csrftoken", "")})
            assert response.status_code == 201
    finally:
        await browser.close()
    customer_id = (await world.admin.get("/api/v1/customers", params={"q": phone})).json()["items"][0]["id"]
    push_service.answer(subscribers[1], 410)
    results = await service.push_to_customer(customer_id, {"id": 1}, ttl=60, topic="t1")
    assert sorted(r.status for r in results) == ["gone", "sent", "sent"]
    assert len(await service.targets(customer_id=customer_id)) == 2


# Refusals -----------------------------------------------------------------------------------------------------


INWARD = [
    "http://push.example.com/send/1",          # not https
    "https://127.0.0.1/push/1",                # loopback
    "https://[::1]/push/1",
    "https://[::ffff:127.0.0.1]/push/1",       # loopback mapped into IPv6
    "https://10.1.2.3/push/1",                 # private
    "https://192.168.1.1/push/1",
    "https://172.16.0.9/push/1",
    "https://100.64.0.1/push/1",               # carrier-grade NAT
    "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
    "https://[fe80::1]/push/1",
    "https://0.0.0.0/push/1",
    "https://localhost/push/1",
    "https://no-such-host.invalid/push/1",     # a name that resolves to nothing
    "https://2130706433/push/1",               # 127.0.0.1 written as one number
    "https://fcm.googleapis.com:8443/send/1",  # not the push service's port
    "https://user:pass@fcm.googleapis.com/send/1",
]


@pytest.mark.parametrize("endpoint", INWARD)
async def test_subscribe_inward_endpoint_refused(world, endpoint, push_service):
    """Against the server with default settings (the local push service is not allowed there)."""
    body = push_service.subscriber().json()
    body["endpoint"] = endpoint
    response = await world.manager_a.post("/api/v1/push/subscriptions", json=body)
    assert response.status_code == 422, (endpoint, response.text)
    assert response.json()["code"].startswith("push.endpoint.")


@pytest.mark.parametrize("endpoint", ["http://10.1.2.3/push/1", "https://192.168.0.2/push/1", "http://push.example.com/x"])
async def test_subscribe_private_endpoint_refused_even_with_local_testing_allowed(acq_server, endpoint, push_service):
    from tests.support.acquisition import staff_on

    manager = await staff_on(acq_server, "manager_a")
    body = push_service.subscriber().json()
    body["endpoint"] = endpoint
    try:
        response = await manager.post("/api/v1/push/subscriptions", json=body)
    finally:
        await manager.close()
    assert response.status_code == 422, response.text


async def test_send_to_stored_inward_endpoint_refused_without_connecting(default_push, push_service):
    """A row that got into the table some other way is still never called."""
    subscriber = push_service.subscriber()  # http://127.0.0.1:PORT/...
    result = await push.send(target(subscriber), "x", ttl=60)
    assert result.status == "rejected"
    assert push_service.attempts(subscriber) == 0


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.7", "169.254.169.254", "::1"])
async def test_send_name_rebound_inward_refused_at_connection(default_push, monkeypatch, address):
    """A public name whose DNS answer turns inward after the subscription was accepted (DNS rebinding)."""
    from regulars.messaging import push_http
    from tests.support.push_service import Subscriber

    async def rebound(host, port):
        return [address]

    monkeypatch.setattr(push_http, "resolve", rebound)
    subscriber = Subscriber(endpoint="https://push.example.com/send/1")
    result = await push.send(target(subscriber), "x", ttl=60)
    assert result.status == "rejected" and "private" in result.detail


async def test_send_malformed_endpoint_rejected(default_push):
    from tests.support.push_service import Subscriber

    result = await push.send(target(Subscriber(endpoint="https://2130706433/push/1")), "x", ttl=60)
    assert result.status == "rejected"
