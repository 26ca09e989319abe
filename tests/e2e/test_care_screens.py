"""Care in the staff app: a manager sets up "birthday care with a gift coupon" and "contract ending in 30 days:
call" on the screens and plans them; a clerk works the call task with one tap; the inbox shows messages and
alerts and marks them read; the push switch subscribes where the browser can and explains where it cannot."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import secrets

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.async_api import expect

from regulars.care import alerts
from regulars.core import clock
from regulars.core.db import raw
from regulars.messaging import inbox
from tests.e2e.conftest import PHONE, TABLET, TABLET_WIDE
from tests.e2e.coupons_support import make_template
from tests.support.care import customer, give_task

TODAY = clock.today_in("Asia/Shanghai")
SIZES = {"1024x768": TABLET, "1280x800": TABLET_WIDE}


async def new_segment(page, name: str, tag: str) -> None:
    await page.click("[data-action=new-segment]")
    dialog = page.locator("[data-dialog=segment]")
    await dialog.locator("[data-input=segment_name]").fill(name)
    await dialog.locator("[data-input=segment_tags]").fill(tag)
    await dialog.locator("[data-action=confirm]").click()
    await expect(dialog).to_have_count(0)
    await expect(page.locator("[data-input=segment] option:checked")).to_have_text(name)


async def plan_from_list(page, name: str) -> tuple[int, int]:
    row = page.locator("[data-campaign-table] [data-campaign]", has_text=name)
    await expect(row).to_have_attribute("data-status", "active")
    await row.locator("[data-action=plan]").click()
    await expect(page.locator("[data-dialog=confirm]")).to_contain_text(name)
    await page.locator("[data-dialog=confirm] [data-action=confirm]").click()
    answer = page.locator("[data-dialog=planned] [data-planned]")
    await expect(answer).to_be_visible()
    planned = int(await answer.get_attribute("data-planned"))
    holdout = int(await answer.get_attribute("data-holdout") or 0)
    await page.locator("[data-dialog=planned] [data-action=confirm]").click()
    return planned, holdout


async def campaign_named(client, name: str) -> dict:
    [found] = [c for c in (await client.get("/api/v1/care/campaigns")).json() if c["name"] == name]
    return (await client.get(f"/api/v1/care/campaigns/{found['id']}")).json()


async def test_manager_sets_up_birthday_care_with_gift_coupon(world, tablet):
    gift = await make_template(world.manager_a, name_zh="生日蛋糕券", name_en="Birthday cake", kind="gift", item="生日蛋糕",
                               amount_off_fen=None, purpose="care")
    birthday_today = await customer(world, "clerk_a", birthday=("solar", TODAY.month, TODAY.day), tags=["e2e-birthday"], name="寿星")
    await customer(world, "clerk_a", birthday=("solar", TODAY.month, TODAY.day), tags=["e2e-birthday"], marketing=False)
    page = tablet.page
    await tablet.login("manager_a")
    await page.click("[data-nav='/campaigns']")
    await page.click("[data-action=new-campaign]")
    await page.fill("[data-input=name]", "生日关怀送礼券")
    await expect(page.locator("[data-input=occasion]")).to_have_value("birthday")
    await new_segment(page, "生日测试客户", "e2e-birthday")
    await page.fill("[data-input=msg_zh_title]", "{{ name }}，生日快乐")
    await page.fill("[data-input=msg_zh_body]", "送您一张{{ coupon_name }}，{{ coupon_last_day }} 前到店领取。")
    await page.fill("[data-input=msg_en_title]", "Happy birthday, {{ name }}")
    await page.fill("[data-input=msg_en_body]", "A {{ coupon_name }} for you, until {{ coupon_last_day }}.")
    await page.select_option("[data-input=coupon_template_id]", str(gift["id"]))
    await page.click("[data-action=save-active]")
    await expect(page.locator("[data-campaign-table] [data-campaign]", has_text="生日关怀送礼券")).to_contain_text("生日")

    made = await campaign_named(world.manager_a, "生日关怀送礼券")
    assert (made["occasion"]["kind"], made["status"], made["purpose"], made["coupon_template_id"]) == (
        "birthday", "active", "marketing", gift["id"])
    assert made["message"]["templates"]["en"]["title"] == "Happy birthday, {{ name }}"
    assert made["holdout_percent"] == 10.0 and made["channels"] == ["push", "inbox", "sms"]
    segment = (await world.manager_a.get(f"/api/v1/care/segments/{made['segment_id']}")).json()
    assert segment["filters"]["tags_any"] == ["e2e-birthday"] and segment["size"] == 2

    planned, holdout = await plan_from_list(page, "生日关怀送礼券")
    rows = await raw("SELECT customer, status FROM care_outbox WHERE campaign = {}", made["id"])
    assert planned == 1 and [r["customer"] for r in rows] == [birthday_today]  # the one with marketing consent
    assert holdout == sum(r["status"] == "holdout" for r in rows)
    planned_again, _ = await plan_from_list(page, "生日关怀送礼券")
    assert planned_again == 0
    await expect(page.locator("[data-campaign-table] [data-campaign]", has_text="生日关怀送礼券")).to_be_visible()
    # one customer planned: the effect says it is too early to tell, never a 0-to-0 interval
    await page.locator("[data-campaign-table] [data-campaign]", has_text="生日关怀送礼券").locator(
        "[data-action=open-campaign]").click()
    await expect(page.locator("[data-uplift-interval=too_few]")).to_contain_text("人数太少")


async def test_contract_ending_call_planned_then_clerk_records_outcome(world, tablets):
    contract = TODAY + dt.timedelta(days=30)
    someone = await customer(world, "clerk_a", name="合约客户", tags=["e2e-contract"], contract_end_on=contract, marketing=False)
    manager = await tablets()
    page = manager.page
    await manager.login("manager_a", lang="en")
    await manager.go("#/campaigns/new")
    await page.fill("[data-input=name]", "Contract ending in 30 days: call")
    await page.select_option("[data-input=occasion]", "contract_end")
    offsets = page.locator("[data-toggles=offsets]")
    await expect(offsets.locator("[data-value='60']")).to_have_attribute("aria-pressed", "true")
    await offsets.locator("[data-value='60']").click()
    await offsets.locator("[data-value='7']").click()
    await page.locator("[data-segmented=purpose] [data-value=service]").click()
    await new_segment(page, "Contract customers", "e2e-contract")
    await page.fill("[data-input=holdout_percent]", "0")
    await page.uncheck("[data-input=use_message]")
    await page.check("[data-input=use_task]")
    await page.fill("[data-input=script_zh]", "您好{{ name }}，您的合约将于 {{ contract_end_on }} 到期，为您介绍续约优惠。")
    await page.fill("[data-input=script_en]", "Hello {{ name }}, your contract ends on {{ contract_end_on }}: offer the renewal.")
    await page.fill("[data-input=due_days]", "3")
    await page.click("[data-action=save-active]")
    await expect(page.locator("[data-campaign-table] [data-campaign]", has_text="Contract ending in 30 days: call")).to_contain_text("30 days before")
    made = await campaign_named(world.manager_a, "Contract ending in 30 days: call")
    assert made["occasion"] == {"kind": "contract_end", "offsets": [30]}
    assert (made["purpose"], made["holdout_percent"], made["message"], made["task"]["due_days"]) == ("service", 0.0, None, 3)

    planned, holdout = await plan_from_list(page, "Contract ending in 30 days: call")
    assert (planned, holdout) == (1, 0)
    task = None
    for _ in range(60):  # the server's dispatcher turns the planned row into the clerk's task within seconds
        task = next((t for t in (await world.clerk_a.get("/api/v1/care/tasks")).json() if t["customer_id"] == someone), None)
        if task:
            break
        await asyncio.sleep(0.5)
    assert task is not None and task["clerk_id"] == world.staff["clerk_a"].id

    clerk = await tablets()
    await clerk.login("clerk_a")
    tasks_stat = clerk.page.locator("[data-stat=tasks-today] .stat-value")
    await expect(tasks_stat).not_to_have_text("—")
    assert int(await tasks_stat.text_content()) >= 1
    await clerk.page.click("[data-stat=tasks-today]")
    card = clerk.page.locator(f"[data-task='{task['id']}']")
    await expect(card.locator("[data-script]")).to_have_text(f"您好合约客户，您的合约将于 {contract.isoformat()} 到期，为您介绍续约优惠。")
    await expect(card).to_contain_text("****")  # the masked phone
    assert task["due_on"] == (TODAY + dt.timedelta(days=3)).isoformat()
    # a calendar day reads like every other date in the app
    await expect(card.locator("[data-due=later]")).to_have_text(f"{task['due_on'].replace('-', '/')} 到期")
    await expect(card.locator("[data-action=open-customer]")).to_have_attribute("href", f"#/customers/{someone}")
    async with clerk.page.expect_request(lambda r: r.url.endswith(f"/api/v1/customers/{someone}")) as asked:
        await card.locator("[data-action=call-customer]").click()  # dials the number the card shows masked
    assert (await (await asked.value).response()).status == 200
    # headless Chromium stops taking input on a page that opened a tel: link: the outcome on another tablet
    clerk = await tablets()
    await clerk.login("clerk_a")
    await clerk.go("#/tasks")
    card = clerk.page.locator(f"[data-task='{task['id']}']")
    await card.locator("[data-outcome=interested]").click()
    await expect(card.locator("[data-task-outcome]")).to_have_attribute("data-task-outcome", "interested")
    await expect(card.locator("[data-outcome]")).to_have_count(0)
    recorded = next(t for t in (await world.clerk_a.get("/api/v1/care/tasks")).json() if t["id"] == task["id"])
    assert (recorded["status"], recorded["outcome"]) == ("done", "interested")
    # a mis-tap is put right from the card: the dialog offers the other outcomes
    await card.locator("[data-action=correct-outcome]").click()
    dialog = clerk.page.locator("[data-dialog=correct-outcome]")
    await expect(dialog).to_contain_text("有意向")
    await expect(dialog.locator("[data-choice=interested]")).to_have_count(0)
    await dialog.locator("[data-choice=reached]").click()
    await expect(card.locator("[data-task-outcome]")).to_have_attribute("data-task-outcome", "reached")
    recorded = next(t for t in (await world.clerk_a.get("/api/v1/care/tasks")).json() if t["id"] == task["id"])
    assert recorded["outcome"] == "reached"
    # past the recorder's window (the tablet's clock 11 minutes on) the app no longer offers it to the clerk;
    # the manager still has it
    await clerk.page.clock.install()
    await clerk.page.clock.fast_forward("11:00")
    await clerk.page.click("[data-action=refresh]")
    await clerk.page.locator("[data-segmented=task-filter] [data-value=done]").click()
    await expect(card.locator("[data-task-outcome]")).to_be_visible()
    await expect(card.locator("[data-action=correct-outcome]")).to_have_count(0)
    await manager.go("#/tasks")
    await page.locator("[data-segmented=task-filter] [data-value=all]").click()
    managed = page.locator(f"[data-task='{task['id']}']")
    await managed.locator("[data-action=correct-outcome]").click()
    await page.locator("[data-dialog=correct-outcome] [data-choice=interested]").click()
    await expect(managed.locator("[data-task-outcome]")).to_have_attribute("data-task-outcome", "interested")
    row = page.locator(f"[data-completion-table] [data-completion='{world.staff['clerk_a'].id}']")
    await expect(row).to_contain_text("Interested 1")
    await manager.go(f"#/campaigns/{made['id']}")
    await expect(page.locator("[data-task-outcomes]")).to_contain_text("Interested 1")
    await expect(page.locator("[data-figure=sent] .stat-value")).to_have_text("1")


async def test_inbox_shows_message_and_alert_marks_read(world, tablet):
    manager_id = world.staff["manager_a"].id
    await inbox.deliver_staff_inbox(manager_id, "明天有 3 个回访到期", "请提醒店员及时跟进。", store_id=world.store_a.id, kind="task_reminder")
    await world.manager_a.patch(f"/api/v1/care/stores/{world.store_a.id}/settings", json={"overdue_tasks_max": 1})
    late = TODAY - dt.timedelta(days=3)
    for _ in range(2):
        await give_task(await customer(world, "clerk_a", tags=["e2e-late"]), due_on=late)
    await alerts.check()
    unread = (await world.manager_a.get("/api/v1/inbox")).json()["unread"]
    assert unread >= 2

    page = tablet.page
    await tablet.login("manager_a")
    badge = page.locator("[data-nav-badge=inbox]")
    await expect(badge).to_have_attribute("data-count", str(unread))
    await page.click("[data-nav='/inbox']")
    alert = page.locator("[data-alerts] [data-alert]", has_text="关怀任务逾期")
    await expect(alert).to_have_attribute("data-read", "false")
    await expect(alert).to_contain_text("逾期")
    message = page.locator("[data-messages] [data-message]", has_text="明天有 3 个回访到期")
    await expect(message).to_have_attribute("data-read", "false")
    await message.locator("[data-action=read-message]").click()
    await expect(message).to_have_attribute("data-read", "true")
    await expect(badge).to_have_attribute("data-count", str(unread - 1))
    assert (await world.manager_a.get("/api/v1/inbox")).json()["unread"] == unread - 1
    await alert.locator("[data-action=read-alert]").click()
    await expect(alert).to_have_attribute("data-read", "true")
    alert_id = int(await alert.get_attribute("data-alert"))
    [stored] = [a for a in (await world.manager_a.get("/api/v1/care/alerts")).json() if a["id"] == alert_id]
    assert stored["read_at"] is not None
    await page.click("[data-action=read-all]")
    await expect(badge).to_have_attribute("data-count", "0")
    await expect(badge).to_be_hidden()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


FAKE_PUSH = """([endpoint, p256dh, auth]) => {
  let current = null;
  const make = () => ({ endpoint, expirationTime: null, toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
                        unsubscribe: async () => { current = null; return true; } });
  PushManager.prototype.subscribe = async function () { current = make(); return current; };
  PushManager.prototype.getSubscription = async function () { return current; };
}"""


async def test_push_switch_subscribes_this_browser(world, tablets):
    """The subscribe call is the browser's (headless Chromium has no push service); what the app does with it is real."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    endpoint = f"https://142.250.80.46/fcm/send/e2e-{secrets.token_hex(8)}"
    clerk = await tablets()
    await clerk.context.grant_permissions(["notifications"])
    await clerk.page.add_init_script(f"({FAKE_PUSH})({[endpoint, _b64(key), _b64(secrets.token_bytes(16))]})")
    await clerk.login("clerk_a")
    await clerk.controlled()
    await clerk.go("#/inbox")
    card = clerk.page.locator("[data-push-state]")
    await expect(card).to_have_attribute("data-push-state", "off")
    await card.locator("[data-action=push]").click()
    await expect(card).to_have_attribute("data-push-state", "on")
    rows = await raw("SELECT staff FROM push_subscription WHERE endpoint = {}", endpoint)
    assert [r["staff"] for r in rows] == [world.staff["clerk_a"].id]
    await card.locator("[data-action=push]").click()
    await expect(card).to_have_attribute("data-push-state", "off")
    assert await raw("SELECT id FROM push_subscription WHERE endpoint = {}", endpoint) == []


