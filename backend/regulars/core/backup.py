"""Online backup and restore: SQLite's backup API, or pg_dump / pg_restore."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from regulars.settings import Settings


def backup(settings: Settings, target: Path) -> Path:
    """Writes a consistent copy of the live database to `target`, without stopping the server."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if settings.is_postgres:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", *_pg_args(settings.database_url)])
        return target
    source = sqlite3.connect(settings.sqlite_path)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy, pages=4096)
        ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise RuntimeError(f"backup failed its integrity check: {ok}")
    finally:
        copy.close()
        source.close()
    return target


def restore(settings: Settings, source: Path) -> None:
    """Replaces the database with a backup; run it with the server stopped."""
    if not source.exists():
        raise FileNotFoundError(source)
    if settings.is_postgres:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={settings.database_url}", str(source)])
        return
    check = sqlite3.connect(source)
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if ok != "ok":
        raise RuntimeError(f"{source} is damaged: {ok}")
    live = settings.sqlite_path
    for suffix in ("-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, live)


def _pg_args(url: str) -> list[str]:
    return [f"--dbname={url}"]


def _run(command: list[str]) -> None:
    binary = shutil.which(command[0]) or str(Path("/usr/lib/postgresql/15/bin") / command[0])
    subprocess.run([binary, *command[1:]], check=True)
