"""A clerk at the counter, online: log in, capture a customer, find them by phone tail, add a note."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.support.sms_dev import dev_sms_code
from tests.support.world import new_phone


async def notes_of(client, customer_id: int) -> list[str]:
    timeline = (await client.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    return [item["data"]["text"] for item in timeline if item["kind"] == "note"]


async def test_capture_find_by_tail_and_note(world, tablet):
    phone = new_phone("136")
    await tablet.login("clerk_a")
    await tablet.capture(phone, "林晓雨", tags=["学生"])
    page = tablet.page
    await expect(page).to_have_url(re.compile(r"#/customers/\d+$"))
    customer_id = int(page.url.rsplit("/", 1)[1])
    await expect(page.locator("[data-customer-phone]")).to_have_attribute("data-customer-phone", phone)

    await tablet.go("#/customers")
    await page.fill("[data-input=q]", phone[-4:])
    result = page.locator(f"[data-result='{customer_id}']")
    await expect(result).to_contain_text(f"{phone[:3]}****{phone[-4:]}")
    await result.click()
    await expect(page.locator("[data-customer-name]")).to_have_text("林晓雨")

    await tablet.add_note("想换大屏手机，下月合约到期")
    await expect(page.locator("[data-timeline] [data-kind=note]").first).to_contain_text("想换大屏手机")
    await tablet.expect_outbox(0)

    found = (await world.clerk_a.get("/api/v1/customers", params={"q": phone})).json()["items"]
    assert [c["id"] for c in found] == [customer_id]
    customer = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}")).json()
    assert customer["name"] == "林晓雨" and customer["tags"] == ["学生"]
    assert customer["responsible_clerk_id"] == world.staff["clerk_a"].id
    assert await notes_of(world.clerk_a, customer_id) == ["想换大屏手机，下月合约到期"]


async def test_capture_existing_phone_offers_the_customer(world, tablet):
    phone = new_phone("137")
    created = await world.clerk_a2.post("/api/v1/customers", json={"phone": phone, "name": "老客户"},
                                        headers={"Idempotency-Key": f"e2e-existing-{phone}"})
    assert created.status_code == 201
    await tablet.login("clerk_a")
    await tablet.go("#/capture")
    await tablet.page.fill("[data-input=phone]", phone)
    match = tablet.page.locator("[data-match]")
    await expect(match).to_contain_text("老客户")
    await expect(tablet.page.locator("[data-action=save]")).to_be_disabled()
    await match.locator("[data-action=open-existing]").click()
    await expect(tablet.page.locator("[data-customer-name]")).to_have_text("老客户")


async def test_capture_records_consent_with_clerk_as_channel(world, tablet):
    phone = new_phone("135")
    await tablet.login("clerk_a")
    await tablet.go("#/capture")
    page = tablet.page
    await page.fill("[data-input=phone]", phone)
    await page.fill("[data-input=name]", "周同意")
    await page.check("[data-input=consent_service]")
    await page.click("[data-action=save]")
    await expect(page.locator("[data-consent=service]")).to_have_attribute("data-state", "granted")
    await expect(page.locator("[data-consent=marketing]")).to_have_attribute("data-state", "none")
    customer_id = int(page.url.rsplit("/", 1)[1])
    export = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/export")).json()
    consents = export["consents"]
    assert consents and consents[0]["purpose"] == "service" and consents[0]["channel"] == "store"
    assert consents[0]["staff_id"] == world.staff["clerk_a"].id


async def test_edit_profile_sends_only_changes(world, tablet):
    phone = new_phone("150")
    await tablet.login("clerk_a")
    await tablet.capture(phone, "赵改名")
    page = tablet.page
    customer_id = int(page.url.rsplit("/", 1)[1])
    await page.click("[data-action=edit]")
    await page.locator("[data-section=product] summary").click()
    await page.fill("[data-input=plan]", "5G畅享 199元")
    await page.click("[data-action=save]")
    await expect(page.locator("[data-kv=plan] dd")).to_have_text("5G畅享 199元")
    timeline = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    updates = [item for item in timeline if item["kind"] == "updated"]
    assert [u["data"]["fields"] for u in updates] == ["plan"]


async def test_capture_phone_of_other_store_joins_this_store(world, tablet):
    phone = new_phone("182")
    created = await world.clerk_b.post("/api/v1/customers", json={"phone": phone, "name": "二厅客户"},
                                       headers={"Idempotency-Key": f"e2e-other-store-{phone}"})
    customer_id = created.json()["id"]
    await tablet.login("clerk_a")
    await tablet.go("#/capture")
    page = tablet.page
    await page.fill("[data-input=phone]", phone)
    await expect(page.locator("[data-phone-status=new]")).to_be_visible()  # not in this store's reach
    await page.check("[data-input=consent_marketing]")
    await page.click("[data-action=save]")
    offer = page.locator("[data-match=other-store]")
    await expect(offer).to_be_visible()
    await tablet.shot("capture-other-store-zh-CN")
    async with page.expect_response(lambda r: r.url.endswith("/api/v1/customers/follow") and r.status == 202) as sent:
        await offer.locator("[data-action=join-store]").click()
    ref = (await (await sent.value).json())["ref"]
    dialog = page.locator("[data-dialog=join-code]")  # the customer proves they are here with the code on their phone
    await expect(dialog).to_contain_text(f"{phone[:3]}****{phone[-4:]}")
    await tablet.shot("capture-join-code-zh-CN")
    code = dev_sms_code(ref)
    await dialog.locator("[data-input=join-code]").fill("000000" if code != "000000" else "111111")
    await dialog.locator("[data-action=confirm]").click()
    await expect(dialog.locator("[data-dialog-message]")).to_have_text("验证码不正确")
    assert (await world.clerk_a.get(f"/api/v1/customers/{customer_id}")).status_code == 404
    await dialog.locator("[data-input=join-code]").fill(code)
    await dialog.locator("[data-action=confirm]").click()
    await expect(page.locator("[data-customer-name]")).to_have_text("二厅客户")
    await tablet.expect_outbox(0)
    customer = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}")).json()
    assert world.store_a.id in customer["store_ids"]
    assert customer["consent"]["marketing"] is True


async def test_admin_names_the_home_store_when_capturing(world, tablet):
    from tests.conftest import ADMIN_PASSWORD

    phone = new_phone("183")
    await tablet.login("admin", password=ADMIN_PASSWORD)
    await tablet.go("#/capture")
    page = tablet.page
    await page.fill("[data-input=phone]", phone)
    await page.fill("[data-input=name]", "区域建档")
    await page.click("[data-action=save]")
    await expect(page.locator("[data-error=home_store_id]")).not_to_be_empty()
    await page.select_option("[data-input=home_store_id]", str(world.store_b.id))
    await page.click("[data-action=save]")
    await expect(page.locator("[data-customer-name]")).to_have_text("区域建档")
    [found] = (await world.clerk_b.get("/api/v1/customers", params={"q": phone})).json()["items"]
    assert found["home_store_id"] == world.store_b.id


async def test_export_and_erasure_request_from_customer_page(world, tablet):
    phone = new_phone("184")
    await tablet.login("clerk_a")
    await tablet.capture(phone, "要求删除")
    page = tablet.page
    async with page.expect_download() as download_info:
        await page.click("[data-action=export]")
    download = await download_info.value
    assert download.suggested_filename.endswith(".json")
    await page.click("[data-action=request-erasure]")
    await page.locator("[data-dialog=confirm] [data-action=confirm]").click()
    await expect(page.locator("[data-privacy-status]")).not_to_be_empty()
    customer_id = int(page.url.rsplit("/", 1)[1])
    timeline = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    assert [item["kind"] for item in timeline].count("erasure_requested") == 1


async def test_capture_refuses_a_day_that_does_not_exist_before_saving(world, tablet):
    await tablet.login("clerk_a")
    await tablet.go("#/capture")
    page = tablet.page
    await page.fill("[data-input=phone]", new_phone("185"))
    await page.select_option("[data-input=birth_month]", "2")
    await page.select_option("[data-input=birth_day]", "30")
    await page.click("[data-action=save]")
    await expect(page.locator("[data-error=birthday]")).not_to_be_empty()
    await tablet.expect_outbox(0)
    await page.locator("[data-segmented=birth_calendar] [data-value=lunar]").click()
    await page.click("[data-action=save]")  # 农历二月三十 exists in some years: the server decides
    await expect(page.locator("[data-customer-phone]")).to_be_visible()


async def test_capture_meeting_an_existing_customer_records_the_consent_given(world, tablet):
    """Captured offline while a colleague captured the same phone online: using the existing customer keeps what the
    customer agreed to at the counter, and tells the clerk which typed fields were not written over the profile."""
    phone = new_phone("184")
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.controlled()
    await tablet.offline(True)
    await tablet.go("#/capture")
    await page.fill("[data-input=phone]", phone)
    await page.fill("[data-input=name]", "重复建档")
    await page.check("[data-input=consent_marketing]")
    await page.click("[data-action=save]")
    await expect(page.locator("[data-customer-name]")).to_have_text("重复建档")
    created = await world.clerk_a2.post("/api/v1/customers", json={"phone": phone, "name": "同事建档"},
                                        headers={"Idempotency-Key": f"e2e-existing-{phone}"})
    customer_id = created.json()["id"]
    assert created.json()["consent"]["marketing"] is False
    await tablet.offline(False)
    await expect(page.locator("[data-outbox-count].has-refused")).to_be_visible(timeout=30_000)
    await tablet.go("#/outbox")
    await page.locator("[data-entry][data-state=refused] [data-action=use-existing]").click()
    await expect(page.locator("[data-customer-name]")).to_have_text("同事建档")  # the existing profile is not overwritten
    await expect(page.locator(".toast", has_text="未写入")).to_contain_text("姓名")  # told what was not written
    customer = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}")).json()
    assert customer["consent"]["marketing"] is True  # what the customer agreed to at the counter is recorded
