"""Web Push over real HTTP: subscriptions from the wallet and the staff app, a round trip through a local push
service that checks the VAPID JWT and decrypts the payload, and what the push service's answers lead to."""

import base64
import time

import pytest

from regulars.core.db import raw
from tests.support.acquisition import Visitor, make_channel, staff_on
from tests.support.world import new_phone


@pytest.fixture
async def follower(world, acq_server, sms_gateway):
    """A customer who followed store A, with their browser (wallet cookie set) and their customer id."""
    channel = await make_channel(world, name="推送测试")
    browser = Visitor(acq_server.url)
    phone = new_phone()
    wallet_path = await browser.follow(channel["code"], phone, sms_gateway, marketing=True)
    await browser.get(wallet_path)
    found = (await world.admin.get("/api/v1/customers", params={"q": phone})).json()["items"][0]
    browser.customer_id = found["id"]
    browser.wallet_path = wallet_path
    yield browser
    await browser.close()


async def subscribe(browser: Visitor, subscription: dict):
    return await browser.http.post("/api/v1/push/subscriptions", json=subscription,
                                   headers={"x-csrftoken": browser.http.cookies.get("csrftoken", "")})


@pytest.fixture
async def clerk(acq_server, world):
    client = await staff_on(acq_server, "clerk_a")
    yield client
    await client.close()


async def test_vapid_public_key_is_an_uncompressed_p256_point(world, acq_server):
    first = await world.clerk_a.get("/api/v1/push/vapid-public-key")
    assert first.status_code == 200
    key = first.json()["public_key"]
    raw_key = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw_key) == 65 and raw_key[0] == 4
    # Both server processes on this var/ agree on the one key made on first run.
    other = await Visitor(acq_server.url).get("/api/v1/push/vapid-public-key")
    assert other.json()["public_key"] == key


async def test_subscribe_customer_from_wallet_cookie(follower, push_service):
    response = await subscribe(follower, push_service.subscriber().json())
    assert response.status_code == 201, response.text
    assert response.json()["owner"] == "customer"


async def test_subscribe_same_endpoint_twice_one_row(follower, push_service):
    subscriber = push_service.subscriber()
    first = await subscribe(follower, subscriber.json())
    second = await subscribe(follower, subscriber.json())
    assert first.json()["id"] == second.json()["id"]


async def test_subscribe_without_wallet_or_login_unauthorized(acq_server, push_service):
    stranger = Visitor(acq_server.url)
    try:
        await stranger.get("/privacy")
        response = await subscribe(stranger, push_service.subscriber().json())
    finally:
        await stranger.close()
    assert response.status_code == 401


async def test_subscribe_without_csrf_header_forbidden(follower, push_service):
    response = await follower.http.post("/api/v1/push/subscriptions", json=push_service.subscriber().json())
    assert response.status_code == 403


async def test_subscribe_bad_keys_refused(follower, push_service):
    body = push_service.subscriber().json()
    body["keys"]["p256dh"] = "AAAA"
    response = await subscribe(follower, body)
    assert response.status_code == 422 and response.json()["field"] == "keys"


async def test_subscribe_staff(acq_server, push_service, world):
    manager = await staff_on(acq_server, "manager_a")
    try:
        response = await manager.post("/api/v1/push/subscriptions", json=push_service.subscriber().json())
    finally:
        await manager.close()
    assert response.status_code == 201 and response.json()["owner"] == "staff"


async def test_push_round_trip_vapid_and_aes128gcm(follower, clerk, push_service, acq_server):
    subscriber = push_service.subscriber()
    assert (await subscribe(follower, subscriber.json())).status_code == 201
    sent = await clerk.post(f"/api/v1/customers/{follower.customer_id}/messages",
                            json={"title": "您的手机已修好", "body": "请到店取机", "urgency": "high", "ttl_seconds": 3600})
    assert sent.status_code == 201, sent.text
    assert [p["status"] for p in sent.json()["push"]] == ["sent"]
    [delivery] = push_service.received(subscriber)
    assert delivery.error == "" and delivery.vapid_ok
    server_key = (await clerk.get("/api/v1/push/vapid-public-key")).json()["public_key"]
    assert delivery.vapid_key == server_key
    assert delivery.claims["aud"] == push_service.base
    assert delivery.claims["exp"] > time.time() and delivery.claims["exp"] <= time.time() + 24 * 3600
    assert delivery.claims["sub"].startswith(("mailto:", "https://"))
    assert delivery.headers["TTL"] == "3600" and delivery.headers["Urgency"] == "high"
    assert delivery.headers["Content-Encoding"] == "aes128gcm"
    message = delivery.message
    inbox_id = sent.json()["inbox_id"]
    assert message == {"id": inbox_id, "title": "您的手机已修好", "body": "请到店取机", "url": f"/w?m={inbox_id}"}
    wallet = await follower.get(follower.wallet_path)
    assert "您的手机已修好" in wallet.text and "请到店取机" in wallet.text


async def test_message_without_push_still_in_inbox(follower, clerk):
    sent = await clerk.post(f"/api/v1/customers/{follower.customer_id}/messages", json={"title": "只在收件箱"})
    assert sent.status_code == 201 and sent.json()["push"] == []
    assert "只在收件箱" in (await follower.get(follower.wallet_path)).text


async def test_message_marketing_needs_consent(world, clerk, acq_server, sms_gateway):
    channel = await make_channel(world, name="无营销同意")
    browser = Visitor(acq_server.url)
    phone = new_phone()
    try:
        await browser.follow(channel["code"], phone, sms_gateway)
    finally:
        await browser.close()
    found = (await world.admin.get("/api/v1/customers", params={"q": phone})).json()["items"][0]
    response = await clerk.post(f"/api/v1/customers/{found['id']}/messages", json={"title": "双十一", "purpose": "marketing"})
    assert response.status_code == 409


async def test_message_customer_of_other_store_not_found(follower, acq_server):
    other = await staff_on(acq_server, "clerk_b")
    try:
        response = await other.post(f"/api/v1/customers/{follower.customer_id}/messages", json={"title": "x"})
    finally:
        await other.close()
    assert response.status_code == 404


@pytest.mark.parametrize("status", [404, 410])
async def test_push_gone_deletes_subscription(follower, clerk, push_service, status):
    subscriber = push_service.subscriber()
    created = await subscribe(follower, subscriber.json())
    push_service.answer(subscriber, status)
    sent = await clerk.post(f"/api/v1/customers/{follower.customer_id}/messages", json={"title": "过期订阅"})
    statuses = {p["status"] for p in sent.json()["push"]}
    assert "gone" in statuses
    rows = await raw("SELECT id FROM push_subscription WHERE id = {}", created.json()["id"])
    assert rows == []


async def test_unsubscribe(follower, push_service):
    subscriber = push_service.subscriber()
    await subscribe(follower, subscriber.json())
    response = await follower.http.delete("/api/v1/push/subscriptions", params={"endpoint": subscriber.endpoint},
                                          headers={"x-csrftoken": follower.http.cookies.get("csrftoken", "")})
    assert response.status_code == 204
    assert await raw("SELECT id FROM push_subscription WHERE endpoint = {}", subscriber.endpoint) == []
