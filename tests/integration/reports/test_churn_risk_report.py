"""Churn risk on a hand-built chain: customers not seen for 90 days, contracts ending within 30 days, and
the suggested next action for each. Figures written down by hand below."""

import asyncio
import csv
import datetime as dt
import io

import pytest

from regulars.core import clock
from regulars.core.db import raw
from tests.support.care import create_campaign, give_task
from tests.support.reports import (assert_downloads_match, buy, customer, day, drill, move, report, roll_up, today,
                                   visit)

# store A:  k1 bought for 5000 yuan 100 days ago (high value: call) · k2 bought for 10 yuan 95 days ago (care)
#   k3 bought 100 days ago, visited 20 days ago (not at risk) · k4 became a customer 10 days ago, nothing since
#   k5 a customer for 150 days, never seen (care) · k6 bought 5 days ago, contract ends in 10 days (renew)
#   k7 visited 40 days ago (at risk with a 30-day lapse only), contract ends in 40 days
#   k8 never seen, contract ends in 20 days (renew; both reasons) · k9 bought 3 days ago, contract ended 5 days ago
# store B:  k10 bought for 100 yuan 200 days ago (care) · k11 bought 2 days ago
# customers since 200 days ago unless said; buyers in the trailing year k1 k2 k3 k6 k9 k10 k11: monetary boundaries
#   (positions 2, 3, 5, 6 of seven) 50, 100, 100, 100 yuan: k1 is m 5, k10 m 2, k2 m 1


def ago(days: int) -> dt.datetime:
    return clock.now() - dt.timedelta(days=days, hours=1)


@pytest.fixture(scope="module")
async def chain(world):
    a, b = world.clerk_a, world.clerk_b
    ids = {}
    contracts = {"k6": 10, "k7": 40, "k8": 20, "k9": -5}
    for n in range(1, 12):
        name = f"k{n}"
        fields = {"contract_end_on": (today() + dt.timedelta(days=contracts[name])).isoformat()} if name in contracts else {}
        ids[name] = await customer(a if n <= 9 else b, name=name, **fields)
    await buy(a, ids["k1"], ago(100), amount_fen=500000)
    await buy(a, ids["k2"], ago(95), amount_fen=1000)
    await buy(a, ids["k3"], ago(100), amount_fen=5000)
    await visit(a, ids["k3"], ago(20))
    await buy(a, ids["k6"], ago(5), amount_fen=10000)
    await visit(a, ids["k7"], ago(40))
    await buy(a, ids["k9"], ago(3), amount_fen=10000)
    await buy(b, ids["k10"], ago(200), amount_fen=10000)
    await buy(b, ids["k11"], ago(2), amount_fen=10000)
    since = {"k4": 10, "k5": 150, "k10": 300}
    for name, customer_id in ids.items():
        await move("customer", customer_id, created_at=ago(since.get(name, 200)))
    await roll_up()
    world.ids = ids
    return world


async def test_churn_risk_list_most_urgent_first(chain):
    table = await report(chain.admin, "churn-risk")
    names = [r["customer"] for r in table["rows"]]
    assert names == ["k6", "k8", "k1", "k10", "k2", "k5"]
    rows = {r["customer"]: r for r in table["rows"]}
    assert (rows["k6"]["action"], rows["k6"]["reason"]) == ("邀约续约，推荐合适套餐", "合约将到期")
    assert rows["k8"]["reason"] == "合约将到期、久未到店" and rows["k8"]["last_activity_on"] is None
    assert (rows["k1"]["action_key"], rows["k1"]["last_activity_on"]) == ("call_win_back", ago(100).astimezone(
        dt.timezone(dt.timedelta(hours=8))).date().isoformat())
    assert [rows[n]["action_key"] for n in ("k10", "k2", "k5")] == ["send_care"] * 3
    assert rows["k6"]["contract_end_on"] == day(-10) and "****" in rows["k6"]["phone"]
    assert table["totals"] == {"at_risk": 6, "contract_ending": 2, "lapsed": 5, "renew_offer": 2, "call_win_back": 1,
                               "send_care": 3}
    assert {x["action"]: x["customers"] for x in table["breakdowns"]["action"]} == {
        "邀约续约，推荐合适套餐": 2, "电话回访，送券挽回": 1, "发送关怀消息，邀请到店": 3}
    assert {x["group"]: x["customers"] for x in table["breakdowns"]["by_group"]} == {"测试一厅": 5, "测试二厅": 1}


