"""Customer import over real HTTP, updating profiles that exist: only what the file says changes, and every change
is audited and on the timeline. Also where a file's rows are (blank rows, stale XLSX dimensions), how large a file
may be, and two imports of one file at once."""

import asyncio
import io
import json
import re
import zipfile

import pytest

from regulars.core.db import raw
from tests.integration.customers.test_import import errors_by_row, run_import
from tests.support.world import make_store, new_phone

FULL = "客户姓名,手机号码,性别,出生日期,生日历法,职业,套餐名称,月均消费(元),终端型号,宽带,副卡数,归属营业厅编码,欠费金额(元),标签"


@pytest.fixture(scope="module")
async def chain(world):
    await make_store("XU001", "更新店")
    return world


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


async def profile(phone: str) -> dict:
    rows = await raw("SELECT * FROM customer WHERE phone = {}", phone)
    row = dict(rows[0])
    tags = await raw("SELECT tag FROM customer_tag WHERE customer = {} ORDER BY tag", row["id"])
    row["tags"] = [t["tag"] for t in tags]
    return row


async def imported(chain, phone: str, tags: str = "商务|摄影") -> dict:
    job = await run_import(chain.admin, csv(FULL, f"周全,{phone},女,1985-04-03,公历,教师,大王卡19元,88.50,iPhone 15,是,2,XU001,12.30,{tags}"),
                           "full.csv", dry_run=False)
    assert (job["status"], job["created"], job["failed"]) == ("done", 1, 0), job
    return await profile(phone)


KEPT = ("name", "gender", "birth_calendar", "birth_year", "birth_month", "birth_day", "occupation", "plan",
        "monthly_spend_fen", "device_model", "broadband", "family_lines", "tags", "completeness")


async def test_import_update_from_a_file_with_fewer_columns_keeps_the_rest(chain):
    phone = new_phone()
    before = await imported(chain, phone)
    content = csv("手机号码,归属营业厅编码,欠费金额(元)", f"{phone},XU001,0.00")
    dry = await run_import(chain.admin, content, "arrears.csv", dry_run=True)
    assert (dry["updated"], dry["unchanged"], dry["failed"]) == (1, 0, 0), dry
    job = await run_import(chain.admin, content, "arrears.csv", dry_run=False)
    assert (job["status"], job["updated"], job["failed"]) == ("done", 1, 0), job
    after = await profile(phone)
    assert after["arrears_fen"] == 0
    assert {k: after[k] for k in KEPT} == {k: before[k] for k in KEPT}
    assert after["name"] == "周全" and after["tags"] == ["商务", "摄影"] and after["birth_year"] == 1985


async def test_import_update_empty_cells_leave_values_and_count_unchanged(chain):
    phone = new_phone()
    before = await imported(chain, phone)
    content = csv(FULL, f",{phone},,,,,,,,,,XU001,,")
    dry = await run_import(chain.admin, content, "blanks.csv", dry_run=True)
    assert (dry["updated"], dry["unchanged"]) == (0, 1), dry
    job = await run_import(chain.admin, content, "blanks.csv", dry_run=False)
    assert (job["updated"], job["unchanged"], job["failed"]) == (0, 1, 0), job
    after = await profile(phone)
    assert {k: after[k] for k in (*KEPT, "arrears_fen")} == {k: before[k] for k in (*KEPT, "arrears_fen")}


async def test_import_create_with_empty_cells_leaves_them_without_a_value(chain):
    phone = new_phone()
    job = await run_import(chain.admin, csv(FULL, f",{phone},,,,,,,,,,XU001,,"), "sparse.csv", dry_run=False)
    assert (job["created"], job["failed"]) == (1, 0), job
    row = await profile(phone)
    assert (row["name"], row["gender"], row["birth_year"], row["monthly_spend_fen"], row["family_lines"]) == ("", None, None, None, None)
    assert (row["arrears_fen"], row["tags"]) == (0, [])