async def test_push_switch_explains_when_browser_cannot(world, tablets):
    without = await tablets()
    await without.page.add_init_script("delete window.PushManager")
    await without.login("clerk_a2")
    await without.go("#/inbox")
    card = without.page.locator("[data-push-state]")
    await expect(card).to_have_attribute("data-push-state", "unsupported")
    await expect(card.locator("[data-action=push]")).to_be_disabled()
    await expect(card).to_contain_text("消息")

    real = await tablets()  # Chromium's own push: subscribed if it has a push service, else the reason is shown
    await real.context.grant_permissions(["notifications"])
    await real.login("clerk_a2")
    await real.controlled()
    await real.go("#/inbox")
    card = real.page.locator("[data-push-state]")
    await expect(card).to_have_attribute("data-push-state", "off")
    await card.locator("[data-action=push]").click()
    await expect(card).not_to_have_attribute("data-push-state", "busy", timeout=30_000)
    state = await card.get_attribute("data-push-state")
    stored = await raw("SELECT id FROM push_subscription WHERE staff = {}", world.staff["clerk_a2"].id)
    if state == "on":
        assert len(stored) == 1
    else:
        assert state == "failed" and stored == []
        await expect(card.locator("[data-push-status]")).to_contain_text("消息仍会出现在这里")


