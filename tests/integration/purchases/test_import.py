"""POS purchase import of the sample export over real HTTP: dry run, row errors, refunds, idempotent re-import."""

import asyncio
import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from regulars.core import clock
from regulars.core.db import raw
from regulars.customers import importer as customer_import
from regulars.points import service as points
from tests.support.server import ROOT, regulars_command
from tests.support.loyalty import new_customer
from tests.support.world import SYSTEM, make_store, new_phone

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
POS = SAMPLES / "purchases_pos_export_utf8.csv"
CUSTOMERS = SAMPLES / "customers_billing_export_utf8.csv"


@pytest.fixture(scope="module")
async def chain(world):
    """The sample's stores and its customers (the billing export), as the POS lines refer to them."""
    for code in ("XX003", "XX017", "XX031"):
        await make_store(code, f"样例{code}")
    job_id = await customer_import.start(SYSTEM, CUSTOMERS.name, False)
    await customer_import.run(SYSTEM, job_id, CUSTOMERS.name, CUSTOMERS.read_bytes(), False)
    return world


async def run_import(client, content, filename, dry_run, lang="zh-CN"):
    response = await client.post("/api/v1/imports/purchases", params={"dry_run": str(dry_run).lower()},
                                 files={"file": (filename, content)}, headers={"Accept-Language": lang})
    assert response.status_code == 202, response.text
    job = response.json()
    for _ in range(600):
        if job["status"] != "running":
            return job
        await asyncio.sleep(0.1)
        job = (await client.get(f"/api/v1/imports/{job['id']}", headers={"Accept-Language": lang})).json()
    raise AssertionError(f"import did not finish: {job}")


async def counts():
    purchases = (await raw("SELECT COUNT(*) AS n FROM purchase"))[0]["n"]
    entries = (await raw("SELECT COUNT(*) AS n FROM points_entry"))[0]["n"]
    return purchases, entries


SHORT_PHONE_ROWS = {12, 37, 42, 56}  # 1381234
NOT_A_CUSTOMER_ROWS = {30, 60, 76, 88}  # a phone whose billing row was rejected (its birthday does not exist)
UNKNOWN_STORE_ROW = 97  # ZZ999


def errors_by_row(job):
    return {e["row"]: e for e in job["errors"]}


async def test_import_purchases_dry_run_reports_rows_and_writes_nothing(chain):
    before = await counts()
    job = await run_import(chain.admin, POS.read_bytes(), POS.name, dry_run=True)
    assert job["status"] == "done" and job["kind"] == "purchases"
    assert (job["total"], job["created"], job["unchanged"], job["failed"]) == (121, 111, 1, 9)
    errors = errors_by_row(job)
    assert set(errors) == SHORT_PHONE_ROWS | NOT_A_CUSTOMER_ROWS | {UNKNOWN_STORE_ROW}
    assert errors[12]["column"] == "手机号码" and "1381234" in errors[12]["message"]
    assert errors[30]["message"] == "手机号 198****6769 还不是客户，请先建档再导入"
    assert errors[97]["column"] == "营业厅编码" and "ZZ999" in errors[97]["message"]
    assert await counts() == before


async def test_import_purchases_errors_read_in_english(chain):
    job = await run_import(chain.admin, POS.read_bytes(), POS.name, dry_run=True, lang="en")
    errors = errors_by_row(job)
    assert errors[30]["message"] == "198****6769 is not a customer yet; create the profile, then import again"
    assert errors[97]["message"] == "Store code ZZ999 does not exist"


async def test_import_purchases_then_again_changes_nothing(chain):
    job = await run_import(chain.admin, POS.read_bytes(), POS.name, dry_run=False)
    assert (job["status"], job["created"], job["unchanged"], job["failed"]) == ("done", 111, 1, 9)
    after_first = await counts()
    assert after_first[0] == 111
    balances = await raw("SELECT customer, balance FROM points_balance ORDER BY customer")
    again = await run_import(chain.admin, POS.read_bytes(), POS.name, dry_run=False)
    assert (again["status"], again["created"], again["unchanged"], again["failed"]) == ("done", 0, 112, 9)
    assert await counts() == after_first
    assert await raw("SELECT customer, balance FROM points_balance ORDER BY customer") == balances
    assert await points.reconcile() == []


