"""Channel codes and the counter in the staff app: a manager makes a code and its poster; the counter's rotating QR
is scanned by a customer's phone, who redeems, and the tablet shows it without a reload; the follow QR scans to
the store's follow page. Screenshots (zh-CN and en, tablet sizes) under var/test-artifacts/screenshots/."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.async_api import expect

from regulars.acquisition import counter
from regulars.core.db import writing
from tests.e2e.conftest import PHONE, TABLET, TABLET_WIDE
from tests.e2e.coupons_support import make_template
from tests.e2e.pages.conftest import phone
from tests.e2e.pages.test_follow_and_wallet import follow_through
from tests.support.acquisition import make_channel

SIZES = {"1024x768": TABLET, "1280x800": TABLET_WIDE}


def decode(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


async def loaded(locator) -> None:
    await expect(locator).to_be_visible()
    await locator.evaluate("img => img.complete && img.naturalWidth > 0 || new Promise(r => img.addEventListener('load', r, { once: true }))")


@pytest.fixture(scope="module")
async def store_code(world) -> dict:
    return await make_channel(world, kind="store", name="门口海报")


async def store_follow_url(world) -> str:
    """The store's follow URL as the counter shows it: its oldest open store code."""
    channels = (await world.clerk_a.get("/api/v1/channels?kind=store&limit=500")).json()
    return min((c for c in channels if c["open"]), key=lambda c: c["id"])["url"]


async def test_manager_creates_channel_code_with_qr_and_poster(world, tablet):
    template = await make_template(world.manager_a, name_zh="关注礼 5 元", name_en="¥5 welcome", amount_off_fen=500)
    page = tablet.page
    await tablet.login("manager_a")
    await page.click("[data-nav='/channels']")
    await page.click("[data-action=new-channel]")
    await page.click("[data-segmented=kind] [data-value=clerk]")
    await page.fill("[data-input=name]", "小李的工牌码")
    await page.click("[data-action=save-channel]")
    await expect(page.locator("[data-error=staff_id]")).to_have_text("店员码需要选择店员")
    await page.select_option("[data-input=staff_id]", str(world.staff["clerk_a"].id))
    await page.fill("[data-input=campaign]", "周末路演")
    await page.select_option("[data-input=welcome_template_id]", str(template["id"]))
    await page.click("[data-action=save-channel]")

    qr = page.locator("[data-channel-qr]")
    await loaded(qr)
    channel_id = int(page.url.rsplit("/", 1)[1])
    channel = (await world.manager_a.get(f"/api/v1/channels/{channel_id}")).json()
    assert (channel["kind"], channel["name"], channel["staff_id"], channel["campaign"], channel["welcome_template_id"]) == \
        ("clerk", "小李的工牌码", world.staff["clerk_a"].id, "周末路演", template["id"])
    assert channel["url"] == f"{tablet.url}/f/{channel['code']}"
    assert decode(await qr.screenshot()) == [channel["url"]]
    await expect(page.locator("[data-channel-url]")).to_have_text(channel["url"])

    await page.click("[data-action=poster]")
    poster = page.locator("[data-poster]")
    await loaded(poster)
    await expect(page.locator("[data-action=print]")).to_be_enabled()
    src = await poster.get_attribute("data-poster")
    assert src == f"/api/v1/channels/{channel_id}/poster.png"
    response = await page.request.get(f"{tablet.url}{src}")
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    body = await response.body()
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and decode(body) == [channel["url"]]
    download = page.locator("[data-action=download-poster]")
    assert await download.get_attribute("download") == f"poster-{channel['code']}.png"
    await page.emulate_media(media="print")  # only the poster goes to paper
    await expect(page.locator(".sidenav")).to_be_hidden()
    await expect(page.locator("[data-action=print]")).to_be_hidden()
    await expect(poster).to_be_visible()
    await page.emulate_media(media="screen")

    # Edit: a new name, and closed; the list shows it under closed codes.
    await page.click("[data-action=back]")
    await page.fill("[data-input=name]", "小李的工牌码（旧）")
    await page.click("[data-segmented=active] [data-value=false]")
    await page.click("[data-action=save-channel]")
    await expect(page.locator("[data-channel-table]")).to_be_visible()
    await expect(page.locator(f"[data-channel='{channel_id}']")).to_have_count(0)
    await page.click("[data-segmented=channel-filter] [data-value=closed]")
    row = page.locator(f"[data-channel='{channel_id}']")
    await expect(row).to_have_attribute("data-state", "closed")
    await expect(row).to_contain_text("小李的工牌码（旧）")
    assert (await world.manager_a.get(f"/api/v1/channels/{channel_id}")).json()["active"] is False


