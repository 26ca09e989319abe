"""The database engine (SQLite by default, PostgreSQL by URL) and the one way to write."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
from string import Formatter
from typing import Any, Coroutine
from urllib.parse import urlparse

from piccolo.columns import Column
from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from regulars.core import sqlite_engine
from regulars.core.sqlite_engine import ServerSQLiteEngine
from regulars.settings import Settings, get_settings


def make_engine(settings: Settings) -> Engine:
    if settings.is_postgres:
        url = urlparse(settings.database_url)
        config = {
            "host": url.hostname or "127.0.0.1",
            "port": url.port or 5432,
            "user": url.username or "postgres",
            "password": url.password or None,
            "database": url.path.lstrip("/") or "regulars",
        }
        return PostgresEngine(config=config)
    return ServerSQLiteEngine(path=str(settings.sqlite_path), synchronous=settings.sqlite_synchronous)


_engine: Engine | None = None


def engine() -> Engine:
    """The configured engine (looked up once: Piccolo's finder imports the conf module on every call)."""
    global _engine
    if _engine is None:
        found = engine_finder()
        assert found is not None, "PICCOLO_CONF does not name an engine"
        _engine = found
    return _engine


def is_postgres() -> bool:
    return engine().engine_type == "postgres"


def plus_days(timestamp: str, days: int) -> str:
    """SQL for a timestamp column or expression `days` later, comparable with stored timestamps on either engine."""
    if is_postgres():
        return f"(({timestamp}) + INTERVAL '{int(days)} days')"
    return f"datetime({timestamp}, '{int(days):+d} days')"


def writing() -> contextlib.AbstractAsyncContextManager[Any]:
    """Runs the block as one write transaction: IMMEDIATE on SQLite, the default on PostgreSQL."""
    return engine().transaction()


def heavy() -> contextlib.AbstractContextManager[None]:
    """Marks set-wide work (a job's round, an import, a bulk issue, planning a campaign): on SQLite its writes run
    on the writer connection's thread, so the event loop goes on answering requests while they take their time;
    a request's own writes run on the loop's thread, where they are quicker. Tasks started inside inherit it."""
    return sqlite_engine.heavy()


_background: set[asyncio.Task] = set()  # held here until done: the loop keeps only weak references to tasks


def start_heavy(work: Coroutine[Any, Any, Any]) -> asyncio.Task:
    """Starts set-wide work a request asked for (an import, a bulk issue, a grant) as a task of its own, under
    `heavy()`, and returns at once; the work reports its progress in its own job row."""
    with heavy():  # the task copies the context as it is now
        task = asyncio.get_running_loop().create_task(work)
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task


# argument types that are never nested SQL: checked first, as the isinstance() against Piccolo's classes costs more
_PLAIN = frozenset({int, str, float, bool, bytes, type(None), dt.datetime, dt.date})


async def raw(sql: str, *args: Any, long: bool = False) -> list[dict]:
    """Runs one SQL statement with `{}` placeholders (Piccolo's), in the current transaction if any.

    `long=True` marks a read known to take more than a millisecond (a report's aggregate): on SQLite it goes
    straight to a reader thread, instead of first being tried, and cut short, within the event loop's inline budget.
    """
    db = engine()
    if not all(type(arg) in _PLAIN for arg in args) and any(isinstance(arg, (QueryString, Column)) for arg in args):
        return await db.run_querystring(QueryString(sql, *args))  # nested SQL: Piccolo compiles it
    query = _compiled(sql, len(args), db.engine_type)
    if isinstance(db, ServerSQLiteEngine):
        return await (db.run_long_read if long else db.run_compiled)(query, list(args))
    return await _run_postgres(db, query, args)  # type: ignore[arg-type]


async def delete_in_batches(table: str, where: str, *args: Any, batch: int = 5000) -> int:
    """Deletes the rows of `table` (with an `id` key) matching `where`, `batch` at a time, each batch a write of
    its own so other writers go on between them; returns how many."""
    total = 0
    while True:
        async with writing():
            rows = await raw(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE {where} LIMIT {batch}) "
                             "RETURNING id", *args)
        total += len(rows)
        if len(rows) < batch:
            return total


def marks(count: int) -> str:
    """`count` placeholders for `raw`, comma-separated: "{}, {}, {}"."""
    return ", ".join(["{}"] * count)


@functools.lru_cache(maxsize=4096)
def _compiled(sql: str, count: int, engine_type: str) -> str:
    """The statement exactly as Piccolo's QueryString compiles it for `count` plain arguments, remembered per
    statement: the hot paths run the same few statements all day, and compiling each anew cost more than
    running the indexed lookup it wraps."""
    parts: list[str] = []
    for index, (literal, *_) in enumerate(Formatter().parse(sql)):
        parts.append(literal)
        if index < count:
            parts.append("?" if engine_type == "sqlite" else f"${index + 1}")
    return "".join(parts)


async def _run_postgres(db: PostgresEngine, query: str, args: tuple) -> list:
    """PostgresEngine.run_querystring after compilation: in the current transaction, else on a pooled connection."""
    current = db.current_transaction.get()
    if current:
        return await current.connection.fetch(query, *args)
    if db.pool:
        async with db.pool.acquire() as connection:
            return await connection.fetch(query, *args)
    connection = await db.get_new_connection()
    try:
        return await connection.fetch(query, *args)
    finally:
        await connection.close()


async def _keep_session(connection: Any) -> None:
    """Hands a PostgreSQL connection back to the pool without asyncpg's reset query.

    The default reset (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL) is one more round
    trip on every release, that is, on every query outside a transaction. The app keeps no
    session state: use `SET LOCAL` and transaction-level advisory locks
    (`pg_advisory_xact_lock`), never `SET`, `LISTEN` or session locks. The pool still rolls
    back a transaction left open.
    """


async def start() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        size = get_settings().pg_pool_size
        await db.start_connection_pool(reset=_keep_session, min_size=size, max_size=size)
    else:
        await db.start_connection_pool()


async def stop() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is None:
        return
    await db.close_connection_pool()
