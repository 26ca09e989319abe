"""Clerk tasks over HTTP: today's list per clerk (own customers plus the store pool), one-tap outcomes,
completion per clerk for the manager."""

import asyncio
import datetime as dt
import json

from regulars.care import dispatcher, planner
from regulars.core import clock
from regulars.core.db import raw
from tests.support.care import at, create_campaign, customer, give_task

TODAY = clock.today_in("Asia/Shanghai")


async def make_tasks(world, name: str, customers: list[int], *, days_ago: int, due_days: int, pool: set[int] = frozenset()) -> dict:
    """A (draft) campaign and one task per customer, due `due_days` after a day `days_ago` days back.

    The tasks go straight through the task channel: the server's own dispatcher, which works on
    today's clock, would otherwise race this test for rows planned in the past."""
    campaign = await create_campaign(world.manager_a, {
        "name": name, "occasion": {"kind": "festival", "festival": "qixi"}, "status": "draft", "purpose": "service",
        "task": {"script": {"zh-CN": "致电 {{ name }}：您的合约即将到期"}}})
    due_on = TODAY - dt.timedelta(days=days_ago) + dt.timedelta(days=due_days)
    for customer_id in customers:
        await give_task(customer_id, due_on=due_on, campaign_id=campaign["id"], script="致电：您的合约即将到期",
                        pool=customer_id in pool)
    return campaign


async def listed_task(client, *, customer_id: int | None = None, task_id: int | None = None) -> dict:
    """A task as the client's task list shows it, found by its customer or its id."""
    return next(t for t in (await client.get("/api/v1/care/tasks")).json()
                if t["customer_id"] == customer_id or t["id"] == task_id)


async def one_task(world, name: str) -> tuple[int, dict]:
    """A customer of clerk_a with one task due tomorrow, and that task as clerk_a's list shows it."""
    someone = await customer(world, "clerk_a", tags=[name])
    await make_tasks(world, name, [someone], days_ago=0, due_days=1)
    return someone, await listed_task(world.clerk_a, customer_id=someone)


async def test_clerk_sees_own_and_pool_tasks_not_colleagues(world):
    mine = await customer(world, "clerk_a", tags=["list"], name="甲客户")
    colleague = await customer(world, "clerk_a2", tags=["list"])
    pool = await customer(world, "clerk_a", tags=["list"])
    await make_tasks(world, "list", [mine, colleague, pool], days_ago=1, due_days=3, pool={pool})
    tasks = (await world.clerk_a.get("/api/v1/care/tasks")).json()
    by_customer = {t["customer_id"]: t for t in tasks}
    assert set(by_customer) == {mine, pool}
    assert by_customer[pool]["pool"] is True and by_customer[mine]["pool"] is False
    assert by_customer[mine]["campaign_name"] == "list"
    assert by_customer[mine]["phone_masked"].count("*") == 4
    assert by_customer[mine]["overdue"] is False
    manager_view = {t["customer_id"] for t in (await world.manager_a.get("/api/v1/care/tasks")).json()}
    assert {mine, colleague, pool} <= manager_view
    assert not {t["customer_id"] for t in (await world.clerk_b.get("/api/v1/care/tasks")).json()} & {mine, colleague, pool}


async def test_overdue_tasks_come_first(world):
    late = await customer(world, "clerk_a", tags=["late"])
    await make_tasks(world, "late", [late], days_ago=5, due_days=2)
    tasks = (await world.clerk_a.get("/api/v1/care/tasks")).json()
    assert tasks[0]["customer_id"] == late and tasks[0]["overdue"] is True