async def test_clerk_cannot_open_channel_codes(world, tablet):
    await tablet.login("clerk_a")
    await expect(tablet.page.locator("[data-nav='/counter']")).to_be_visible()
    await expect(tablet.page.locator("[data-nav='/channels']")).to_have_count(0)


async def test_counter_shows_the_customers_redemption_as_it_happens(world, tablet, browser):
    template = await make_template(world.manager_a, name_zh="到店礼 10 元", name_en="¥10 store gift", amount_off_fen=1000,
                                   min_spend_fen=5000)
    channel = await make_channel(world, kind="event", name="路演码", welcome_template_id=template["id"])
    customer = await phone(browser, javascript=True)
    try:
        phone_page = await customer.new_page()
        await follow_through(phone_page, world, channel, "counter-e2e", marketing=False)  # the wallet cookie is set

        page = tablet.page
        await tablet.login("clerk_a")
        await page.click("[data-nav='/counter']")
        await expect(page.locator("[data-counter-status]")).to_have_attribute("data-counter-status", "live")
        await expect(page.locator(".sidenav")).to_be_hidden()  # the whole screen is the counter's
        qr = page.locator("[data-counter-qr=live] img")
        await loaded(qr)
        shown = await qr.get_attribute("data-counter-qr-url")
        [scanned] = decode(await page.locator("[data-counter-qr]").screenshot())
        assert scanned == shown and scanned.startswith(f"{tablet.url}/redeem/")
        await page.evaluate("window.sameDocument = true")

        await phone_page.goto(scanned)
        await phone_page.click("main[data-step=choose] a.button")
        await phone_page.fill("[data-spend]", "68")  # 满 50 可用: the customer states what they spend
        await phone_page.click("[data-confirm]")
        await expect(phone_page.locator("[data-done]")).to_be_visible()

        redeemed = page.locator("[data-counter-redeemed]")
        await expect(redeemed).to_be_visible(timeout=5_000)
        await expect(redeemed.locator("[data-redeemed-coupon]")).to_have_text("到店礼 10 元")
        await expect(redeemed.locator("[data-redeemed-value]")).to_contain_text("10")
        coupon = (await world.manager_a.get(f"/api/v1/coupons/{await redeemed.get_attribute('data-counter-redeemed')}")).json()
        assert (coupon["state"], coupon["template_id"], coupon["redeemed_by"]) == ("redeemed", template["id"], world.staff["clerk_a"].id)
        masked = (await world.manager_a.get(f"/api/v1/customers/{coupon['customer_id']}")).json()["phone_masked"]
        await expect(redeemed.locator("[data-redeemed-customer]")).to_contain_text(masked)
        await expect(redeemed.locator("[data-redeemed-spend]")).to_contain_text("¥68")  # to check against the bill
        assert await page.evaluate("window.sameDocument") is True  # no reload
        await expect(page.locator("[data-counter-recent] [data-recent]")).to_have_count(1)
        # The spent token is replaced at once.
        await expect(page.locator("[data-counter-qr=live] img")).not_to_have_attribute("data-counter-qr-url", shown)
        await tablet.shot("1024x768-zh-CN-counter-customer-redeemed")

        await page.click("[data-action=next-customer]")
        await expect(redeemed).to_have_count(0)
        await page.click("[data-action=leave-counter]")
        await expect(page.locator("[data-stats]")).to_be_visible()
        assert not await page.evaluate("document.body.classList.contains('counter-mode')")
    finally:
        await customer.close()


