"""The database and the server process the tests run against."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_admin_dsn() -> tuple[str, str]:
    url = urlparse(os.environ["REGULARS_DATABASE_URL"])
    return f"{url.scheme}://{url.netloc}/postgres", url.path.lstrip("/")


def create_database() -> None:
    if os.environ.get("REGULARS_TEST_ENGINE") != "postgres":
        return
    import asyncpg

    dsn, name = _pg_admin_dsn()

    async def run() -> None:
        connection = await asyncpg.connect(dsn)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
        await connection.close()

    asyncio.run(run())


def drop_database() -> None:
    if os.environ.get("REGULARS_TEST_ENGINE") != "postgres":
        return
    import asyncpg

    dsn, name = _pg_admin_dsn()

    async def run() -> None:
        connection = await asyncpg.connect(dsn)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()

    asyncio.run(run())


def regulars_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "regulars.cli", *args]


def migrate() -> None:
    subprocess.run(regulars_command("migrate"), check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


async def truncate_all() -> None:
    """Empties every table of every room, then re-creates the first admin."""
    from piccolo.conf.apps import Finder

    from regulars.core.db import is_postgres, raw
    from regulars.stores import service as stores

    names = [t._meta.tablename for t in Finder().get_table_classes()]
    if is_postgres():
        for attempt in range(5):  # the server's background jobs may hold a table TRUNCATE needs: a deadlock, retried
            try:
                await raw(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
                break
            except Exception as exc:
                if type(exc).__name__ != "DeadlockDetectedError" or attempt == 4:
                    raise
                await asyncio.sleep(0.2)
    else:
        from regulars.core.db import engine

        connection = await engine().get_connection()
        try:
            await connection.execute("PRAGMA foreign_keys = OFF")
            for name in names:
                await connection.execute(f"DELETE FROM {name}")
            await connection.commit()
        finally:
            await connection.close()
    await stores.ensure_admin(os.environ["REGULARS_ADMIN_PASSWORD"])


class ServerProcess:
    """`regulars serve` as a real process on a free port, with its output kept for the failure report."""

    def __init__(self, process: subprocess.Popen, url: str, log_path: Path, env: dict[str, str]):
        self.process = process
        self.url = url
        self.log_path = log_path
        self.env = env

    @classmethod
    def start(cls, workers: int = 1, extra_env: dict[str, str] | None = None, port: int | None = None) -> "ServerProcess":
        port = port or free_port()
        log_path = Path(os.environ["REGULARS_VAR_DIR"]) / f"server-{port}.log"
        env = {**os.environ, "REGULARS_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", **(extra_env or {})}
        process = subprocess.Popen(
            regulars_command("serve", "--port", str(port), "--workers", str(workers)),
            cwd=ROOT, env=env, stdout=log_path.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        server = cls(process, f"http://127.0.0.1:{port}", log_path, env)
        server.wait_ready()
        return server

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path.exists() else ""

    def kill(self) -> None:
        """kill -9 of the whole process group, as a crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
