"""One database per test run (SQLite or PostgreSQL, chosen by REGULARS_TEST_ENGINE), a real
server process on it, and a clean slate per test module.

Every behaviour a user meets is tested over real HTTP against `regulars serve`; rows
for a test are built through the services in this process (builders in tests/support).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

ENGINE = os.environ.get("REGULARS_TEST_ENGINE", "sqlite")
RUN_DIR = Path(tempfile.mkdtemp(prefix=f"regulars-test-{ENGINE}-"))
ADMIN_PASSWORD = "admin-test-password"

os.environ["REGULARS_VAR_DIR"] = str(RUN_DIR)
os.environ["REGULARS_SECRET_KEY"] = "test-secret-key-" + uuid.uuid4().hex
os.environ["REGULARS_ARGON2_CHEAP"] = "1"
os.environ["REGULARS_ADMIN_PASSWORD"] = ADMIN_PASSWORD
os.environ.setdefault("REGULARS_LOG_LEVEL", "WARNING")
if ENGINE == "postgres":
    base = os.environ.get("REGULARS_TEST_PG", "postgresql://postgres@127.0.0.1:55432")
    os.environ["REGULARS_TEST_DBNAME"] = f"regulars_test_{os.getpid()}"
    os.environ["REGULARS_DATABASE_URL"] = f"{base.rstrip('/')}/{os.environ['REGULARS_TEST_DBNAME']}"
else:
    os.environ["REGULARS_DATABASE_URL"] = f"sqlite:///{RUN_DIR / 'regulars.sqlite3'}"

import pytest  # noqa: E402

from tests.support.server import ServerProcess, create_database, drop_database, migrate, truncate_all  # noqa: E402
from tests.support.world import World, build_world  # noqa: E402


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test's report carries the tail of the server's log (a 500 explains itself there)."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and ("server" in item.fixturenames or "world" in item.fixturenames):
        logs = sorted(RUN_DIR.glob("server-*.log"), key=lambda p: p.stat().st_mtime)
        if logs:
            report.sections.append(("server log", logs[-1].read_text(errors="replace")[-4000:]))


@pytest.fixture(scope="session")
def database() -> str:
    create_database()
    migrate()
    yield os.environ["REGULARS_DATABASE_URL"]
    drop_database()


@pytest.fixture(scope="session")
def server(database) -> ServerProcess:
    process = ServerProcess.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
async def clean(database) -> None:
    """Empties every table before the module's tests and re-creates the first admin."""
    await truncate_all()


@pytest.fixture(scope="module")
async def world(clean, server) -> World:
    """Two stores with a manager and clerks each, and logged-in HTTP clients for all of them."""
    built = await build_world(server.url)
    yield built
    await built.close()