async def test_churn_risk_with_a_30_day_lapse(chain):
    table = await report(chain.manager_a, "churn-risk", lapsed_days=30)
    assert [r["customer"] for r in table["rows"]] == ["k6", "k8", "k1", "k2", "k5", "k7"]
    assert table["totals"]["lapsed"] == 5 and table["filters"]["lapsed_days"] == 30
    bad = await chain.manager_a.get("/api/v1/reports/churn-risk", params={"lapsed_days": 3})
    assert bad.status_code == 422 and bad.json()["field"] == "lapsed_days"


async def test_churn_risk_by_clerk(chain):
    table = await report(chain.manager_a, "churn-risk", group="clerk")
    assert {x["group"]: x["customers"] for x in table["breakdowns"]["by_group"]} == {"clerk_a 名": 5}


async def test_churn_risk_customers_page_with_actions(chain):
    ids = chain.ids
    page = await drill(chain.manager_a, "churn-risk", limit=3)
    assert page["total"] == 5
    assert [c["id"] for c in page["items"]] == sorted(ids[n] for n in ("k1", "k2", "k5", "k6", "k8"))[:3]
    assert all(c["detail"]["action_key"] in ("renew_offer", "call_win_back", "send_care") for c in page["items"])
    renew = await drill(chain.admin, "churn-risk", action="renew_offer")
    assert [c["id"] for c in renew["items"]] == sorted([ids["k6"], ids["k8"]])
    assert renew["items"][0]["detail"]["reason"] in ("合约将到期", "合约将到期、久未到店")


async def test_churn_risk_downloads_parse_back(chain):
    table = await report(chain.admin, "churn-risk")
    await assert_downloads_match(chain.admin, "churn-risk", table)


async def test_churn_risk_assign_makes_clerk_tasks(chain):
    ids = chain.ids
    chosen = [ids["k1"], ids["k2"], ids["k3"], ids["k10"]]  # k3 is not at risk, k10 is another store's
    body = {"customer_ids": chosen, "due_in_days": 0}
    first = await chain.manager_a.post("/api/v1/reports/churn-risk/assign", json=body, headers={"Idempotency-Key": "churn-assign-1"})
    assert first.status_code == 201, first.text
    assert first.json() == {"assigned": sorted([ids["k1"], ids["k2"]]), "already_open": [],
                            "not_at_risk": sorted([ids["k3"], ids["k10"]])}
    replay = await chain.manager_a.post("/api/v1/reports/churn-risk/assign", json=body, headers={"Idempotency-Key": "churn-assign-1"})
    assert replay.status_code == 200 and replay.json() == first.json()
    again = await chain.manager_a.post("/api/v1/reports/churn-risk/assign", json={"customer_ids": [ids["k1"], ids["k5"]]},
                                       headers={"Idempotency-Key": "churn-assign-2"})
    assert again.json()["assigned"] == [ids["k5"]] and again.json()["already_open"] == [ids["k1"]]
    tasks = (await chain.clerk_a.get("/api/v1/care/tasks")).json()
    mine = {t["customer_id"]: t for t in tasks}
    assert set(mine) >= {ids["k1"], ids["k2"], ids["k5"]}
    assert mine[ids["k1"]]["script"] == "电话回访，送券挽回（久未到店）" and mine[ids["k1"]]["clerk_id"] == chain.staff["clerk_a"].id
    clerks = {r["clerk_id"]: r for r in (await report(chain.manager_a, "clerks"))["rows"]}
    assert (clerks[chain.staff["clerk_a"].id]["tasks"], clerks[chain.staff["clerk_a"].id]["tasks_done"]) == (2, 0)


