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
