"""POS purchase import over real HTTP: a row error names the row as the spreadsheet shows it, blank rows counted."""

import pytest

from tests.integration.purchases.test_import import errors_by_row, run_import
from tests.support.world import make_store


@pytest.fixture(scope="module")
async def chain(world):
    await make_store("XP001", "行号店")
    return world


async def test_import_purchases_row_numbers_count_blank_rows(chain):
    header = "订单号,手机号码,营业厅编码,办理时间,业务类型,金额(元)"
    content = "\n".join((header, "", "R-1,1381234,XP001,2026-01-05 10:00,配件,29.00", ",,,,,", "",
                         "R-2,13900000000,ZZ999,2026-01-05 10:00,配件,29.00")) + "\n"
    job = await run_import(chain.admin, content.encode(), "blank_rows.csv", dry_run=True)
    assert job["status"] == "done" and job["failed"] == 2, job
    errors = errors_by_row(job)
    assert set(errors) == {3, 6}
    assert errors[3]["column"] == "手机号码" and errors[6]["column"] == "营业厅编码"