async def test_import_purchases_repeated_order_imported_once(chain):
    rows = await raw("SELECT COUNT(*) AS n FROM purchase WHERE external_id = 'BOSS20260023757'")
    assert rows[0]["n"] == 1


async def test_import_purchases_keeps_values_as_given(chain):
    row = (await raw("SELECT p.*, s.code FROM purchase p JOIN store s ON s.id = p.store WHERE external_id = 'BOSS20260000000'"))[0]
    assert (row["code"], row["kind"], row["category"], row["amount_fen"], row["clerk_no"], row["clerk"], row["source"]) == (
        "XX003", "purchase", "accessory", 2900, "E1053", None, "import")
    assert clock.aware(row["occurred_at"]) == dt.datetime(2026, 1, 2, 9, 21, tzinfo=dt.timezone.utc)  # 17:21 in Shanghai
    items = row["items"] if isinstance(row["items"], list) else json.loads(row["items"])
    assert items == [{"name": "手机壳", "quantity": 1}]
    assert row["points"] == 29


async def test_import_purchases_refund_line(chain):
    row = (await raw("SELECT id, customer, kind, category, amount_fen, seq, points FROM purchase WHERE external_id = 'BOSS20260395950'"))[0]
    assert (row["kind"], row["category"], row["amount_fen"], row["seq"]) == ("refund", "device", -2000, None)
    reversed_ = await raw("SELECT points FROM points_entry WHERE customer = {} AND source_kind = 'refund' AND source_id = {}",
                          row["customer"], str(row["id"]))
    # the refund (July) came before this customer's only purchase (November): there was nothing to take back
    assert row["points"] == sum(r["points"] for r in reversed_) <= 0
    later = (await raw("SELECT seq FROM purchase WHERE external_id = 'BOSS20260451383'"))[0]
    assert later["seq"] == 1


async def test_import_purchases_free_after_sales_line_is_a_visit(chain):
    row = (await raw("SELECT kind, visit_kind, category, seq FROM purchase WHERE external_id = 'BOSS20260110866'"))[0]
    assert (row["kind"], row["visit_kind"], row["category"], row["seq"]) == ("visit", "after_sales", None, None)


async def test_import_purchases_numbers_follow_time(chain):
    rows = await raw("SELECT p.external_id, p.seq FROM purchase p JOIN customer c ON c.id = p.customer "
                     "WHERE c.phone = '15000001207' ORDER BY p.occurred_at")
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0]["external_id"] == "BOSS20260134623"


async def test_import_purchases_by_manager_refuses_other_store_lines(chain):
    job = await run_import(chain.manager_a, POS.read_bytes(), POS.name, dry_run=True)
    assert job["status"] == "done"
    own = sum(1 for line in POS.read_text(encoding="utf-8-sig").splitlines()[1:] if ",XX001," in line)
    assert job["created"] + job["unchanged"] + job["updated"] <= own
    other_store = [e for e in job["errors"] if e["column"] == "营业厅编码" and "不是本店" in e["message"]]
    # every other store's line but ZZ999 (unknown) and the four short phones (refused on their phone first)
    assert len(other_store) == 121 - own - 1 - len(SHORT_PHONE_ROWS)
    out_of_reach = [e for e in job["errors"] if e["column"] == "手机号码" and "不是本店客户" in e["message"]]
    assert out_of_reach  # this store's lines for customers of other stores
    assert job["failed"] == len(job["errors"]) and job["total"] == 121


async def test_import_purchases_unreadable_and_missing_columns_fail_readably(chain):
    job = await run_import(chain.admin, "订单号,手机号码\nX1,13800000000\n".encode(), "bad.csv", dry_run=True)
    assert job["status"] == "failed"
    assert "营业厅编码" in job["errors"][0]["message"]


