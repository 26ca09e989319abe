"""`regulars demo` through the CLI, on a SQLite file of its own (not the run's shared database)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from regulars.customers import rules
from tests.support.server import ROOT, regulars_command

# Its own SQLite file, whatever the engine of this run: run it once, in the pass without a database.
pytestmark = pytest.mark.nodb


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.sqlite3"
    env = {**os.environ, "REGULARS_DATABASE_URL": f"sqlite:///{path}", "REGULARS_VAR_DIR": str(folder)}
    result = subprocess.run(regulars_command("demo", "--stores", "3", "--customers", "2000"), cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "3 stores" in result.stdout and "2000 customers" in result.stdout
    connection = sqlite3.connect(path)
    yield connection, env
    connection.close()


def count(connection, sql: str) -> int:
    return connection.execute(sql).fetchone()[0]


def test_demo_fills_stores_staff_and_customers(demo_db):
    connection, _ = demo_db
    assert count(connection, "SELECT COUNT(*) FROM store") == 3
    assert count(connection, "SELECT COUNT(*) FROM staff WHERE role = 'manager'") == 3
    assert count(connection, "SELECT COUNT(*) FROM staff WHERE role = 'clerk'") == 9
    assert count(connection, "SELECT COUNT(*) FROM customer") == 2000
    assert count(connection, "SELECT COUNT(*) FROM customer_store WHERE relation = 'home'") == 2000
    assert count(connection, "SELECT COUNT(*) FROM timeline_event WHERE kind = 'created'") == 2000
    assert count(connection, "SELECT COUNT(*) FROM consent WHERE purpose = 'service'") == 2000


def test_demo_customers_are_consistent(demo_db):
    connection, _ = demo_db
    phones = [row[0] for row in connection.execute("SELECT phone FROM customer")]
    assert len(set(phones)) == 2000
    assert all(rules.looks_like_phone(phone) == phone for phone in phones)
    assert count(connection, "SELECT COUNT(*) FROM customer WHERE phone_tail <> substr(phone, 8, 4)") == 0
    assert count(connection, "SELECT COUNT(*) FROM customer c JOIN staff s ON s.id = c.responsible_clerk "
                             "WHERE s.store <> c.home_store OR s.role <> 'clerk'") == 0
    assert count(connection, "SELECT COUNT(*) FROM customer WHERE name = ''") == 0


def test_demo_passes_reconcile(demo_db):
    _, env = demo_db
    result = subprocess.run(regulars_command("reconcile"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_follows_come_through_channel_codes(demo_db):
    connection, _ = demo_db
    followers = count(connection, "SELECT COUNT(*) FROM customer WHERE source = 'follow'")
    assert followers > 0
    assert count(connection, "SELECT COUNT(*) FROM follow") == followers
    assert count(connection, "SELECT COUNT(*) FROM follow_touch WHERE new_customer") == followers
    assert count(connection, "SELECT COUNT(DISTINCT kind) FROM channel") >= 3  # door poster, clerks' codes, event
    # each code's running counters equal its touches, and the scans sampled per day add up to its count
    assert count(connection, "SELECT COUNT(*) FROM channel c WHERE c.follows <> "
                             "(SELECT COUNT(*) FROM follow_touch t WHERE t.channel = c.id)") == 0
    assert count(connection, "SELECT COUNT(*) FROM channel c WHERE c.scans < c.follows OR c.scans <> "
                             "(SELECT COALESCE(SUM(d.scans), 0) FROM report_channel_day d WHERE d.channel_id = c.id)") == 0
    assert count(connection, "SELECT COUNT(*) FROM follow f JOIN channel c ON c.id = f.first_channel "
                             "WHERE c.store <> f.store") == 0


def test_demo_scan_sampling_counts_no_scan_twice(demo_db):
    _, env = demo_db
    script = ("import asyncio\n"
              "from regulars.core import db\n"
              "from regulars.reports import daily\n"
              "async def main():\n"
              "    await db.start()\n"
              "    before = (await db.raw(\"SELECT SUM(scans) AS n FROM report_channel_day\"))[0]['n']\n"
              "    await daily.sample_scans()\n"
              "    after = (await db.raw(\"SELECT SUM(scans) AS n FROM report_channel_day\"))[0]['n']\n"
              "    print(before, after)\n"
              "    await db.stop()\n"
              "asyncio.run(main())\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    before, after = result.stdout.split()
    assert before == after  # sampling after the demo counts no scan twice


def test_demo_first_store_manager_has_alerts(demo_db):
    """The first store's manager opens 门店预警 to find what the alert check found there, in the inbox too;
    the other stores, with the default thresholds, have none."""
    connection, _ = demo_db
    first_store = count(connection, "SELECT MIN(id) FROM store")
    kinds = {row[0] for row in connection.execute(
        "SELECT kind FROM care_alert WHERE store_id = ? AND resolved_at IS NULL", (first_store,))}
    assert kinds >= {"follows_low", "tasks_overdue"}
    assert count(connection, "SELECT COUNT(*) FROM care_alert WHERE store_id <> (SELECT MIN(id) FROM store)") == 0
    assert count(connection, "SELECT COUNT(*) FROM care_task t WHERE t.status = 'open' AND t.due_on < date('now') "
                             "AND t.created_at < t.due_on") >= 1
    assert count(connection, "SELECT COUNT(*) FROM inbox_message m JOIN staff s ON s.id = m.staff "
                             "WHERE s.username = 'manager01' AND m.kind = 'care_alert'") == len(kinds)


def test_demo_gives_the_first_store_calls_to_make_on_day_one(demo_db):
    """A new installation's first planning round leaves the first store's clerks a win-back call list (a tenth held
    out), so the task screens have work in them from the start."""
    connection, env = demo_db
    result = subprocess.run(regulars_command("worker", "--once"), cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    first_store = count(connection, "SELECT MIN(id) FROM store")
    calls = connection.execute(
        "SELECT t.clerk_id, s.store FROM care_task t JOIN care_campaign c ON c.id = t.campaign "
        "LEFT JOIN staff s ON s.id = t.clerk_id WHERE c.occasion LIKE '%win_back%'").fetchall()
    assert len(calls) >= 10
    assert {store for _, store in calls} == {first_store}  # each task with a clerk of that store
    held = count(connection, "SELECT COUNT(*) FROM care_outbox o JOIN care_campaign c ON c.id = o.campaign "
                             "WHERE c.occasion LIKE '%win_back%' AND o.status = 'holdout'")
    assert 0 < held < len(calls)


def test_demo_timeline_has_every_purchase_visit_and_points_entry(demo_db):
    """What the history made is on the customers' timelines, as the services note it when it happens."""
    connection, _ = demo_db
    assert count(connection, "SELECT COUNT(*) FROM purchase WHERE kind = 'purchase'") > 0
    assert count(connection, "SELECT COUNT(*) FROM purchase p WHERE NOT EXISTS (SELECT 1 FROM timeline_event e "
                             "WHERE e.customer = p.customer AND e.kind = p.kind AND e.ref_type = 'purchase' "
                             "AND e.ref_id = CAST(p.id AS TEXT) AND e.staff_id = p.clerk AND e.store_id = p.store)") == 0
    assert count(connection, "SELECT COUNT(*) FROM points_entry p WHERE NOT EXISTS (SELECT 1 FROM timeline_event e "
                             "WHERE e.customer = p.customer AND e.kind = 'points_' || p.kind "
                             "AND e.ref_type = 'points_entry' AND e.ref_id = CAST(p.id AS TEXT))") == 0
    assert count(connection, "SELECT COUNT(*) FROM coupon c WHERE c.state = 'expired' AND NOT EXISTS (SELECT 1 "
                             "FROM timeline_event e WHERE e.kind = 'coupon_expired' AND e.ref_id = CAST(c.id AS TEXT))") == 0
    assert count(connection, "SELECT COUNT(*) FROM consent") == count(
        connection, "SELECT COUNT(*) FROM timeline_event WHERE kind = 'consent'")