async def test_churn_risk_assign_checked(chain):
    ids = chain.ids
    other = await chain.manager_a.post("/api/v1/reports/churn-risk/assign",
                                       json={"customer_ids": [ids["k8"]], "clerk_id": chain.staff["clerk_b"].id})
    assert other.status_code == 422 and other.json()["field"] == "clerk_id"
    clerk = await chain.clerk_a.post("/api/v1/reports/churn-risk/assign", json={"customer_ids": [ids["k8"]]})
    assert clerk.status_code == 403
    empty = await chain.manager_a.post("/api/v1/reports/churn-risk/assign", json={"customer_ids": []})
    assert empty.status_code == 400  # the body fails validation


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
async def test_churn_risk_csv_shows_a_formula_name_as_text(chain, name):
    """A name a spreadsheet would run (CSV injection) is prefixed with ' in the CSV; the XLSX holds it as text."""
    await move("customer", chain.ids["k10"], name=name)
    try:
        table = await report(chain.admin, "churn-risk")
        assert "k10" not in [r["customer"] for r in table["rows"]] and name in [r["customer"] for r in table["rows"]]
        for request in ({"params": {"format": "csv"}}, {"headers": {"Accept": "text/csv"}}):
            response = await chain.admin.get("/api/v1/reports/churn-risk", **request)
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
            assert ["'" + name] == [cell for row in rows for cell in row if cell.endswith(name)]
        if not name.startswith("\r"):  # the XLSX reader turns a CR into LF: the comparison, not the cell
            await assert_downloads_match(chain.admin, "churn-risk", table)
    finally:
        await move("customer", chain.ids["k10"], name="k10")


async def open_tasks(customer_id: int) -> int:
    return (await raw("SELECT count(*) AS n FROM care_task WHERE customer = {} AND status = 'open'", customer_id))[0]["n"]


async def test_churn_risk_assign_skips_a_customer_with_a_campaign_task_open(chain):
    ids = chain.ids
    campaign = await create_campaign(chain.manager_a, {
        "name": "续约回访", "occasion": {"kind": "festival", "festival": "qixi"}, "status": "draft", "purpose": "service",
        "task": {"script": {"zh-CN": "致电 {{ name }}：您的合约即将到期"}}})
    await give_task(ids["k6"], due_on=today() - dt.timedelta(days=2), campaign_id=campaign["id"])  # open, overdue
    answer = await chain.manager_a.post("/api/v1/reports/churn-risk/assign", json={"customer_ids": [ids["k6"], ids["k8"]]})
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"assigned": [ids["k8"]], "already_open": [ids["k6"]], "not_at_risk": []}
    assert (await open_tasks(ids["k6"]), await open_tasks(ids["k8"])) == (1, 1)


async def test_churn_risk_assign_twice_at_once_gives_one_task(chain):
    ids = chain.ids
    answers = await asyncio.gather(*(
        chain.admin.post("/api/v1/reports/churn-risk/assign", json={"customer_ids": [ids["k10"]]},
                         headers={"Idempotency-Key": f"churn-assign-race-{n}"}) for n in range(2)))
    assert [a.status_code for a in answers] == [201, 201]
    assert sorted(a.json()["assigned"] + a.json()["already_open"] for a in answers) == [[ids["k10"]]] * 2
    assert sum(len(a.json()["assigned"]) for a in answers) == 1 and await open_tasks(ids["k10"]) == 1


# last in the module: the tasks it makes stay open
async def test_churn_risk_assign_writes_each_script_in_the_customers_language(chain):
    ids = chain.ids
    assert (await chain.clerk_a.patch(f"/api/v1/customers/{ids['k6']}", json={"language": "en"})).status_code == 200
    for task in (await chain.manager_a.get("/api/v1/care/tasks")).json():  # earlier tests' tasks, done
        if task["customer_id"] in (ids["k6"], ids["k8"]) and task["status"] == "open":
            done = await chain.manager_a.post(f"/api/v1/care/tasks/{task['id']}/outcome", json={"outcome": "reached"})
            assert done.status_code == 200, done.text
    try:
        # a manager whose screen is in English assigns two customers: one reads English, one Chinese
        assigned = await chain.manager_a.post("/api/v1/reports/churn-risk/assign", json={"customer_ids": [ids["k6"], ids["k8"]]},
                                              headers={"Idempotency-Key": "churn-assign-languages", "Accept-Language": "en"})
        assert assigned.status_code == 201, assigned.text
        assert assigned.json()["assigned"] == sorted([ids["k6"], ids["k8"]])
        scripts = {t["customer_id"]: t["script"] for t in (await chain.manager_a.get("/api/v1/care/tasks")).json()
                   if t["status"] == "open"}
        assert scripts[ids["k6"]] == "Invite to renew with a fitting plan (Contract ending)"
        assert scripts[ids["k8"]] == "邀约续约，推荐合适套餐（合约将到期、久未到店）"
    finally:
        await chain.clerk_a.patch(f"/api/v1/customers/{ids['k6']}", json={"language": "zh-CN"})
