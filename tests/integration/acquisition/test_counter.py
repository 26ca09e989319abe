"""The counter tablet: a rotating, signed redemption QR bound to store and clerk, and redemptions seen at once."""

import asyncio
import io
import json
import time

import cairosvg
import pytest
import zxingcpp
from PIL import Image

from regulars.acquisition import counter
from regulars.core.db import writing
from regulars.core.errors import Gone


async def test_counter_qr_bound_to_store_and_clerk(world):
    response = await world.clerk_a.get("/api/v1/counter/qr")
    assert response.status_code == 200
    body = response.json()
    assert body["url"] == f"{world.url}/redeem/{body['token']}"
    assert (body["store_id"], body["staff_id"]) == (world.store_a.id, world.staff["clerk_a"].id)
    assert 30 <= body["refresh_in"] <= 60
    png = cairosvg.svg2png(bytestring=body["qr_svg"].encode(), output_width=400)
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))] == [body["url"]]
    read = counter.read(body["token"])
    assert (read.store_id, read.staff_id) == (world.store_a.id, world.staff["clerk_a"].id)


async def test_counter_qr_rotates(world):
    first = (await world.clerk_a.get("/api/v1/counter/qr")).json()["token"]
    second = (await world.clerk_a.get("/api/v1/counter/qr")).json()["token"]
    assert first != second


async def test_counter_qr_needs_a_store(world):
    assert (await world.admin.get("/api/v1/counter/qr")).status_code == 403
    assert (await world.admin.get("/api/v1/counter/events")).status_code == 403


async def test_counter_token_spent_once(world):
    token = counter.read((await world.clerk_a.get("/api/v1/counter/qr")).json()["token"])
    async with writing():
        await counter.spend(token)
    with pytest.raises(Gone):
        async with writing():
            await counter.spend(token)
    assert await counter.spent(token)


async def read_events(response, count: int, timeout: float = 5.0) -> list[dict]:
    found: list[dict] = []

    async def collect():
        event = {}
        async for line in response.aiter_lines():
            if line == "":
                if event.get("data") and event.get("event") != "ready":
                    found.append(event)
                    if len(found) >= count:
                        return
                event = {}
            elif not line.startswith(":"):
                key, _, value = line.partition(": ")
                event[key] = value

    await asyncio.wait_for(collect(), timeout)
    return found


async def test_counter_events_arrive_at_once_for_that_clerk_only(world):
    async with world.clerk_a.http.stream("GET", "/api/v1/counter/events") as mine, \
            world.clerk_a2.http.stream("GET", "/api/v1/counter/events") as theirs:
        assert mine.status_code == 200 and mine.headers["content-type"].startswith("text/event-stream")
        await asyncio.sleep(0.3)
        started = time.monotonic()
        async with writing():
            await counter.publish(world.store_a.id, world.staff["clerk_a"].id, "redeemed",
                                  {"coupon": "新人礼 20 元", "customer": "139****0001"})
        [event] = await read_events(mine, 1)
        assert time.monotonic() - started < 2.0
        assert event["event"] == "redeemed"
        assert json.loads(event["data"])["coupon"] == "新人礼 20 元"
        with pytest.raises(asyncio.TimeoutError):
            await read_events(theirs, 1, timeout=1.0)


async def test_counter_events_resume_after_last_event_id(world):
    async with writing():
        await counter.publish(world.store_a.id, world.staff["clerk_a"].id, "redeemed", {"coupon": "A"})
    before = await counter.latest_id()
    async with writing():
        await counter.publish(world.store_a.id, world.staff["clerk_a"].id, "redeemed", {"coupon": "B"})
    async with world.clerk_a.http.stream("GET", "/api/v1/counter/events",
                                         headers={"Last-Event-ID": str(before)}) as resumed:
        [event] = await read_events(resumed, 1)
    assert json.loads(event["data"])["coupon"] == "B"


async def test_counter_events_resume_after_query_parameter(world):
    """A tablet whose stream closed opens a new one with ?after= (a new EventSource cannot send Last-Event-ID)."""
    async with writing():
        await counter.publish(world.store_a.id, world.staff["clerk_a"].id, "redeemed", {"coupon": "C"})
    before = await counter.latest_id()
    async with writing():
        await counter.publish(world.store_a.id, world.staff["clerk_a"].id, "redeemed", {"coupon": "D"})
    async with world.clerk_a.http.stream("GET", f"/api/v1/counter/events?after={before}") as resumed:
        [event] = await read_events(resumed, 1)
    assert json.loads(event["data"])["coupon"] == "D"
    assert int(event["id"]) > before


async def test_counter_events_after_must_be_a_number(world):
    response = await world.clerk_a.get("/api/v1/counter/events?after=-1")
    assert response.status_code in (400, 422)


async def test_counter_events_ready_names_where_the_stream_starts(world):
    """A tablet that reconnects with the ready event's id gets what was published in between."""
    async with writing():
        await counter.publish(world.store_a.id, world.staff["clerk_a"].id, "redeemed", {"coupon": "E"})
    async with world.clerk_a.http.stream("GET", "/api/v1/counter/events") as first:
        ready = {}
        async for line in first.aiter_lines():
            if line == "":
                break
            key, _, value = line.partition(": ")
            ready[key] = value
    assert ready["event"] == "ready" and int(ready["id"]) == await counter.latest_id()
    async with writing():
        await counter.publish(world.store_a.id, world.staff["clerk_a"].id, "redeemed", {"coupon": "F"})
    async with world.clerk_a.http.stream("GET", "/api/v1/counter/events", headers={"Last-Event-ID": ready["id"]}) as again:
        [event] = await read_events(again, 1)
    assert json.loads(event["data"])["coupon"] == "F"