def test_demo_points_ledger_reads_in_time_order(demo_db):
    """Each entry's balance is the sum of the customer's entries up to it, as the timeline shows it."""
    connection, _ = demo_db
    assert count(connection, "SELECT COUNT(*) FROM (SELECT balance_after, SUM(points) OVER (PARTITION BY customer "
                             "ORDER BY at, id) AS running FROM points_entry) WHERE running <> balance_after") == 0


def test_demo_exchanges_issue_the_coupons_they_paid_for(demo_db):
    connection, _ = demo_db
    assert count(connection, "SELECT COUNT(*) FROM points_entry WHERE source_kind = 'exchange'") > 0
    assert count(connection, "SELECT COUNT(*) FROM points_entry e WHERE e.source_kind = 'exchange' AND 1 <> ("
                             "SELECT COUNT(*) FROM coupon c JOIN coupon_template t ON t.id = c.template "
                             "WHERE c.customer = e.customer AND c.source = 'points_exchange' "
                             "AND c.source_ref = CAST(e.id AS TEXT) AND t.points_price = -e.points "
                             "AND c.issued_at = e.at AND c.issued_by = e.staff_id)") == 0


def test_demo_redemptions_meet_the_minimum_spend(demo_db):
    connection, _ = demo_db
    assert count(connection, "SELECT COUNT(*) FROM coupon_redemption r JOIN coupon c ON c.id = r.coupon "
                             "JOIN coupon_template t ON t.id = c.template WHERE t.min_spend_fen > 0") > 0
    assert count(connection, "SELECT COUNT(*) FROM coupon_redemption r JOIN coupon c ON c.id = r.coupon "
                             "JOIN coupon_template t ON t.id = c.template "
                             "WHERE r.spend_fen IS NULL AND t.min_spend_fen > 0 OR r.spend_fen < t.min_spend_fen") == 0


