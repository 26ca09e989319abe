"""Managing the team on the staff screen: adding staff, deactivating, new passwords, the API's refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.conftest import ADMIN_PASSWORD
from tests.support.world import STAFF_PASSWORD, StaffClient, make_staff, new_phone

PORTRAIT = {"width": 768, "height": 1024}
SHOTS = Path("/tmp/helperG")


async def open_staff(app, username: str, password: str = STAFF_PASSWORD, lang: str = "zh-CN"):
    await app.login(username, password=password, lang=lang)
    await app.page.click("[data-nav='/staff']")
    await expect(app.page.locator("[data-staff-table]")).to_be_visible()
    return app.page


async def test_admin_adds_clerk_who_then_signs_in(world, tablet, tablets):
    page = await open_staff(tablet, "admin", ADMIN_PASSWORD)
    await page.select_option("[data-input=store-filter]", str(world.store_b.id))
    await expect(page.locator("[data-staff=clerk_a]")).to_have_count(0)
    await expect(page.locator("[data-staff=clerk_b]")).to_be_visible()
    await page.click("[data-action=add-staff]")
    dialog = page.locator("[data-dialog=staff-add]")
    await expect(dialog.locator("[data-field=password] .field-hint")).to_contain_text("8")  # the rule, before typing
    await expect(dialog.locator("[data-input=store_id]")).to_have_value(str(world.store_b.id))
    await dialog.locator("[data-input=display_name]").fill("新来的小王")
    await dialog.locator("[data-input=username]").fill("e2e_new_clerk")
    await dialog.locator("[data-input=employee_no]").fill("E2999")
    await dialog.locator("[data-input=password]").fill("welcome-2027")
    await dialog.locator("[data-input=password_again]").fill("welcome-2027")
    await dialog.locator("[data-action=confirm]").click()
    await expect(dialog).to_have_count(0)
    row = page.locator("[data-staff=e2e_new_clerk]")
    await expect(row).to_contain_text("新来的小王")
    await expect(row).to_contain_text("E2999")
    await expect(row).to_contain_text(world.store_b.name)

    clerk = await tablets()
    await clerk.login("e2e_new_clerk", password="welcome-2027")
    me = await clerk.page.evaluate("fetch('/api/v1/me').then((r) => r.json())")
    assert me["role"] == "clerk" and me["store_id"] == world.store_b.id


async def test_manager_deactivates_clerk_after_confirmation(world, tablet):
    staff = await make_staff("e2e_leaver", "clerk", world.store_a.id)
    phone = new_phone("176")
    created = await world.manager_a.post("/api/v1/customers", json={"phone": phone, "name": "留下的客户", "responsible_clerk_id": staff.id},
                                         headers={"Idempotency-Key": f"e2e-leaver-{phone}"})
    assert created.status_code == 201, created.text
    leaver = await StaffClient(world.url, "e2e_leaver").login()
    page = await open_staff(tablet, "manager_a")
    await expect(page.locator("[data-staff=manager_a] [data-action]")).to_have_count(0)  # a manager changes clerks only
    row = page.locator("[data-staff=e2e_leaver]")
    await row.locator("[data-action=deactivate]").click()
    dialog = page.locator("[data-dialog=confirm]")
    await expect(dialog).to_contain_text("立即退出")
    await expect(dialog).to_contain_text("客户仍归属门店")
    await expect(dialog).to_contain_text("其名下还有 1 位客户")  # and the handover is suggested
    await tablet.shot("staff-deactivate-confirm-zh-CN")
    await dialog.locator("[data-action=cancel]").click()
    assert (await leaver.get("/api/v1/me")).status_code == 200  # cancelled: still signed in

    await row.locator("[data-action=deactivate]").click()
    await page.locator("[data-dialog=confirm] [data-action=confirm]").click()
    await expect(row).to_have_attribute("data-active", "false")
    await expect(row.locator("[data-action=reactivate]")).to_be_visible()
    await expect(page.locator("[data-input=from]")).to_have_value(str(staff.id))  # the handover, ready to choose who takes over
    assert (await leaver.get("/api/v1/me")).status_code == 401
    again = await leaver.http.post("/api/v1/auth/login", json={"username": "e2e_leaver", "password": STAFF_PASSWORD})
    assert again.status_code == 401
    await leaver.close()


async def test_password_reset_lets_clerk_sign_in_with_new_password(world, tablet, tablets):
    await make_staff("e2e_forgot", "clerk", world.store_a.id)
    page = await open_staff(tablet, "manager_a")
    await page.locator("[data-staff=e2e_forgot] [data-action=reset-password]").click()
    dialog = page.locator("[data-dialog=staff-password]")
    await dialog.locator("[data-input=password]").fill("fresh-start-88")
    await dialog.locator("[data-input=password_again]").fill("fresh-start-99")
    await dialog.locator("[data-action=confirm]").click()
    await expect(dialog.locator("[data-error=password_again]")).not_to_be_empty()  # typed twice, differently
    await dialog.locator("[data-input=password_again]").fill("fresh-start-88")
    await dialog.locator("[data-action=confirm]").click()
    await expect(dialog).to_have_count(0)

    old = await StaffClient(world.url, "e2e_forgot").http.post(
        "/api/v1/auth/login", json={"username": "e2e_forgot", "password": STAFF_PASSWORD})
    assert old.status_code == 401
    clerk = await tablets()
    await clerk.login("e2e_forgot", password="fresh-start-88")


async def test_api_validation_errors_show_on_their_fields(world, tablet):
    page = await open_staff(tablet, "manager_a", lang="en")
    await page.click("[data-action=add-staff]")
    dialog = page.locator("[data-dialog=staff-add]")
    await dialog.locator("[data-input=display_name]").fill("Shorty")
    await dialog.locator("[data-input=username]").fill("e2e_shorty")
    await dialog.locator("[data-input=password]").fill("seven77")
    await dialog.locator("[data-input=password_again]").fill("seven77")
    await dialog.locator("[data-action=confirm]").click()
    await expect(dialog.locator("[data-error=password]")).to_contain_text("8")  # the API's length rule
    await dialog.locator("[data-input=username]").fill("clerk_a")
    await dialog.locator("[data-input=password]").fill("long-enough-1")
    await dialog.locator("[data-input=password_again]").fill("long-enough-1")
    await dialog.locator("[data-action=confirm]").click()
    await expect(dialog.locator("[data-error=username]")).to_contain_text("clerk_a")
    await expect(dialog.locator("[data-error=password]")).to_be_empty()
    assert all(m["username"] != "e2e_shorty" for m in (await world.manager_a.get("/api/v1/store-staff")).json())


async def test_last_admin_demotion_refused_with_the_api_message(world, tablet):
    page = await open_staff(tablet, "admin", ADMIN_PASSWORD, lang="en")
    row = page.locator("[data-staff=admin]")
    await expect(row.locator("[data-action=deactivate]")).to_have_count(0)  # nobody deactivates themselves
    await row.locator("[data-action=edit-staff]").click()
    dialog = page.locator("[data-dialog=staff-edit]")
    await dialog.locator("[data-input=role]").select_option("manager")
    await dialog.locator("[data-input=store_id]").select_option(str(world.store_a.id))
    await dialog.locator("[data-action=confirm]").click()
    await expect(dialog.locator("[data-error=role]")).to_contain_text("last active admin")
    assert (await world.admin.get("/api/v1/me")).json()["role"] == "admin"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_staff_screen_fits_a_portrait_tablet(world, tablets, lang):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for who, password in (("manager_a", STAFF_PASSWORD), ("admin", ADMIN_PASSWORD)):
        app = await tablets(PORTRAIT)
        page = await open_staff(app, who, password, lang=lang)
        actions = page.locator("[data-staff=clerk_a] [data-action=reset-password]")
        await expect(actions).to_be_in_viewport()
        await app.page.screenshot(path=str(SHOTS / f"staff-{who}-{lang}.png"))
        await page.click("[data-action=add-staff]")
        await expect(page.locator("[data-dialog=staff-add] [data-action=confirm]")).to_be_in_viewport()
        await app.page.screenshot(path=str(SHOTS / f"staff-add-{who}-{lang}.png"))
        await page.locator("[data-dialog=staff-add] [data-action=cancel]").click()
        await page.locator("[data-staff=clerk_a2] [data-action=deactivate]").click()
        await expect(page.locator("[data-dialog=confirm]")).to_be_visible()
        await app.page.screenshot(path=str(SHOTS / f"staff-deactivate-{who}-{lang}.png"))
        await page.locator("[data-dialog=confirm] [data-action=cancel]").click()