async def test_record_outcome_one_tap(world):
    someone, task = await one_task(world, "tap")
    url = f"/api/v1/care/tasks/{task['id']}/outcome"
    response = await world.clerk_a.post(url, json={"outcome": "interested"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "done" and response.json()["outcome"] == "interested"
    assert (await world.clerk_a.post(url, json={"outcome": "interested"})).status_code == 200  # a second tap
    conflict = await world.clerk_a.post(url, json={"outcome": "declined"})
    assert conflict.status_code == 409 and conflict.json()["code"] == "care.task_done"
    events = (await world.clerk_a.get(f"/api/v1/customers/{someone}/timeline")).json()
    assert any(e["kind"] == "care_task" and e["summary"] == "关怀任务：tap，结果 有意向" for e in events)


async def test_outcome_already_recorded_is_named_in_words_with_the_task(world):
    _, task = await one_task(world, "already")
    url = f"/api/v1/care/tasks/{task['id']}/outcome"
    await world.clerk_a.post(url, json={"outcome": "wrong_number"})
    conflict = (await world.clerk_a.post(url, json={"outcome": "declined"})).json()
    assert conflict["detail"] == f"任务 {task['id']} 已记录结果：号码错误"
    assert (conflict["task"]["status"], conflict["task"]["outcome"]) == ("done", "wrong_number")
    english = await world.clerk_a.post(url, json={"outcome": "declined"}, headers={"Accept-Language": "en"})
    assert english.json()["detail"] == f"Task {task['id']} already has an outcome: wrong number"


async def test_mis_tapped_outcome_corrected_by_its_clerk_soon_or_the_manager(world):
    someone, task = await one_task(world, "mis-tap")
    correction = f"/api/v1/care/tasks/{task['id']}/correction"
    early = await world.clerk_a.post(correction, json={"outcome": "reached"})
    assert early.status_code == 409 and early.json()["code"] == "care.task_open"  # nothing recorded yet
    await world.clerk_a.post(f"/api/v1/care/tasks/{task['id']}/outcome", json={"outcome": "wrong_number"})
    assert (await world.clerk_a2.post(correction, json={"outcome": "reached"})).status_code == 409  # not theirs
    fixed = await world.clerk_a.post(correction, json={"outcome": "reached"})
    assert fixed.status_code == 200 and (fixed.json()["status"], fixed.json()["outcome"]) == ("done", "reached")
    # the app offers the correction to whoever recorded the outcome until the window closes
    recorded_at = dt.datetime.fromisoformat(fixed.json()["outcome_at"])
    assert fixed.json()["outcome_by"] == world.staff["clerk_a"].id
    assert dt.datetime.fromisoformat(fixed.json()["correct_until"]) - recorded_at == dt.timedelta(minutes=10)
    events = (await world.clerk_a.get(f"/api/v1/customers/{someone}/timeline")).json()
    corrected = [e["summary"] for e in events if e["kind"] == "care_task_corrected"]  # the server's jobs may add others
    assert corrected == ["关怀任务结果更正：号码错误 → 已联系"]
    # later than the window the clerk is told to ask the manager, who may still put it right
    await raw("UPDATE care_task SET outcome_at = {} WHERE id = {}", clock.now() - dt.timedelta(minutes=11), task["id"])
    late = await world.clerk_a.post(correction, json={"outcome": "interested"})
    assert late.status_code == 409 and late.json()["code"] == "care.task_correct_window"
    assert (await world.manager_a.post(correction, json={"outcome": "interested"})).json()["outcome"] == "interested"
    assert (await listed_task(world.manager_a, task_id=task["id"]))["outcome"] == "interested"


async def test_concurrent_corrections_each_record_the_outcome_they_replaced(world):
    """Corrections racing on one task: every one that lands names, as its 'before', the outcome it replaced, so the
    timeline and audit read as one unbroken chain from the first outcome to the last."""
    someone, task = await one_task(world, "race-fix")
    await world.clerk_a.post(f"/api/v1/care/tasks/{task['id']}/outcome", json={"outcome": "no_answer"})
    wanted = ["reached", "interested", "declined", "bought", "wrong_number"] * 3
    answers = await asyncio.gather(*(world.manager_a.post(f"/api/v1/care/tasks/{task['id']}/correction",
                                                          json={"outcome": o}) for o in wanted))
    assert {a.status_code for a in answers} == {200}
    chain = await raw("SELECT detail FROM audit_log WHERE action = 'care.task_correct' AND target_id = {} ORDER BY id",
                      str(task["id"]))
    steps = [json.loads(r["detail"]) if isinstance(r["detail"], str) else r["detail"] for r in chain]
    assert steps and steps[0]["before"] == "no_answer"
    assert all(later["before"] == earlier["outcome"] for earlier, later in zip(steps, steps[1:]))
    final = (await raw("SELECT outcome FROM care_task WHERE id = {}", task["id"]))[0]["outcome"]
    assert steps[-1]["outcome"] == final
    events = await raw("SELECT data FROM timeline_event WHERE customer = {} AND kind = 'care_task_corrected' ORDER BY id",
                       someone)
    assert [json.loads(e["data"]) if isinstance(e["data"], str) else e["data"] for e in events] == steps


async def test_record_outcome_unknown_value_refused(world):
    _, task = await one_task(world, "bad-outcome")
    response = await world.clerk_a.post(f"/api/v1/care/tasks/{task['id']}/outcome", json={"outcome": "maybe"})
    assert response.status_code == 400


async def test_record_outcome_on_colleagues_task_forbidden(world):
    theirs = await customer(world, "clerk_a2", tags=["theirs"])
    await make_tasks(world, "theirs", [theirs], days_ago=0, due_days=1)
    task = await listed_task(world.manager_a, customer_id=theirs)
    response = await world.clerk_a.post(f"/api/v1/care/tasks/{task['id']}/outcome", json={"outcome": "reached"})
    assert response.status_code == 403
    assert (await world.manager_a.post(f"/api/v1/care/tasks/{task['id']}/outcome", json={"outcome": "reached"})).status_code == 200


async def test_pool_task_becomes_the_clerks_who_took_it(world):
    pooled = await customer(world, "clerk_a", tags=["take"])
    await make_tasks(world, "take", [pooled], days_ago=0, due_days=1, pool={pooled})
    task = await listed_task(world.clerk_a2, customer_id=pooled)
    done = (await world.clerk_a2.post(f"/api/v1/care/tasks/{task['id']}/outcome", json={"outcome": "no_answer"})).json()
    assert done["clerk_id"] == world.staff["clerk_a2"].id and done["pool"] is False


async def test_manager_sees_completion_per_clerk(world):
    ids = [await customer(world, "clerk_a", tags=["kpi"]) for _ in range(3)]
    await make_tasks(world, "kpi", ids, days_ago=0, due_days=0)
    tasks = [t for t in (await world.clerk_a.get("/api/v1/care/tasks")).json() if t["customer_id"] in ids]
    for task, outcome in zip(tasks[:2], ("reached", "bought")):
        await world.clerk_a.post(f"/api/v1/care/tasks/{task['id']}/outcome", json={"outcome": outcome})
    response = await world.manager_a.get("/api/v1/care/tasks/completion",
                                         params={"since": str(TODAY), "until": str(TODAY)})
    assert response.status_code == 200
    clerk = next(c for c in response.json() if c["clerk_id"] == world.staff["clerk_a"].id)
    assert clerk["assigned"] >= 3 and clerk["done"] >= 2
    assert clerk["outcomes"].get("bought", 0) >= 1
    assert (await world.clerk_a.get("/api/v1/care/tasks/completion")).status_code == 403


async def test_a_task_done_before_its_due_day_counts_the_day_it_was_done(world):
    async def today_for_clerk_a() -> dict:
        rows = (await world.manager_a.get("/api/v1/care/tasks/completion",
                                          params={"since": str(TODAY), "until": str(TODAY)})).json()
        return next((c for c in rows if c["clerk_id"] == world.staff["clerk_a"].id),
                    {"assigned": 0, "done": 0, "outcomes": {}})

    async def report_for_clerk_a() -> int:  # the clerks report reads the same period the same way
        table = (await world.manager_a.get("/api/v1/reports/clerks", params={"from": str(TODAY), "to": str(TODAY)})).json()
        return next((r["tasks_done"] for r in table["rows"] if r.get("clerk_id") == world.staff["clerk_a"].id), 0)

    before, reported = await today_for_clerk_a(), await report_for_clerk_a()
    early = await customer(world, "clerk_a", tags=["early"])
    await make_tasks(world, "early", [early], days_ago=0, due_days=3)
    task = await listed_task(world.clerk_a, customer_id=early)
    assert (await world.clerk_a.post(f"/api/v1/care/tasks/{task['id']}/outcome", json={"outcome": "interested"})).status_code == 200
    after = await today_for_clerk_a()
    assert (after["assigned"] - before["assigned"], after["done"] - before["done"]) == (1, 1)
    assert after["outcomes"].get("interested", 0) - before["outcomes"].get("interested", 0) == 1
    assert await report_for_clerk_a() == reported + 1


async def test_completion_with_reversed_period_refused(world):
    params = {"since": str(TODAY), "until": str(TODAY - dt.timedelta(days=1))}
    response = await world.manager_a.get("/api/v1/care/tasks/completion", params=params)
    english = await world.manager_a.get("/api/v1/care/tasks/completion", params=params, headers={"Accept-Language": "en"})
    assert response.status_code == english.status_code == 422
    assert response.json()["field"] == "since"
    assert response.json()["detail"] == f"字段 since：开始日期 {params['since']} 晚于结束日期 {params['until']}"
    assert english.json()["detail"].startswith("Field since: the start date")


async def test_campaign_detail_counts_outcomes(world):
    someone = await customer(world, "clerk_a", tags=["counts"], name="乙客户")
    segment = (await world.manager_a.post("/api/v1/care/segments", json={"name": "counts", "filters": {"tags_any": ["counts"]}})).json()
    campaign = await create_campaign(world.manager_a, {
        "name": "合约到期回访", "occasion": {"kind": "date_range"}, "starts_on": "2027-08-02", "ends_on": "2027-08-02",
        "status": "active", "holdout_percent": 0, "segment_id": segment["id"], "purpose": "service",
        "task": {"script": {"zh-CN": "致电 {{ name }}：您的合约即将到期"}, "due_days": 1}})
    await planner.plan(now=at(2027, 8, 2, 3, 0), force=True, campaign_ids=[campaign["id"]])
    while await dispatcher.dispatch(at(2027, 8, 2, 3, 0), owner="tasks-test"):
        pass
    task = await listed_task(world.clerk_a, customer_id=someone)
    assert task["script"] == "致电 乙客户：您的合约即将到期" and task["due_on"] == "2027-08-03"
    await world.clerk_a.post(f"/api/v1/care/tasks/{task['id']}/outcome", json={"outcome": "wrong_number"})
    detail = (await world.manager_a.get(f"/api/v1/care/campaigns/{campaign['id']}")).json()
    assert detail["counts"] == {"sent": 1}
    assert detail["task_outcomes"] == {"wrong_number": 1}


async def test_erasure_removes_open_tasks(world):
    someone = await customer(world, "clerk_a", tags=["erase"])
    await make_tasks(world, "erase", [someone], days_ago=0, due_days=1)
    assert (await world.manager_a.delete(f"/api/v1/customers/{someone}")).status_code == 204
    tasks = (await world.manager_a.get("/api/v1/care/tasks")).json()
    assert someone not in {t["customer_id"] for t in tasks}
