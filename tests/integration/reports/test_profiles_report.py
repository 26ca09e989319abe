"""The profiles report on a hand-built chain whose figures are written down here."""

import csv
import io
import uuid

import pytest
from openpyxl import load_workbook

from regulars.core.db import raw
from regulars.reports import profile_bands
from tests.support.reports import roll_up
from tests.support.world import new_phone

# store A: four customers, store B: two; completeness by the rules' weights
A_CUSTOMERS = [
    {"name": "甲", "birthday": {"calendar": "solar", "month": 1, "day": 2}, "plan": "5G畅享套餐129元",
     "device_model": "iPhone 16", "consents": [{"purpose": "service", "granted": True, "notice_version": "v1"},
                                               {"purpose": "marketing", "granted": True, "notice_version": "v1"}]},  # 10+15+10+10 = 45
    {"name": "乙", "plan": "4G飞享套餐38元"},  # 20
    {"name": "丙", "consents": [{"purpose": "service", "granted": True, "notice_version": "v1"}]},  # 10
    {},  # 0
]
B_CUSTOMERS = [
    {"name": "丁", "device_model": "华为 Mate 70", "gender": "female", "occupation": "教师", "interests": ["摄影"],
     "plan": "全家享套餐169元", "monthly_spend_fen": 16900, "birthday": {"calendar": "lunar", "month": 8, "day": 15},
     "broadband": True, "family_lines": 1},  # 10+5+15+10+10+10+10+10+5+5 = 90
    {"name": "戊"},  # 10
]


@pytest.fixture(scope="module")
async def chain(world):
    for client, bodies in ((world.clerk_a, A_CUSTOMERS), (world.clerk_b, B_CUSTOMERS)):
        for body in bodies:
            response = await client.post("/api/v1/customers", json={"phone": new_phone()} | body,
                                         headers={"Idempotency-Key": uuid.uuid4().hex})
            assert response.status_code == 201, response.text
    await roll_up()
    return world


async def rollup_rows() -> list[tuple]:
    return [tuple(r.values()) for r in await raw(
        "SELECT store_id, clerk_id, band, customers, completeness, with_birthday, with_plan, with_device, "
        "service_consent, marketing_consent FROM report_profile ORDER BY store_id, clerk_id, band")]


async def test_profiles_report_for_the_chain(chain):
    response = await chain.admin.get("/api/v1/reports/profiles")
    assert response.status_code == 200, response.text
    table = response.json()
    rows = {r["store"]: r for r in table["rows"]}
    a, b = rows["测试一厅"], rows["测试二厅"]
    assert (a["customers"], a["with_birthday"], a["with_plan"], a["with_device"]) == (4, 1, 2, 1)
    assert (a["service_consent"], a["marketing_consent"]) == (2, 1)
    assert a["avg_completeness"] == round((45 + 20 + 10 + 0) / 4, 1)
    assert a["with_plan_share"] == 0.5
    assert (b["customers"], b["with_birthday"], b["with_device"]) == (2, 1, 1)
    assert b["avg_completeness"] == 50.0
    assert table["totals"]["customers"] == 6
    assert table["totals"]["avg_completeness"] == round((45 + 20 + 10 + 0 + 90 + 10) / 6, 1)
    distribution = {d["bucket"]: d["customers"] for d in table["breakdowns"]["completeness"]}
    assert distribution == {"0-19": 3, "20-39": 1, "40-59": 1, "60-79": 0, "80-100": 1}


async def test_profiles_report_manager_sees_own_store_only(chain):
    mine = await chain.manager_a.get("/api/v1/reports/profiles")
    assert [r["store"] for r in mine.json()["rows"]] == ["测试一厅"]
    other = await chain.manager_a.get("/api/v1/reports/profiles", params={"store": chain.store_b.id})
    assert other.status_code == 404


