"""The SQLite engine's grouped writer: units commit together, fail alone, and never lock each other out."""

import asyncio
import os
import sqlite3
import threading

import pytest

from regulars.core import sqlite_engine
from regulars.core.sqlite_engine import ServerSQLiteEngine

pytestmark = pytest.mark.nodb


@pytest.fixture
async def engine(tmp_path):
    db = ServerSQLiteEngine(path=str(tmp_path / "engine.sqlite3"), synchronous="FULL")
    connection = await db.get_connection()
    await connection.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER NOT NULL DEFAULT 0)")
    await connection.commit()
    await connection.close()
    await db.start_connection_pool()
    yield db
    await db.close_connection_pool()


async def count(db) -> int:
    return (await db._run("SELECT COUNT(*) AS n FROM item", None))[0]["n"]


async def test_concurrent_units_all_commit(engine):
    async def unit(i):
        async with engine.transaction():
            await engine._run("INSERT INTO item (name) VALUES (?)", [f"n{i}"])
            await engine._run("UPDATE item SET n = n + 1 WHERE name = ?", [f"n{i}"])

    await asyncio.gather(*(unit(i) for i in range(200)))
    assert await count(engine) == 200
    rows = await engine._run("SELECT SUM(n) AS s FROM item", None)
    assert rows[0]["s"] == 200


async def test_failing_unit_rolls_back_alone(engine):
    async def good(i):
        async with engine.transaction():
            await engine._run("INSERT INTO item (name) VALUES (?)", [f"g{i}"])

    async def bad():
        async with engine.transaction():
            await engine._run("INSERT INTO item (name) VALUES (?)", ["half"])
            raise RuntimeError("business rule refused")

    results = await asyncio.gather(*(good(i) for i in range(10)), bad(), *(good(i) for i in range(10, 20)),
                                   return_exceptions=True)
    assert sum(isinstance(r, RuntimeError) for r in results) == 1
    assert await count(engine) == 20
    assert not await engine._run("SELECT 1 FROM item WHERE name = 'half'", None)


async def test_constraint_violation_in_one_unit_keeps_others(engine):
    async def insert(name):
        async with engine.transaction():
            await engine._run("INSERT INTO item (name) VALUES (?)", [name])

    results = await asyncio.gather(*(insert("same") for _ in range(5)), insert("other"), return_exceptions=True)
    assert sum(r is None for r in results) == 2
    assert await count(engine) == 2


async def test_unit_returns_only_after_commit_is_visible_to_readers(engine):
    async with engine.transaction():
        await engine._run("INSERT INTO item (name) VALUES (?)", ["seen"])
    # a reader connection (another SQLite connection) sees it: the group committed before the unit returned
    assert await engine._run("SELECT name FROM item WHERE name = 'seen'", None)


async def test_nested_transaction_joins_outer_unit(engine):
    with pytest.raises(RuntimeError):
        async with engine.transaction():
            await engine._run("INSERT INTO item (name) VALUES (?)", ["outer"])
            async with engine.transaction():
                await engine._run("INSERT INTO item (name) VALUES (?)", ["inner"])
            raise RuntimeError("undo both")
    assert await count(engine) == 0


async def test_writes_outside_transaction_go_through_the_writer(engine):
    await asyncio.gather(*(engine._run("INSERT INTO item (name) VALUES (?)", [f"a{i}"]) for i in range(50)))
    assert await count(engine) == 50


async def test_second_process_style_writer_waits_instead_of_failing(engine, tmp_path):
    other = ServerSQLiteEngine(path=engine.path, synchronous="FULL")
    await other.start_connection_pool()
    try:
        async def write(db, prefix, i):
            async with db.transaction():
                await db._run("INSERT INTO item (name) VALUES (?)", [f"{prefix}{i}"])

        await asyncio.gather(*(write(engine, "x", i) for i in range(40)), *(write(other, "y", i) for i in range(40)))
    finally:
        await other.close_connection_pool()
    assert await count(engine) == 80


def thread_names(db) -> None:
    """`SELECT thread()` answers the name of the thread that runs the writer's statement."""
    db.writer.direct.create_function("thread", 0, lambda: threading.current_thread().name)


async def test_a_units_statements_run_on_the_loop_and_heavy_ones_on_the_writers_thread(engine):
    thread_names(engine)
    loop_thread = threading.current_thread().name
    async with engine.transaction():
        quick = (await engine._run("SELECT thread() AS t", None))[0]["t"]
        with sqlite_engine.heavy():
            slow = (await engine._run("SELECT thread() AS t", None))[0]["t"]
        savepoint = await engine.current_transaction.get().savepoint()
        await engine._run("INSERT INTO item (name) VALUES (?)", ["undone"])
        await savepoint.rollback_to()
        await savepoint.release()
        await engine._run("INSERT INTO item (name) VALUES (?)", ["kept"])
    assert quick == loop_thread
    assert slow != loop_thread
    assert [r["name"] for r in await engine._run("SELECT name FROM item", None)] == ["kept"]


async def test_work_a_request_starts_in_the_background_writes_off_the_loop(engine):
    from regulars.core import db

    thread_names(engine)

    async def work():
        async with engine.transaction():
            return (await engine._run("SELECT thread() AS t", None))[0]["t"]

    assert await db.start_heavy(work()) != threading.current_thread().name