async def test_counter_reconnects_after_the_stream_drops(world, tablet):
    page = tablet.page
    streams = []
    page.on("request", lambda request: streams.append(request.url) if "/api/v1/counter/events" in request.url else None)
    await tablet.login("clerk_a2")
    await tablet.go("#/counter")
    status = page.locator("[data-counter-status]")
    await expect(status).to_have_attribute("data-counter-status", "live")
    await tablet.context.set_offline(True)
    await expect(status).to_have_attribute("data-counter-status", "offline")
    # A redemption made while the tablet is away arrives once it is back.
    async with writing():
        await counter.publish(world.store_a.id, world.staff["clerk_a2"].id, "redeemed", {
            "coupon_id": 1, "code": "ABCD-EFGH-JKM", "name_zh": "重连后的券", "name_en": "After reconnect", "kind": "gift",
            "amount_off_fen": None, "percent_off": None, "max_off_fen": None, "item": "贴膜", "customer": "139****0002"})
    await tablet.context.set_offline(False)
    await expect(status).to_have_attribute("data-counter-status", "live", timeout=30_000)
    assert len(streams) >= 2 and "after=" in streams[-1], streams
    await expect(page.locator("[data-redeemed-coupon]")).to_have_text("重连后的券")
    await expect(page.locator("[data-counter-recent] [data-recent]")).to_have_count(1)  # shown once
    await expect(page.locator("[data-counter-qr]")).to_have_attribute("data-counter-qr", "live")


async def test_counter_follow_qr_is_the_stores_follow_url(world, store_code, tablet):
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.go("#/counter/follow")
    qr = page.locator("[data-counter-qr=live] img")
    await loaded(qr)
    expected = await store_follow_url(world)
    assert decode(await page.locator("[data-counter-qr]").screenshot()) == [expected]
    assert await qr.get_attribute("data-counter-qr-url") == expected


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize("size", list(SIZES))
async def test_counter_and_channel_screenshots(world, store_code, tablets, lang, size):
    channel = store_code
    name = lambda screen: f"{size}-{lang}-{screen}"  # noqa: E731
    manager = await tablets(SIZES[size])
    await manager.login("manager_a", lang=lang)
    await manager.go("#/channels")
    await expect(manager.page.locator(f"[data-channel='{channel['id']}'] img")).to_be_visible()
    await manager.shot(name("channels"))
    await manager.go("#/channels/new")
    await expect(manager.page.locator("[data-action=save-channel]")).to_be_visible()
    await manager.shot(name("channel-new"))
    await manager.go(f"#/channels/{channel['id']}")
    await loaded(manager.page.locator("[data-channel-qr]"))
    await manager.shot(name("channel-edit"))
    await manager.go(f"#/channels/{channel['id']}/poster")
    await loaded(manager.page.locator("[data-poster]"))
    await manager.shot(name("channel-poster"))
    await manager.page.emulate_media(media="print")
    await manager.shot(name("channel-poster-print"))
    await manager.page.emulate_media(media="screen")

    clerk = await tablets(SIZES[size])
    await clerk.login("clerk_b", lang=lang)
    await clerk.go("#/counter")
    await loaded(clerk.page.locator("[data-counter-qr=live] img"))
    await expect(clerk.page.locator("[data-counter-status]")).to_have_attribute("data-counter-status", "live")
    await clerk.shot(name("counter"))
    async with writing():
        await counter.publish(world.store_b.id, world.staff["clerk_b"].id, "redeemed", {
            "coupon_id": 1, "code": "7K3M-Q9PX-R2D", "name_zh": "新人礼 20 元", "name_en": "¥20 welcome", "kind": "amount_off",
            "amount_off_fen": 2000, "percent_off": None, "max_off_fen": None, "item": "", "customer": "139****0001"})
    await expect(clerk.page.locator("[data-counter-redeemed]")).to_be_visible()
    await clerk.shot(name("counter-redeemed"))
    await clerk.go("#/counter/follow")
    await expect(clerk.page.locator("[data-counter-qr=none]")).to_be_visible()  # store B has no store code yet
    await clerk.shot(name("counter-follow-none"))
    follower = await tablets(SIZES[size])
    await follower.login("clerk_a", lang=lang)
    await follower.go("#/counter/follow")
    await loaded(follower.page.locator("[data-counter-qr=live] img"))
    await follower.shot(name("counter-follow"))
    if size == "1024x768":
        small = await tablets(PHONE)
        await small.login("clerk_a", lang=lang)
        await small.go("#/counter")
        await loaded(small.page.locator("[data-counter-qr=live] img"))
        await small.shot(f"phone-{lang}-counter")
        async with writing():
            await counter.publish(world.store_a.id, world.staff["clerk_a"].id, "redeemed", {
                "coupon_id": 2, "code": "8M4N-Q9PX-R2D", "name_zh": "到店礼 10 元", "name_en": "¥10 store gift", "kind": "amount_off",
                "amount_off_fen": 1000, "percent_off": None, "max_off_fen": None, "item": "", "customer": "139****0003"})
        await expect(small.page.locator("[data-counter-redeemed]")).to_be_visible()
        await small.shot(f"phone-{lang}-counter-redeemed")


