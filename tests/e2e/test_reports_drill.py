"""A store manager drills down a report: the store, its clerks, the customers behind a clerk's figures; a question the
report asks is cancelled, not answered, when the manager leaves the screen."""

from __future__ import annotations

import datetime as dt

from playwright.async_api import expect

from regulars.core import clock
from tests.support.reports import buy, customer, local, move


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


async def test_churn_risk_list_assigned_as_clerk_tasks(world, tablet):
    gone = await customer(world.clerk_a, name="久未到店丙")
    await buy(world.clerk_a, gone, local(120))
    await move("customer", gone, created_at=clock.now() - dt.timedelta(days=200))
    page = tablet.page
    await tablet.login("manager_a")
    await tablet.go("/reports?name=churn-risk")
    await page.select_option("[data-input=report]", "churn-risk")
    table = page.locator("[data-report-table=churn-risk]")
    await expect(table.locator(f"[data-customer-link='{gone}']")).to_be_visible()
    await page.click("[data-action=assign-churn]")
    await page.locator("[data-dialog=confirm] [data-action=confirm]").click()
    await expect(page.locator(".toast-success")).to_be_visible()
    tasks = (await world.clerk_a.get("/api/v1/care/tasks")).json()
    assert gone in [task["customer_id"] for task in tasks]
    assert not tablet.errors


async def test_leaving_the_screen_cancels_an_open_confirmation(world, tablet):
    """Back with the churn list's question open: the question goes, and its bulk action never runs."""
    gone = await customer(world.clerk_a2, name="久未到店丁")
    await buy(world.clerk_a2, gone, local(150))
    await move("customer", gone, created_at=clock.now() - dt.timedelta(days=220))
    page = tablet.page
    assigned = []
    page.on("request", lambda request: assigned.append(request.url) if request.url.endswith("/churn-risk/assign") else None)
    await tablet.login("manager_a")
    await tablet.go("/reports?name=churn-risk")
    await page.select_option("[data-input=report]", "churn-risk")
    await expect(page.locator(f"[data-report-table=churn-risk] [data-customer-link='{gone}']")).to_be_visible()
    await page.click("[data-action=assign-churn]")
    dialog = page.locator("[data-dialog=confirm]")
    await expect(dialog).to_be_visible()
    await page.go_back()
    await expect(page.locator("[data-stats]")).to_be_visible()  # home, with no question left over it
    await expect(page.locator("dialog")).to_have_count(0)
    await page.locator("[data-quick=capture]").click()  # the page is usable: nothing modal remains
    await expect(page.locator("[data-input=phone]")).to_be_visible()
    await page.wait_for_timeout(300)
    assert assigned == []
    tasks = (await world.clerk_a2.get("/api/v1/care/tasks")).json()
    assert gone not in [task["customer_id"] for task in tasks]
    await tablet.shot("1024x768-zh-CN-dialog-closed-after-back")
