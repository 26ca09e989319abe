"""Working through a Wi-Fi drop: what a clerk saves offline reaches the server once, after a reload,
and what the server refuses on replay waits for the clerk's decision."""

from __future__ import annotations

from playwright.async_api import expect

from tests.support.world import new_phone


async def customers_with_phone(client, phone: str) -> list[dict]:
    return (await client.get("/api/v1/customers", params={"q": phone})).json()["items"]


async def notes_of(client, customer_id: int) -> list[str]:
    timeline = (await client.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    return [item["data"]["text"] for item in timeline if item["kind"] == "note"]


async def test_offline_capture_and_note_survive_reload_and_apply_once(world, tablet):
    first, second = new_phone("138"), new_phone("139")
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.controlled()

    await tablet.offline(True)
    await tablet.capture(first, "离线一号")
    await expect(page.locator("[data-notice=local]")).to_be_visible()
    await tablet.add_note("离线时记下的备注")
    await expect(page.locator("[data-pending-list] [data-pending]")).to_have_count(1)
    await tablet.capture(second, "离线二号")
    await tablet.expect_outbox(3)
    await tablet.shot("offline-customer-zh-CN")

    await page.reload()  # the shell and the outbox come back with the network still off
    await expect(page.locator("[data-net]")).to_have_attribute("data-net", "offline")
    await tablet.expect_outbox(3)
    await tablet.go("#/outbox")
    await expect(page.locator("[data-entry][data-state=pending]")).to_have_count(3)
    await tablet.shot("offline-outbox-zh-CN")
    assert await customers_with_phone(world.clerk_a, first) == []

    await tablet.offline(False)
    await tablet.expect_outbox(0)

    [one] = await customers_with_phone(world.clerk_a, first)
    [two] = await customers_with_phone(world.clerk_a, second)
    assert (one["name"], two["name"]) == ("离线一号", "离线二号")
    assert await notes_of(world.clerk_a, one["id"]) == ["离线时记下的备注"]
    assert await notes_of(world.clerk_a, two["id"]) == []

    # Sending again (the app restarting, a second replay) changes nothing.
    await page.reload()
    await tablet.expect_outbox(0)
    assert len(await customers_with_phone(world.clerk_a, first)) == 1
    assert await notes_of(world.clerk_a, one["id"]) == ["离线时记下的备注"]


async def test_offline_edit_of_open_customer_is_sent_later(world, tablet):
    phone = new_phone("158")
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.controlled()
    await tablet.capture(phone, "在线建档")
    customer_id = int(page.url.rsplit("/", 1)[1])

    await tablet.offline(True)
    await page.click("[data-action=edit]")
    await page.fill("[data-input=name]", "离线改名")
    await page.click("[data-action=save]")
    await expect(page.locator("[data-pending-list] [data-pending]")).to_have_count(1)
    await tablet.expect_outbox(1)
    await tablet.offline(False)
    await tablet.expect_outbox(0)
    customer = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}")).json()
    assert customer["name"] == "离线改名"


async def test_refused_replay_is_kept_for_the_clerk_to_resolve(world, tablet):
    phone = new_phone("186")
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.controlled()

    await tablet.offline(True)
    await tablet.capture(phone, "抢先一步")
    await tablet.add_note("到店咨询宽带")
    # Meanwhile a colleague, online, captures the same phone.
    created = await world.clerk_a2.post("/api/v1/customers", json={"phone": phone, "name": "同事建档"},
                                        headers={"Idempotency-Key": f"e2e-colleague-{phone}"})
    existing_id = created.json()["id"]

    await tablet.offline(False)
    refused = page.locator("[data-outbox-count].has-refused")
    await expect(refused).to_be_visible(timeout=30_000)
    await tablet.expect_outbox(2)  # the refused capture and the note waiting on it
    await tablet.go("#/outbox")
    entry = page.locator("[data-entry][data-state=refused]")
    await expect(entry).to_have_count(1)
    await expect(entry.locator("[data-problem]")).to_have_attribute("data-problem", "customer.phone_exists")
    await tablet.shot("outbox-refused-zh-CN")

    await entry.locator("[data-action=use-existing]").click()
    await expect(page.locator("[data-customer-name]")).to_have_text("同事建档")
    await tablet.expect_outbox(0)
    assert await notes_of(world.clerk_a, existing_id) == ["到店咨询宽带"]
    assert len(await customers_with_phone(world.clerk_a, phone)) == 1


async def test_refused_replay_discarded_with_what_depends_on_it(world, tablet):
    phone = new_phone("187")
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.controlled()
    await tablet.offline(True)
    await tablet.capture(phone, "将被放弃")
    await tablet.add_note("这条也会被放弃")
    await world.clerk_a2.post("/api/v1/customers", json={"phone": phone}, headers={"Idempotency-Key": f"e2e-dup-{phone}"})
    await tablet.offline(False)
    await expect(page.locator("[data-outbox-count].has-refused")).to_be_visible(timeout=30_000)
    await tablet.go("#/outbox")
    await page.locator("[data-entry][data-state=refused] [data-action=discard]").click()
    await page.locator("[data-dialog=confirm] [data-action=confirm]").click()
    await tablet.expect_outbox(0)
    [customer] = await customers_with_phone(world.clerk_a, phone)
    assert await notes_of(world.clerk_a, customer["id"]) == []


async def test_outbox_drains_after_a_glitch_the_browser_never_noticed(world, tablet):
    """The Wi-Fi stays up but the server cannot be reached for a few seconds: no `online` event
    follows, yet the app finds the server again by itself and sends what was saved meanwhile."""
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.controlled()
    await tablet.capture(new_phone("177"), "信号抖动")
    customer_id = int(page.url.rsplit("/", 1)[1])

    glitch = {"on": True}

    async def server_unreachable(route):
        if glitch["on"]:
            await route.abort("connectionreset")
        else:
            await route.fallback()

    await tablet.context.route(lambda url: "/api/" in url or url.endswith("/healthz"), server_unreachable)
    await tablet.add_note("抖动时记下的备注")
    await tablet.expect_outbox(1)
    await tablet.go("#/inbox")  # a page request meets the glitch too
    await expect(page.locator("[data-net]")).to_have_attribute("data-net", "offline")
    await page.wait_for_timeout(4000)
    glitch["on"] = False

    await tablet.expect_outbox(0, timeout=40_000)
    await expect(page.locator("[data-net]")).to_have_attribute("data-net", "online")
    assert await notes_of(world.clerk_a, customer_id) == ["抖动时记下的备注"]


async def test_server_error_on_me_at_start_keeps_the_clerk_logged_in(world, tablet):
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.controlled()

    async def restarting(route):
        await route.fulfill(status=503, content_type="application/json", body='{"detail": "restarting"}')

    await page.route("**/api/v1/me", restarting, times=1)
    await page.reload()
    await expect(page.locator("[data-user=clerk_a]")).to_be_attached()
    assert await page.locator("[data-action=login]").count() == 0
    await expect(page.locator("[data-net]")).to_have_attribute("data-net", "online", timeout=15_000)
