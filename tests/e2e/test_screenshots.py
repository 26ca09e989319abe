"""Screenshots of the main screens, zh-CN and en, at tablet sizes (and a phone), kept as artefacts
under var/test-artifacts/screenshots/. Each screen is also checked for what a clerk must see."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import PHONE, TABLET, TABLET_WIDE
from tests.support.world import new_phone

SIZES = {"1024x768": TABLET, "1280x800": TABLET_WIDE}


@pytest.fixture(scope="module")
async def showcase(world) -> int:
    """A customer worth looking at: tags, product usage, consent, a note."""
    phone = new_phone("138")
    created = await world.clerk_a.post("/api/v1/customers", headers={"Idempotency-Key": f"e2e-showcase-{phone}"}, json={
        "phone": phone, "name": "陈思远", "gender": "female",
        "birthday": {"calendar": "lunar", "month": 8, "day": 15, "year": 1992},
        "occupation": "教师", "interests": ["摄影", "旅游"], "tags": ["合约将到期", "换机意向", "家庭用户"],
        "plan": "5G畅享 129元", "monthly_spend_fen": 15800, "device_model": "华为 Mate 60",
        "device_purchased_on": "2023-09-20", "contract_end_on": "2026-12-31", "broadband": True, "family_lines": 2,
        "consents": [{"purpose": "service", "granted": True, "notice_version": "2026-11"}],
    })
    customer_id = created.json()["id"]
    await world.clerk_a.post(f"/api/v1/customers/{customer_id}/notes", json={"text": "想给父母办副卡，周末带家人来店"})
    return customer_id


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize("size", list(SIZES))
async def test_main_screens(world, showcase, tablets, lang, size):
    app = await tablets(SIZES[size])
    page = app.page
    name = lambda screen: f"{size}-{lang}-{screen}"  # noqa: E731
    await app.open(lang)
    await expect(page.locator("[data-action=login]")).to_be_visible()
    await app.shot(name("login"))
    await app.login("manager_a", lang=lang)
    await expect(page.locator("[data-stat=captured-today] .stat-value")).not_to_have_text("—")
    await app.shot(name("home"))

    await app.go("#/capture")
    await page.fill("[data-input=phone]", new_phone("159"))
    await page.fill("[data-input=name]", "王小明" if lang == "zh-CN" else "Wang Xiaoming")
    await page.locator("[data-segmented=gender] [data-value=male]").click()
    await expect(page.locator("[data-phone-status=new]")).to_be_visible()
    await app.shot(name("capture"))

    await app.go("#/customers?q=陈思远")
    await expect(page.locator(f"[data-result='{showcase}']")).to_be_visible()
    await app.shot(name("search"))

    await app.go(f"#/customers/{showcase}")
    await expect(page.locator("[data-timeline] [data-kind=note]")).to_be_visible()
    await expect(page.locator("[data-consent=service]")).to_have_attribute("data-state", "granted")
    contract_end = "2026/12/31" if lang == "zh-CN" else "12/31/2026"  # as the app writes every date
    await expect(page.locator("[data-kv=contract_end_on] dd")).to_have_text(contract_end)
    await app.shot(name("customer"))
    await app.shot(name("customer-full"), full_page=True)

    await app.go(f"#/customers/{showcase}/edit")
    await expect(page.locator("[data-input=plan]")).to_have_value("5G畅享 129元")
    await app.shot(name("edit"))

    await app.go("#/staff")
    await expect(page.locator("[data-staff-table] [data-staff=clerk_a]")).to_be_visible()
    await app.shot(name("staff"))

    await app.go("#/import")
    await expect(page.locator("[data-action=dry-run]")).to_be_visible()
    await app.shot(name("import"))

    await app.go("#/reports")
    await expect(page.locator("[data-report-table]")).to_be_visible()
    await app.shot(name("reports"))

    await app.go("#/outbox")
    await expect(page.locator("[data-outbox-list]")).to_be_attached()
    await app.shot(name("outbox"))


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_phone_screens(world, showcase, tablets, lang):
    app = await tablets(PHONE)
    page = app.page
    await app.login("clerk_a", lang=lang)
    await app.shot(f"phone-{lang}-home")
    await app.go("#/capture")
    await page.fill("[data-input=phone]", new_phone("159"))
    await expect(page.locator("[data-phone-status=new]")).to_be_visible()
    await app.shot(f"phone-{lang}-capture")
    await app.go(f"#/customers/{showcase}")
    await expect(page.locator("[data-customer-name]")).to_be_visible()
    await app.shot(f"phone-{lang}-customer")
    # one column: the tabs a counter needs come right after who the customer is, before the profile's details
    tops = await page.evaluate("""() => ['.profile', '[data-tabs]', '[data-consent]']
        .map(selector => document.querySelector(selector).getBoundingClientRect().top)""")
    assert tops == sorted(tops), tops
    # the bottom bar scrolls sideways: the current screen's item is brought into view
    await app.go("#/inbox")
    box = await page.locator("[data-nav='/inbox']").bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], box
    await app.shot(f"phone-{lang}-inbox")
    # Every control a finger taps is at least 44 px high (links inside text excepted).
    small = await page.evaluate("""() => [...document.querySelectorAll('button, .btn, input:not([type=checkbox]), select, .nav-item')]
        .filter(el => el.offsetParent !== null)
        .map(el => [el.dataset.action || el.dataset.input || el.className, el.getBoundingClientRect().height])
        .filter(([, height]) => height < 44)""")
    assert small == []
