"""The database engine (SQLite by default, PostgreSQL by URL) and the one way to write."""

from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator
from urllib.parse import urlparse

from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

from regulars.core.sqlite_engine import ServerSQLiteEngine
from regulars.settings import Settings


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


@contextlib.asynccontextmanager
async def writing() -> AsyncIterator[None]:
    """Runs the block as one write transaction: IMMEDIATE on SQLite, the default on PostgreSQL."""
    async with engine().transaction():
        yield


async def raw(sql: str, *args: Any, long: bool = False) -> list[dict]:
    """Runs one SQL statement with `{}` placeholders (Piccolo's), in the current transaction if any.

    `long=True` marks a read known to take more than a millisecond (a report's aggregate): on SQLite it goes
    straight to a reader thread, instead of first being tried, and cut short, within the event loop's inline budget.
    """
    from piccolo.querystring import QueryString

    if long:
        run_long_read = getattr(engine(), "run_long_read", None)
        if run_long_read is not None:
            return await run_long_read(QueryString(sql, *args))
    return await engine().run_querystring(QueryString(sql, *args))


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
        await db.start_connection_pool(reset=_keep_session)
    else:
        await db.start_connection_pool()


async def stop() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is None:
        return
    await db.close_connection_pool()
