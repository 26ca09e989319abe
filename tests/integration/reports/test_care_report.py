"""The care effect on a hand-built chain: two campaigns over HTTP, their outbox rows as the planner and
dispatcher left them (reached by a channel, held out, failed, capped), clerk tasks, and who came back
within 30 days of being contacted (or due, for the holdout). Figures written down by hand below."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from regulars.core import clock
from regulars.core.db import raw, writing
from tests.support.care import create_campaign, task_campaign
from tests.support.reports import (assert_downloads_match, buy, by, customer, day, drill, local, report, today,
                                   visit)

RANGE = {"from": day(30), "to": day(0)}
# 生日关怀 (store A), occasion 10 days ago: reached t1 t2 by push, t3 by inbox, t4 by SMS, t5 t6 by a clerk task
#   (t5's done); held out h1-h4; f1 failed; g1 capped; and t7 reached 40 days ago (outside the range)
#   contacted (or due) at 09:30 on the occasion's day; came back within 30 days: t1 (bought 5 days ago), t2 (visited 8 days ago), t5 (bought 2 days
#   ago), h1 (bought 3 days ago); t3 bought 12 days ago, before the occasion;
#   t4 bought on the occasion's day at 08:00, before its contact
#   reached 3/6 = 0.5, holdout 1/4 = 0.25, uplift 0.25; no 95% interval: too few (fewer than 5 came back in a group)
# 中秋问候 (chain), occasion 20 days ago: b1 of store B reached by push and visited yesterday, b2 held out
REACHED = {"t1": "push", "t2": "push", "t3": "inbox", "t4": "sms", "t5": "task", "t6": "task"}


async def outbox_row(customer_id: int, campaign_id: int, occasion: dt.date, store_id: int, status: str,
                     channel: str | None = None) -> int:
    now = clock.now()
    due = dt.datetime.combine(occasion, dt.time(9, 30), ZoneInfo("Asia/Shanghai")).astimezone(dt.timezone.utc)
    async with writing():
        rows = await raw(
            "INSERT INTO care_outbox (customer, campaign, occasion_date, store_id, clerk_id, status, priority, due_at, "
            "expires_at, attempts, channel, contacted_at, finished_at, created_at) "
            "VALUES ({}, {}, {}, {}, NULL, {}, 50, {}, {}, 1, {}, {}, {}, {}) RETURNING id",
            customer_id, campaign_id, occasion, store_id, status, due, now, channel,
            due if status == "sent" else None, now, now,
        )
    return rows[0]["id"]


async def task_for(outbox_id: int, customer_id: int, store_id: int, campaign_id: int, done: bool) -> None:
    async with writing():
        await raw(
            "INSERT INTO care_task (outbox_id, campaign, customer, store_id, clerk_id, script, due_on, status, outcome, "
            "outcome_at, note, created_at) VALUES ({}, {}, {}, {}, NULL, '请致电', {}, {}, {}, {}, '', {})",
            outbox_id, campaign_id, customer_id, store_id, today(), "done" if done else "open",
            "reached" if done else None, clock.now() if done else None, clock.now(),
        )


@pytest.fixture(scope="module")
async def chain(world):
    a, b = world.clerk_a, world.clerk_b
    birthday = await create_campaign(world.manager_a, task_campaign("生日关怀", {"kind": "birthday"}))
    festival = await create_campaign(world.admin, task_campaign("中秋问候", {"kind": "festival", "festival": "mid_autumn"}))
    names = [*REACHED, "h1", "h2", "h3", "h4", "f1", "g1", "t7"]
    ids = {n: await customer(a, name=n) for n in names}
    ids |= {n: await customer(b, name=n) for n in ("b1", "b2")}
    occasion = today() - dt.timedelta(days=10)
    for name, channel in REACHED.items():
        row = await outbox_row(ids[name], birthday["id"], occasion, world.store_a.id, "sent", channel)
        if channel == "task":
            await task_for(row, ids[name], world.store_a.id, birthday["id"], done=name == "t5")
    for name in ("h1", "h2", "h3", "h4"):
        await outbox_row(ids[name], birthday["id"], occasion, world.store_a.id, "holdout")
    await outbox_row(ids["f1"], birthday["id"], occasion, world.store_a.id, "failed", "sms")
    await outbox_row(ids["g1"], birthday["id"], occasion, world.store_a.id, "capped")
    await outbox_row(ids["t7"], birthday["id"], today() - dt.timedelta(days=40), world.store_a.id, "sent", "push")
    await outbox_row(ids["b1"], festival["id"], today() - dt.timedelta(days=20), world.store_b.id, "sent", "push")
    await outbox_row(ids["b2"], festival["id"], today() - dt.timedelta(days=20), world.store_b.id, "holdout")
    await buy(a, ids["t1"], local(5))
    await visit(a, ids["t2"], local(8))
    await buy(a, ids["t3"], local(12))
    await buy(a, ids["t4"], local(10, 8, 0))  # the birthday's morning, before the contact at 09:30
    await buy(a, ids["t5"], local(2))
    await buy(a, ids["h1"], local(3))
    await buy(a, ids["t7"], local(30))
    await visit(b, ids["b1"], local(1))
    world.ids, world.campaigns = ids, {"birthday": birthday, "festival": festival}
    return world


async def test_care_effect_per_campaign(chain):
    table = await report(chain.admin, "care", **RANGE)
    rows = by(table["rows"], "campaign")
    birthday, festival = rows["生日关怀"], rows["中秋问候"]
    assert (birthday["audience"], birthday["treated"], birthday["holdout"]) == (12, 6, 4)
    assert (birthday["sent_push"], birthday["sent_inbox"], birthday["sent_sms"], birthday["sent_task"]) == (2, 1, 1, 2)
    assert (birthday["not_reached"], birthday["held_back"], birthday["tasks"], birthday["tasks_done"]) == (1, 1, 2, 1)
    assert (birthday["treated_rate"], birthday["holdout_rate"], birthday["uplift"]) == (0.5, 0.25, 0.25)
    too_few = "人数太少，无法判断：两组各须至少 5 人回店、5 人未回店，才给出 95% 区间"
    assert (birthday["uplift_low"], birthday["uplift_high"], birthday["uplift_note"]) == (None, None, too_few)
    assert (festival["treated_rate"], festival["holdout_rate"], festival["uplift"]) == (1.0, 0.0, 1.0)
    assert (festival["uplift_low"], festival["uplift_high"], festival["uplift_note"]) == (None, None, too_few)
    assert table["totals"]["uplift_low"] is None and table["totals"]["uplift_note"] == too_few
    assert (table["totals"]["audience"], table["totals"]["treated"], table["totals"]["holdout"]) == (14, 7, 5)
    assert {c["channel"]: c["sent"] for c in table["breakdowns"]["channels"]} == {"推送": 3, "站内信": 1, "短信": 1,
                                                                                 "店员任务": 2}


async def test_care_effect_manager_sees_own_store_and_one_campaign(chain):
    mine = await report(chain.manager_a, "care", **RANGE)
    assert [r["campaign"] for r in mine["rows"]] == ["生日关怀"]
    one = await report(chain.admin, "care", campaign=chain.campaigns["festival"]["id"], **RANGE)
    assert [(r["campaign"], r["audience"]) for r in one["rows"]] == [("中秋问候", 2)]
    earlier = await report(chain.manager_a, "care", **{"from": day(60), "to": day(31)})
    assert [(r["campaign"], r["audience"], r["treated_rate"]) for r in earlier["rows"]] == [("生日关怀", 1, 1.0)]


async def test_care_effect_customers_of_each_arm(chain):
    ids = chain.ids
    came = await drill(chain.manager_a, "care", arm="treated", came="yes", **RANGE)
    assert [c["id"] for c in came["items"]] == sorted(ids[n] for n in ("t1", "t2", "t5"))
    held = await drill(chain.manager_a, "care", arm="holdout", **RANGE)
    assert [c["id"] for c in held["items"]] == sorted(ids[n] for n in ("h1", "h2", "h3", "h4"))


async def test_care_effect_downloads_parse_back(chain):
    table = await report(chain.admin, "care", **RANGE)
    await assert_downloads_match(chain.admin, "care", table, **RANGE)


async def test_chain_campaign_counts_seen_by_a_store_are_its_own(chain):
    """A store's manager sees a chain campaign's figures for their store, on the campaign screen as in the report."""
    festival = chain.campaigns["festival"]["id"]  # its rows are all store B's
    for client, counts, contacted in ((chain.admin, {"sent": 1, "holdout": 1}, 1), (chain.manager_a, {}, 0)):
        shown = (await client.get(f"/api/v1/care/campaigns/{festival}")).json()
        assert shown["counts"] == counts
        effect = (await client.get(f"/api/v1/care/campaigns/{festival}/uplift")).json()
        assert effect["contacted"]["customers"] == contacted
    mine = await report(chain.manager_a, "care", campaign=festival, **RANGE)
    assert mine["totals"]["treated"] == 0