def test_demo_purchases_earn_what_the_points_rule_gives(demo_db):
    """Whole yuan per the default rule's rates, doubled in the customer's birthday month (lunar ones too)."""
    from zoneinfo import ZoneInfo

    from regulars.core import clock
    from regulars.points import rules as points_rules

    connection, _ = demo_db
    rows = connection.execute(
        "SELECT p.category, p.amount_fen, p.points, p.occurred_at, c.birth_calendar, c.birth_month, c.birth_day "
        "FROM purchase p JOIN customer c ON c.id = p.customer WHERE p.kind = 'purchase' AND c.birth_month IS NOT NULL "
        "ORDER BY c.birth_calendar = 'lunar' DESC, p.id LIMIT 40").fetchall()
    assert any(row[4] == "lunar" for row in rows)
    for category, amount, points, at, calendar, month, day in rows:
        local_day = clock.aware(at).astimezone(ZoneInfo("Asia/Shanghai")).date()
        doubled = points_rules.in_birthday_month((calendar, month, day, False), local_day)
        assert points == points_rules.purchase_points(points_rules.DEFAULT_RULE, category, amount, doubled)


SAME_AS_THE_SERVICES = """
import asyncio, json
from regulars.core import db
from regulars.core.auth import Principal
from regulars.customers import timeline
from regulars.points import exchange
from regulars.purchases import schemas, service

async def main():
    await db.start()
    try:
        await compare()
    finally:
        await db.stop()

async def compare():
    found = (await db.raw(
        "SELECT c.id, c.home_store, s.id AS clerk, s.username, s.display_name FROM customer c "
        "JOIN points_balance b ON b.customer = c.id JOIN staff s ON s.store = c.home_store AND s.role = 'clerk' "
        "WHERE b.balance >= 100 AND EXISTS (SELECT 1 FROM points_entry e WHERE e.customer = c.id "
        "AND e.source_kind = 'exchange') ORDER BY c.id, s.id LIMIT 1"))[0]
    clerk = Principal(staff_id=found["clerk"], username=found["username"], display_name=found["display_name"],
                      role="clerk", store_id=found["home_store"])
    template = (await db.raw("SELECT id FROM coupon_template WHERE points_price IS NOT NULL"))[0]["id"]
    last = (await db.raw("SELECT MAX(id) AS m FROM timeline_event"))[0]["m"]
    await service.record(clerk, schemas.PurchaseCreate(customer_id=found["id"], kind="purchase", category="plan",
                                                       amount_fen=12900), None)
    await exchange.exchange_for_coupon(clerk, found["id"], exchange.ExchangeCreate(template_id=template), None)
    shapes = {"demo": {}, "service": {}}
    for row in await db.raw("SELECT * FROM timeline_event WHERE customer = {} ORDER BY id", found["id"]):
        data = json.loads(row["data"]) if isinstance(row["data"], str) else row["data"]
        shapes["demo" if row["id"] <= last else "service"][row["kind"]] = [
            row["channel"], row["store_id"] == found["home_store"], row["staff_id"] is not None, row["ref_type"],
            sorted(data)]
    summaries = [item.summary for item in await timeline.page(found["id"], "zh-CN", 200, 0)]
    exchanges = [[len(r["source_id"]), r["reason"], r["coupon_source"], r["coupon_ref"] == str(r["id"])]
                 for r in await db.raw(
        "SELECT e.id, e.source_id, e.reason, c.source AS coupon_source, c.source_ref AS coupon_ref "
        "FROM points_entry e JOIN coupon c ON c.customer = e.customer AND c.source_ref = CAST(e.id AS TEXT) "
        "WHERE e.customer = {} AND e.source_kind = 'exchange' ORDER BY e.id", found["id"])]
    print(json.dumps({"shapes": shapes, "summaries": summaries, "exchanges": exchanges}))

asyncio.run(main())
"""