async def test_the_loop_goes_on_while_the_writer_waits_for_another_process(engine):
    """BEGIN IMMEDIATE waits for another process's write on the writer's thread, not on the event loop."""
    blocker = sqlite3.connect(engine.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def tick():
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.get_running_loop().create_task(tick())

    async def write():
        async with engine.transaction():
            await engine._run("INSERT INTO item (name) VALUES (?)", ["after"])

    writing = asyncio.get_running_loop().create_task(write())
    await asyncio.sleep(0.3)
    assert not writing.done() and ticks >= 10  # the unit waits; the loop does not
    blocker.execute("COMMIT")
    await asyncio.wait_for(writing, 15)
    ticker.cancel()
    blocker.close()
    assert await count(engine) == 1


async def test_long_read_moves_off_the_event_loop_and_completes(engine):
    query = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000) "
             "SELECT COUNT(*) AS c FROM n")
    assert engine.inline.read(query, []) is None  # over the inline budget
    assert (await engine._run(query, None))[0]["c"] == 400000


async def test_read_of_many_rows_returns_them_all(engine):
    async with engine.transaction():
        for i in range(500):
            await engine._run("INSERT INTO item (name) VALUES (?)", [f"r{i}"])
    assert engine.inline.read("SELECT name FROM item", []) is None  # more rows than an inline read keeps
    assert len(await engine._run("SELECT name FROM item", None)) == 500


async def test_inline_read_sees_committed_unit_and_cannot_write(engine):
    async with engine.transaction():
        await engine._run("INSERT INTO item (name) VALUES (?)", ["fresh"])
    assert engine.inline.read("SELECT name FROM item WHERE name = ?", ["fresh"]) == [{"name": "fresh"}]
    assert engine.inline.read("INSERT INTO item (name) VALUES ('sneaky')", []) is None
    assert await count(engine) == 1


def large_schema(path, tables: int = 300) -> None:
    connection = sqlite3.connect(path)
    for i in range(tables):
        connection.execute(f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT, n INTEGER)")
        connection.execute(f"CREATE INDEX t{i}_name ON t{i} (name, n)")
    connection.execute("INSERT INTO t0 (id, name) VALUES (1, 'one')")
    connection.commit()
    connection.close()


def test_inline_reads_of_a_large_schema_stay_inline(tmp_path, monkeypatch):
    """Parsing a large schema outruns the budget: the reader parses it once, outside the budget, instead of being
    cut short while parsing on every read (and sending every read, late, to a thread)."""
    path = tmp_path / "large.sqlite3"
    large_schema(path)
    monkeypatch.setattr(sqlite_engine, "INLINE_SECONDS", 0.0)  # any statement of over 1,000 steps is cut short
    reader = sqlite_engine._InlineReader({"database": str(path)})
    try:
        for _ in range(3):
            assert reader.read("SELECT name FROM t0 WHERE id = ?", [1]) == [{"name": "one"}]
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE added (id INTEGER PRIMARY KEY)")  # the schema changes: parsed again
        other.commit()
        other.close()
        reader.read("SELECT name FROM t0 WHERE id = ?", [1])  # may be cut short while parsing
        assert reader.read("SELECT name FROM t0 WHERE id = ?", [1]) == [{"name": "one"}]
    finally:
        reader.close()


def rows_in_database_file(path: str) -> int:
    """Rows of `item` in the database file itself, ignoring whatever the WAL still holds."""
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return connection.execute("SELECT COUNT(*) FROM item").fetchone()[0]
    finally:
        connection.close()


async def fill(db, units: int) -> None:
    async def unit(i):
        async with db.transaction():
            await db._run("INSERT INTO item (name) VALUES (?)", [f"{i}-" + "x" * 2000])

    await asyncio.gather(*(unit(i) for i in range(units)))


@pytest.mark.parametrize("every, copied", [(0.05, True), (3600, False)])
async def test_the_wal_is_copied_back_beside_the_writer_not_by_its_commits(tmp_path, monkeypatch, every, copied):
    monkeypatch.setattr(sqlite_engine, "CHECKPOINT_SECONDS", every)
    db = ServerSQLiteEngine(path=str(tmp_path / "wal.sqlite3"), synchronous="FULL")
    connection = await db.get_connection()
    await connection.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER NOT NULL DEFAULT 0)")
    await connection.close()
    await db.start_connection_pool()
    try:
        await fill(db, 3000)  # some 3,000 pages: past SQLite's own checkpoint threshold of 1,000
        await asyncio.sleep(0.5)
        assert rows_in_database_file(db.path) == (3000 if copied else 0)
    finally:
        await db.close_connection_pool()
    assert rows_in_database_file(db.path) == 3000  # closing copies what is left


async def test_the_wal_starts_over_while_units_keep_coming(tmp_path, monkeypatch):
    """Under a steady stream of units the WAL is reused from its beginning after each checkpoint round, instead of
    growing with everything written (a group is nearly always open, so left alone it could seldom start over)."""
    monkeypatch.setattr(sqlite_engine, "CHECKPOINT_SECONDS", 0.05)
    db = ServerSQLiteEngine(path=str(tmp_path / "steady.sqlite3"), synchronous="FULL")
    connection = await db.get_connection()
    await connection.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    await connection.close()
    await db.start_connection_pool()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 1.5

    async def writer():
        while loop.time() < deadline:
            async with db.transaction():
                await db._run("INSERT INTO note (body) VALUES (?)", ["x" * 1500])

    try:
        await asyncio.gather(*(writer() for _ in range(8)))
        written = (await db._run("SELECT COUNT(*) AS n FROM note", None))[0]["n"]
        wal_pages = os.path.getsize(db.path + "-wal") // 4096  # its size is the furthest it ever reached
    finally:
        await db.close_connection_pool()
    assert written > 3000  # some 1,500 pages of rows alone
    assert wal_pages < written / 8
