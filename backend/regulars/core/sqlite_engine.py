"""SQLite for a server: configured connections, a reader pool and one group-committing writer.

Piccolo's stock SQLite engine opens a connection per query and starts deferred
transactions, which fail with "database is locked" as soon as two requests write.
Here every connection is configured (WAL, busy timeout, foreign keys, synchronous),
reads run on long-lived connections, and all writes in a process go
through one writer connection in IMMEDIATE transactions. Concurrent write units are
committed together: each runs inside its own SAVEPOINT of a shared transaction, and
one COMMIT (one fsync) acknowledges the whole group, so a unit's caller returns only
once its work is durable.

A unit's statements run on the event loop's own thread: once the group's BEGIN IMMEDIATE
holds the write lock they never wait for a lock, and a statement of a request (an indexed
update, an insert) takes tens of microseconds, where each trip to the connection's thread
and back cost more than that, and while the loop was busy the writer's thread waited for
the interpreter lock, holding every other unit up. What may wait or take long runs on the
connection's thread instead: BEGIN IMMEDIATE (another process may hold the lock), COMMIT
(the fsync), and every statement run under `heavy()`, which the background jobs, imports,
bulk issues and other set-wide writes declare.

Committed pages are copied from the WAL back into the database by a thread of their own
(see _Checkpointer), not by the commit that crosses SQLite's threshold, which would hold
every waiting unit up while it copies.

A read first runs on the event loop's own thread, on a read-only connection, under a
budget of time and rows: an indexed lookup costs tens of microseconds there,
against a trip to a connection thread and back. A read that exceeds the budget is
abandoned and runs again on a pooled reader thread, so a long query never holds the
loop for more than about a millisecond.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import sqlite3
import threading
import time
from typing import Any, Iterator, Optional

import aiosqlite
from piccolo.engine.base import validate_savepoint_name
from piccolo.engine.sqlite import Savepoint, SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString

# Piccolo registers a converter for INTEGER columns that turns every value into text, then a Decimal, then
# an int: three Python calls per integer read. SQLite's INTEGER affinity already stores what the app writes
# there as integers, which sqlite3 returns as Python ints without any converter.
sqlite3.converters.pop("INTEGER", None)

log = logging.getLogger("regulars.sqlite")
READ_PREFIXES = ("SELECT", "WITH", "PRAGMA", "EXPLAIN")
MAX_GROUP = 64
INLINE_SECONDS = 0.001  # how long a read may hold the event loop before it moves to a reader thread
INLINE_ROWS = 200
CACHE_KIB = 65_536  # page cache per connection (SQLite's default, 2 MiB, rereads index pages of a large database)
# How often the WAL is copied back into the database, off the writer's path. Each round ends with the writer copying
# what came in meanwhile after its next commit, which holds the writer up: the shorter the round, the shorter that.
CHECKPOINT_SECONDS = 0.25
# The checkpoint thread's nice value: at an equal share of the core the event loop would answer at half speed while
# a round copies pages; it still gets about a tenth of a busy core.
CHECKPOINT_NICE = 10
# A writer commit copies the WAL back itself only past this many pages: the checkpoint thread fell far behind.
BACKSTOP_PAGES = 50_000

_heavy: contextvars.ContextVar[bool] = contextvars.ContextVar("regulars_sqlite_heavy", default=False)


@contextlib.contextmanager
def heavy() -> Iterator[None]:
    """Statements in this block (and in tasks started in it) may take long: they run on the writer's thread."""
    token = _heavy.set(True)
    try:
        yield
    finally:
        _heavy.reset(token)


async def configure_connection(connection: aiosqlite.Connection, synchronous: str) -> None:
    connection.row_factory = dict_factory  # type: ignore[assignment]
    await connection.execute("PRAGMA journal_mode = WAL")
    await connection.execute("PRAGMA busy_timeout = 15000")
    await connection.execute("PRAGMA foreign_keys = ON")
    await connection.execute(f"PRAGMA synchronous = {synchronous}")
    await connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