@pytest.fixture(scope="module")
async def shown_campaigns(world) -> None:
    """Campaigns worth looking at, made over the API when the screenshots run on their own."""
    existing = {c["name"] for c in (await world.manager_a.get("/api/v1/care/campaigns")).json()}
    bodies = [
        {"name": "中秋问候", "occasion": {"kind": "festival", "festival": "mid_autumn"}, "status": "draft", "theme": "communicate",
         "message": {"templates": {"zh-CN": {"title": "中秋快乐", "body": "{{ name }}，{{ store_name }}祝您中秋快乐！"}}}},
        {"name": "合约到期前30天致电", "occasion": {"kind": "contract_end", "offsets": [30]}, "status": "active", "purpose": "service",
         "holdout_percent": 10, "task": {"script": {"zh-CN": "您好{{ name }}，您的合约将于 {{ contract_end_on }} 到期。"}}, "channels": ["task"]},
        {"name": "生日关怀送积分", "occasion": {"kind": "birthday", "days_before": 3}, "status": "active", "points": 200, "theme": "reward",
         "message": {"templates": {"zh-CN": {"title": "生日快乐", "body": "送您 {{ points_added }} 积分"}}}},
    ]
    for body in bodies:
        if body["name"] not in existing:
            response = await world.manager_a.post("/api/v1/care/campaigns", json=body)
            assert response.status_code == 201, response.text
    for name, due_on, script in [
        ("林晓雯", TODAY, "您好林女士，您的合约将于下月到期，本店为老客户准备了续约礼包，方便时到店了解。"),
        ("Lin Xiaowen", TODAY, "Hello Ms Lin, your contract ends next month: we have a renewal gift for long-standing customers."),
        ("周建国", TODAY - dt.timedelta(days=2), "周先生您好，您购机已满 24 个月，本店有以旧换新补贴，欢迎到店看看新机。"),
    ]:
        await give_task(await customer(world, "clerk_a", name=name, tags=["e2e-shot"]), due_on=due_on, script=script)
    await world.manager_a.patch(f"/api/v1/care/stores/{world.store_a.id}/settings", json={"overdue_tasks_max": 1})
    late = TODAY - dt.timedelta(days=3)
    for _ in range(2):
        await give_task(await customer(world, "clerk_a2", tags=["e2e-shot-late"]), due_on=late)
    await alerts.check()
    for staff in ("clerk_a", "manager_a"):
        await inbox.deliver_staff_inbox(world.staff[staff].id, "今日有新的关怀任务", "请在今天内完成回访。", kind="task_reminder")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize("size", list(SIZES))
