"""Builders for care tests: customers with birthdays and consents, campaigns over HTTP, outbox reads."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from regulars.core.auth import Principal
from regulars.core.db import raw
from regulars.customers import schemas as customer_schemas
from regulars.customers import service as customers
from tests.support.world import World, new_phone

UTC = dt.timezone.utc


def principal(world: World, name: str) -> Principal:
    staff = world.staff[name]
    return Principal(staff_id=staff.id, username=staff.username, display_name=staff.display_name,
                     role=staff.role, store_id=staff.store_id)


async def customer(world: World, clerk: str = "clerk_a", *, birthday: tuple | None = None, marketing: bool = True,
                   service: bool = True, **profile: Any) -> int:
    """A customer of the clerk's store; birthday as (calendar, month, day[, leap])."""
    consents = [customer_schemas.ConsentGrant(purpose="marketing", granted=True, notice_version="v1")] if marketing else []
    if service:
        consents.append(customer_schemas.ConsentGrant(purpose="service", granted=True, notice_version="v1"))
    born = None
    if birthday:
        calendar, month, day, *leap = birthday
        born = customer_schemas.Birthday(calendar=calendar, month=month, day=day, leap_month=bool(leap and leap[0]))
    outcome = await customers.create(
        principal(world, clerk),
        customer_schemas.CustomerCreate(phone=new_phone(), birthday=born, consents=consents, **profile), None)
    return json.loads(outcome.body)["id"]


def task_campaign(name: str, occasion: dict, **extra: Any) -> dict:
    return {"name": name, "occasion": occasion, "status": "active",
            "task": {"script": {"zh-CN": "请致电 {{ name }}，祝福并邀请到店", "en": "Call {{ name }}"}}, **extra}


async def create_campaign(client, body: dict) -> dict:
    response = await client.post("/api/v1/care/campaigns", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def outbox(campaign_id: int) -> dict[int, dict]:
    rows = await raw("SELECT * FROM care_outbox WHERE campaign = {} ORDER BY id", campaign_id)
    return {r["customer"]: r for r in rows}


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


_task_refs = iter(range(-1, -10**9, -1))


async def give_task(customer_id: int, *, due_on: dt.date, campaign_id: int | None = None, script: str = "回访",
                    pool: bool = False) -> int:
    """A clerk task straight through the task channel (no planner, no dispatcher, no clock involved)."""
    from regulars.care import channels

    row = (await raw("SELECT home_store, responsible_clerk FROM customer WHERE id = {}", customer_id))[0]
    ref = next(_task_refs) - customer_id * 1000
    message = channels.Message(
        outbox_id=ref, customer_id=customer_id, store_id=row["home_store"], campaign_id=campaign_id or 0, lang="zh-CN",
        title="", body=script, url=None, topic="t", ttl_seconds=60, urgency="low",
        clerk_id=None if pool else row["responsible_clerk"], due_on=due_on, marketing=False)
    answer = await channels.get("task").send(message)
    return answer.detail["task_id"]