class _Writer:
    """The one connection a process writes through, and the state of its open group."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        # the same sqlite3 connection, for statements run on the event loop's thread (opened with
        # check_same_thread=False; the lock keeps the two threads from ever using it at once)
        self.direct: sqlite3.Connection = connection._conn
        self.lock = asyncio.Lock()
        self.group_open = False
        self.group_size = 0
        self.group_done: Optional[asyncio.Future] = None
        self.flush_task: Optional[asyncio.Task] = None
        self.checkpoint_due = False  # set by the checkpoint thread after each of its rounds

    async def begin_unit(self) -> None:
        if not self.group_open:
            await self.connection.execute("BEGIN IMMEDIATE")  # on the thread: may wait for another process
            self.group_open = True
            self.group_size = 0
            self.group_done = asyncio.get_running_loop().create_future()
        self.direct.execute("SAVEPOINT unit")

    def run(self, query: str, args: list) -> list[dict]:
        """A statement of the open unit, on the event loop's thread."""
        return self.direct.execute(query, args).fetchall()

    async def commit_group(self) -> None:
        done, self.group_done = self.group_done, None
        self.group_open = False
        try:
            await self.connection.execute("COMMIT")
        except BaseException as exc:  # the whole group is lost: tell every unit in it
            await self._rollback_quietly()
            if done and not done.done():
                done.set_exception(exc)
            raise
        if done and not done.done():
            done.set_result(None)
        if self.checkpoint_due:
            # The checkpoint thread has copied the WAL back up to a moment ago. Copying the rest now, between two
            # groups, lets the next group start the WAL over from its beginning; left to chance, it seldom can
            # under load (a group is always open or starting), and the WAL grows to the backstop.
            self.checkpoint_due = False
            with contextlib.suppress(sqlite3.Error):
                await self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")

    async def _rollback_quietly(self) -> None:
        try:
            await self.connection.execute("ROLLBACK")
        except Exception:
            pass

    async def abort_group(self, exc: BaseException) -> None:
        """Rolls the open group back and hands the error to every unit already waiting on it."""
        done, self.group_done = self.group_done, None
        self.group_open = False
        await self._rollback_quietly()
        if done is not None and not done.done():
            done.set_exception(exc)

    def schedule_flush(self) -> None:
        if self.flush_task is None or self.flush_task.done():
            self.flush_task = asyncio.get_running_loop().create_task(self.flush_later())

    async def flush_later(self) -> None:
        """Commits the open group once the units already queued for the lock have joined it."""
        try:
            async with self.lock:
                if self.group_open:
                    await self.commit_group()
        except Exception:
            pass  # every unit of the group has been handed the error through group_done


class WriteTransaction(SQLiteTransaction):
    """An IMMEDIATE transaction; with a started pool, one unit of the writer's commit group."""

    def __init__(self, engine: "ServerSQLiteEngine", allow_nested: bool = True) -> None:
        super().__init__(engine, TransactionType.immediate, allow_nested)
        self._token: Optional[contextvars.Token] = None

    async def __aenter__(self):
        if self._parent is not None:
            return self._parent
        writer = self.engine.writer
        if writer is None:
            return await super().__aenter__()
        await writer.lock.acquire()
        try:
            await writer.begin_unit()
        except BaseException:
            writer.lock.release()
            raise
        self.connection = writer.connection
        self._token = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent is not None:
            return exception is None
        writer = self.engine.writer
        if writer is None or self._token is None:
            return await super().__aexit__(exception_type, exception, traceback)
        self.engine.current_transaction.reset(self._token)
        try:
            if exception is not None or self._rolled_back:
                writer.direct.execute("ROLLBACK TO unit")
            writer.direct.execute("RELEASE unit")
            writer.group_size += 1
            done = writer.group_done
            if writer.group_size >= MAX_GROUP:
                await writer.commit_group()
                done = None
            else:
                writer.schedule_flush()
        except BaseException as failure:
            if writer.group_open:
                await writer.abort_group(failure)
            writer.lock.release()
            raise
        writer.lock.release()
        if done is not None:
            await asyncio.shield(done)
        return exception is None

    @property
    def grouped(self) -> bool:
        """A unit of the writer's group (the pool is started), not a transaction of its own."""
        return self._token is not None

    async def savepoint(self, name: Optional[str] = None) -> Savepoint:
        if self._token is None:
            return await super().savepoint(name)
        name = name or f"savepoint_{self.get_savepoint_id()}"
        validate_savepoint_name(name)
        self.engine.writer.direct.execute(f"SAVEPOINT {name}")
        return _InlineSavepoint(name=name, transaction=self)

    async def commit(self):
        if self._token is None:
            return await super().commit()
        self._committed = True  # the group commits; nothing to do per unit

    async def rollback(self):
        if self._token is None:
            return await super().rollback()
        self._rolled_back = True


