"""Cohort retention on a hand-built chain: customers who joined in each of the last three full months,
and who came back (a visit or a purchase) in each month since. Figures written down by hand below."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.support.reports import assert_downloads_match, buy, customer, drill, move, report, today, visit

ZONE = ZoneInfo("Asia/Shanghai")


def month(offset: int, day: int = 15) -> dt.datetime:
    """Day `day` at 10:00 local of the month `offset` months from this one (negative: earlier)."""
    now = today()
    index = now.year * 12 + now.month - 1 + offset
    return dt.datetime(index // 12, index % 12 + 1, day, 10, tzinfo=ZONE).astimezone(dt.timezone.utc)


FIRST, LAST = month(-3, 1).astimezone(ZONE).date(), (month(0, 1) - dt.timedelta(days=1)).astimezone(ZONE).date()
RANGE = {"from": FIRST.isoformat(), "to": LAST.isoformat()}
# cohort M-3: u1 (bought M-3, visited M-1) u2 (bought M-2) u3 (bought M-3 and M-2) u4 (visits this month)
# cohort M-2: u5 (bought M-2 and this month) u6 (visited M-1)
# cohort M-1: u7 (bought M-1) u8 (nothing) u9 of store B (visits this month)
# u0 joined M-4 and bought M-3: before the cohorts
COHORTS = {"u0": -4, "u1": -3, "u2": -3, "u3": -3, "u4": -3, "u5": -2, "u6": -2, "u7": -1, "u8": -1, "u9": -1}


@pytest.fixture(scope="module")
async def chain(world):
    a, b = world.clerk_a, world.clerk_b
    ids = {name: await customer(b if name == "u9" else a, name=name) for name in COHORTS}
    await buy(a, ids["u0"], month(-3))
    await buy(a, ids["u1"], month(-3))
    await visit(a, ids["u1"], month(-1))
    await buy(a, ids["u2"], month(-2))
    await buy(a, ids["u3"], month(-3))
    await buy(a, ids["u3"], month(-2))
    await visit(a, ids["u4"])
    await buy(a, ids["u5"], month(-2))
    await buy(a, ids["u5"])
    await visit(a, ids["u6"], month(-1))
    await buy(a, ids["u7"], month(-1, 20))
    await visit(b, ids["u9"])
    for name, offset in COHORTS.items():
        await move("customer", ids[name], created_at=month(offset, 10))
    world.ids = ids
    return world


async def test_retention_cohorts_by_month_since(chain):
    table = await report(chain.admin, "retention", **RANGE)
    labels = [month(o, 1).astimezone(ZONE).strftime("%Y-%m") for o in (-3, -2, -1)]
    assert [(r["cohort"], r["customers"]) for r in table["rows"]] == list(zip(labels, [4, 2, 3]))
    shares = [[r[f"m{k}"] for k in range(4)] for r in table["rows"]]
    assert shares == [[0.5, 0.5, 0.25, 0.25], [0.5, 0.5, 0.5, None], [round(1 / 3, 4), round(1 / 3, 4), None, None]]
    assert table["breakdowns"]["curve"] == [{"month": "M0", "share": round(4 / 9, 4)}, {"month": "M1", "share": round(4 / 9, 4)},
                                            {"month": "M2", "share": round(2 / 6, 4)}, {"month": "M3", "share": 0.25}]
    assert [c["label"] for c in table["columns"]][:4] == ["入会月份", "客户数", "第0月", "第1月"]
    assert table["totals"]["customers"] == 9


async def test_retention_for_one_store(chain):
    table = await report(chain.manager_a, "retention", **RANGE)
    assert [r["customers"] for r in table["rows"]] == [4, 2, 2]
    assert [table["rows"][2][f"m{k}"] for k in range(4)] == [0.5, 0.0, None, None]


async def test_retention_customers_of_one_cohort(chain):
    label = month(-2, 1).astimezone(ZONE).strftime("%Y-%m")
    found = await drill(chain.admin, "retention", cohort=label, **RANGE)
    assert [c["id"] for c in found["items"]] == sorted([chain.ids["u5"], chain.ids["u6"]])
    everyone = await drill(chain.manager_b, "retention", **RANGE)
    assert [c["id"] for c in everyone["items"]] == [chain.ids["u9"]]


async def test_retention_counts_only_who_joined_within_the_range(chain):
    """A range that starts or ends inside a month clips its cohorts, as the clerks and stores reports count new
    customers: everyone joined on day 10 of their month, so from day 11 of M-3 the M-3 cohort is empty, and the
    M-1 cohort holds those of the range's last day (to is inclusive)."""
    labels = [month(o, 1).astimezone(ZONE).strftime("%Y-%m") for o in (-3, -2, -1)]
    clipped = {"from": month(-3, 11).astimezone(ZONE).date().isoformat(), "to": month(-1, 9).astimezone(ZONE).date().isoformat()}
    table = await report(chain.admin, "retention", **clipped)
    assert [(r["cohort"], r["customers"]) for r in table["rows"]] == list(zip(labels, [0, 2, 0]))
    assert table["rows"][1]["m0"] == 0.5 and table["totals"]["customers"] == 2
    assert (await drill(chain.admin, "retention", cohort=labels[0], **clipped))["items"] == []
    through = await report(chain.admin, "retention", **(clipped | {"to": month(-1, 10).astimezone(ZONE).date().isoformat()}))
    assert [r["customers"] for r in through["rows"]] == [0, 2, 3]


async def test_retention_downloads_parse_back(chain):
    table = await report(chain.admin, "retention", **RANGE)
    await assert_downloads_match(chain.admin, "retention", table, **RANGE)