async def test_profiles_report_as_csv_parses_back(chain):
    response = await chain.admin.get("/api/v1/reports/profiles", headers={"Accept": "text/csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"  # the charset said once
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["门店", "客户数", "平均完整度"]
    assert rows[1][:3] == ["测试一厅", "4", "18.8"]


async def test_profiles_report_as_xlsx_with_chinese_headers(chain):
    response = await chain.admin.get("/api/v1/reports/profiles", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("门店", "客户数")
    assert values[2][:2] == ("测试二厅", 2)


async def test_unknown_report_404_and_bad_dates_422(chain):
    assert (await chain.admin.get("/api/v1/reports/nope")).status_code == 404
    bad = await chain.admin.get("/api/v1/reports/profiles", params={"from": "2026-13-01"})
    assert bad.status_code == 422 and bad.json()["field"] == "from"
    backwards = await chain.admin.get("/api/v1/reports/profiles", params={"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 422


async def test_profiles_report_before_the_customers_existed_counts_none(chain):
    """A range that ended before today reads the customers who existed then (live), not the roll-up."""
    table = (await chain.admin.get("/api/v1/reports/profiles", params={"from": "2025-01-01", "to": "2025-01-31"})).json()
    assert table["totals"]["customers"] == 0 and table["rows"] == []


async def test_profile_rollup_follows_edits_and_erasure(chain):
    """The job's round rebuilds the stores whose customers changed; the report itself catches up on the stores
    in reach first, so a new customer, an edit and an erasure count at once; the rows always equal a full
    rebuild's."""
    def store_a(table: dict) -> dict:
        return {r["store"]: r for r in table["rows"]}["测试一厅"]

    before = store_a((await chain.admin.get("/api/v1/reports/profiles")).json())
    response = await chain.clerk_a.post("/api/v1/customers", json={"phone": new_phone(), "name": "己"},
                                        headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text
    customer_id = response.json()["id"]
    stale = await rollup_rows()
    assert await profile_bands.refresh() >= 1  # store A (and others changed within the slack)
    assert await rollup_rows() != stale
    added = store_a((await chain.manager_a.get("/api/v1/reports/profiles")).json())
    assert (added["customers"], added["with_plan"]) == (before["customers"] + 1, before["with_plan"])

    edit = await chain.clerk_a.patch(f"/api/v1/customers/{customer_id}", json={"plan": "5G畅享套餐129元"})
    assert edit.status_code == 200, edit.text
    edited = store_a((await chain.manager_a.get("/api/v1/reports/profiles")).json())  # no round in between
    assert (edited["customers"], edited["with_plan"]) == (before["customers"] + 1, before["with_plan"] + 1)
    caught_up = await rollup_rows()
    await profile_bands.refresh(full=True)
    assert await rollup_rows() == caught_up

    assert (await chain.manager_a.delete(f"/api/v1/customers/{customer_id}")).status_code == 204
    assert store_a((await chain.admin.get("/api/v1/reports/profiles")).json()) == before


async def test_reports_read_dates_in_the_managers_store_zone(chain):
    """A manager's reports take their store's zone (read with the session), and follow a change of it."""
    await raw("UPDATE store SET timezone = 'Europe/Berlin' WHERE id = {}", chain.store_b.id)
    try:
        table = (await chain.manager_b.get("/api/v1/reports/profiles")).json()
        assert table["filters"]["timezone"] == "Europe/Berlin"
    finally:
        await raw("UPDATE store SET timezone = 'Asia/Shanghai' WHERE id = {}", chain.store_b.id)
    assert (await chain.manager_b.get("/api/v1/reports/profiles")).json()["filters"]["timezone"] == "Asia/Shanghai"


@pytest.mark.parametrize(("name", "params", "field"), [
    ("care", {"month": "9999-12"}, "month"),
    ("clerks", {"month": "9999-12"}, "month"),
    ("retention", {"month": "9999-12"}, "month"),
    ("retention", {"from": "9999-12-31", "to": "9999-12-31"}, "to"),
    ("care", {"from": "0001-01-01"}, "from"),
    ("care", {"store": "abc"}, "store"),
    ("care", {"store": "99999999999"}, "store"),
    ("churn-risk", {"lapsed_days": "x"}, "lapsed_days"),
    ("churn-risk", {"lapsed_days": "٣٠"}, "lapsed_days"),
    ("coupons", {"template": "²"}, "template"),
    ("care", {"campaign": "99999999999"}, "campaign"),
])
async def test_report_filter_out_of_reach_422_naming_the_field(chain, name, params, field):
    response = await chain.admin.get(f"/api/v1/reports/{name}", params=params)
    english = await chain.admin.get(f"/api/v1/reports/{name}", params=params, headers={"Accept-Language": "en"})
    assert response.status_code == english.status_code == 422, response.text
    assert response.json()["field"] == field
    assert response.json()["detail"].startswith(f"字段 {field}：") and "{" not in response.json()["detail"]
    assert english.json()["detail"].startswith(f"Field {field}: ")


@pytest.mark.parametrize("name", ["care", "acquisition", "retention"])
async def test_report_campaign_in_other_digits_is_a_label(chain, name):
    """'²'.isdigit() is true, yet int('²') fails: a campaign that is not ASCII digits is a label, never an id."""
    response = await chain.admin.get(f"/api/v1/reports/{name}", params={"campaign": "²"})
    assert response.status_code == 200, response.text
