"""The acquisition report on a hand-built chain: three channel codes, visitors who scan and follow (or do
not) from their own phones over the public pages. Figures written down by hand below."""

import re

import pytest

from regulars.core.db import raw
from regulars.reports import daily
from tests.support.acquisition import Visitor, acq_server, make_channel, sms_gateway  # noqa: F401
from tests.support.reports import assert_downloads_match, by, customer, day, drill, report, roll_up
from tests.support.world import new_phone

RANGE = {"from": day(6), "to": day(0)}
# 门口海报 (store A, no clerk) · 店员码甲 (store A, clerk_a, campaign 国庆) · 社区活动 (store B, clerk_b, campaign 社区)
# v1 scans 门口海报 and follows (new customer) · v2 scans it and leaves · v3 scans it twice and leaves
# v4 scans 店员码甲 and follows (new customer) · v5 the same, then scans 门口海报 and follows again (not a new follower)
# v6, a customer of store B already, scans 店员码甲 and follows (a new follower of store A, not a new customer)
# v7 scans 社区活动 and follows (new customer)
# 门口海报: scans 5, follows 2 (v1 v5), new followers 1, new customers 1, first touch 1 (v1), latest touch 2 (v1 v5)
# 店员码甲: scans 3, follows 3, new followers 3, new customers 2, first touch 3, latest touch 2 (v4 v6)
# 社区活动: scans 1, follows 1, new followers 1, new customers 1, first touch 1, latest touch 1


@pytest.fixture(scope="module")
async def chain(world, acq_server, sms_gateway):  # noqa: F811
    poster = await make_channel(world, name="门口海报")
    clerk_code = await make_channel(world, kind="clerk", name="店员码甲", staff_id=world.staff["clerk_a"].id, campaign="国庆")
    event = await make_channel(world, world.manager_b, kind="event", name="社区活动", staff_id=world.staff["clerk_b"].id,
                               campaign="社区")
    phones = {n: new_phone("188") for n in ("v1", "v4", "v5", "v6", "v7")}
    await customer(world.clerk_b, phone=phones["v6"], name="乙店老客")

    async def visit(code: str, follow_phone: str | None = None, scans: int = 1) -> None:
        visitor = Visitor(acq_server.url)
        try:
            for _ in range(scans):
                assert (await visitor.get(f"/f/{code}")).status_code == 200
            if follow_phone:
                await visitor.follow(code, follow_phone, sms_gateway)
        finally:
            await visitor.close()

    await visit(poster["code"], phones["v1"])
    await visit(poster["code"])
    await visit(poster["code"], scans=2)
    await visit(clerk_code["code"], phones["v4"])
    v5 = Visitor(acq_server.url)
    try:
        assert (await v5.get(f"/f/{clerk_code['code']}")).status_code == 200
        await v5.follow(clerk_code["code"], phones["v5"], sms_gateway)
        page = await v5.get(f"/f/{poster['code']}")  # the wallet cookie: one tap, no new code
        version = re.search(r'name="notice_version" value="([^"]+)"', page.text).group(1)
        tapped = await v5.post_form(f"/f/{poster['code']}", {"action": "follow", "consent_service": "yes",
                                                              "age_confirmed": "yes", "notice_version": version})
        assert tapped.status_code == 303, tapped.text[:300]
    finally:
        await v5.close()
    await visit(clerk_code["code"], phones["v6"])
    await visit(event["code"], phones["v7"])
    # the test servers' own report job may sample some of these scans first: count what the days hold
    await daily.sample_scans()
    sampled = await raw("SELECT COALESCE(SUM(scans), 0) AS n FROM report_channel_day WHERE channel_id IN ({}, {}, {})",
                        poster["id"], clerk_code["id"], event["id"])
    assert sampled[0]["n"] == 9
    assert await daily.sample_scans() == 0  # sampled once
    await roll_up()
    world.channels = {"poster": poster, "clerk": clerk_code, "event": event}
    world.phones = phones
    return world


FIGURES = ("scans", "follows", "new_followers", "new_customers", "first_touch", "latest_touch")


