"""The Reports screen as a store manager uses it: only the latest choice is shown and downloaded, downloads in the
app's language, the date range only where the report reads it, nothing said twice for a single store."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from regulars.core import clock
from tests.support.reports import buy, customer, local, move

SHOTS = Path("/tmp/helperE")


async def test_late_answer_to_an_earlier_choice_is_not_shown(world, tablet):
    """The first report answers slowly; the manager meanwhile picks another: the table and downloads stay the second's."""
    page = tablet.page
    held = asyncio.Event()

    async def slow(route):
        held.set()
        await asyncio.sleep(2)
        await route.continue_()

    await page.route("**/api/v1/reports/profiles?*", slow)
    await tablet.login("manager_a")
    async with page.expect_response(lambda response: "/api/v1/reports/profiles?" in response.url, timeout=20_000):
        await tablet.go("/reports?name=profiles")
        await asyncio.wait_for(held.wait(), 20)
        await expect(page.locator("[data-report-output]")).to_have_text("正在计算…")
        await expect(page.locator("a[href*='format=csv']")).to_have_count(0)  # nothing to download before an answer
        await page.select_option("[data-input=report]", "coupons")
        await expect(page.locator("[data-report-table=coupons]")).to_be_visible()
    await page.wait_for_timeout(500)  # the late answer has arrived: it must change nothing
    await expect(page.locator("[data-report-table=coupons]")).to_be_visible()
    await expect(page.locator("[data-report-table=profiles]")).to_have_count(0)
    await expect(page.locator("[data-report-output]")).not_to_contain_text("正在计算…")
    assert "/api/v1/reports/coupons?" in await page.locator("a[href*='format=csv']").get_attribute("href")
    assert "/api/v1/reports/coupons?" in await page.locator("a[href*='format=xlsx']").get_attribute("href")
    assert "name=coupons" in page.url


async def test_assigning_churn_tasks_counts_the_task_badge_again(world, tablet):
    gone = await customer(world.clerk_a, name="久未到店戊")
    await buy(world.clerk_a, gone, local(130))
    await move("customer", gone, created_at=clock.now() - dt.timedelta(days=210))
    page = tablet.page
    await tablet.login("manager_a")
    await tablet.go("/reports?name=churn-risk")
    await page.select_option("[data-input=report]", "churn-risk")
    await expect(page.locator(f"[data-report-table=churn-risk] [data-customer-link='{gone}']")).to_be_visible()
    await page.click("[data-action=assign-churn]")
    async with page.expect_request(lambda request: request.url.endswith("/api/v1/care/tasks"), timeout=5_000):
        await page.locator("[data-dialog=confirm] [data-action=confirm]").click()
        await expect(page.locator(".toast-success")).to_be_visible()
    tasks = (await world.manager_a.get("/api/v1/care/tasks")).json()
    open_ = len([task for task in tasks if task["status"] == "open"])
    await expect(page.locator("[data-nav-badge=tasks]")).to_have_attribute("data-count", str(open_))


async def test_download_in_the_app_language_not_the_browser_one(world, tablet):
    page = tablet.page
    await tablet.login("manager_a", lang="en")  # the browser itself says zh-CN
    await tablet.go("/reports?name=profiles")
    await page.select_option("[data-input=report]", "profiles")
    await expect(page.locator("[data-report-table=profiles]")).to_be_visible()
    async with page.expect_download() as info:
        await page.click("a[href*='format=csv']")
    download = await info.value
    assert download.suggested_filename == "profiles.csv"
    header = Path(await download.path()).read_text(encoding="utf-8-sig").splitlines()[0]
    assert "Store" in header and "门店" not in header, header


async def test_date_range_shown_only_where_the_report_reads_it(world, tablet):
    page = tablet.page
    await tablet.login("manager_a")
    await tablet.go("/reports?name=churn-risk")
    await page.select_option("[data-input=report]", "churn-risk")
    await expect(page.locator("[data-report-table=churn-risk]")).to_be_visible()
    await expect(page.locator("[data-field=from]")).to_be_hidden()
    await expect(page.locator("[data-field=to]")).to_be_hidden()
    await expect(page.locator("[data-as-of-today]")).to_be_visible()
    await page.select_option("[data-input=report]", "profiles")
    await expect(page.locator("[data-report-table=profiles]")).to_be_visible()
    await expect(page.locator("[data-field=from]")).to_be_hidden()
    await expect(page.locator("[data-field=to] .field-label")).to_have_text("截至日期")
    await expect(page.locator(".report-title small")).to_contain_text("截至")
    await page.select_option("[data-input=report]", "coupons")
    await expect(page.locator("[data-report-table=coupons]")).to_be_visible()
    await expect(page.locator("[data-field=from]")).to_be_visible()
    await expect(page.locator("[data-field=to] .field-label")).to_have_text("结束日期")
    await expect(page.locator("[data-as-of-today]")).to_be_hidden()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_single_store_report_says_nothing_twice(world, tablet, lang):
    first = await customer(world.clerk_a, name="完整度甲")
    await buy(world.clerk_a, first, local(3))
    page = tablet.page
    await tablet.login("manager_a", lang=lang)
    await tablet.go("/reports?name=profiles")
    await page.select_option("[data-input=report]", "profiles")
    table = page.locator("[data-report-table=profiles]")
    await expect(table.locator("tbody tr")).to_have_count(1)
    await expect(table.locator("tfoot")).to_have_count(0)  # the totals of one store repeat its row
    completeness = table.locator("tbody tr td").nth(2)
    await expect(completeness).to_have_text(re.compile(r"^\d+%$"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"1024x768-{lang}-profiles.png"), full_page=True)
    await page.select_option("[data-input=report]", "stores")
    await expect(page.locator("[data-report-table=stores] tbody tr")).to_have_count(1)
    await expect(page.locator("[data-chart]")).to_have_count(0)  # a ranking of one store
    await expect(page.locator("[data-report-table=stores] tfoot")).to_have_count(0)
    await page.screenshot(path=str(SHOTS / f"1024x768-{lang}-stores.png"), full_page=True)
    for name in ("coupons", "churn-risk", "repurchase"):
        await page.select_option("[data-input=report]", name)
        await expect(page.locator(f"[data-report-table={name}]")).to_be_visible()
        await page.screenshot(path=str(SHOTS / f"1024x768-{lang}-{name}.png"), full_page=True)
