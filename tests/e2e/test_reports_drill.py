"""A store manager drills down a report: the store, its clerks, the customers behind a clerk's figures."""

from __future__ import annotations

from playwright.async_api import expect

from tests.support.reports import buy, customer, local


async def test_report_drills_store_to_clerk_to_customers(world, tablet):
    first = await customer(world.clerk_a, name="复购甲")
    await buy(world.clerk_a, first, local(20))
    await buy(world.clerk_a, first, local(10))
    second = await customer(world.clerk_a2, name="首购乙")
    await buy(world.clerk_a2, second, local(5))
    page = tablet.page
    await tablet.login("manager_a")
    await tablet.go("/reports?name=repurchase")
    await page.select_option("[data-input=report]", "repurchase")
    table = page.locator("[data-report-table=repurchase]")
    await expect(table.locator("tbody tr")).to_have_count(1)
    await table.locator(f"[data-drill-store='{world.store_a.id}']").click()
    await expect(page.locator("[data-action=leave-store]")).to_contain_text("测试一厅")
    await expect(table.locator("[data-drill-clerk]")).to_have_count(2)
    await table.locator(f"[data-drill-clerk='{world.staff['clerk_a'].id}']").click()
    listed = page.locator("[data-drill-list] [data-drill-customer]")
    await expect(listed).to_have_count(1)
    await expect(listed.first).to_contain_text("复购甲")
    await expect(listed.first).to_contain_text("****")
    await tablet.shot("reports-drill-zh-CN", full_page=True)
    await page.click("[data-action=leave-store]")
    await expect(table.locator("[data-drill-store]")).to_have_count(1)
    assert not tablet.errors
