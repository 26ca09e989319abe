"""Request ids, JSON access logs without personal data, Prometheus metrics, health."""

import json
import uuid

import httpx
import pytest

from tests.support.server import ServerProcess
from tests.support.world import StaffClient, new_phone


@pytest.fixture(scope="module")
def loud_server(world):
    server = ServerProcess.start(extra_env={"REGULARS_LOG_LEVEL": "INFO"})
    yield server
    server.stop()


async def test_every_answer_carries_a_request_id(world):
    async with httpx.AsyncClient(base_url=world.url) as client:
        first = await client.get("/healthz")
        echoed = await client.get("/healthz", headers={"X-Request-Id": "abc123def456"})
        missing = await client.get("/no/such/page")
    assert len(first.headers["x-request-id"]) >= 8
    assert echoed.headers["x-request-id"] == "abc123def456"
    assert missing.status_code == 404 and missing.headers["x-request-id"]


async def test_access_log_is_json_and_holds_no_phone_or_password(world, loud_server):
    client = await StaffClient(loud_server.url, "clerk_a").login()
    phone = new_phone()
    created = await client.post("/api/v1/customers", json={"phone": phone}, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert created.status_code == 201
    await client.get("/api/v1/customers", params={"q": phone})
    await client.close()
    lines = [line for line in loud_server.log().splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    access = [e for e in entries if e["logger"] == "regulars.access"]
    assert any(e["route"] == "/api/v1/customers" and e["status"] == 201 for e in access)
    assert all(e["request_id"] != "-" for e in access)
    text = loud_server.log()
    assert phone not in text
    assert "staff-test-password" not in text


async def test_metrics_count_requests_from_this_machine(world):
    async with httpx.AsyncClient(base_url=world.url) as client:
        await client.get("/api/v1/ping")
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert 'regulars_http_requests_total{method="GET",route="/api/v1/ping",status="200"}' in response.text


async def test_health_reports_database(world):
    async with httpx.AsyncClient(base_url=world.url) as client:
        response = await client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_redemptions_counted_in_metrics(world, loud_server):
    from tests.support.coupons import make_coupon, make_customer, make_template

    coupon = await make_coupon(world, (await make_template(world)).id, await make_customer(world))
    client = await StaffClient(loud_server.url, "clerk_a").login()
    assert (await client.post("/api/v1/coupons/redeem", json={"code": coupon.code})).status_code == 200
    await client.close()
    async with httpx.AsyncClient(base_url=loud_server.url) as scraper:
        text = (await scraper.get("/metrics")).text
    assert 'regulars_events_total{event="coupon_redeemed"} 1.0' in text
