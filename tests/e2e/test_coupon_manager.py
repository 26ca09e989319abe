"""A store manager: coupon templates (create, edit, deactivate; the chain's shown read only), reversing a redemption
with a reason, and adjusting a customer's points."""

from __future__ import annotations

import pytest
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


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_manager_views_a_chain_template_read_only(world, tablet, lang):
    chain = await make_template(world.admin, name_zh=f"总部满200减30 {lang}", name_en=f"¥30 off ¥200 {lang}", amount_off_fen=3000,
                                min_spend_fen=20000, scope="chain", valid_days=45, stock=500, per_customer_limit=2, points_price=800,
                                terms_zh="每单限用一张", terms_en="One per order")
    listed = await make_template(world.admin, name_zh=f"两店专享 {lang}", kind="gift", item="贴膜", amount_off_fen=None, scope="list",
                                 store_ids=[world.store_a.id, world.store_b.id])
    page = tablet.page
    await tablet.login("manager_a", lang=lang)
    await page.click("[data-nav='/coupon-templates']")
    row = page.locator(f"[data-template-table] [data-template='{chain['id']}']")
    await expect(row.locator("[data-action=view-template]")).to_be_visible()  # the chain's: viewed, never edited here
    await expect(row.locator("[data-action=edit-template], [data-action=deactivate]")).to_have_count(0)
    await row.locator("[data-action=view-template]").click()

    view = page.locator(f"[data-template-view='{chain['id']}']")
    await expect(view.locator("h1")).to_have_text(chain["name_zh"] if lang == "zh-CN" else chain["name_en"])
    words = {
        "zh-CN": {"value": "¥30", "min_spend": "¥200", "validity": "45", "scope": "全部门店", "stock": "500", "issued": "0",
                  "per_customer": "2", "points_price": "800", "terms": "每单限用一张"},
        "en": {"value": "¥30", "min_spend": "¥200", "validity": "45", "scope": "All stores", "stock": "500", "issued": "0",
               "per_customer": "2", "points_price": "800", "terms": "One per order"},
    }[lang]
    for name, text in words.items():
        await expect(view.locator(f"[data-kv={name}]")).to_contain_text(text)
    await expect(view.locator("input, textarea, select, [data-action=save-template]")).to_have_count(0)
    await tablet.shot(f"1024x768-{lang}-template-chain-view", full_page=True)

    await tablet.go(f"#/coupon-templates/{listed['id']}")
    listed_view = page.locator(f"[data-template-view='{listed['id']}']")
    await expect(listed_view.locator("[data-kv=scope] dd")).to_have_text(
        "指定的 2 家门店（含本店）" if lang == "zh-CN" else "2 listed stores, this one included")
    await expect(listed_view.locator("[data-kv=min_spend] dd")).to_have_text("无门槛" if lang == "zh-CN" else "None")
    await expect(listed_view.locator("[data-kv=points_price] dd")).to_have_text("不可兑换" if lang == "zh-CN" else "Not exchangeable")
    await listed_view.locator("[data-action=back]").click()
    await expect(page.locator("[data-template-table]")).to_be_visible()
