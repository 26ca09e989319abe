"""Purchases, refunds and visits over real HTTP: numbers, points, replays, concurrency, timeline, reach."""

import asyncio
import datetime as dt
import subprocess

from lunar_python import Solar

from regulars.core import clock
from regulars.core.db import raw
from regulars.points import service as points
from tests.support.loyalty import InvariantWatch, balance_and_ledger, key, new_customer
from tests.support.server import ROOT, regulars_command


async def buy(client, customer_id, idem=None, **fields):
    body = {"customer_id": customer_id, "category": "device", "amount_fen": 129900} | fields
    return await client.post("/api/v1/purchases", json=body, headers={"Idempotency-Key": idem or key()})


async def earn_entries(customer_id):
    rows = await raw("SELECT COUNT(*) AS n FROM points_entry WHERE customer = {} AND source_kind = 'purchase'", customer_id)
    return rows[0]["n"]


async def test_record_purchase_numbers_and_earns(world):
    customer_id = await new_customer(world.clerk_a)
    first = await buy(world.clerk_a, customer_id, items=[{"name": "iPhone 16", "quantity": 1}], coupon_code="8F3K2M9QXW7")
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["kind"], body["seq"], body["points"], body["store_id"], body["clerk_id"]) == (
        "purchase", 1, 1299, world.store_a.id, world.staff["clerk_a"].id)
    assert body["items"] == [{"name": "iPhone 16", "quantity": 1}] and body["coupon_code"] == "8F3K2M9QXW7"
    second = await buy(world.clerk_a2, customer_id, category="accessory", amount_fen=2900)
    assert (second.json()["seq"], second.json()["points"]) == (2, 29)
    assert await balance_and_ledger(customer_id) == (1328, 1328)


async def test_record_bill_payment_numbered_but_earns_nothing(world):
    customer_id = await new_customer(world.clerk_a)
    response = await buy(world.clerk_a, customer_id, category="bill_payment", amount_fen=20000)
    assert (response.json()["seq"], response.json()["points"]) == (1, 0)
    assert await points.balance(customer_id) == 0


async def test_record_visit_has_no_number_and_no_points(world):
    customer_id = await new_customer(world.clerk_a)
    response = await world.clerk_a.post("/api/v1/purchases", json={
        "customer_id": customer_id, "kind": "visit", "visit_kind": "complaint", "note": "信号差"},
        headers={"Idempotency-Key": key()})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["kind"], body["visit_kind"], body["seq"], body["points"], body["amount_fen"]) == ("visit", "complaint", None, 0, 0)
    later = await buy(world.clerk_a, customer_id)
    assert later.json()["seq"] == 1
    listed = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/purchases", params={"kind": "visit"})).json()
    assert [p["id"] for p in listed["items"]] == [body["id"]]


async def test_record_visit_with_amount_refused(world):
    customer_id = await new_customer(world.clerk_a)
    response = await world.clerk_a.post("/api/v1/purchases", json={
        "customer_id": customer_id, "kind": "visit", "visit_kind": "after_sales", "amount_fen": 100},
        headers={"Idempotency-Key": key()})
    assert response.status_code == 422 and response.json()["field"] == "amount_fen"
    response = await world.clerk_a.post("/api/v1/purchases", json={"customer_id": customer_id, "kind": "visit"},
                                        headers={"Idempotency-Key": key()})
    assert response.status_code == 422 and response.json()["field"] == "visit_kind"


async def test_record_purchase_without_category_or_in_future_refused(world):
    customer_id = await new_customer(world.clerk_a)
    response = await world.clerk_a.post("/api/v1/purchases", json={"customer_id": customer_id, "amount_fen": 100},
                                        headers={"Idempotency-Key": key()})
    assert response.status_code == 422 and response.json()["field"] == "category"
    later = (clock.now() + dt.timedelta(hours=2)).isoformat()
    response = await buy(world.clerk_a, customer_id, occurred_at=later)
    assert response.status_code == 422 and response.json()["field"] == "occurred_at"


async def test_record_purchase_clerk_of_other_store_refused(world):
    customer_id = await new_customer(world.clerk_a)
    response = await buy(world.manager_a, customer_id, clerk_id=world.staff["clerk_b"].id)
    assert response.status_code == 422 and response.json()["field"] == "clerk_id"


async def test_record_purchase_admin_names_the_store(world):
    customer_id = await new_customer(world.clerk_a)
    assert (await buy(world.admin, customer_id)).status_code == 422
    response = await buy(world.admin, customer_id, store_id=world.store_a.id, clerk_id=world.staff["clerk_a2"].id)
    assert response.status_code == 201 and response.json()["clerk_id"] == world.staff["clerk_a2"].id


