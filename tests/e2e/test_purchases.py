"""Purchases, visits and points on the customer's page: a visit recorded offline reaches the server once,
a purchase earns points, and exchanging points issues a coupon."""

from __future__ import annotations

from playwright.async_api import expect

from tests.e2e.coupons_support import make_customer, make_template
from tests.support.world import new_phone


async def purchases_of(client, customer_id: int) -> list[dict]:
    return (await client.get(f"/api/v1/customers/{customer_id}/purchases")).json()["items"]


async def test_visit_recorded_offline_is_sent_once(world, tablet):
    customer = await make_customer(world.clerk_a, "离线到店")
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.controlled()
    await tablet.go(f"#/customers/{customer['id']}")
    await expect(page.locator("[data-customer-name]")).to_have_text("离线到店")
    await page.click("[data-tab=purchases]")
    await expect(page.locator("[data-panel=purchases]")).to_contain_text("还没有")

    await tablet.offline(True)
    await page.click("[data-action=record-visit]")
    dialog = page.locator("[data-dialog=record-visit]")
    await dialog.locator("[data-segmented=visit_kind] [data-value=after_sales]").click()
    await dialog.locator("[data-input=visit-note]").fill("屏幕贴膜")
    await dialog.locator("[data-action=confirm]").click()
    await expect(page.locator("[data-pending-purchases] [data-pending-purchase]")).to_have_count(1)
    await tablet.expect_outbox(1)
    await tablet.shot("customer-visit-offline-zh-CN")

    await page.reload()  # the tab closed and opened again with the network still off
    await tablet.expect_outbox(1)
    assert await purchases_of(world.clerk_a, customer["id"]) == []

    await tablet.offline(False)
    await tablet.expect_outbox(0)
    [visit] = await purchases_of(world.clerk_a, customer["id"])
    assert (visit["kind"], visit["visit_kind"], visit["note"]) == ("visit", "after_sales", "屏幕贴膜")

    await page.reload()  # a second replay (app start) changes nothing
    await tablet.expect_outbox(0)
    assert len(await purchases_of(world.clerk_a, customer["id"])) == 1


async def test_visit_for_a_customer_captured_offline_follows_the_capture(world, tablet):
    phone = new_phone("134")
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.controlled()
    await tablet.offline(True)
    await tablet.capture(phone, "离线建档到店")
    await page.click("[data-tab=purchases]")
    await page.click("[data-action=record-visit]")
    dialog = page.locator("[data-dialog=record-visit]")
    await dialog.locator("[data-segmented=visit_kind] [data-value=consultation]").click()
    await dialog.locator("[data-action=confirm]").click()
    await tablet.expect_outbox(2)
    await tablet.offline(False)
    await tablet.expect_outbox(0)
    [customer] = (await world.clerk_a.get("/api/v1/customers", params={"q": phone})).json()["items"]
    [visit] = await purchases_of(world.clerk_a, customer["id"])
    assert visit["visit_kind"] == "consultation"


async def test_purchase_earns_points_and_points_buy_a_coupon(world, tablet):
    await make_template(world.manager_a, name_zh="积分换贴膜", name_en="Screen film for points", kind="gift",
                        item="钢化膜", amount_off_fen=None, points_price=50)
    customer = await make_customer(world.clerk_a, "积分客户")
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.go(f"#/customers/{customer['id']}")
    await page.click("[data-tab=purchases]")
    await page.click("[data-action=record-purchase]")
    dialog = page.locator("[data-dialog=record-purchase]")
    await dialog.locator("[data-input=amount]").fill("199")
    await dialog.locator("[data-segmented=category] [data-value=device]").click()
    await dialog.locator("[data-input=item]").fill("华为 nova 12")
    await dialog.locator("[data-action=confirm]").click()
    await expect(page.locator("[data-purchases] [data-kind=purchase]")).to_have_count(1)
    await expect(page.locator("[data-purchases]")).to_contain_text("¥199")

    await page.click("[data-tab=points]")
    balance = page.locator("[data-points-balance]")
    await expect(balance).not_to_have_text("—")
    earned = int(await balance.text_content())
    assert earned >= 50, earned
    await page.click("[data-action=exchange-points]")
    await page.locator("[data-dialog=pick-exchange] [data-choice]").first.click()
    await page.locator("[data-dialog=confirm] [data-action=confirm]").click()
    await expect(balance).to_have_text(str(earned - 50))
    await page.click("[data-tab=coupons]")
    await expect(page.locator("[data-coupons] [data-coupon]")).to_contain_text("积分换贴膜")
    points = (await world.clerk_a.get(f"/api/v1/customers/{customer['id']}/points")).json()
    assert points["balance"] == earned - 50
    assert [e["kind"] for e in points["entries"]] == ["redeem", "earn"]


async def test_double_tap_on_exchange_opens_one_picker_and_exchanges_once(world, tablet):
    template = await make_template(world.manager_a, name_zh="双击换券", name_en="Double tap exchange", points_price=30)
    customer = await make_customer(world.clerk_a, "双击换券客户")
    await world.manager_a.post(f"/api/v1/customers/{customer['id']}/points/adjust", json={"points": 100, "reason": "测试"},
                               headers={"Idempotency-Key": f"double-exchange-{customer['id']}"})
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.go(f"#/customers/{customer['id']}")
    await page.click("[data-tab=points]")
    balance = page.locator("[data-points-balance]")
    await expect(balance).to_have_text("100")
    await page.dblclick("[data-action=exchange-points]")
    picker = page.locator("dialog[open][data-dialog=pick-exchange]")
    await expect(picker).to_have_count(1)
    await picker.locator(f"[data-choice='{template['id']}']").click()
    await page.locator("[data-dialog=confirm] [data-action=confirm]").click()
    await expect(balance).to_have_text("70")
    await page.wait_for_timeout(500)
    await expect(picker).to_have_count(0)
    coupons = (await world.clerk_a.get(f"/api/v1/customers/{customer['id']}/coupons")).json()["items"]
    assert [c["template_id"] for c in coupons] == [template["id"]]