def _run_on_a_copy(demo_db, tmp_path, script: str) -> dict:
    """Runs `script` (which prints one JSON line last) against a copy of the demo database: what it writes
    through the services leaves the shared demo as it was."""
    import json

    connection, env = demo_db
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    connection.backup(copy)
    copy.close()
    env = {**env, "REGULARS_DATABASE_URL": f"sqlite:///{tmp_path / 'copy.sqlite3'}", "REGULARS_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_demo_timeline_reads_like_the_services(demo_db, tmp_path):
    """A purchase and a points exchange made through the services now note the same events, with the same
    channels, store, staff, references and data, as the demo's history noted for the same customer."""
    found = _run_on_a_copy(demo_db, tmp_path, SAME_AS_THE_SERVICES)
    service = found["shapes"]["service"]
    assert set(service) == {"purchase", "points_earn", "points_redeem", "coupon_issued"}
    for kind, shape in service.items():
        assert found["shapes"]["demo"].get(kind) == shape, kind
    assert not [summary for summary in found["summaries"] if "{" in summary]
    demo_exchange, service_exchange = found["exchanges"][0], found["exchanges"][-1]
    assert demo_exchange == service_exchange


def test_demo_followers_earn_the_follow_bonus(demo_db):
    """Each follower has what following earns by the store's points rule (the default's follow bonus): one ledger
    entry at the moment they followed, keyed by the store, with the code's clerk, its lot and its timeline event."""
    from regulars.points import rules as points_rules

    connection, _ = demo_db
    bonus = points_rules.DEFAULT_RULE.bonuses["follow"]
    followers = count(connection, "SELECT COUNT(*) FROM follow")
    assert followers > 0 and bonus > 0
    assert count(connection, "SELECT COUNT(*) FROM points_entry WHERE source_kind = 'follow'") == followers
    assert count(connection, f"SELECT COUNT(*) FROM follow f WHERE NOT EXISTS (SELECT 1 FROM points_entry e "
                             f"WHERE e.customer = f.customer AND e.source_kind = 'follow' AND e.source_id = CAST(f.store AS TEXT) "
                             f"AND e.kind = 'earn' AND e.points = {bonus} AND e.store_id = f.store "
                             f"AND e.staff_id IS f.first_staff AND e.at = f.first_at AND e.reason = 'follow')") == 0
    assert count(connection, "SELECT COUNT(*) FROM points_entry e WHERE e.source_kind = 'follow' AND NOT EXISTS "
                             "(SELECT 1 FROM points_lot l WHERE l.entry = e.id AND l.points = e.points "
                             "AND l.earned_at = e.at)") == 0
    assert count(connection, "SELECT COUNT(*) FROM points_entry e WHERE e.source_kind = 'follow' AND NOT EXISTS "
                             "(SELECT 1 FROM timeline_event t WHERE t.kind = 'points_earn' AND t.ref_type = 'points_entry' "
                             "AND t.ref_id = CAST(e.id AS TEXT))") == 0
    assert count(connection, "SELECT COUNT(*) FROM follow f WHERE NOT EXISTS (SELECT 1 FROM timeline_event t "
                             "WHERE t.customer = f.customer AND t.kind = 'followed' AND t.at = f.first_at)") == 0


FOLLOW_AS_THE_SERVICE = """
import asyncio, json
from regulars.core import db
from regulars.acquisition import follow, rules

ENTRY = "SELECT e.id, e.kind, e.points, e.source_kind, e.source_id, e.store_id, e.staff_id, e.reason, l.points AS lot " \\
        "FROM points_entry e JOIN points_lot l ON l.entry = e.id WHERE e.customer = {} AND e.source_kind = 'follow'"

async def main():
    await db.start()
    try:
        await compare()
    finally:
        await db.stop()

async def shapes(customer_id, since):
    entry = dict((await db.raw(ENTRY, customer_id))[0])
    events = {}
    for row in await db.raw("SELECT * FROM timeline_event WHERE customer = {} AND id > {} AND (kind = 'followed' "
                            "OR kind = 'points_earn' AND ref_id = {}) ORDER BY id", customer_id, since, str(entry.pop("id"))):
        data = json.loads(row["data"]) if isinstance(row["data"], str) else row["data"]
        events[row["kind"]] = [row["channel"], row["store_id"], row["staff_id"], row["ref_type"], sorted(data),
                               data.get("delta"), data.get("source"), data.get("reason")]
    return {"events": events, "entry": entry}

async def compare():
    demo = (await db.raw("SELECT f.customer, c.code FROM follow f JOIN channel c ON c.id = f.first_channel "
                         "WHERE c.kind = 'clerk' ORDER BY f.customer LIMIT 1"))[0]
    other = (await db.raw("SELECT c.id FROM customer c JOIN customer d ON d.home_store = c.home_store "
                          "WHERE d.id = {} AND c.source <> 'follow' ORDER BY c.id LIMIT 1", demo["customer"]))[0]["id"]
    last = (await db.raw("SELECT MAX(id) AS m FROM timeline_event"))[0]["m"]
    await follow.follow_known(demo["code"], other, follow.Choices(
        service_consent=True, marketing_consent=False, age_confirmed=True, notice_version=rules.NOTICE_VERSION))
    print(json.dumps({"demo": await shapes(demo["customer"], 0), "service": await shapes(other, last)}))

asyncio.run(main())
"""


def test_demo_follow_bonus_reads_like_the_service(demo_db, tmp_path):
    """A follow through the same clerk's code, made by the follow flow now, earns the same ledger entry and notes
    the same events as the demo's follower has."""
    found = _run_on_a_copy(demo_db, tmp_path, FOLLOW_AS_THE_SERVICE)
    assert set(found["service"]["events"]) == {"followed", "points_earn"}
    assert found["demo"] == found["service"]
