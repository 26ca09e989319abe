"""Channel codes over HTTP: creation by managers, reach, windows, QR codes that scan back to their URL."""

import datetime as dt
import io
import time

import cairosvg
import zxingcpp
from PIL import Image

from regulars.core.db import raw
from tests.support.acquisition import make_channel


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def decode_svg(svg: bytes) -> list[str]:
    return decode(Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg, output_width=480))))


async def test_create_channel_store_code(world):
    channel = await make_channel(world, name="门口海报")
    assert channel["kind"] == "store"
    assert channel["store_id"] == world.store_a.id
    assert channel["url"] == f"{world.url}/f/{channel['code']}"
    assert len(channel["code"]) == 11 and channel["open"] is True
    assert (channel["scans"], channel["follows"], channel["new_customers"]) == (0, 0, 0)


async def test_create_channel_codes_differ(world):
    codes = {(await make_channel(world, name=f"活动 {n}", kind="event"))["code"] for n in range(20)}
    assert len(codes) == 20


async def test_create_channel_clerk_code_needs_clerk(world):
    response = await world.manager_a.post("/api/v1/channels", json={"kind": "clerk", "name": "小王的码"})
    assert response.status_code == 422
    assert response.json()["field"] == "staff_id"


async def test_create_channel_clerk_of_other_store_refused(world):
    response = await world.manager_a.post("/api/v1/channels", json={
        "kind": "clerk", "name": "乙店店员", "staff_id": world.staff["clerk_b"].id})
    assert response.status_code == 422


async def test_create_channel_clerk_code(world):
    channel = await make_channel(world, kind="clerk", name="店员码", staff_id=world.staff["clerk_a"].id)
    assert channel["staff_id"] == world.staff["clerk_a"].id


async def test_create_channel_by_clerk_forbidden(world):
    response = await world.clerk_a.post("/api/v1/channels", json={"kind": "store", "name": "x"})
    assert response.status_code == 403


async def test_create_channel_for_other_store_refused(world):
    response = await world.manager_a.post("/api/v1/channels", json={
        "kind": "store", "name": "x", "store_id": world.store_b.id})
    assert response.status_code == 422


async def test_create_channel_admin_must_name_store(world):
    response = await world.admin.post("/api/v1/channels", json={"kind": "campaign", "name": "国庆"})
    assert response.status_code == 422
    made = await world.admin.post("/api/v1/channels", json={"kind": "campaign", "name": "国庆", "campaign": "国庆焕新",
                                                           "store_id": world.store_b.id})
    assert made.status_code == 201 and made.json()["campaign"] == "国庆焕新"


async def test_create_channel_window_end_before_start_refused(world):
    now = dt.datetime.now(dt.timezone.utc)
    response = await world.manager_a.post("/api/v1/channels", json={
        "kind": "event", "name": "x", "starts_at": now.isoformat(), "ends_at": (now - dt.timedelta(hours=1)).isoformat()})
    assert response.status_code == 422 and response.json()["field"] == "ends_at"


async def test_create_channel_unknown_field_refused(world):
    response = await world.manager_a.post("/api/v1/channels", json={"kind": "store", "name": "x", "scans": 99})
    assert response.status_code == 400


async def test_list_channels_only_own_store(world):
    await make_channel(world, client=world.manager_b, name="乙店海报")
    mine = await world.clerk_a.get("/api/v1/channels")
    assert mine.status_code == 200
    assert mine.json() and {c["store_id"] for c in mine.json()} == {world.store_a.id}
    everything = await world.admin.get("/api/v1/channels")
    assert {world.store_a.id, world.store_b.id} <= {c["store_id"] for c in everything.json()}


async def test_get_channel_of_other_store_not_found(world):
    other = await make_channel(world, client=world.manager_b, name="乙店")
    for path in ("", "/qr.svg", "/poster.png"):
        response = await world.manager_a.get(f"/api/v1/channels/{other['id']}{path}")
        assert response.status_code == 404, path


async def test_close_channel_by_patch(world):
    channel = await make_channel(world, name="将关闭")
    closed = await world.manager_a.patch(f"/api/v1/channels/{channel['id']}", json={"active": False})
    assert closed.status_code == 200
    assert closed.json()["active"] is False and closed.json()["open"] is False


async def test_channel_window_in_future_not_open(world):
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    channel = await make_channel(world, kind="event", name="下周活动", starts_at=later.isoformat())
    assert channel["open"] is False


async def test_channel_qr_svg_decodes_to_its_url(world):
    for kind, name in (("store", "门店码"), ("event", "社区活动"), ("campaign", "中秋")):
        channel = await make_channel(world, kind=kind, name=name)
        response = await world.clerk_a.get(f"/api/v1/channels/{channel['id']}/qr.svg")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert decode_svg(response.content) == [channel["url"]]


async def test_channel_poster_png_decodes_to_its_url(world):
    channel = await make_channel(world, name="收银台立牌")
    response = await world.manager_a.get(f"/api/v1/channels/{channel['id']}/poster.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1240, 1748)
    assert image.info.get("dpi") and round(image.info["dpi"][0]) == 300
    assert decode(image) == [channel["url"]]
    # Small print (a phone photo of an A6 stand is about this size) still scans.
    assert decode(image.resize((310, 437))) == [channel["url"]]


async def test_channel_poster_drawn_once_then_cached_and_revalidated(world):
    """The poster is drawn once per look (store name, clerk, code, link, welcome): a second request is served from the
    cache, a browser holding it gets 304, and a change to what is printed draws a new one under a new ETag."""
    channel = await make_channel(world, name="海报缓存")
    path = f"/api/v1/channels/{channel['id']}/poster.png"
    timings, answers = [], []
    for _ in range(2):
        started = time.perf_counter()
        answers.append(await world.manager_a.get(path))
        timings.append(time.perf_counter() - started)
    print(f"poster: first {timings[0]:.3f}s, second {timings[1]:.3f}s")
    first, second = answers
    assert first.status_code == second.status_code == 200 and first.content == second.content
    tag = first.headers["etag"]
    assert tag == second.headers["etag"] and "max-age" in first.headers["cache-control"]
    fresh = await world.manager_a.get(path, headers={"If-None-Match": tag})
    assert fresh.status_code == 304 and fresh.content == b"" and fresh.headers["etag"] == tag
    other = await world.manager_a.get(f"/api/v1/channels/{(await make_channel(world, name='另一张'))['id']}/poster.png")
    assert other.headers["etag"] != tag
    await raw("UPDATE store SET name = {} WHERE id = {}", "测试一厅（新址）", world.store_a.id)
    try:
        renamed = await world.manager_a.get(path, headers={"If-None-Match": tag})
        assert renamed.status_code == 200 and renamed.headers["etag"] != tag and renamed.content != first.content
    finally:
        await raw("UPDATE store SET name = {} WHERE id = {}", world.store_a.name, world.store_a.id)