class _InlineSavepoint(Savepoint):
    """A savepoint inside a unit, set and released on the event loop's thread like the unit's statements."""

    async def rollback_to(self):
        self.transaction.engine.writer.direct.execute(f"ROLLBACK TO SAVEPOINT {self.name}")

    async def release(self):
        self.transaction.engine.writer.direct.execute(f"RELEASE SAVEPOINT {self.name}")


class _Checkpointer:
    """Copies committed WAL pages back into the database every CHECKPOINT_SECONDS, on a connection and a thread of its
    own at a lower priority: a passive checkpoint goes on beside the writer's transactions and never waits for them."""

    def __init__(self, connection_kwargs: dict[str, Any], writer: _Writer) -> None:
        self.connection = sqlite3.connect(**{**connection_kwargs, "check_same_thread": False})
        self.writer = writer
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with contextlib.suppress(OSError):  # not allowed here: it runs at the process's priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), CHECKPOINT_NICE)
        while not self.stopping.wait(CHECKPOINT_SECONDS):
            try:
                self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error as exc:  # another process's checkpoint is running: this one is not needed
                log.debug("WAL checkpoint skipped: %s", exc)
            self.writer.checkpoint_due = True  # the writer copies the rest after its next commit

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.connection.close()


class _InlineReader:
    """A read-only connection used on the event loop's thread for reads that fit the budget."""

    def __init__(self, connection_kwargs: dict[str, Any]) -> None:
        self.connection = sqlite3.connect(**{**connection_kwargs, "timeout": 0})
        self.connection.row_factory = dict_factory
        self.connection.execute("PRAGMA query_only = ON")
        self.deadline = 0.0
        self._load_schema()
        # Called every 1000 VM steps (counted over the statement's lifetime, not per run, so
        # the handler checks the clock): a true answer interrupts the statement.
        self.connection.set_progress_handler(lambda: time.perf_counter() > self.deadline, 1000)

    def read(self, query: str, args: list) -> Optional[list[dict]]:
        """The rows, or None when the read must go to a reader thread (over budget, busy, or failing)."""
        self.deadline = time.perf_counter() + INLINE_SECONDS
        try:
            cursor = self.connection.execute(query, args)
            rows = cursor.fetchmany(INLINE_ROWS + 1)
        except sqlite3.Error:
            self._load_schema()
            return None  # the reader thread runs it again and reports any real error
        if len(rows) > INLINE_ROWS:
            cursor.close()
            return None
        return rows

    def _load_schema(self) -> None:
        """Reads the schema outside the budget. A connection parses the schema before its first statement (again
        after another connection changes it), which on a large database can take longer than the budget: cut short
        there, it would be parsed anew, and cut short again, on every read."""
        self.deadline = float("inf")
        try:
            self.connection.execute("SELECT 1 FROM sqlite_master LIMIT 0").fetchall()
        except sqlite3.Error:
            pass  # busy: the next read tries again

    def close(self) -> None:
        self.connection.close()


