"""`regulars demo` through the CLI, on a SQLite file of its own (not the run's shared database)."""

from __future__ import annotations

import os
import sqlite3
import subprocess

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
