"""Clerk KPIs and the store ranking on a hand-built chain of five stores, with the ranking's weights
changed by the admin and the grades written back. Figures written down by hand below."""

import pytest

from regulars.core.db import raw
from regulars.reports import stores as store_reports
from tests.support.reports import assert_downloads_match, buy, by, customer, day, drill, key, report, roll_up, visit
from tests.support.world import make_staff, make_store

RANGE = {"from": day(29), "to": day(0)}
RICH = {"device_model": "华为 Mate 70", "gender": "female", "occupation": "教师", "interests": ["摄影"],
        "plan": "全家享套餐169元", "monthly_spend_fen": 16900, "birthday": {"calendar": "solar", "month": 8, "day": 15},
        "broadband": True, "family_lines": 1}  # completeness 90
# store A (XX001): clerk_a brings c1 (profile 90) c2 c3, clerk_a2 brings c4
#   clerk_a records the first purchases of c1 and c2 (100 yuan each) and issues a 10-yuan coupon to each
#   clerk_a2 records c1's second purchase (100 yuan), a visit of c3, and redeems c1's coupon
# store B (XX002): clerk_b brings d1 d2, d1 buys for 600 yuan
# store C (XX003): clerk_c brings e1, who buys twice for 50 yuan, and redeems two coupons
# stores D (XX004) and E (XX005): nothing
# default weights: new customers 30, repurchases 30, redemptions 20, sales 20; each measure over the best store's:
#   A: 30*4/4 + 30*1/1 + 20*1/2 + 20*300/600 = 80 · C: 30*1/4 + 30 + 20 + 20*100/600 = 60.83 · B: 30*2/4 + 20 = 35
#   ranked A, C, B, D, E; of five stores 1 is A (20%), 3 are B (50%), 1 is C


async def coupon(client, template_id, customer_id) -> str:
    response = await client.post("/api/v1/coupons", json={"template_id": template_id, "customer_id": customer_id},
                                 headers={"Idempotency-Key": key()})
    assert response.status_code == 201, response.text
    return response.json()["code"]


async def redeem(client, code) -> None:
    response = await client.post("/api/v1/coupons/redeem", json={"code": code}, headers={"Idempotency-Key": key()})
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
async def chain(world):
    store_c = await make_store("XX003", "测试三厅")
    world.store_d = await make_store("XX004", "测试四厅")
    await make_store("XX005", "测试五厅")
    world.staff["clerk_c"] = await make_staff("clerk_c", "clerk", store_c.id, "E3001")
    world.clients["clerk_c"] = await world.client("clerk_c")
    a, a2, b, c = world.clerk_a, world.clerk_a2, world.clerk_b, world.clerk_c
    ids = {"c1": await customer(a, name="c1", **RICH)}
    for name, client in (("c2", a), ("c3", a), ("c4", a2), ("d1", b), ("d2", b), ("e1", c)):
        ids[name] = await customer(client, name=name)
    template = (await world.admin.post("/api/v1/coupon-templates", json={
        "name_zh": "十元券", "kind": "amount_off", "amount_off_fen": 1000, "category": "business", "purpose": "reward",
        "valid_days": 30, "scope": "chain", "per_customer_limit": None})).json()["id"]
    await buy(a, ids["c1"])
    await buy(a, ids["c2"])
    first = await coupon(a, template, ids["c1"])
    await coupon(a, template, ids["c2"])
    await buy(a2, ids["c1"])
    await visit(a2, ids["c3"])
    await redeem(a2, first)
    await buy(b, ids["d1"], amount_fen=60000)
    await buy(c, ids["e1"], amount_fen=5000)
    await buy(c, ids["e1"], amount_fen=5000)
    for _ in range(2):
        await redeem(c, await coupon(c, template, ids["e1"]))
    await roll_up()
    world.ids = ids
    return world


async def test_clerk_kpis_of_a_store(chain):
    table = await report(chain.manager_a, "clerks", **RANGE)
    rows = by(table["rows"], "clerk_id")
    assert set(rows) == {chain.staff[n].id for n in ("manager_a", "clerk_a", "clerk_a2")}
    figures = ("new_customers", "customers", "profiles_completed", "coupons_issued", "coupons_redeemed", "purchases",
               "repurchases", "visits", "sales_fen")
    assert tuple(rows[chain.staff["clerk_a"].id][f] for f in figures) == (3, 3, 1, 2, 0, 2, 0, 0, 20000)
    assert tuple(rows[chain.staff["clerk_a2"].id][f] for f in figures) == (1, 1, 0, 0, 1, 1, 1, 1, 10000)
    assert tuple(rows[chain.staff["manager_a"].id][f] for f in figures) == (0,) * 9
    assert rows[chain.staff["clerk_a"].id]["profiles_completed_share"] == round(1 / 3, 4)
    assert tuple(table["totals"][f] for f in figures) == (4, 4, 1, 2, 1, 3, 1, 1, 30000)
    assert table["totals"]["profiles_completed_share"] == 0.25


async def test_clerk_kpis_one_clerk_and_their_customers(chain):
    table = await report(chain.manager_a, "clerks", clerk=chain.staff["clerk_a2"].id, **RANGE)
    assert [r["clerk"] for r in table["rows"]] == ["clerk_a2 名"]
    mine = await drill(chain.manager_a, "clerks", clerk=chain.staff["clerk_a"].id, **RANGE)
    assert [c["id"] for c in mine["items"]] == sorted(chain.ids[n] for n in ("c1", "c2", "c3"))
    complete = await drill(chain.manager_a, "clerks", clerk=chain.staff["clerk_a"].id, completed="yes", **RANGE)
    assert [c["id"] for c in complete["items"]] == [chain.ids["c1"]]


