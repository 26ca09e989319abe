"""Care in the demo chain: a chain-wide birthday campaign, a contract-ending call list, a win-back call list for the
first store (so a new installation has calls to make on its first day), a summer season; and the first store's
manager watching follows and overdue calls, with last week's call list left undone, so that the alert check finds
what the manager's 门店预警 screen shows."""

from __future__ import annotations

import datetime as dt

from regulars.care import alerts, reference, schemas, service
from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing

SYSTEM = Principal(staff_id=0, username="demo", display_name="demo", role="admin", store_id=None)
FOLLOWS_FLOOR = 3  # new followers a day the flagship's manager expects
OVERDUE_TASKS_MAX = 5
CALL_LIST = 6  # last week's calls, more than the manager allows to be overdue
CALL_SCRIPT = "店长派单：手机已用两年以上的老客户，致电介绍以旧换新补贴，邀请到店体验新机。"


async def fill(store_ids: list[int]) -> None:
    await service.create_campaign(SYSTEM, schemas.CampaignCreate(
        name="生日关怀", occasion=schemas.Occasion(kind="birthday"), status="active", theme="communicate",
        message=schemas.MessageAction(templates={
            "zh-CN": schemas.MessageText(title="{{ store_name }}祝您生日快乐",
                                         body="{{ name }}，生日快乐！这个月到店可领取一份小礼物。"),
            "en": schemas.MessageText(title="Happy birthday from {{ store_name }}",
                                      body="Happy birthday, {{ name }}! Drop in this month for a small gift.")}),
        channels=["push", "inbox", "task"],
        task=schemas.TaskAction(script={"zh-CN": "致电 {{ name }} 送上生日祝福，邀请本月到店领取礼物。",
                                        "en": "Call {{ name }} with birthday wishes; invite them to collect a gift."}),
    ))
    if store_ids:
        await service.create_campaign(SYSTEM, schemas.CampaignCreate(
            name="合约到期前 30 天致电", store_id=store_ids[0], purpose="service", status="active", theme="improve",
            occasion=schemas.Occasion(kind="contract_end", offsets=[30]), priority=70,
            task=schemas.TaskAction(script={
                "zh-CN": "致电 {{ name }}：合约将于 {{ contract_end_on | day }} 到期，介绍续约优惠（当前套餐 {{ plan }}）。",
                "en": "Call {{ name }}: the contract ends on {{ contract_end_on | day }}; present the renewal offer."}),
        ))
        await service.create_campaign(SYSTEM, schemas.CampaignCreate(
            name="90 天未到店回访", store_id=store_ids[0], purpose="service", status="active", theme="communicate",
            occasion=schemas.Occasion(kind="win_back", days=90, every_days=30), priority=40, channels=["task"],
            task=schemas.TaskAction(due_days=3, script={
                "zh-CN": "致电 {{ name }}：好久没来店里了，邀请到店免费检测手机、清洁屏幕，顺便看看新到的配件。",
                "en": "Call {{ name }}: it has been a while; invite them in for a free phone check and screen clean."}),
        ))
    await reference.create_season(SYSTEM, schemas.SeasonCreate(name="夏日驿站", start_month=7, start_day=1,
                                                               end_month=8, end_day=31))
    if store_ids:
        await _first_store_watched(store_ids[0])


async def _first_store_watched(store_id: int) -> None:
    """The manager's thresholds (through the care settings service) and a call list assigned a week ago, due three
    days later and still open; then one round of the alert check, as the worker would run it."""
    found = await raw("SELECT id, username, display_name FROM staff WHERE store = {} AND role = 'manager' "
                      "ORDER BY id LIMIT 1", store_id)
    if not found:
        return
    manager = Principal(staff_id=found[0]["id"], username=found[0]["username"],
                        display_name=found[0]["display_name"], role="manager", store_id=store_id)
    await reference.update_settings(manager, store_id, schemas.SettingsUpdate(
        follows_floor=FOLLOWS_FLOOR, overdue_tasks_max=OVERDUE_TASKS_MAX))
    now = clock.now()
    zone = (await raw("SELECT timezone FROM store WHERE id = {}", store_id))[0]["timezone"]
    due = clock.today_in(zone, now) - dt.timedelta(days=4)
    customers = await raw("SELECT id, responsible_clerk FROM customer WHERE home_store = {} AND erased_at IS NULL "
                          "AND device_purchased_on IS NOT NULL ORDER BY device_purchased_on, id LIMIT {}",
                          store_id, CALL_LIST)
    async with writing():
        for customer in customers:
            await raw("INSERT INTO care_task (customer, store_id, clerk_id, script, due_on, status, note, created_at) "
                      "VALUES ({}, {}, {}, {}, {}, 'open', '', {})", customer["id"], store_id,
                      customer["responsible_clerk"], CALL_SCRIPT, due, now - dt.timedelta(days=7))
    await alerts.check(now)