async def test_import_unknown_header_is_a_named_warning_and_its_cells_are_ignored(chain):
    phone = new_phone()
    before = await imported(chain, phone)
    content = csv("手机号码,归属营业厅编码,客户名称,月均消费（元）", f"{phone},XU001,别名,99.00")
    job = await run_import(chain.admin, content, "odd_headers.csv", dry_run=False)
    assert (job["status"], job["updated"], job["failed"]) == ("done", 1, 0), job
    assert [(e["row"], e["column"], e.get("warning")) for e in job["errors"]] == [(0, "客户名称", True)]
    assert job["errors"][0]["message"].startswith("表头“客户名称”不是可导入的列，这一列已忽略")
    english = (await chain.admin.get(f"/api/v1/imports/{job['id']}", headers={"Accept-Language": "en"})).json()
    assert english["errors"][0]["message"].startswith("Column “客户名称” is not one that can be imported and was ignored")
    after = await profile(phone)
    assert after["name"] == before["name"] == "周全"
    assert after["monthly_spend_fen"] == 9900  # the full-width brackets of 月均消费（元） are the same column


async def test_import_changed_tags_replace_the_set_and_an_empty_cell_keeps_them(chain):
    phone = new_phone()
    await imported(chain, phone, tags="商务|摄影")
    job = await run_import(chain.admin, csv("手机号码,归属营业厅编码,标签", f"{phone},XU001,宝妈|摄影"), "tags.csv", dry_run=False)
    assert (job["updated"], job["failed"]) == (1, 0), job
    assert (await profile(phone))["tags"] == ["宝妈", "摄影"]
    same = await run_import(chain.admin, csv("手机号码,归属营业厅编码,标签", f"{phone},XU001,摄影|宝妈"), "tags.csv", dry_run=False)
    assert (same["updated"], same["unchanged"]) == (0, 1), same
    empty = await run_import(chain.admin, csv("手机号码,归属营业厅编码,标签", f"{phone},XU001,"), "tags.csv", dry_run=False)
    assert (empty["updated"], empty["unchanged"]) == (0, 1), empty
    assert (await profile(phone))["tags"] == ["宝妈", "摄影"]


async def test_import_update_is_audited_and_on_the_timeline(chain):
    phone = new_phone()
    customer_id = (await imported(chain, phone))["id"]
    content = csv("手机号码,归属营业厅编码,月均消费(元),出生日期,标签", f"{phone},XU001,120.00,1985-04-05,商务")
    job = await run_import(chain.admin, content, "changes.csv", dry_run=False)
    assert job["updated"] == 1, job
    audits = await raw("SELECT actor_id, detail FROM audit_log WHERE action = 'customer.update' AND target_id = {}", str(customer_id))
    assert len(audits) == 1
    detail = audits[0]["detail"] if isinstance(audits[0]["detail"], dict) else json.loads(audits[0]["detail"])
    assert detail["fields"] == ["birthday", "monthly_spend_fen", "tags"]
    events = await raw("SELECT channel, data FROM timeline_event WHERE customer = {} AND kind = 'updated'", customer_id)
    assert len(events) == 1 and events[0]["channel"] == "import"
    data = events[0]["data"] if isinstance(events[0]["data"], dict) else json.loads(events[0]["data"])
    assert data["fields"] == "birthday, monthly_spend_fen, tags"
    shown = (await chain.admin.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    assert [(e["channel"], e["summary"]) for e in shown if e["kind"] == "updated"] == [("import", "资料更新：生日、月均消费、标签")]
    again = await run_import(chain.admin, content, "changes.csv", dry_run=False)
    assert again["unchanged"] == 1
    assert len(await raw("SELECT id FROM audit_log WHERE action = 'customer.update' AND target_id = {}", str(customer_id))) == 1


async def test_import_row_numbers_count_blank_rows(chain):
    good = new_phone()
    content = csv("客户姓名,手机号码,归属营业厅编码", f"甲,{good},XU001", "", ",,", "乙,1381234,XU001", "", "丙,13912,XU001")
    job = await run_import(chain.admin, content, "blank_rows.csv", dry_run=True)
    assert (job["created"], job["failed"]) == (1, 2), job
    assert set(errors_by_row(job)) == {5, 7}


def xlsx(rows: list[list], dimension: str | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    # as some exporters write it: a <dimension> that no longer covers the rows
    source, target = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data)
            out.writestr(item, data)
    return target.getvalue()


async def test_import_xlsx_row_numbers_count_blank_rows(chain):
    content = xlsx([["客户姓名", "手机号码", "归属营业厅编码"], ["甲", new_phone(), "XU001"], [], [], ["乙", "1381234", "XU001"]])
    job = await run_import(chain.admin, content, "blank_rows.xlsx", dry_run=True)
    assert (job["created"], job["failed"]) == (1, 1), job
    assert set(errors_by_row(job)) == {5}


@pytest.mark.parametrize("dimension", ["A1", "A1:C2"])
async def test_import_xlsx_with_a_stale_dimension_reads_every_row(chain, dimension):
    phones = [new_phone() for _ in range(30)]
    content = xlsx([["客户姓名", "手机号码", "归属营业厅编码"], *[[f"客{i}", p, "XU001"] for i, p in enumerate(phones)]], dimension)
    job = await run_import(chain.admin, content, "stale.xlsx", dry_run=True)
    assert (job["status"], job["total"], job["created"], job["failed"]) == ("done", 30, 30, 0), job


async def test_import_european_amount_fails_its_row(chain):
    phone, other = new_phone(), new_phone()
    content = csv("手机号码,归属营业厅编码,月均消费(元)", f'{phone},XU001,"1.299,00"', f'{other},XU001,"1,299.00"')
    job = await run_import(chain.admin, content, "amounts.csv", dry_run=False)
    assert (job["created"], job["failed"]) == (1, 1), job
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(2, "月均消费(元)")]
    assert "1.299,00" in job["errors"][0]["message"] and "千位分隔" in job["errors"][0]["message"]
    assert (await profile(other))["monthly_spend_fen"] == 129900
    assert not await raw("SELECT id FROM customer WHERE phone = {}", phone)


