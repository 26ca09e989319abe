"""A store manager: the team, handing a clerk's customers over, importing a billing export."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.support.world import new_phone


async def test_clerk_sees_no_manager_screens(world, tablet):
    await tablet.login("clerk_a")
    await expect(tablet.page.locator("[data-nav='/capture']")).to_be_visible()
    await expect(tablet.page.locator("[data-nav='/staff']")).to_have_count(0)
    await expect(tablet.page.locator("[data-nav='/import']")).to_have_count(0)


async def test_handover_after_confirmation(world, tablet):
    ids = []
    for n in range(2):
        phone = new_phone("177")
        response = await world.manager_a.post(
            "/api/v1/customers", json={"phone": phone, "name": f"交接客户{n}", "responsible_clerk_id": world.staff["clerk_a2"].id},
            headers={"Idempotency-Key": f"e2e-handover-{phone}"})
        ids.append(response.json()["id"])
    page = tablet.page
    await tablet.login("manager_a")
    await page.click("[data-nav='/staff']")
    table = page.locator("[data-staff-table]")
    await expect(table.locator("[data-staff=clerk_a]")).to_be_visible()
    await expect(table.locator("[data-staff=clerk_b]")).to_have_count(0)  # another store's clerk
    await page.select_option("[data-input=from]", str(world.staff["clerk_a2"].id))
    await page.select_option("[data-input=to]", str(world.staff["clerk_a"].id))
    await page.click("[data-action=handover]")
    dialog = page.locator("[data-dialog=confirm]")
    await expect(dialog).to_contain_text("clerk_a2 名")
    await tablet.shot("handover-confirm-zh-CN")
    await dialog.locator("[data-action=cancel]").click()
    for customer_id in ids:  # cancelled: nothing moved
        customer = (await world.manager_a.get(f"/api/v1/customers/{customer_id}")).json()
        assert customer["responsible_clerk_id"] == world.staff["clerk_a2"].id

    await page.click("[data-action=handover]")
    await page.locator("[data-dialog=confirm] [data-action=confirm]").click()
    await expect(page.locator("[data-handover-result]")).to_contain_text(re.compile(r"[2-9]|\d\d"))
    for customer_id in ids:
        customer = (await world.manager_a.get(f"/api/v1/customers/{customer_id}")).json()
        assert customer["responsible_clerk_id"] == world.staff["clerk_a"].id


def billing_export(path, good_phones: list[str]) -> None:
    """A billing-system export in its usual shape: good rows of store XX001 and three bad rows."""
    header = "客户姓名,手机号码,性别,出生日期,生日历法,套餐名称,月均消费(元),终端型号,归属营业厅编码,标签"
    rows = [f"导入客户{n},{phone},女,1990-0{n + 1}-15,公历,5G畅享套餐129元,129.00,华为 nova 13,XX001,换机潜客|商务"
            for n, phone in enumerate(good_phones)]
    rows += [
        "短号码,1380013,男,,,,,,XX001,",
        "不存在的生日,13912345670,男,1990-02-30,公历,,,,XX001,",
        "别的门店,13912345671,男,,,,,,XX002,",
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8-sig")


async def test_import_dry_run_then_real_run(world, tablet, tmp_path):
    phones = [new_phone("134") for _ in range(4)]
    sample = tmp_path / "billing-export.csv"
    billing_export(sample, phones)
    page = tablet.page
    await tablet.login("manager_a")
    await page.click("[data-nav='/import']")
    await page.set_input_files("[data-input=file]", str(sample))
    await expect(page.locator("[data-action=real-run]")).to_be_disabled()
    await page.click("[data-action=dry-run]")
    dry = page.locator("[data-import-counts=dry]")
    await expect(dry).to_be_visible(timeout=30_000)
    await expect(dry.locator("[data-stat=created] .stat-value")).to_have_text("4")
    await expect(dry.locator("[data-stat=failed] .stat-value")).to_have_text("3")
    errors = page.locator("table[data-import-errors] tbody tr")
    await expect(errors).to_have_count(3)
    await expect(errors.first).to_contain_text("1380013")
    await tablet.shot("import-dry-run-zh-CN", full_page=True)
    assert (await world.manager_a.get("/api/v1/customers", params={"q": phones[0]})).json()["items"] == []

    await page.click("[data-action=real-run]")
    await page.locator("[data-dialog=confirm] [data-action=confirm]").click()
    real = page.locator("[data-import-counts=real]")
    await expect(real).to_be_visible(timeout=30_000)
    await expect(real.locator("[data-stat=created] .stat-value")).to_have_text("4")
    await expect(page.locator("[data-import-progress] [role=progressbar]")).to_have_attribute("aria-valuenow", "100")
    for phone in phones:
        assert len((await world.manager_a.get("/api/v1/customers", params={"q": phone})).json()["items"]) == 1


async def test_import_names_ignored_columns_and_an_unreadable_file_in_words(world, tablet, tmp_path):
    extra = tmp_path / "with-extra-column.csv"
    extra.write_text(f"手机号码,姓名,归属营业厅编码,会员等级\n{new_phone('134')},新客,XX001,金卡\n", encoding="utf-8")
    unreadable = tmp_path / "not-a-sheet.xlsx"
    unreadable.write_bytes(b"this is not a spreadsheet")
    page = tablet.page
    await tablet.login("manager_a")
    await page.click("[data-nav='/import']")
    await page.set_input_files("[data-input=file]", str(extra))
    await page.click("[data-action=dry-run]")
    dry = page.locator("[data-import-counts=dry]")
    await expect(dry.locator("[data-stat=created] .stat-value")).to_have_text("1", timeout=30_000)
    await expect(page.locator("[data-import-warnings='1']")).to_contain_text("会员等级")
    await expect(page.locator("[data-import-errors='0']")).to_be_visible()  # a warning is no row's error

    await page.set_input_files("[data-input=file]", str(unreadable))
    await page.click("[data-action=dry-run]")
    failed = page.locator("[data-import-failed]")
    await expect(failed).to_be_visible(timeout=30_000)
    assert len(await failed.locator("p").all_inner_texts()) == 2  # what happened, and why
    await expect(page.locator("[data-import-counts]")).to_have_count(0)
    await expect(page.locator("[data-import-progress]")).to_be_hidden()


async def test_reports_show_table_chart_and_downloads(world, tablet):
    page = tablet.page
    await tablet.login("manager_a")
    await page.click("[data-nav='/reports']")
    await page.select_option("[data-input=report]", "profiles")  # the menu opens on the first report by name
    table = page.locator("[data-report-table=profiles]")
    await expect(table).to_be_visible()
    await expect(page.locator("[data-chart=completeness] .bar-row")).to_have_count(5)
    await expect(table.locator("tbody tr")).to_have_count(1)  # the manager's own store only
    await expect(table.locator("tbody tr").first).to_contain_text("测试一厅")
    href = await page.locator("a[href*='format=csv']").get_attribute("href")
    csv = await world.manager_a.get(href)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    await tablet.shot("reports-zh-CN", full_page=True)


# How much of a select's chosen text does not fit its box (the arrow takes about 24 px): 0 or less when it fits.
SELECT_OVERFLOW = """select => {
  const style = getComputedStyle(select);
  const pen = document.createElement('canvas').getContext('2d');
  pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
  return pen.measureText(select.options[select.selectedIndex].text).width - room;
}"""


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_reports_named_alike_in_menu_and_heading_and_fit_a_portrait_tablet(world, tablets, lang):
    app = await tablets({"width": 768, "height": 1024})
    page = app.page
    await app.login("manager_a", lang=lang)
    await app.go("#/reports")
    menu = page.locator("[data-input=report]")
    await expect(page.locator("[data-report-table]")).to_be_visible()
    names = await menu.locator("option").evaluate_all("options => options.map((o) => [o.value, o.text])")
    assert len(names) >= 11
    for name, label in names:
        await menu.select_option(name)
        await expect(page.locator(f"[data-report-table='{name}']")).to_be_visible()
        heading = await page.locator(".report-title").evaluate("h => h.firstChild.textContent")
        assert heading == label, name
        assert await menu.evaluate(SELECT_OVERFLOW) <= 0, (name, label)
    assert await page.locator("[data-input=clerk]").evaluate(SELECT_OVERFLOW) <= 0
    await menu.select_option("coupons")  # a report over a date range (the last ones are as of today: no dates)
    await expect(page.locator("[data-report-table=coupons]")).to_be_visible()
    for control in ("from", "to", "clerk"):
        assert (await page.locator(f"[data-input={control}]").bounding_box())["width"] >= 160, control

    # A table wider than the screen says so, and shades the edge that has more columns beyond it.
    await menu.select_option("profiles")
    card = page.locator("[data-report-table=profiles]").locator("xpath=..")
    await expect(page.locator("[data-scroll-hint]")).to_be_visible()
    await expect(page.locator(".scroller")).to_have_attribute("data-more", "right")
    await app.shot(f"768x1024-{lang}-reports-portrait", full_page=True)
    await card.evaluate("box => box.scrollTo({ left: box.scrollWidth })")
    await expect(page.locator(".scroller")).to_have_attribute("data-more", "left")
    await page.set_viewport_size({"width": 1280, "height": 800})
    await menu.select_option("retention")  # four columns, room for all: no line, no shade
    await expect(page.locator("[data-report-table=retention]")).to_be_visible()
    await expect(page.locator("[data-scroll-hint]")).to_be_hidden()
    await expect(page.locator(".scroller")).to_have_attribute("data-more", "")