async def test_import_purchases_bad_cells_named_by_column(chain):
    header = "订单号,手机号码,营业厅编码,店员工号,办理时间,业务类型,金额(元),商品\n"
    lines = [
        "T-1,15000001207,XX031,E1,2026-13-40 10:00,配件,29.00,",
        "T-2,15000001207,XX031,E1,2026-01-02 10:00,彩票,29.00,",
        "T-3,15000001207,XX031,E1,2026-01-02 10:00,配件,二十九,",
        ",15000001207,XX031,E1,2026-01-02 10:00,配件,29.00,",
    ]
    job = await run_import(chain.admin, (header + "\n".join(lines) + "\n").encode(), "cells.csv", dry_run=True)
    errors = errors_by_row(job)
    assert [errors[r]["column"] for r in (2, 3, 4, 5)] == ["办理时间", "业务类型", "金额(元)", "订单号"]
    assert "彩票" in errors[3]["message"] and "二十九" in errors[4]["message"]


async def test_import_purchases_changed_order_reported_not_applied(chain):
    text = POS.read_text(encoding="utf-8-sig").replace("BOSS20260000000,19891553820,XX003,E1053,2026-01-02 17:21:00,配件,29.00",
                                                       "BOSS20260000000,19891553820,XX003,E1053,2026-01-02 17:21:00,配件,39.00")
    job = await run_import(chain.admin, text.encode(), POS.name, dry_run=False)
    assert job["created"] == 0 and job["failed"] == 10
    assert "BOSS20260000000" in errors_by_row(job)[2]["message"]
    assert (await raw("SELECT amount_fen FROM purchase WHERE external_id = 'BOSS20260000000'"))[0]["amount_fen"] == 2900


async def test_import_purchases_by_clerk_forbidden(chain):
    response = await chain.clerk_a.post("/api/v1/imports/purchases", files={"file": ("x.csv", b"a,b\n")})
    assert response.status_code == 403


async def test_import_purchases_cli_dry_run(chain):
    result = subprocess.run(regulars_command("import-purchases", str(POS), "--dry-run"), cwd=ROOT,
                            capture_output=True, text=True, check=True)
    summary = json.loads(result.stdout.splitlines()[0])
    assert summary == {"status": "done", "total": 121, "created": 0, "unchanged": 112, "failed": 9}
    assert "row 97 营业厅编码: 营业厅编码 ZZ999 不存在" in result.stdout


async def test_import_purchases_bad_amounts_and_times_fail_their_rows_only(chain):
    phone = new_phone()
    await new_customer(chain.clerk_a, phone=phone)
    header = "订单号,手机号码,营业厅编码,店员工号,办理时间,业务类型,金额(元),商品\n"
    lines = [
        ("R-1", "2026-01-02 10:00", "1000000.00"),
        ("R-2", "2026-01-02 10:05", "1e20"),
        ("R-3", "2026-01-02 10:10", "-1e40"),
        ("R-4", "2026-01-02 10:15", "٢٩"),
        ("R-5", "2026-01-02 10:20", "29.005"),
        ("R-6", "1900-01-01 10:00", "29.00"),
        ("R-7", "2999-01-01 10:00", "29.00"),
        ("R-8", "0001-01-01 00:00", "29.00"),
        ("R-9", "2026-01-03 10:00", "-20.00"),
    ]
    text = header + "".join(f"{order},{phone},XX001,E1,{at},配件,{amount},\n" for order, at, amount in lines)
    job = await run_import(chain.admin, text.encode(), "huge_amounts.csv", dry_run=False)
    assert job["status"] == "done", job
    assert (job["total"], job["created"], job["failed"]) == (9, 2, 7)
    assert {r: (e["column"], e["message"]) for r, e in errors_by_row(job).items()} == {
        3: ("金额(元)", "金额 1e20 超出范围（-1,000,000 至 1,000,000 元）"),
        4: ("金额(元)", "金额 -1e40 超出范围（-1,000,000 至 1,000,000 元）"),
        5: ("金额(元)", "金额 ٢٩ 不是数字"),
        6: ("金额(元)", "金额 29.005 最多两位小数（精确到分）"),
        7: ("办理时间", "办理时间 1900-01-01 10:00 早于 2000-01-01，请检查年份"),
        8: ("办理时间", "办理时间 2999-01-01 10:00 在将来"),
        9: ("办理时间", "时间 0001-01-01 00:00 无法识别（应为 2026-01-02 17:21:00）"),
    }
    stored = await raw("SELECT p.external_id, p.amount_fen FROM purchase p JOIN customer c ON c.id = p.customer "
                       "WHERE c.phone = {} ORDER BY p.external_id", phone)
    assert [(r["external_id"], r["amount_fen"]) for r in stored] == [("R-1", 100_000_000), ("R-9", -2000)]