# The bar's parts as drawn: the store, the tabs, the connection pill and the two tools; what a clerk sees of each.
COUNTER_BAR = """() => [...document.querySelectorAll(
    '.counter-store, .counter-tabs, [data-counter-status], [data-action=fullscreen], [data-action=leave-counter]')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => {
    const box = el.getBoundingClientRect();
    return { name: el.dataset.action || el.dataset.counterStatus && 'status' || el.className, left: box.left, right: box.right,
             top: box.top, bottom: box.bottom, cut: el.scrollWidth > el.clientWidth + 1 };
  })"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["name"], b["name"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["left"] < b["right"] - 1 and b["left"] < a["right"] - 1 and a["top"] < b["bottom"] - 1 and b["top"] < a["bottom"] - 1]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_counter_bar_parts_never_overlap_from_600_to_1280_wide(world, store_code, tablets, lang):
    app = await tablets({"width": 768, "height": 1024})
    page = app.page
    await app.login("manager_a", lang=lang)
    for route in ("#/counter", "#/counter/follow"):
        await app.go(route)
        await expect(page.locator("[data-counter-qr=live] img")).to_be_visible()
        for width in (600, 640, 700, 768, 800, 860, 900, 960, 1024, 1100, 1280):
            await page.set_viewport_size({"width": width, "height": 1024 if width < 900 else 768})
            for state in ("live", "reconnecting", "connecting"):  # the pill's words differ in length
                await page.evaluate("state => document.querySelector('[data-counter-status]').set(state)", state)
                boxes = await page.evaluate(COUNTER_BAR)
                where = (route, width, state)
                assert len(boxes) == 5, (where, boxes)
                assert overlapping(boxes) == [], where
                assert [b["name"] for b in boxes if b["cut"] and b["name"] != "counter-store"] == [], where
                assert all(0 <= b["left"] and b["right"] <= width for b in boxes), (where, boxes)
                store = next(b for b in boxes if b["name"] == "counter-store")
                assert store["right"] - store["left"] >= 100, where  # the store's name is more than an ellipsis
            await page.evaluate("() => document.querySelector('[data-counter-status]').set('live')")
            if width in (768, 1024):
                await app.shot(f"{width}-{lang}-counter-bar-{route.rsplit('/', 1)[1]}")
    # Where the tools show their icons only, their names are still their labels.
    await page.set_viewport_size({"width": 768, "height": 1024})
    names = {"zh-CN": ("全屏", "退出"), "en": ("Full screen", "Exit")}[lang]
    await expect(page.get_by_role("button", name=names[0])).to_be_visible()
    await expect(page.get_by_role("link", name=names[1])).to_be_visible()
