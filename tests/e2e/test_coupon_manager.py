"""A store manager: coupon templates (create, edit, deactivate), reversing a redemption with a reason,
and adjusting a customer's points."""

from __future__ import annotations

from playwright.async_api import expect

from tests.e2e.coupons_support import issue, make_customer, make_template


async def test_manager_creates_edits_and_deactivates_a_template(world, tablet):
    page = tablet.page
    await tablet.login("manager_a")
    await page.click("[data-nav='/coupon-templates']")
    await page.click("[data-action=new-template]")
    await page.fill("[data-input=name_zh]", "生日关怀券")
    await page.fill("[data-input=name_en]", "Birthday treat")
    await page.locator("[data-segmented=kind] [data-value=percent_off]").click()
    await page.fill("[data-input=percent_off]", "15")
    await page.fill("[data-input=max_off_fen]", "50")
    await page.locator("[data-segmented=purpose] [data-value=care]").click()
    await page.fill("[data-input=valid_days]", "7")
    await page.fill("[data-input=stock]", "200")
    await page.fill("[data-input=points_price]", "300")
    await page.click("[data-action=save-template]")
    row = page.locator("[data-template-table] tr", has_text="生日关怀券")
    await expect(row).to_contain_text("8.5 折")
    await expect(row).to_contain_text("200")
    [made] = [t for t in (await world.manager_a.get("/api/v1/coupon-templates")).json() if t["name_zh"] == "生日关怀券"]
    assert (made["kind"], made["percent_off"], made["max_off_fen"], made["valid_days"], made["stock"], made["points_price"],
            made["purpose"], made["store_id"]) == ("percent_off", 15, 5000, 7, 200, 300, "care", world.store_a.id)

    await row.locator("[data-action=edit-template]").click()
    await expect(page.locator("[data-kv=value]")).to_contain_text("8.5 折")  # the value is fixed once created
    await page.fill("[data-input=stock]", "150")
    await page.click("[data-action=save-template]")
    await expect(row).to_contain_text("150")
    changed = (await world.manager_a.get(f"/api/v1/coupon-templates/{made['id']}")).json()
    assert changed["stock"] == 150 and changed["name_zh"] == "生日关怀券"

    await row.locator("[data-action=deactivate]").click()
    dialog = page.locator("[data-dialog=confirm]")
    await expect(dialog).to_contain_text("生日关怀券")
    await dialog.locator("[data-action=confirm]").click()
    await expect(row).to_have_count(0)  # the list shows active templates
    await page.locator("[data-segmented=template-filter] [data-value=inactive]").click()
    await expect(row).to_have_attribute("data-active", "false")
    assert (await world.manager_a.get(f"/api/v1/coupon-templates/{made['id']}")).json()["active"] is False


async def test_template_form_names_what_the_server_refused(world, tablet):
    page = tablet.page
    await tablet.login("manager_a", lang="en")
    await tablet.go("#/coupon-templates/new")
    await page.fill("[data-input=name_zh]", "过期券")
    await page.fill("[data-input=amount_off_fen]", "10")
    await page.locator("[data-segmented=validity] [data-value=window]").click()
    await page.fill("[data-input=valid_until]", "2020-01-31")
    await page.click("[data-action=save-template]")
    await expect(page.locator("[data-error=valid_until]")).to_contain_text("past")


async def test_manager_reverses_a_recent_redemption_with_a_reason(world, tablet):
    template = await make_template(world.manager_a, name_zh="撤销测试券")
    customer = await make_customer(world.clerk_a, "撤销客户")
    coupon = await issue(world.clerk_a, template["id"], customer["id"])
    redeemed = await world.clerk_a.post("/api/v1/coupons/redeem", json={"code": coupon["code"]})
    assert redeemed.status_code == 200, redeemed.text

    page = tablet.page
    await tablet.login("manager_a")
    await page.click("[data-nav='/reversal']")
    await page.fill("[data-input=reverse-code]", coupon["code"])
    await page.click("[data-action=find-coupon]")
    card = page.locator("[data-reversal] [data-coupon]")
    await expect(card).to_have_attribute("data-state", "redeemed")
    await page.click("[data-action=reverse]")
    await expect(card).to_contain_text("请填写撤销原因")  # a reason first
    await card.locator(".chip").first.click()
    await page.click("[data-action=reverse]")
    dialog = page.locator("[data-dialog=confirm]")
    await expect(dialog).to_contain_text("扫错券")
    await tablet.shot("1024x768-zh-CN-reversal-confirm")
    await dialog.locator("[data-action=confirm]").click()
    await expect(page.locator("[data-answer=reversed]")).to_be_visible()
    after = (await world.manager_a.get(f"/api/v1/coupons/{coupon['id']}")).json()
    assert after["state"] == "issued"
    timeline = (await world.manager_a.get(f"/api/v1/customers/{customer['id']}/timeline")).json()
    assert any(item["kind"] == "coupon_reversed" and item["data"]["reason"] == "扫错券" for item in timeline)


async def test_manager_adjusts_points_with_a_reason(world, tablet):
    customer = await make_customer(world.clerk_a, "调分客户")
    page = tablet.page
    await tablet.login("manager_a")
    await tablet.go(f"#/customers/{customer['id']}")
    await page.click("[data-tab=points]")
    await expect(page.locator("[data-points-balance]")).to_have_text("0")
    await page.click("[data-action=adjust-points]")
    dialog = page.locator("[data-dialog=adjust-points]")
    await dialog.locator("[data-input=adjust-points]").fill("120")
    await dialog.locator("[data-action=confirm]").click()
    await expect(dialog.locator("[data-dialog-message]")).not_to_be_empty()  # no reason yet
    await dialog.locator("[data-input=adjust-reason]").fill("开业活动补发")
    await dialog.locator("[data-action=confirm]").click()
    await expect(page.locator("[data-points-balance]")).to_have_text("120")
    await expect(page.locator("[data-ledger] [data-kind=adjust]")).to_contain_text("开业活动补发")
    points = (await world.manager_a.get(f"/api/v1/customers/{customer['id']}/points")).json()
    assert points["balance"] == 120


async def test_clerk_has_no_manager_coupon_screens(world, tablet):
    await tablet.login("clerk_a")
    page = tablet.page
    await expect(page.locator("[data-nav='/redeem']")).to_be_visible()
    await expect(page.locator("[data-nav='/coupon-templates']")).to_have_count(0)
    await expect(page.locator("[data-nav='/reversal']")).to_have_count(0)
    customer = await make_customer(world.clerk_a, "店员看积分")
    await tablet.go(f"#/customers/{customer['id']}")
    await page.click("[data-tab=points]")
    await expect(page.locator("[data-points-balance]")).to_have_text("0")
    await expect(page.locator("[data-action=adjust-points]")).to_have_count(0)