async def test_care_screens_screenshots(world, shown_campaigns, tablets, lang, size):
    app = await tablets(SIZES[size])
    page = app.page
    name = lambda screen: f"{size}-{lang}-{screen}"  # noqa: E731
    await app.login("clerk_a", lang=lang)
    await app.go("#/tasks")
    await expect(page.locator("[data-task]").first).to_be_visible()
    await app.shot(name("tasks-clerk"))
    await app.go("#/inbox")
    await expect(page.locator("[data-messages] [data-message]").first).to_be_visible()
    await app.shot(name("inbox-clerk"))

    manager = await tablets(SIZES[size])
    page = manager.page
    await manager.login("manager_a", lang=lang)
    await manager.go("#/campaigns")
    await expect(page.locator("[data-campaign-table] [data-campaign]").first).to_be_visible()
    await manager.shot(name("campaigns"))
    await manager.go("#/campaigns/new")
    await expect(page.locator("[data-input=name]")).to_be_visible()
    await manager.shot(name("campaign-new"))
    await manager.shot(name("campaign-new-full"), full_page=True)
    await manager.go("#/campaigns")
    await page.locator("[data-campaign-table] [data-action=open-campaign]").first.click()
    await expect(page.locator("[data-effect]")).to_be_visible()
    await manager.shot(name("campaign-effect"))
    await manager.go("#/tasks")
    await expect(page.locator("[data-completion-table]")).to_be_visible()
    await manager.shot(name("tasks-manager"), full_page=True)
    await manager.go("#/inbox")
    await expect(page.locator("[data-alerts]")).to_be_visible()
    await manager.shot(name("inbox-manager"))
    await manager.go("#/")
    await expect(page.locator("[data-stat=tasks-today] .stat-value")).not_to_have_text("—")
    await manager.shot(name("home"))