class ServerSQLiteEngine(SQLiteEngine):
    """SQLite engine with configured connections, pooled readers and one grouped writer."""

    def __init__(self, path: str, synchronous: str = "FULL", readers: int = 4) -> None:
        super().__init__(path=path, timeout=15)
        self.synchronous = synchronous
        self.reader_count = readers
        self.readers: Optional[asyncio.Queue] = None
        self.writer: Optional[_Writer] = None
        self._all: list[aiosqlite.Connection] = []
        self.inline: Optional[_InlineReader] = None
        self._checkpoints: Optional[_Checkpointer] = None

    async def _open(self) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(**self.connection_kwargs, check_same_thread=False)
        await configure_connection(connection, self.synchronous)
        return connection

    async def get_connection(self) -> aiosqlite.Connection:
        return await self._open()

    async def start_connection_pool(self) -> None:
        if self.writer is not None:
            return
        writer = await self._open()
        # last in, first out: a lone request takes the reader it ran on last, whose page cache holds its pages
        # (handed round in turn, each of them reads the same pages from the file again)
        readers: asyncio.Queue = asyncio.LifoQueue()
        self._all = [writer]
        for _ in range(self.reader_count):
            connection = await self._open()
            self._all.append(connection)
            readers.put_nowait(connection)
        # the writer does not copy the WAL back itself (a commit that did held every other unit up meanwhile)
        # unless the checkpoint thread has fallen far behind
        await writer.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")
        self.writer, self.readers = _Writer(writer), readers
        self._checkpoints = _Checkpointer(self.connection_kwargs, self.writer)
        self.inline = _InlineReader(self.connection_kwargs)

    async def close_connection_pool(self) -> None:
        writer, self.writer, self.readers = self.writer, None, None
        if self._checkpoints is not None:
            await asyncio.to_thread(self._checkpoints.stop)
            self._checkpoints = None
        if self.inline is not None:
            self.inline.close()
            self.inline = None
        if writer is not None:
            async with writer.lock:
                if writer.group_open:
                    await writer.commit_group()
            with contextlib.suppress(sqlite3.Error):  # what the WAL holds goes into the database file
                await writer.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        for connection in self._all:
            await connection.close()
        self._all = []

    def transaction(self, transaction_type: TransactionType = TransactionType.immediate, allow_nested: bool = True):
        return WriteTransaction(self, allow_nested=allow_nested)

    async def _execute(self, connection, query: str, args: list) -> list[dict]:
        # One trip to the connection's thread per statement (execute and fetch together), not three.
        return await connection.execute_fetchall(query, args)

    async def _run(self, query: str, args: Optional[list[Any]], long: bool = False) -> list[dict]:
        args = args or []
        current = self.current_transaction.get()
        if current is not None:
            if current.grouped and not long and not _heavy.get():
                return self.writer.run(query, args)  # a unit of the group: on the loop's thread
            return await self._execute(current.connection, query, args)
        if self.writer is None:
            connection = await self._open()
            try:
                return await self._execute(connection, query, args)
            finally:
                await connection.close()
        if query.lstrip()[:7].upper().startswith(READ_PREFIXES) and "RETURNING" not in query.upper():
            rows = self.inline.read(query, args) if self.inline is not None else None
            if rows is not None:
                return rows
            connection = await self.readers.get()
            try:
                return await self._execute(connection, query, args)
            finally:
                self.readers.put_nowait(connection)
        async with self.transaction():
            return await self._run(query, args, long)

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False):
        query, args = querystring.compile_string(engine_type=self.engine_type)
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=str(querystring))
        return await self._run(query, args)

    async def run_compiled(self, query: str, args: list[Any]) -> list[dict]:
        """Runs a statement already compiled to `?` placeholders (core.db.raw)."""
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=query)
        return await self._run(query, args)

    async def run_long_read(self, query: str, args: list[Any]) -> list[dict]:
        """A compiled read that would outrun the inline budget: on a reader thread at once (in the transaction, if
        any), not first tried and cut short on the event loop (core.db.raw with long=True)."""
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=query)
        if self.current_transaction.get() is not None or self.readers is None:
            return await self._run(query, args, long=True)
        connection = await self.readers.get()
        try:
            return await self._execute(connection, query, args)
        finally:
            self.readers.put_nowait(connection)

    async def run_ddl(self, ddl: str, in_pool: bool = False):
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=ddl)
        return await self._run(ddl, None)
