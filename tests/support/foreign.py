"""Rows that belong to the other store (XX002), one factory per id path parameter of the API.

tests/integration/test_reach.py calls every route that takes an id with an id made here,
as staff of store XX001, and expects 403 or 404. A route with a new id parameter name needs
its factory here (and, if its body has required fields, an example body in EXAMPLE_BODIES)."""

from __future__ import annotations

import json
from typing import Awaitable, Callable

from regulars.care import schemas as care_schemas
from regulars.care import service as care
from regulars.core.auth import Principal
from regulars.customers import importer
from regulars.customers import schemas as customer_schemas
from regulars.customers import service as customers
from regulars.points import grants
from regulars.points import schemas as points_schemas
from regulars.purchases import schemas as purchase_schemas
from regulars.purchases import service as purchases
from tests.support.world import World, new_phone

Factory = Callable[[World], Awaitable[int]]


def principal_b(world: World, name: str = "manager_b") -> Principal:
    staff = world.staff[name]
    return Principal(staff_id=staff.id, username=staff.username, display_name=staff.display_name,
                     role=staff.role, store_id=staff.store_id)


async def customer_of_b(world: World) -> int:
    outcome = await customers.create(principal_b(world, "clerk_b"),
                                     customer_schemas.CustomerCreate(phone=new_phone(), name="乙店客户"), None)
    import json

    return json.loads(outcome.body)["id"]


async def store_b(world: World) -> int:
    return world.store_b.id


async def staff_of_b(world: World) -> int:
    return world.staff["clerk_b"].id


async def import_job_of_b(world: World) -> int:
    return await importer.start(principal_b(world), "b.csv", True)


async def channel_of_b(world: World) -> int:
    from regulars.acquisition import channels
    from regulars.acquisition.schemas import ChannelCreate

    return (await channels.create(principal_b(world), ChannelCreate(kind="store", name="乙店海报"))).id


async def message_of_b(world: World) -> int:
    from regulars.messaging import inbox

    return await inbox.deliver_staff_inbox(world.staff["clerk_b"].id, "乙店消息", "", store_id=world.store_b.id)


async def coupon_template_of_b(world: World) -> int:
    from tests.support.coupons import make_template

    return (await make_template(world, owner="manager_b")).id


async def coupon_of_b(world: World) -> int:
    from tests.support.coupons import make_coupon

    customer_id = await customer_of_b(world)
    return (await make_coupon(world, await coupon_template_of_b(world), customer_id, clerk="clerk_b")).id

async def grant_of_b(world: World) -> int:
    outcome = await grants.create(principal_b(world), points_schemas.GrantCreate(
        customer_ids=[await customer_of_b(world)], points=5, reason="乙店赠送"), None)
    return json.loads(outcome.body)["id"]


async def purchase_of_b(world: World) -> int:
    outcome = await purchases.record(principal_b(world, "clerk_b"), purchase_schemas.PurchaseCreate(
        customer_id=await customer_of_b(world), category="accessory", amount_fen=2900), None)
    return json.loads(outcome.body)["id"]


async def campaign_of_b(world: World) -> int:
    created = await care.create_campaign(principal_b(world), care_schemas.CampaignCreate(
        name="乙店生日关怀", occasion=care_schemas.Occasion(kind="birthday"),
        task=care_schemas.TaskAction(script={"zh-CN": "致电 {{ name }}"})))
    return created.id


async def segment_of_b(world: World) -> int:
    return (await care.create_segment(principal_b(world), care_schemas.SegmentCreate(name="乙店客群"))).id


async def task_of_b(world: World) -> int:
    import datetime as dt

    from regulars.care import channels
    from regulars.core.db import raw

    customer_id = await customer_of_b(world)
    outbox_id = -customer_id  # a task not tied to a planned contact
    message = channels.Message(
        outbox_id=outbox_id, customer_id=customer_id, store_id=world.store_b.id, campaign_id=0, lang="zh-CN",
        title="", body="致电", url=None, topic="t", ttl_seconds=60, urgency="low", clerk_id=None,
        due_on=dt.date.today(), marketing=False)
    answer = await channels.get("task").send(message)
    assert answer.outcome == "sent"
    return (await raw("SELECT id FROM care_task WHERE outbox_id = {}", outbox_id))[0]["id"]


async def alert_of_b(world: World) -> int:
    from regulars.care import alerts, rules
    from regulars.core import clock
    from regulars.core.db import raw

    await alerts._apply(world.store_b.id, [("tasks_overdue", "store", rules.Level(True, "warning"),
                                            {"store": "测试二厅", "value": 30, "threshold": 20})], clock.now())
    return (await raw("SELECT id FROM care_alert WHERE store_id = {} ORDER BY id DESC", world.store_b.id))[0]["id"]


FACTORIES: dict[str, Factory] = {
    "customer_id": customer_of_b,
    "store_id": store_b,
    "staff_id": staff_of_b,
    "job_id": import_job_of_b,
    "channel_id": channel_of_b,
    "message_id": message_of_b,
    "template_id": coupon_template_of_b,
    "coupon_id": coupon_of_b,
    "grant_id": grant_of_b,
    "purchase_id": purchase_of_b,
    "campaign_id": campaign_of_b,
    "segment_id": segment_of_b,
    "task_id": task_of_b,
    "alert_id": alert_of_b,
}

# Bodies that pass validation, so that the reach check (not the parser) answers.
EXAMPLE_BODIES: dict[tuple[str, str], dict] = {
    ("POST", "/api/v1/customers/{customer_id:int}/notes"): {"text": "备注"},
    ("POST", "/api/v1/customers/{customer_id:int}/consents"): {"purpose": "marketing", "granted": True, "notice_version": "v1"},
    ("POST", "/api/v1/customers/{customer_id:int}/messages"): {"title": "您好"},
    ("PATCH", "/api/v1/coupon-templates/{template_id:int}"): {"name_zh": "改名"},
    ("POST", "/api/v1/coupons/{coupon_id:int}/reverse"): {"reason": "顾客退货"},
    ("POST", "/api/v1/customers/{customer_id:int}/points/adjust"): {"points": 10, "reason": "补录"},
    ("POST", "/api/v1/customers/{customer_id:int}/points/exchange"): {"template_id": 1},
    ("POST", "/api/v1/care/tasks/{task_id:int}/outcome"): {"outcome": "reached"},
    ("POST", "/api/v1/care/tasks/{task_id:int}/correction"): {"outcome": "reached"},
}