async def test_record_purchase_customer_of_other_store_not_found(world):
    customer_id = await new_customer(world.clerk_b)
    assert (await buy(world.clerk_a, customer_id)).status_code == 404
    assert (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/purchases")).status_code == 404
    own = (await buy(world.clerk_b, customer_id)).json()
    assert (await world.clerk_a.get(f"/api/v1/purchases/{own['id']}")).status_code == 404
    assert (await world.clerk_b.get(f"/api/v1/purchases/{own['id']}")).status_code == 200


async def test_record_purchase_replayed_10_times_sequentially_one_purchase_one_earn(world):
    customer_id = await new_customer(world.clerk_a)
    idem = key()
    responses = [await buy(world.clerk_a, customer_id, idem=idem) for _ in range(10)]
    assert [r.status_code for r in responses] == [201] + [200] * 9
    assert all(r.json() == responses[0].json() for r in responses)
    assert responses[1].headers["idempotent-replayed"] == "true"
    assert (await raw("SELECT COUNT(*) AS n FROM purchase WHERE customer = {}", customer_id))[0]["n"] == 1
    assert await earn_entries(customer_id) == 1
    assert await balance_and_ledger(customer_id) == (1299, 1299)


async def test_record_purchase_replayed_10_times_concurrently_one_purchase_one_earn(world):
    for _ in range(3):
        customer_id = await new_customer(world.clerk_a)
        idem = key()
        responses = await asyncio.gather(*(buy(world.clerk_a, customer_id, idem=idem) for _ in range(10)))
        codes = sorted(r.status_code for r in responses)
        assert codes == [200] * 9 + [201], [r.text for r in responses if r.status_code not in (200, 201)][:3]
        assert len({r.json()["id"] for r in responses}) == 1
        assert (await raw("SELECT COUNT(*) AS n FROM purchase WHERE customer = {}", customer_id))[0]["n"] == 1
        assert await earn_entries(customer_id) == 1
        assert await balance_and_ledger(customer_id) == (1299, 1299)


async def test_record_purchase_same_order_id_other_keys_concurrently_one_purchase(world):
    customer_id = await new_customer(world.clerk_a)
    order = f"POS-{key()[:12]}"
    responses = await asyncio.gather(*(buy(world.clerk_a, customer_id, external_id=order) for _ in range(10)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 9, [r.text for r in responses][:3]
    winner = next(r for r in responses if r.status_code == 201).json()
    assert all(r.json()["existing_id"] == winner["id"] for r in responses if r.status_code == 409)
    assert await earn_entries(customer_id) == 1


async def test_record_purchase_same_key_other_body_422(world):
    customer_id = await new_customer(world.clerk_a)
    idem = key()
    assert (await buy(world.clerk_a, customer_id, idem=idem)).status_code == 201
    other = await buy(world.clerk_a, customer_id, idem=idem, amount_fen=100)
    assert other.status_code == 422 and other.json()["code"] == "error.idempotency_mismatch"


async def test_record_20_concurrent_purchases_numbered_1_to_20(world):
    customer_id = await new_customer(world.clerk_a)
    clients = [world.clerk_a, world.clerk_a2, world.manager_a]
    async with InvariantWatch(customer_id) as watch:
        responses = await asyncio.gather(*(buy(clients[i % 3], customer_id, amount_fen=1000 + i) for i in range(20)))
    assert [r.status_code for r in responses] == [201] * 20, [r.text for r in responses if r.status_code != 201][:3]
    # each answer gave the number at that moment; one made earlier but written later moves the others on
    rows = await raw("SELECT seq FROM purchase WHERE customer = {} ORDER BY occurred_at, id", customer_id)
    assert [r["seq"] for r in rows] == list(range(1, 21))
    watch.check()
    assert await balance_and_ledger(customer_id) == (200, 200)


async def test_refund_reverses_points_proportionally(world):
    customer_id = await new_customer(world.clerk_a)
    original = (await buy(world.clerk_a, customer_id, amount_fen=100000)).json()
    assert original["points"] == 1000
    refund = await buy(world.clerk_a, customer_id, amount_fen=-40000, refund_of=original["id"], category=None)
    assert refund.status_code == 201, refund.text
    body = refund.json()
    assert (body["kind"], body["seq"], body["points"], body["category"], body["refund_of"]) == (
        "refund", None, -400, "device", original["id"])
    assert await balance_and_ledger(customer_id) == (600, 600)
    again = await buy(world.clerk_a, customer_id, amount_fen=-60001, refund_of=original["id"])
    assert again.status_code == 422 and again.json()["code"] == "purchase.refund_too_much"
    rest = await buy(world.clerk_a, customer_id, amount_fen=-60000, refund_of=original["id"])
    assert rest.json()["points"] == -600
    assert (await world.clerk_a.get(f"/api/v1/purchases/{original['id']}")).json()["refunded_fen"] == 100000
    assert await balance_and_ledger(customer_id) == (0, 0)
    reversed_ = await raw("SELECT kind, source_kind FROM points_entry WHERE customer = {} AND points < 0", customer_id)
    assert {(r["kind"], r["source_kind"]) for r in reversed_} == {("reverse", "refund")}


async def test_refund_after_points_spent_takes_back_only_what_is_left(world):
    customer_id = await new_customer(world.clerk_a)
    original = (await buy(world.clerk_a, customer_id, amount_fen=50000)).json()
    await world.manager_a.post(f"/api/v1/customers/{customer_id}/points/adjust", json={"points": -450, "reason": "兑换"},
                               headers={"Idempotency-Key": key()})
    refund = (await buy(world.clerk_a, customer_id, amount_fen=-50000, refund_of=original["id"])).json()
    assert refund["points"] == -50
    assert await balance_and_ledger(customer_id) == (0, 0)


async def test_refund_without_original_reverses_at_the_category_rate(world):
    customer_id = await new_customer(world.clerk_a)
    await buy(world.clerk_a, customer_id, amount_fen=300000)
    refund = (await buy(world.clerk_a, customer_id, amount_fen=-2000)).json()
    assert (refund["kind"], refund["points"]) == ("refund", -20)
    assert await points.balance(customer_id) == 2980


async def test_refund_of_other_customers_purchase_refused(world):
    customer_id = await new_customer(world.clerk_a)
    other = await new_customer(world.clerk_a)
    original = (await buy(world.clerk_a, other)).json()
    response = await buy(world.clerk_a, customer_id, amount_fen=-100, refund_of=original["id"])
    assert response.status_code == 422 and response.json()["field"] == "refund_of"


async def test_purchase_in_solar_birthday_month_earns_double(world):
    today = clock.today_in("Asia/Shanghai")
    customer_id = await new_customer(world.clerk_a, birthday={"calendar": "solar", "month": today.month, "day": 1})
    assert (await buy(world.clerk_a, customer_id, amount_fen=10000)).json()["points"] == 200
    other_month = today.month % 12 + 1
    plain = await new_customer(world.clerk_a, birthday={"calendar": "solar", "month": other_month, "day": 1})
    assert (await buy(world.clerk_a, plain, amount_fen=10000)).json()["points"] == 100


async def test_purchase_in_lunar_birthday_month_earns_double(world):
    today = clock.today_in("Asia/Shanghai")
    lunar = Solar.fromYmd(today.year, today.month, 15).getLunar()
    customer_id = await new_customer(world.clerk_a, birthday={
        "calendar": "lunar", "month": abs(lunar.getMonth()), "day": lunar.getDay(), "leap_month": lunar.getMonth() < 0})
    assert (await buy(world.clerk_a, customer_id, amount_fen=10000)).json()["points"] == 200


async def test_purchase_on_timeline_in_both_languages(world):
    customer_id = await new_customer(world.clerk_a)
    await buy(world.clerk_a, customer_id, category="accessory", amount_fen=2900)
    zh = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/timeline")).json()
    en = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/timeline", headers={"Accept-Language": "en"})).json()
    kinds = [e["kind"] for e in zh]
    assert kinds[:2] == ["purchase", "points_earn"] or kinds[:2] == ["points_earn", "purchase"]
    purchase_zh = next(e for e in zh if e["kind"] == "purchase")
    purchase_en = next(e for e in en if e["kind"] == "purchase")
    assert purchase_zh["summary"] == "第 1 笔消费 ¥29.00（配件），积分 +29"
    assert purchase_en["summary"] == "Purchase #1: ¥29.00 (accessory), +29 points"
    assert next(e for e in en if e["kind"] == "points_earn")["summary"] == "Points +29, balance 29"


async def test_back_dated_purchase_takes_its_place_in_time(world):
    customer_id = await new_customer(world.clerk_a)
    now = clock.now()
    today = (await buy(world.clerk_a, customer_id, category="accessory", amount_fen=2900)).json()
    assert today["seq"] == 1
    # entered later, made a month earlier (a paper receipt typed in, a POS export imported late)
    month_ago = await buy(world.clerk_a, customer_id, occurred_at=(now - dt.timedelta(days=30)).isoformat())
    assert month_ago.status_code == 201 and month_ago.json()["seq"] == 1
    week_ago = (await buy(world.clerk_a, customer_id, occurred_at=(now - dt.timedelta(days=7)).isoformat())).json()
    assert week_ago["seq"] == 2
    assert (await world.clerk_a.get(f"/api/v1/purchases/{today['id']}")).json()["seq"] == 3
    timeline = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/timeline",
                                        headers={"Accept-Language": "en"})).json()
    said = {e["ref_id"]: e["summary"] for e in timeline if e["kind"] == "purchase"}
    assert said[str(today["id"])] == "Purchase #3: ¥29.00 (accessory), +29 points"
    assert said[str(week_ago["id"])].startswith("Purchase #2: ")
    # the next one made now is the fourth
    assert (await buy(world.clerk_a, customer_id)).json()["seq"] == 4


async def test_concurrent_purchases_made_at_scattered_times_numbered_by_time(world):
    customer_id = await new_customer(world.clerk_a)
    now = clock.now()
    days = [17, 3, 29, 11, 0, 23, 5, 19, 2, 13, 7, 31]
    clients = [world.clerk_a, world.clerk_a2, world.manager_a]
    responses = await asyncio.gather(*(
        buy(clients[i % 3], customer_id, amount_fen=1000 + d, occurred_at=(now - dt.timedelta(days=d)).isoformat())
        for i, d in enumerate(days)))
    assert [r.status_code for r in responses] == [201] * len(days), [r.text for r in responses if r.status_code != 201][:3]
    rows = await raw("SELECT amount_fen, seq FROM purchase WHERE customer = {} ORDER BY seq", customer_id)
    assert [r["amount_fen"] - 1000 for r in rows] == sorted(days, reverse=True)
    assert [r["seq"] for r in rows] == list(range(1, len(days) + 1))


async def test_customer_purchases_listed_newest_first(world):
    customer_id = await new_customer(world.clerk_a)
    earlier = (clock.now() - dt.timedelta(days=30)).isoformat()
    a = (await buy(world.clerk_a, customer_id, occurred_at=earlier)).json()
    b = (await buy(world.clerk_a, customer_id)).json()
    page = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/purchases", params={"limit": 1})).json()
    assert [p["id"] for p in page["items"]] == [b["id"]] and page["has_more"] is True
    page = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/purchases", params={"limit": 1, "offset": 1})).json()
    assert [p["id"] for p in page["items"]] == [a["id"]] and page["has_more"] is False


async def test_purchases_export_and_erasure(world):
    customer_id = await new_customer(world.clerk_a)
    await buy(world.clerk_a, customer_id, note="王女士想换大屏")
    document = (await world.clerk_a.get(f"/api/v1/customers/{customer_id}/export")).json()
    assert document["purchases"][0]["note"] == "王女士想换大屏"
    assert (await world.manager_a.delete(f"/api/v1/customers/{customer_id}")).status_code == 204
    rows = await raw("SELECT amount_fen, note, seq FROM purchase WHERE customer = {}", customer_id)
    assert [(r["amount_fen"], r["note"], r["seq"]) for r in rows] == [(129900, "", 1)]


async def test_points_and_purchases_reconcile_after_all(world):
    assert await points.reconcile() == []
    clean = subprocess.run(regulars_command("reconcile"), cwd=ROOT, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout
    assert "ok    purchases.numbers" in clean.stdout and "ok    purchases.refunds" in clean.stdout
    assert "ok    purchases.numbers_by_time" in clean.stdout


async def test_reconcile_detects_a_gap_in_purchase_numbers(world):
    customer_id = await new_customer(world.clerk_a)
    for _ in range(3):
        await buy(world.clerk_a, customer_id)
    await raw("UPDATE purchase SET seq = 4 WHERE customer = {} AND seq = 3", customer_id)
    drifted = subprocess.run(regulars_command("reconcile"), cwd=ROOT, capture_output=True, text=True)
    assert drifted.returncode == 1
    assert f"customer {customer_id}: 3 purchases numbered 1..4, counter 3" in drifted.stdout
    await raw("UPDATE purchase SET seq = 3 WHERE customer = {} AND seq = 4", customer_id)


async def test_reconcile_detects_numbers_out_of_time_order(world):
    customer_id = await new_customer(world.clerk_a)
    first = (await buy(world.clerk_a, customer_id, occurred_at=(clock.now() - dt.timedelta(days=2)).isoformat())).json()
    second = (await buy(world.clerk_a, customer_id)).json()
    swap = ("UPDATE purchase SET seq = CASE id WHEN {} THEN CAST({} AS INTEGER) WHEN {} THEN CAST({} AS INTEGER) END "
            "WHERE id IN ({}, {})")
    await raw(swap, first["id"], -1, second["id"], -2, first["id"], second["id"])
    await raw(swap, first["id"], 2, second["id"], 1, first["id"], second["id"])
    drifted = subprocess.run(regulars_command("reconcile"), cwd=ROOT, capture_output=True, text=True)
    await raw(swap, first["id"], -1, second["id"], -2, first["id"], second["id"])
    await raw(swap, first["id"], 1, second["id"], 2, first["id"], second["id"])
    assert drifted.returncode == 1
    assert f"customer {customer_id}: purchase {first['id']} numbered 2, made as number 1" in drifted.stdout