async def test_care_screens_on_a_phone(world, shown_campaigns, tablets):
    app = await tablets(PHONE)
    await app.login("clerk_a")
    # the badge counts what the task list and the home screen show: every open task, due today or later
    open_tasks = [t for t in (await world.clerk_a.get("/api/v1/care/tasks")).json() if t["status"] == "open"]
    await expect(app.page.locator("[data-nav-badge=tasks]")).to_have_attribute("data-count", str(len(open_tasks)))
    await expect(app.page.locator("[data-stat=tasks-today] .stat-value")).to_have_text(str(len(open_tasks)))
    await app.go("#/tasks")
    outcome = app.page.locator("[data-task] [data-outcome=reached]").first
    await expect(outcome).to_be_visible()
    box = await outcome.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    await app.shot("phone-zh-CN-tasks")
    await app.go("#/inbox")
    await expect(app.page.locator("[data-push-state]")).to_be_visible()
    await app.shot("phone-zh-CN-inbox")


async def dated_campaign(client, name: str, starts_on: dt.date, ends_on: dt.date) -> dict:
    response = await client.post("/api/v1/care/campaigns", json={
        "name": name, "occasion": {"kind": "date_range"}, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(),
        "status": "active", "purpose": "service", "task": {"script": {"zh-CN": "回访{{ name }}"}}, "channels": ["task"]})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_campaign_list_says_scheduled_and_past_end_date_by_the_dates(world, tablet, lang):
    """An active campaign before its first day has not started; after its last it contacts no one: neither reads as running."""
    week = dt.timedelta(days=7)
    shown = {
        "scheduled": (await dated_campaign(world.manager_a, f"未来活动 {lang}", TODAY + dt.timedelta(days=3), TODAY + 4 * week))["id"],
        "over": (await dated_campaign(world.manager_a, f"过期活动 {lang}", TODAY - 4 * week, TODAY - dt.timedelta(days=1)))["id"],
        "active": (await dated_campaign(world.manager_a, f"当前活动 {lang}", TODAY, TODAY))["id"],
    }
    words = {"zh-CN": {"scheduled": "未开始", "over": "已过结束日期", "active": "进行中"},
             "en": {"scheduled": "Scheduled", "over": "Past its end date", "active": "Active"}}[lang]
    page = tablet.page
    await tablet.login("manager_a", lang=lang)
    await tablet.go("#/campaigns")
    for state, campaign_id in shown.items():
        row = page.locator(f"[data-campaign-table] [data-campaign='{campaign_id}']")
        await expect(row).to_have_attribute("data-status", "active")  # the server's status is unchanged
        await expect(row.locator("[data-state]")).to_have_attribute("data-state", state)
        await expect(row.locator("[data-state]")).to_have_text(words[state])
        await expect(row.locator("[data-action=plan]")).to_have_count(1 if state == "active" else 0)  # nothing to plan
    await page.locator(f"[data-campaign='{shown['scheduled']}']").scroll_into_view_if_needed()
    await tablet.shot(f"1024x768-{lang}-campaigns-scheduled")
    await tablet.go(f"#/campaigns/{shown['scheduled']}")
    await expect(page.locator("p[data-state]")).to_have_attribute("data-state", "scheduled")
    await expect(page.locator("p[data-state]")).to_contain_text(words["scheduled"])


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_campaign_holdout_error_says_what_is_wrong(world, tablet, lang):
    page = tablet.page
    await tablet.login("manager_a", lang=lang)
    await tablet.go("#/campaigns/new")
    await page.fill("[data-input=name]", "对照组太大")
    holdout = page.locator("[data-field=holdout_percent]")
    hint = await holdout.locator(".field-hint").text_content()
    await page.fill("[data-input=holdout_percent]", "60")
    await page.click("[data-action=save-draft]")
    error = page.locator("[data-error=holdout_percent]")
    await expect(error).to_have_text("对照组最多 50%，填的是 60%" if lang == "zh-CN" else "The holdout is at most 50%, not 60%")
    assert await error.text_content() != hint
    await holdout.scroll_into_view_if_needed()
    await tablet.shot(f"1024x768-{lang}-campaign-holdout-too-high")
    await page.fill("[data-input=holdout_percent]", "-5")
    await page.click("[data-action=save-draft]")
    await expect(error).to_have_text("请填写 0 到 50 之间的数字" if lang == "zh-CN" else "Enter a number from 0 to 50")
    assert [c for c in (await world.manager_a.get("/api/v1/care/campaigns")).json() if c["name"] == "对照组太大"] == []