async def test_import_purchases_bad_amounts_read_in_english(chain):
    header = "订单号,手机号码,营业厅编码,店员工号,办理时间,业务类型,金额(元),商品\n"
    text = header + "E-1,15000001207,XX031,E1,1999-12-31 23:59,配件,29.00,\nE-2,15000001207,XX031,E1,2026-01-02 10:00,配件,1e20,\n"
    job = await run_import(chain.admin, text.encode(), "en.csv", dry_run=True, lang="en")
    assert [e["message"] for e in job["errors"]] == [
        "Time 1999-12-31 23:59 is before 2000-01-01; check the year",
        "Amount 1e20 is out of range (-1,000,000 to 1,000,000 yuan)",
    ]


async def test_import_purchases_empty_file_says_it_is_empty(chain):
    job = await run_import(chain.admin, b"", "pos.csv", dry_run=True)
    assert job["status"] == "failed"
    assert [(e["row"], e["message"]) for e in job["errors"]] == [
        (0, "文件 pos.csv 是空的，没有表头行；请导出带表头的文件再导入")]


async def test_import_purchases_unexpected_line_failure_fails_that_line_and_writes_nothing_of_it(chain, monkeypatch):
    """A failure no rule foresaw, after the purchase and its points were written in the line's unit, rolls it back."""
    from regulars.purchases import importer
    from regulars.purchases import service

    phone = new_phone()
    customer_id = await new_customer(chain.clerk_a, phone=phone)
    note = service._note

    async def failing(customer_id, kind, category, visit_kind, amount_fen, *args):
        if amount_fen == 6600:
            raise RuntimeError("disk on fire")
        await note(customer_id, kind, category, visit_kind, amount_fen, *args)

    monkeypatch.setattr(service, "_note", failing)
    header = "订单号,手机号码,营业厅编码,店员工号,办理时间,业务类型,金额(元),商品\n"
    text = header + f"U-1,{phone},XX001,E1,2026-01-02 10:00,配件,66.00,\nU-2,{phone},XX001,E1,2026-01-02 11:00,配件,77.00,\n"
    job_id = await importer.start(SYSTEM, "broken.csv", False)
    await importer.run(SYSTEM, job_id, "broken.csv", text.encode(), False)
    job = await customer_import.job(SYSTEM, job_id, "zh-CN")
    assert (job["status"], job["created"], job["failed"], job["processed"]) == ("done", 1, 1, 2)
    assert job["errors"] == [{"row": 2, "column": "",
                              "message": "这一行未能导入（其他行不受影响）；请检查这一行后再导入，仍不成功请联系管理员"}]
    stored = await raw("SELECT id, external_id, seq FROM purchase WHERE customer = {}", customer_id)
    assert [(r["external_id"], r["seq"]) for r in stored] == [("U-2", 1)]  # U-1 took no purchase number either
    entries = await raw("SELECT source_id FROM points_entry WHERE customer = {}", customer_id)
    assert [e["source_id"] for e in entries] == [str(stored[0]["id"])]
