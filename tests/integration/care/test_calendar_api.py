"""The official holiday schedule and seasons over HTTP."""


async def test_holidays_from_package_for_a_year_it_knows(world):
    response = await world.clerk_a.get("/api/v1/care/holidays", params={"year": 2026})
    assert response.status_code == 200
    body = response.json()
    assert body["package_knows_year"] is True
    days = {d["day"]: d for d in body["days"]}
    assert days["2026-10-01"]["kind"] == "holiday" and days["2026-10-01"]["source"] == "package"
    assert days["2026-02-14"]["kind"] == "workday"


async def test_holidays_for_a_year_package_does_not_know_come_from_the_table(world):
    body = (await world.clerk_a.get("/api/v1/care/holidays", params={"year": 2027})).json()
    assert body == {"year": 2027, "package_knows_year": False, "days": []}
    for day, kind in (("2027-02-06", "holiday"), ("2027-02-07", "holiday"), ("2027-02-14", "workday")):
        response = await world.admin.post("/api/v1/care/holidays", json={"day": day, "kind": kind, "name": "Spring Festival"})
        assert response.status_code == 201
    days = (await world.clerk_a.get("/api/v1/care/holidays", params={"year": 2027})).json()["days"]
    assert [(d["day"], d["kind"], d["source"]) for d in days] == [
        ("2027-02-06", "holiday", "table"), ("2027-02-07", "holiday", "table"), ("2027-02-14", "workday", "table")]
    corrected = await world.admin.post("/api/v1/care/holidays", json={"day": "2027-02-14", "kind": "holiday",
                                                                      "name": "Spring Festival"})
    assert corrected.status_code == 201
    days = (await world.clerk_a.get("/api/v1/care/holidays", params={"year": 2027})).json()["days"]
    assert days[-1]["kind"] == "holiday"


async def test_add_holiday_by_manager_forbidden(world):
    response = await world.manager_a.post("/api/v1/care/holidays", json={"day": "2027-05-01", "kind": "holiday", "name": "Labour Day"})
    assert response.status_code == 403


async def test_holidays_year_out_of_range(world):
    for year in (0, 1800, 3000):  # refused, never answered for another year
        assert (await world.clerk_a.get("/api/v1/care/holidays", params={"year": year})).status_code == 422


async def test_seasons_set_by_admin(world):
    response = await world.admin.post("/api/v1/care/seasons", json={"name": "冬日暖茶", "start_month": 12, "start_day": 1,
                                                                     "end_month": 2, "end_day": 28})
    assert response.status_code == 201
    assert "冬日暖茶" in [s["name"] for s in (await world.clerk_a.get("/api/v1/care/seasons")).json()]
    bad = await world.admin.post("/api/v1/care/seasons", json={"name": "x", "start_month": 2, "start_day": 30,
                                                                "end_month": 3, "end_day": 1})
    assert bad.status_code == 422
    assert bad.json()["detail"] == "2 月没有 30 日" and bad.json()["field"] == "start_day"
    assert (await world.manager_a.post("/api/v1/care/seasons", json={"name": "y", "start_month": 1, "start_day": 1,
                                                                      "end_month": 1, "end_day": 2})).status_code == 403
