"""Coupons at the counter: issue from the customer's page, redeem by typed code and by the tablet's camera,
and what the clerk reads when a coupon cannot be redeemed (or the network is down)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.conftest import CHROMIUM_ARGS, TABLET
from tests.e2e.coupons_support import issue, make_customer, make_template, qr_video
from tests.support.acquisition import join_store
from tests.support.world import new_phone


@pytest.fixture(scope="module")
async def template(world) -> dict:
    return await make_template(world.manager_a, stock=100)


async def test_capture_find_issue_and_redeem_by_typed_code(world, template, tablet):
    phone = new_phone("133")
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.capture(phone, "券客户")
    customer_id = int(page.url.rsplit("/", 1)[1])

    await tablet.go("#/customers")
    await page.fill("[data-input=q]", phone[-4:])
    await page.locator(f"[data-result='{customer_id}']").click()
    await page.click("[data-tab=coupons]")
    await expect(page.locator("[data-panel=coupons]")).to_contain_text("还没有电子券")
    await page.click("[data-action=issue-coupon]")
    await page.locator(f"[data-dialog=pick-template] [data-choice='{template['id']}']").click()
    confirm = page.locator("[data-dialog=confirm]")
    await expect(confirm).to_contain_text("券客户")
    await confirm.locator("[data-action=confirm]").click()
    issued = page.locator("[data-coupons] [data-coupon][data-state=usable]")
    await expect(issued).to_have_count(1)
    # valid 30 days from issue: it ends at a store midnight, and its last day is the one before, as the wallet says
    [coupon] = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/coupons")).json()["items"]
    ends = dt.datetime.fromisoformat(coupon["valid_until"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert ends.time() == dt.time(0)
    await expect(issued).to_contain_text(f"至 {(ends - dt.timedelta(days=1)):%Y/%m/%d}")
    await expect(page.locator("[data-tab-badge=coupons]")).to_have_text("1")
    code = await issued.locator("[data-coupon-code]").get_attribute("data-coupon-code")

    await page.click("[data-nav='/redeem']")
    await page.fill("[data-input=code]", code.lower())  # typed as it comes: lower case, no dashes
    await page.click("[data-action=redeem]")
    answer = page.locator("[data-answer]")
    await expect(answer).to_have_attribute("data-answer", "redeemed")
    await expect(answer).to_contain_text("到店立减20元")
    await expect(page.locator("[data-input=code]")).to_have_value("")  # ready for the next customer

    await page.click("[data-action=scan-next]")  # the customer tries the same coupon again
    await page.fill("[data-input=code]", code)
    await page.click("[data-action=redeem]")
    await expect(answer).to_have_attribute("data-answer", "already_redeemed")
    await expect(answer.locator("[data-answer-where]")).to_contain_text("测试一厅")

    await page.fill("[data-input=code]", "0000-0000-000")
    await page.click("[data-action=redeem]")
    await expect(answer).to_have_attribute("data-answer", "unknown")

    await tablet.controlled()
    await tablet.offline(True)  # redemption needs the server: said so, nothing queued
    await page.fill("[data-input=code]", code)
    await page.click("[data-action=redeem]")
    await expect(answer).to_have_attribute("data-answer", "offline")
    await tablet.expect_outbox(0)
    await tablet.offline(False)

    coupons = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/coupons")).json()["items"]
    assert [(c["code"], c["state"], c["redeemed_store_id"]) for c in coupons] == [(code, "redeemed", world.store_a.id)]


async def test_home_counts_todays_redemptions_and_mine(world, template, tablet):
    customer = await make_customer(world.clerk_a, "首页计数客")
    coupon = await issue(world.clerk_a, template["id"], customer["id"])
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.go("#/")
    count = page.locator("[data-stat=redemptions-today] .stat-value")
    await expect(count).not_to_have_text("—")
    before = int(await count.inner_text())
    await expect(page.locator("[data-stat=follows-today] .stat-value")).not_to_have_text("—")
    await tablet.go("#/redeem")
    await page.fill("[data-input=code]", coupon["code"])
    await page.click("[data-action=redeem]")
    await expect(page.locator("[data-answer]")).to_have_attribute("data-answer", "redeemed")
    await tablet.go("#/")
    await expect(count).to_have_text(str(before + 1))
    await expect(page.locator("[data-stat=redemptions-today]")).to_contain_text("我核销")


async def test_redeem_refusals_are_named(world, template, tablet):
    other = await make_template(world.manager_b, name_zh="二厅专享券", name_en="Store 2 only")
    customer = await make_customer(world.clerk_a, "两厅客户")  # a customer of both stores, with store 2's coupon
    await join_store(world.clerk_b, customer["phone"])
    foreign = await issue(world.clerk_b, other["id"], customer["id"])
    page = tablet.page
    await tablet.login("clerk_a", lang="en")
    await tablet.go("#/redeem")
    await page.fill("[data-input=code]", foreign["code"])
    await page.click("[data-action=redeem]")
    answer = page.locator("[data-answer]")
    await expect(answer).to_have_attribute("data-answer", "wrong_store")
    await expect(answer).to_contain_text("Not valid here")
    await expect(answer).to_contain_text("测试二厅")

    threshold = await make_template(world.manager_a, name_zh="满100减20", name_en="¥20 off ¥100", min_spend_fen=10_000)
    coupon = await issue(world.clerk_a, threshold["id"], customer["id"])
    await page.fill("[data-input=code]", coupon["code"])  # no amount typed: the threshold is not skipped
    await page.click("[data-action=redeem]")
    await expect(answer).to_have_attribute("data-answer", "spend_needed")
    await expect(answer).to_contain_text("¥100.00")
    await expect(page.locator("[data-input=spend]")).to_be_focused()
    await page.fill("[data-input=spend]", "120")
    await page.click("[data-action=redeem]")
    await expect(answer).to_have_attribute("data-answer", "redeemed")


@pytest.mark.parametrize("again", ["retry", "redeem"])
async def test_redemption_whose_answer_was_lost_is_retried_as_the_same_redemption(world, template, tablet, again):
    """The answer is lost after the server redeemed: the clerk taps Retry, or types the code again and taps Redeem;
    either is the same redemption (its Idempotency-Key), answered as redeemed, not as already redeemed."""
    customer = await make_customer(world.clerk_a, f"断网客户{again}")
    coupon = await issue(world.clerk_a, template["id"], customer["id"])
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.go("#/redeem")

    async def lose_the_answer(route):
        await route.fetch()  # the server redeems it ...
        await route.abort("connectionreset")  # ... and the tablet never hears

    await page.route("**/api/v1/coupons/redeem", lose_the_answer)
    await page.fill("[data-input=code]", coupon["code"])
    await page.click("[data-action=redeem]")
    answer = page.locator("[data-answer]")
    await expect(answer).to_have_attribute("data-answer", "uncertain")
    await page.unroute("**/api/v1/coupons/redeem")
    if again == "retry":
        await page.click("[data-action=retry]")
    else:
        await page.fill("[data-input=code]", coupon["code"].lower())
        await page.click("[data-action=redeem]")
    await expect(answer).to_have_attribute("data-answer", "redeemed")
    timeline = (await world.clerk_a.get(f"/api/v1/customers/{customer['id']}/timeline")).json()
    assert [item["kind"] for item in timeline].count("coupon_redeemed") == 1


async def test_camera_reads_the_coupon_qr_and_redeems_it(world, template, tmp_path):
    customer = await make_customer(world.clerk_a, "扫码客户")
    coupon = await issue(world.clerk_a, template["id"], customer["id"])
    video = qr_video(coupon["code"], tmp_path / "coupon.y4m")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (make system-deps)")
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=args)
        try:
            context = await browser.new_context(viewport=TABLET, locale="zh-CN", timezone_id="Asia/Shanghai",
                                                permissions=["camera"])
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await page.goto(f"{world.url}/app/")
            await page.fill("[data-input=username]", "clerk_a")
            await page.fill("[data-input=password]", "staff-test-password")
            await page.click("[data-action=login]")
            await expect(page.locator("[data-user=clerk_a]")).to_be_attached()
            await page.evaluate("location.hash = '#/redeem'")  # the camera is allowed: scanning starts by itself
            answer = page.locator("[data-answer]")
            await expect(answer).to_have_attribute("data-answer", "redeemed")
            await expect(page.locator("[data-camera]")).to_have_attribute("data-decoder", "worker")  # jsQR: no BarcodeDetector on Linux
            # what the camera read is on the answer card; the field is empty for the next customer
            await expect(answer.locator(".answer-code")).to_contain_text(re.sub(r"(.{4})(?!$)", r"\1-", coupon["code"]))
            await expect(page.locator("[data-input=code]")).to_have_value("")
            await expect(page.locator("[data-camera]")).to_have_attribute("data-camera", "idle")  # the camera is off after a read
            assert errors == []
            await context.close()
        finally:
            await browser.close()
    found = (await world.clerk_a.get(f"/api/v1/coupons/{coupon['id']}")).json()
    assert found["state"] == "redeemed"


async def test_camera_uses_barcode_detector_where_the_browser_has_it(world, template, tmp_path):
    """Where the browser knows QR codes itself (Android, iPad, macOS), its BarcodeDetector reads them."""
    customer = await make_customer(world.clerk_a, "原生扫码客户")
    coupon = await issue(world.clerk_a, template["id"], customer["id"])
    video = qr_video("not-the-coupon", tmp_path / "blank.y4m", frames=1)
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=shutil.which("chromium"), args=args)
        try:
            context = await browser.new_context(viewport=TABLET, locale="zh-CN", permissions=["camera"])
            await context.add_init_script("""
                window.BarcodeDetector = class {
                  static async getSupportedFormats() { return ["qr_code"]; }
                  async detect(source) { return source.videoWidth ? [{ rawValue: %r, format: "qr_code" }] : []; }
                };""" % coupon["code"])
            page = await context.new_page()
            await page.goto(f"{world.url}/app/")
            await page.fill("[data-input=username]", "clerk_a")
            await page.fill("[data-input=password]", "staff-test-password")
            await page.click("[data-action=login]")
            await expect(page.locator("[data-user=clerk_a]")).to_be_attached()
            await page.evaluate("location.hash = '#/redeem'")
            await expect(page.locator("[data-answer]")).to_have_attribute("data-answer", "redeemed")
            await expect(page.locator("[data-camera]")).to_have_attribute("data-decoder", "native")
            await context.close()
        finally:
            await browser.close()


async def test_double_tap_on_issue_opens_one_picker_and_issues_one_coupon(world, template, tablet):
    customer = await make_customer(world.clerk_a, "双击发券客户")
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.go(f"#/customers/{customer['id']}")
    await page.click("[data-tab=coupons]")
    await page.dblclick("[data-action=issue-coupon]")
    picker = page.locator("dialog[open][data-dialog=pick-template]")
    await expect(picker).to_have_count(1)
    await picker.locator(f"[data-choice='{template['id']}']").click()
    await page.locator("[data-dialog=confirm] [data-action=confirm]").click()
    await expect(page.locator("[data-coupons] [data-coupon]")).to_have_count(1)
    await page.wait_for_timeout(500)
    await expect(picker).to_have_count(0)
    coupons = (await world.clerk_a.get(f"/api/v1/customers/{customer['id']}/coupons")).json()["items"]
    assert len(coupons) == 1