async def test_acquisition_by_channel(chain):
    table = await report(chain.admin, "acquisition", **RANGE)
    rows = by(table["rows"], "channel")
    assert tuple(rows["门口海报"][f] for f in FIGURES) == (5, 2, 1, 1, 1, 2)
    assert tuple(rows["店员码甲"][f] for f in FIGURES) == (3, 3, 3, 2, 3, 2)
    assert tuple(rows["社区活动"][f] for f in FIGURES) == (1, 1, 1, 1, 1, 1)
    assert (rows["门口海报"]["conversion"], rows["店员码甲"]["conversion"]) == (0.4, 1.0)
    assert (rows["店员码甲"]["kind"], rows["店员码甲"]["store"]) == ("店员码", "测试一厅")
    assert tuple(table["totals"][f] for f in FIGURES) == (9, 6, 5, 4, 5, 5)
    assert table["totals"]["conversion"] == round(6 / 9, 4)
    assert table["breakdowns"]["by_day"] == [{"day": day(0), "follows": 6}]


async def test_acquisition_by_store_clerk_and_day(chain):
    stores = by((await report(chain.admin, "acquisition", group="store", **RANGE))["rows"], "store")
    assert tuple(stores["测试一厅"][f] for f in FIGURES) == (8, 5, 4, 3, 4, 4)
    assert tuple(stores["测试二厅"][f] for f in FIGURES) == (1, 1, 1, 1, 1, 1)
    clerks = by((await report(chain.manager_a, "acquisition", group="clerk", **RANGE))["rows"], "clerk_id")
    assert (clerks[chain.staff["clerk_a"].id]["scans"], clerks[chain.staff["clerk_a"].id]["follows"]) == (3, 3)
    assert (clerks[None]["scans"], clerks[None]["follows"]) == (5, 2)  # the store's own poster credits no clerk
    days = (await report(chain.manager_b, "acquisition", group="day", **RANGE))["rows"]
    assert [(d["day"], d["scans"], d["follows"]) for d in days] == [(day(0), 1, 1)]


async def test_acquisition_by_campaign_label_and_channel(chain):
    table = await report(chain.admin, "acquisition", campaign="国庆", **RANGE)
    assert [r["channel"] for r in table["rows"]] == ["店员码甲"]
    one = await report(chain.manager_a, "acquisition", channel=chain.channels["poster"]["id"], **RANGE)
    assert [(r["channel"], r["follows"]) for r in one["rows"]] == [("门口海报", 2)]
    other = await chain.manager_a.get("/api/v1/reports/acquisition", params={"store": chain.store_b.id})
    assert other.status_code == 404


async def test_acquisition_followers_list_and_clerk_kpis(chain):
    listed = await drill(chain.manager_a, "acquisition", channel=chain.channels["clerk"]["id"], new="yes", **RANGE)
    assert listed["total"] == 3
    clerks = by((await report(chain.manager_a, "clerks", **RANGE))["rows"], "clerk_id")
    assert (clerks[chain.staff["clerk_a"].id]["follows"], clerks[chain.staff["clerk_a"].id]["new_followers"]) == (3, 3)
    stores = by((await report(chain.admin, "stores", **RANGE))["rows"], "store")
    assert (stores["测试一厅"]["follows"], stores["测试一厅"]["new_followers"]) == (5, 4)


async def test_retention_by_follow_month(chain):
    table = await report(chain.manager_a, "retention", basis="follow", **{"from": day(0)[:8] + "01", "to": day(0)})
    assert [(r["customers"], r["m0"]) for r in table["rows"]] == [(4, 0.0)]  # v1 v4 v5 v6 followed store A this month
    poster = await report(chain.admin, "retention", channel=chain.channels["poster"]["id"],
                          **{"from": day(0)[:8] + "01", "to": day(0)})
    assert [r["customers"] for r in poster["rows"]] == [1]  # v5 first followed through 店员码甲


async def test_acquisition_downloads_parse_back(chain):
    table = await report(chain.admin, "acquisition", **RANGE)
    await assert_downloads_match(chain.admin, "acquisition", table, **RANGE)
