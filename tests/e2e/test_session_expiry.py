"""The session ends under a clerk's hands (logged out elsewhere, idle too long): logging in again comes over the
screen, so what was typed stays and the save goes through; another staff member logging in starts at home. And the
top bar holds a long store name without pushing its controls off the screen."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import expect

from tests.e2e.conftest import PHONE
from tests.support.world import STAFF_PASSWORD, make_staff, make_store, new_phone

LONG_STORE_NAME = "Regulars Demo Flagship Store Chaoyang Joy City"
PORTRAIT_TABLET = {"width": 768, "height": 1024}


async def end_session(app) -> None:
    """Logs the tablet's session out on the server, the way another device or the idle limit would: the browser
    keeps its cookie, which the server no longer knows."""
    cookies = {c["name"]: c["value"] for c in await app.context.cookies()}
    async with httpx.AsyncClient(base_url=app.url, cookies=cookies) as http:
        response = await http.post("/api/v1/auth/logout", headers={"x-csrftoken": cookies["csrftoken"]})
    assert response.status_code == 204, response.text


async def log_in_again(page, username: str | None = None) -> None:
    dialog = page.locator("[data-dialog=relogin]")
    if username is not None:
        await dialog.locator("[data-input=username]").fill(username)
    await dialog.locator("[data-input=password]").fill(STAFF_PASSWORD)
    await dialog.locator("[data-action=confirm]").click()
    await expect(dialog).to_have_count(0)


async def half_typed_capture(tablets, phone: str, name: str):
    """clerk_a on a portrait tablet, capturing a new customer: phone checked, name typed, not saved yet."""
    app = await tablets(PORTRAIT_TABLET)
    await app.login("clerk_a")
    await app.controlled()
    await app.go("#/capture")
    await app.page.fill("[data-input=phone]", phone)
    await expect(app.page.locator("[data-phone-status=new]")).to_be_visible()
    await app.page.fill("[data-input=name]", name)
    return app


async def customers_with_phone(client, phone: str) -> list[dict]:
    return (await client.get("/api/v1/customers", params={"q": phone})).json()["items"]


async def test_login_comes_over_the_form_and_the_refused_save_goes_through(world, tablets):
    app = await tablets(PORTRAIT_TABLET)
    page = app.page
    await app.login("manager_a", lang="en")
    await app.go("#/coupon-templates/new")
    await page.fill("[data-input=name_zh]", "续登测试券")
    await page.fill("[data-input=name_en]", "Relogin treat")
    await page.locator("[data-segmented=kind] [data-value=percent_off]").click()
    await page.fill("[data-input=percent_off]", "15")
    await page.fill("[data-input=max_off_fen]", "50")
    await page.fill("[data-input=valid_days]", "7")
    await page.fill("[data-input=stock]", "120")

    await end_session(app)
    await page.click("[data-action=save-template]")
    dialog = page.locator("[data-dialog=relogin]")
    await expect(dialog).to_be_visible()
    await expect(dialog.locator("[data-input=username]")).to_have_value("manager_a")
    await page.keyboard.press("Escape")  # nothing to go back to without a session: it stays
    await expect(dialog).to_be_visible()
    await expect(page.locator("[data-action=login]")).to_have_count(0)  # no login screen in place of the form
    await expect(page.locator("[data-input=name_zh]")).to_have_value("续登测试券")
    await expect(page.locator("[data-input=stock]")).to_have_value("120")
    await app.shot("relogin-over-form-en")

    await dialog.locator("[data-input=password]").fill("wrong-password")
    await dialog.locator("[data-action=confirm]").click()
    await expect(dialog.locator("[data-dialog-message]")).not_to_be_empty()
    await log_in_again(page)

    # The save refused for the ended session was sent again, once, as the same manager.
    await expect(page.locator("[data-template-table] tr", has_text="Relogin treat")).to_contain_text("120")
    made = [t for t in (await world.manager_a.get("/api/v1/coupon-templates")).json() if t["name_zh"] == "续登测试券"]
    assert [(t["stock"], t["percent_off"], t["store_id"]) for t in made] == [(120, 15, world.store_a.id)]
    await expect(page.locator("[data-user=manager_a]")).to_be_attached()


async def test_half_typed_capture_survives_the_login_and_is_saved(world, tablets):
    phone, corrected = new_phone("135"), new_phone("135")
    app = await half_typed_capture(tablets, phone, "续登客户")
    page = app.page

    await end_session(app)
    await page.fill("[data-input=phone]", corrected)  # the look-up meets the ended session
    dialog = page.locator("[data-dialog=relogin]")
    await expect(dialog).to_be_visible()
    await expect(page.locator("[data-input=name]")).to_have_value("续登客户")
    await app.shot("relogin-over-capture-zh-CN")
    await log_in_again(page)

    await expect(page.locator("[data-phone-status=new]")).to_be_visible()  # the look-up, sent again, answered
    await expect(page.locator("[data-input=phone]")).to_have_value(corrected)
    await expect(page.locator("[data-input=name]")).to_have_value("续登客户")
    await page.click("[data-action=save]")
    await expect(page.locator("[data-customer-name]")).to_have_text("续登客户")
    [customer] = await customers_with_phone(world.clerk_a, corrected)
    assert customer["name"] == "续登客户"


async def test_save_queued_while_the_session_ended_is_sent_after_the_login(world, tablets):
    phone = new_phone("135")
    app = await half_typed_capture(tablets, phone, "排队客户")
    page = app.page

    await end_session(app)
    await page.click("[data-action=save]")  # the outbox meets the ended session: the capture waits on the tablet
    await expect(page.locator("[data-dialog=relogin]")).to_be_visible()
    await app.expect_outbox(1)
    assert await customers_with_phone(world.clerk_a, phone) == []
    await log_in_again(page)

    await app.expect_outbox(0)
    [customer] = await customers_with_phone(world.clerk_a, phone)
    assert customer["name"] == "排队客户"


async def test_other_staff_logging_in_starts_at_home_and_the_outbox_waits(world, tablets):
    queued, typed = new_phone("133"), new_phone("133")
    app = await tablets(PORTRAIT_TABLET)
    page = app.page
    await app.login("clerk_a")
    await app.controlled()
    await app.offline(True)
    await app.capture(queued, "离线待发")
    await app.expect_outbox(1)
    await app.go("#/capture")
    await page.fill("[data-input=phone]", typed)
    await page.fill("[data-input=name]", "不该被同事看到")

    await end_session(app)
    await app.offline(False)  # the outbox is sent, and meets the ended session
    dialog = page.locator("[data-dialog=relogin]")
    await expect(dialog).to_be_visible()
    await log_in_again(page, "clerk_a2")

    await expect(page.locator("[data-user=clerk_a2]")).to_be_attached()
    await expect(page.locator("[data-input=name]")).to_have_count(0)  # clerk_a's form is gone
    assert page.url.endswith("#/")
    await app.expect_outbox(0)  # clerk_a2 has nothing waiting; clerk_a's capture waits for clerk_a
    assert await customers_with_phone(world.clerk_a, queued) == []

    await page.click("[data-action=logout]")
    await page.fill("[data-input=username]", "clerk_a")
    await page.fill("[data-input=password]", STAFF_PASSWORD)
    await page.click("[data-action=login]")
    await expect(page.locator("[data-user=clerk_a]")).to_be_attached()
    await app.expect_outbox(0)
    [customer] = await customers_with_phone(world.clerk_a, queued)
    assert customer["name"] == "离线待发"
    assert await customers_with_phone(world.clerk_a, typed) == []


TOPBAR = """() => {
  const bar = document.querySelector(".topbar");
  const shown = [...bar.children].filter((el) => el.getClientRects().length && !el.classList.contains("spacer"));
  return {
    width: innerWidth, barFits: bar.scrollWidth <= bar.clientWidth,
    items: shown.map((el) => {
      const box = el.getBoundingClientRect();
      return { name: el.dataset.action || el.className, left: box.left, right: box.right,
               cut: el.scrollWidth > el.clientWidth, ellipsis: getComputedStyle(el).textOverflow };
    }),
  };
}"""


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("viewport", [PORTRAIT_TABLET, PHONE], ids=["768", "390"])
async def test_long_store_name_is_cut_and_the_top_bar_fits(world, tablets, lang, viewport):
    store = await make_store(f"LN{viewport['width']}{lang[:2].upper()}", LONG_STORE_NAME, "flagship")
    username = f"long_{viewport['width']}_{lang[:2]}"
    await make_staff(username, "clerk", store.id)
    app = await tablets(viewport)
    await app.login(username, lang=lang)
    name = app.page.locator("[data-store]")
    await expect(name).to_have_attribute("title", LONG_STORE_NAME)
    bar = await app.page.evaluate(TOPBAR)

    assert bar["barFits"], bar
    for item in bar["items"]:
        assert 0 <= item["left"] and item["right"] <= bar["width"], item
    for before, after in zip(bar["items"], bar["items"][1:]):
        assert before["right"] <= after["left"], (before, after)  # nothing drawn over its neighbour
    controls = [item for item in bar["items"] if item["name"] != "store-name"]
    assert [c["name"] for c in controls if c["cut"]] == [], controls
    assert "logout" in [c["name"] for c in controls]
    if viewport["width"] == PORTRAIT_TABLET["width"]:
        [shown] = [item for item in bar["items"] if item["name"] == "store-name"]
        assert shown["cut"] and shown["ellipsis"] == "ellipsis", shown
        assert shown["right"] - shown["left"] >= 100, shown  # enough of the name to recognise it
    await app.shot(f"topbar-long-store-{viewport['width']}-{lang}")
