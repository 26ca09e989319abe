"""Care in the demo chain: a chain-wide birthday campaign, a contract-ending call list, a win-back call list for the
first store (so a new installation has calls to make on its first day), a summer season."""

from __future__ import annotations

from regulars.care import reference, schemas, service
from regulars.core.auth import Principal

SYSTEM = Principal(staff_id=0, username="demo", display_name="demo", role="admin", store_id=None)


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