async def test_leaving_the_editor_closes_its_open_form_dialog(world, tablet):
    page = tablet.page
    await tablet.login("manager_a")
    await tablet.go("#/campaigns")
    await expect(page.locator("[data-campaign-table]")).to_be_visible()
    await tablet.go("#/campaigns/new")
    await page.click("[data-action=new-segment]")
    dialog = page.locator("[data-dialog=segment]")
    await dialog.locator("[data-input=segment_name]").fill("不会保存的范围")
    await page.go_back()
    await expect(page.locator("[data-campaign-table]")).to_be_visible()
    await expect(page.locator("dialog")).to_have_count(0)
    await page.click("[data-action=new-campaign]")  # nothing modal is left over the list
    await expect(page.locator("[data-input=name]")).to_be_visible()
    options = await page.locator("[data-input=segment] option").all_text_contents()
    assert "不会保存的范围" not in options


PLACEHOLDER_OVERFLOW = """input => {
  const style = getComputedStyle(input);
  const pen = document.createElement('canvas').getContext('2d');
  pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  return pen.measureText(input.placeholder).width - (input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
}"""
BADGE_AND_ICON = """badge => [badge.getBoundingClientRect(), badge.closest('.nav-item').querySelector('.icon').getBoundingClientRect()]
  .map((box) => ({ left: box.left, right: box.right, top: box.top, bottom: box.bottom }))"""


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_home_task_badge_beside_its_icon_and_search_hint_whole(world, shown_campaigns, tablets, lang):
    for size in ({"width": 768, "height": 1024}, TABLET, TABLET_WIDE):
        app = await tablets(size)
        page = app.page
        await app.login("clerk_a", lang=lang)
        badge = page.locator("[data-nav-badge=tasks]")
        await expect(badge).to_be_visible()
        shown, icon = await badge.evaluate(BADGE_AND_ICON)
        overlap = shown["left"] < icon["right"] and icon["left"] < shown["right"] and shown["top"] < icon["bottom"] and icon["top"] < shown["bottom"]
        assert not overlap, (size, shown, icon)
        nav = await page.locator(".sidenav").bounding_box()
        assert shown["right"] <= nav["x"] + nav["width"], (size, shown)  # not cut by the rail's edge
        assert await page.locator("[data-input=quick-q]").evaluate(PLACEHOLDER_OVERFLOW) <= 0, size
        if size["width"] == 768:
            await app.shot(f"768x1024-{lang}-home-portrait")