async def test_two_imports_of_one_file_at_once_both_succeed(chain):
    phones = [new_phone() for _ in range(300)]
    content = csv("客户姓名,手机号码,归属营业厅编码,月均消费(元)", *[f"同{i},{p},XU001,50.00" for i, p in enumerate(phones)])
    first, second = await asyncio.gather(run_import(chain.admin, content, "twice.csv", dry_run=False),
                                         run_import(chain.admin, content, "twice.csv", dry_run=False))
    assert first["status"] == second["status"] == "done"
    assert first["failed"] == second["failed"] == 0, (first["errors"][:3], second["errors"][:3])
    assert first["created"] + second["created"] == 300
    assert first["updated"] + second["updated"] == 0
    assert first["unchanged"] + second["unchanged"] == 300
    assert len(await raw(f"SELECT id FROM customer WHERE phone IN ({', '.join('{}' for _ in phones)})", *phones)) == 300


async def test_import_file_up_to_20_mb_is_accepted(chain):
    content = ("手机号码,归属营业厅编码\n" + "x" * (12 * 1024 * 1024)).encode()
    response = await chain.admin.post("/api/v1/imports/customers", params={"dry_run": "true"}, files={"file": ("big.csv", content)})
    assert response.status_code == 202, response.text[:300]


@pytest.mark.parametrize("size", [20 * 1024 * 1024 + 1, 21 * 1024 * 1024], ids=["just-over", "past-body-limit"])
@pytest.mark.parametrize("path", ["/api/v1/imports/customers", "/api/v1/imports/purchases"])
async def test_import_file_over_20_mb_is_refused_readably(chain, path, size):
    content = b"x" * size
    response = await chain.admin.post(path, params={"dry_run": "true"}, files={"file": ("huge.csv", content)})
    assert response.status_code == 413
    assert response.json()["detail"] == "文件超过 20 MB，无法导入；请分成几个较小的文件分别导入"
    response = await chain.admin.post(path, params={"dry_run": "true"}, files={"file": ("huge.csv", content)},
                                      headers={"Accept-Language": "en"})
    assert response.json()["detail"].startswith("The file is larger than 20 MB and cannot be imported")