async def test_clerk_kpis_downloads_parse_back(chain):
    table = await report(chain.admin, "clerks", **RANGE)
    await assert_downloads_match(chain.admin, "clerks", table, **RANGE)


async def test_store_ranking_default_weights(chain):
    table = await report(chain.admin, "stores", **RANGE)
    ranked = [(r["store"], r["score"], r["grade"]) for r in table["rows"]]
    assert ranked == [("测试一厅", 80.0, "A"), ("测试三厅", 60.83, "B"), ("测试二厅", 35.0, "B"), ("测试四厅", 0.0, "B"),
                      ("测试五厅", 0.0, "C")]
    a = table["rows"][0]
    assert (a["new_customers"], a["repurchases"], a["coupons_redeemed"], a["sales_fen"]) == (4, 1, 1, 30000)
    assert {g["grade"]: g["stores"] for g in table["breakdowns"]["grades"]} == {"A": 1, "B": 3, "C": 1}
    await assert_downloads_match(chain.admin, "stores", table, **RANGE)


async def test_store_ranking_manager_sees_own_rank_only(chain):
    table = await report(chain.manager_b, "stores", **RANGE)
    assert [(r["store"], r["rank"], r["grade"]) for r in table["rows"]] == [("测试二厅", 3, "B")]


async def test_store_ranking_weights_admin_only_and_checked(chain):
    assert (await chain.manager_a.get("/api/v1/reports/settings/weights")).status_code == 403
    denied = await chain.manager_a.request("PUT", "/api/v1/reports/settings/weights", json={"weights": {"sales_fen": 1}})
    assert denied.status_code == 403
    current = await chain.admin.get("/api/v1/reports/settings/weights")
    assert current.json() == {"weights": {"new_customers": 30, "repurchases": 30, "coupons_redeemed": 20, "sales_fen": 20},
                              "a_share": 0.2, "b_share": 0.5}
    unknown = await chain.admin.request("PUT", "/api/v1/reports/settings/weights", json={"weights": {"smiles": 1}})
    assert unknown.status_code == 422 and unknown.json()["field"] == "weights"
    shares = await chain.admin.request("PUT", "/api/v1/reports/settings/weights", json={"weights": {"sales_fen": 1}, "a_share": 0.7,
                                                                             "b_share": 0.5})
    assert shares.status_code == 422


async def test_store_ranking_by_sales_only_with_two_a_stores(chain):
    saved = await chain.admin.request("PUT", "/api/v1/reports/settings/weights",
                                  json={"weights": {"sales_fen": 1}, "a_share": 0.4, "b_share": 0.4})
    assert saved.status_code == 200, saved.text
    table = await report(chain.admin, "stores", **RANGE)
    # sales 600, 300, 100, 0, 0 yuan; of five stores 2 are A (40%), 2 B (40%), 1 C
    assert [(r["store"], r["score"], r["grade"]) for r in table["rows"]] == [
        ("测试二厅", 100.0, "A"), ("测试一厅", 50.0, "A"), ("测试三厅", 16.67, "B"), ("测试四厅", 0.0, "B"),
        ("测试五厅", 0.0, "C")]
    assert table["filters"]["weights"] == {"sales_fen": 1.0}


async def test_store_grades_written_back_by_the_admin(chain):
    month = day(0)[:7]
    assert (await chain.manager_a.post("/api/v1/reports/stores/grades", json={"month": month})).status_code == 403
    await chain.admin.request("PUT", "/api/v1/reports/settings/weights", json={
        "weights": {"new_customers": 30, "repurchases": 30, "coupons_redeemed": 20, "sales_fen": 20}})
    # stores start at B, unless the server's monthly job graded last month (the same data) meanwhile
    before = {s["code"]: s["grade"] for s in (await chain.admin.get("/api/v1/stores")).json()}
    graded = await chain.admin.post("/api/v1/reports/stores/grades", json={"month": month})
    assert graded.status_code == 200, graded.text
    body = graded.json()
    assert body["month"] == month
    stores = {s["code"]: s["grade"] for s in (await chain.admin.get("/api/v1/stores")).json()}
    # this month holds the whole chain's data, so the month ranks as the last 30 days did
    assert stores == {"XX001": "A", "XX003": "B", "XX002": "B", "XX004": "B", "XX005": "C"}
    assert body["changed"] == sum(1 for code, grade in stores.items() if grade != before[code])
    bad = await chain.admin.post("/api/v1/reports/stores/grades", json={"month": "2026-13"})
    assert bad.status_code == 422


async def test_store_grades_monthly_job_grades_last_month_once(chain):
    last = store_reports.previous_month(__import__("datetime").date.fromisoformat(day(0)))
    await store_reports.grade_last_month_once()
    first = await raw("SELECT store_id, grade, graded_at FROM report_store_grade WHERE month = {} ORDER BY store_id", last)
    assert len(first) == 5 and all(r["grade"] in "ABC" for r in first)
    await store_reports.grade_last_month_once()
    again = await raw("SELECT store_id, grade, graded_at FROM report_store_grade WHERE month = {} ORDER BY store_id", last)
    assert [dict(r) for r in again] == [dict(r) for r in first]