async def test_date_range_dates_are_asked_for_not_optional(world, tablet):
    page = tablet.page
    await tablet.login("manager_a")
    await tablet.go("#/campaigns/new")
    starts, ends = page.locator("[data-field=starts_on] .field-label"), page.locator("[data-field=ends_on] .field-label")
    await expect(starts).to_have_text("开始日期（可选）")  # other occasions: optional bounds
    await page.select_option("[data-input=occasion]", "date_range")
    await expect(starts).to_have_text("开始日期")
    await expect(ends).to_have_text("结束日期")
    await expect(page.locator("[data-field=ends_on] .field-hint")).to_have_text("指定日期段须填写开始和结束日期。")
    await page.select_option("[data-input=occasion]", "birthday")
    await expect(ends).to_have_text("结束日期（可选）")


async def test_outcome_recorded_on_another_tablet_shows_on_the_card_in_words(world, tablet):
    someone = await customer(world, "clerk_a", name="两台平板客户", tags=["e2e-two-tablets"])
    task_id = await give_task(someone, due_on=TODAY)
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.go("#/tasks")
    card = page.locator(f"[data-task='{task_id}']")
    await expect(card.locator("[data-outcome]")).to_have_count(6)
    answer = await world.clerk_a.post(f"/api/v1/care/tasks/{task_id}/outcome", json={"outcome": "wrong_number"})
    assert answer.status_code == 200, answer.text  # the other tablet was first
    await card.locator("[data-outcome=reached]").click()
    await expect(card.locator("[data-task-outcome]")).to_have_attribute("data-task-outcome", "wrong_number")
    await expect(card.locator("[data-task-outcome]")).to_contain_text("号码错误")
    await expect(card.locator("[data-outcome]")).to_have_count(0)
    await expect(page.locator(".toast", has_text="号码错误")).to_have_count(1)
    await expect(page.locator(".toast", has_text="wrong_number")).to_have_count(0)


