"""A profile edit saved offline meets a colleague's newer change of the same field: the replay is refused,
the clerk sees theirs against mine on that customer and chooses; a field nobody else touched goes through."""

from __future__ import annotations

from playwright.async_api import expect

from tests.support.world import new_phone


async def profile(client, customer_id: int) -> dict:
    return (await client.get(f"/api/v1/customers/{customer_id}")).json()


async def edit_offline(tablet, name: str, tag: str | None = None) -> None:
    page = tablet.page
    await tablet.offline(True)
    await page.click("[data-action=edit]")
    await page.fill("[data-input=name]", name)
    if tag:
        await page.fill("[data-input=tags_new]", tag)
        await page.press("[data-input=tags_new]", "Enter")
    await page.click("[data-action=save]")
    await expect(page.locator("[data-pending-list] [data-pending]")).to_have_count(1)
    await tablet.expect_outbox(1)


async def test_offline_edit_over_colleagues_change_shows_conflict_and_applies_mine(world, tablet):
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.controlled()
    await tablet.capture(new_phone("150"), "原来的名字")
    customer_id = int(page.url.rsplit("/", 1)[1])

    await edit_offline(tablet, "我离线改的")
    colleague = await world.clerk_a2.patch(f"/api/v1/customers/{customer_id}", json={"name": "同事改的"})
    assert colleague.status_code == 200

    await tablet.offline(False)
    await expect(page.locator("[data-outbox-count].has-refused")).to_be_visible(timeout=30_000)
    assert (await profile(world.clerk_a, customer_id))["name"] == "同事改的"  # not written over
    conflict = page.locator("[data-pending-list] [data-conflict]")
    await expect(conflict.locator("[data-conflict-field=name] [data-theirs]")).to_have_text("同事改的")
    await expect(conflict.locator("[data-conflict-field=name] [data-mine]")).to_have_text("我离线改的")
    await tablet.shot("profile-conflict-zh-CN")

    await conflict.locator("[data-action=apply-mine]").click()
    await tablet.expect_outbox(0)
    assert (await profile(world.clerk_a, customer_id))["name"] == "我离线改的"
    await expect(page.locator("[data-customer-name]")).to_have_text("我离线改的")


async def test_offline_edit_conflict_keep_theirs_in_outbox_sends_the_rest(world, tablet):
    page = tablet.page
    await tablet.login("clerk_a", lang="en")
    await tablet.controlled()
    await tablet.capture(new_phone("151"), "Original")
    customer_id = int(page.url.rsplit("/", 1)[1])

    await edit_offline(tablet, "Mine offline", tag="VIP")
    colleague = await world.clerk_a2.patch(f"/api/v1/customers/{customer_id}", json={"name": "Theirs", "plan": "5G 129"})
    assert colleague.status_code == 200

    await tablet.offline(False)
    await expect(page.locator("[data-outbox-count].has-refused")).to_be_visible(timeout=30_000)
    await tablet.go("#/outbox")
    entry = page.locator("[data-entry][data-state=refused]")
    await expect(entry.locator("[data-problem]")).to_have_attribute("data-problem", "customer.changed_meanwhile")
    await expect(entry.locator("[data-problem]")).to_contain_text("name")
    await expect(entry.locator("[data-conflict-field]")).to_have_count(1)  # the tag nobody else touched is no conflict
    await expect(entry.locator("[data-conflict-field=name] [data-theirs]")).to_have_text("Theirs")
    await expect(entry.locator("[data-action=retry]")).to_have_count(0)
    await tablet.shot("outbox-profile-conflict-en")

    await entry.locator("[data-action=keep-theirs]").click()
    await tablet.expect_outbox(0)
    after = await profile(world.clerk_a, customer_id)
    assert (after["name"], after["plan"], after["tags"]) == ("Theirs", "5G 129", ["VIP"])


async def test_online_edit_after_colleagues_change_offers_the_choice_in_the_form(world, tablet):
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.controlled()
    await tablet.capture(new_phone("152"), "在线原名")
    customer_id = int(page.url.rsplit("/", 1)[1])

    await page.click("[data-action=edit]")
    await page.fill("[data-input=name]", "我在线改的")
    assert (await world.clerk_a2.patch(f"/api/v1/customers/{customer_id}", json={"name": "同事抢先"})).status_code == 200
    await page.click("[data-action=save]")
    slot = page.locator("[data-conflict-slot] [data-conflict]")
    await expect(slot.locator("[data-conflict-field=name] [data-theirs]")).to_have_text("同事抢先")
    await expect(page.locator("[data-message]")).to_contain_text("姓名")

    await slot.locator("[data-action=keep-theirs]").click()
    await expect(page.locator("[data-customer-name]")).to_have_text("同事抢先")
    await tablet.expect_outbox(0)
    assert (await profile(world.clerk_a, customer_id))["name"] == "同事抢先"
