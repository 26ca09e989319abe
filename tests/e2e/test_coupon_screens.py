"""Screenshots of the coupon, points, purchase and redemption screens at 1024x768, zh-CN and en, kept under
var/test-artifacts/screenshots/; each screen is also checked for what a clerk must see on it."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.e2e.coupons_support import issue, make_customer, make_template


@pytest.fixture(scope="module")
async def showcase(world) -> dict:
    """A customer with coupons in several states, points, purchases and a visit; templates of each kind."""
    client = world.manager_a
    templates = [
        await make_template(client, stock=500),
        await make_template(client, name_zh="新机购机礼：钢化膜", name_en="New phone gift: screen film", kind="gift",
                            amount_off_fen=None, item="钢化膜", category="device", purpose="reward", points_price=200),
        await make_template(client, name_zh="宽带新装 85 折", name_en="Broadband 15% off", kind="percent_off", amount_off_fen=None,
                            percent_off=15, max_off_fen=10000, min_spend_fen=30000, scope="chain", valid_days=90),
        await make_template(client, name_zh="免费手机清洁", name_en="Free phone cleaning", kind="service", amount_off_fen=None,
                            item="手机清洁消毒", category="service", purpose="care", active=False),
    ]
    customer = await make_customer(client, "陈思远", "138")
    used = await issue(client, templates[0]["id"], customer["id"])
    await client.post("/api/v1/coupons/redeem", json={"code": used["code"]})
    await issue(client, templates[1]["id"], customer["id"])
    await issue(client, templates[2]["id"], customer["id"])
    for body in ({"kind": "purchase", "category": "device", "amount_fen": 329900, "items": [{"name": "华为 nova 12"}]},
                 {"kind": "purchase", "category": "plan", "amount_fen": 12900},
                 {"kind": "visit", "visit_kind": "after_sales", "note": "贴膜"}):
        response = await client.post("/api/v1/purchases", json={"customer_id": customer["id"], **body},
                                     headers={"Idempotency-Key": f"e2e-showcase-{customer['id']}-{body['kind']}-{body.get('amount_fen')}"})
        assert response.status_code == 201, response.text
    await client.post(f"/api/v1/customers/{customer['id']}/points/adjust", json={"points": 100, "reason": "开业活动补发"},
                      headers={"Idempotency-Key": f"e2e-showcase-adjust-{customer['id']}"})
    return {"customer": customer, "templates": templates}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_coupon_screens(world, showcase, tablet, lang):
    page = tablet.page
    name = lambda screen: f"1024x768-{lang}-{screen}"  # noqa: E731
    customer = showcase["customer"]
    fresh = await issue(world.manager_a, showcase["templates"][0]["id"], customer["id"])
    await tablet.login("manager_a", lang=lang)
    await expect(page.locator("[data-quick=redeem]")).to_be_visible()
    await tablet.shot(name("home"))

    await tablet.go(f"#/customers/{customer['id']}")
    await page.click("[data-tab=coupons]")
    await expect(page.locator("[data-coupons] [data-state=usable]").first).to_be_visible()
    await expect(page.locator("[data-coupons] [data-state=redeemed]").first).to_be_visible()
    await tablet.shot(name("customer-coupons"))
    await page.click("[data-action=issue-coupon]")
    await expect(page.locator("[data-dialog=pick-template] [data-choice]")).to_have_count(3)  # the inactive one is not offered
    await tablet.shot(name("customer-issue-pick"))
    await page.locator("[data-dialog=pick-template] [data-action=cancel]").click()

    await page.click("[data-tab=points]")
    await expect(page.locator("[data-points-balance]")).not_to_have_text("—")
    await expect(page.locator("[data-ledger] [data-kind=adjust]")).to_be_visible()
    await tablet.shot(name("customer-points"))

    await page.click("[data-tab=purchases]")
    await expect(page.locator("[data-purchases] [data-purchase]")).to_have_count(3)
    await tablet.shot(name("customer-purchases"))
    await page.click("[data-action=record-purchase]")
    await expect(page.locator("[data-dialog=record-purchase]")).to_be_visible()
    await tablet.shot(name("customer-record-purchase"))
    await page.locator("[data-dialog=record-purchase] [data-action=cancel]").click()

    await tablet.go("#/redeem")
    await expect(page.locator("[data-answer]")).to_have_attribute("data-answer", "")
    await tablet.shot(name("redeem"))
    await page.fill("[data-input=code]", fresh["code"])
    await page.click("[data-action=redeem]")
    await expect(page.locator("[data-answer]")).to_have_attribute("data-answer", "redeemed")
    await tablet.shot(name("redeem-redeemed"))
    await page.fill("[data-input=code]", fresh["code"])
    await page.click("[data-action=redeem]")
    await expect(page.locator("[data-answer]")).to_have_attribute("data-answer", "already_redeemed")
    await tablet.shot(name("redeem-already"))

    await page.click("[data-action=reverse]")
    await expect(page.locator("[data-reversal] [data-coupon]")).to_have_attribute("data-state", "redeemed")
    await tablet.shot(name("reversal"))

    await page.click("[data-nav='/coupon-templates']")
    await expect(page.locator("[data-template-table] [data-template]")).to_have_count(3)
    await tablet.shot(name("templates"))
    await page.click("[data-action=new-template]")
    await expect(page.locator("[data-input=name_zh]")).to_be_visible()
    await tablet.shot(name("template-new"))
    await tablet.shot(name("template-new-full"), full_page=True)
    await tablet.go(f"#/coupon-templates/{showcase['templates'][2]['id']}")
    await expect(page.locator("[data-kv=value]")).to_be_visible()
    await tablet.shot(name("template-edit"))