async def test_outcome_whose_answer_was_lost_says_so_and_is_retried(world, tablet):
    someone = await customer(world, "clerk_a", name="断网任务客户", tags=["e2e-lost-outcome"])
    task_id = await give_task(someone, due_on=TODAY)
    page = tablet.page
    await tablet.login("clerk_a")
    await tablet.go("#/tasks")
    card = page.locator(f"[data-task='{task_id}']")

    async def lose_the_answer(route):
        await route.fetch()  # the server records it ...
        await route.abort("connectionreset")  # ... and the tablet never hears

    await page.route(f"**/api/v1/care/tasks/{task_id}/outcome", lose_the_answer)
    await card.locator("[data-outcome=interested]").click()
    note = card.locator("[data-task-note=uncertain]")
    await expect(note).to_contain_text("可能已记录")
    await expect(page.locator(".toast", has_text="此操作需要联网")).to_have_count(0)
    await page.unroute(f"**/api/v1/care/tasks/{task_id}/outcome")
    await note.locator("[data-action=retry-outcome]").click()
    await expect(card.locator("[data-task-outcome]")).to_have_attribute("data-task-outcome", "interested")
    recorded = (await raw("SELECT status, outcome FROM care_task WHERE id = {}", task_id))[0]
    assert (recorded["status"], recorded["outcome"]) == ("done", "interested")
