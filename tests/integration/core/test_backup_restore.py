"""`regulars backup` and `regulars restore` round trip, on the engine under test, through the CLI."""

import asyncio
import os
import subprocess
import uuid
from urllib.parse import urlparse

import pytest

from tests.support.server import ROOT, regulars_command


@pytest.fixture
def scratch_url(tmp_path):
    """A database of its own, so that restoring does not touch the suite's database."""
    url = os.environ["REGULARS_DATABASE_URL"]
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    import asyncpg

    parsed = urlparse(url)
    name = f"scratch_{uuid.uuid4().hex[:10]}"
    admin = f"{parsed.scheme}://{parsed.netloc}/postgres"

    async def run(sql):
        connection = await asyncpg.connect(admin)
        await connection.execute(sql)
        await connection.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    yield f"{parsed.scheme}://{parsed.netloc}/{name}"
    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def cli(url, *args):
    env = {**os.environ, "REGULARS_DATABASE_URL": url}
    return subprocess.run(regulars_command(*args), cwd=ROOT, env=env, capture_output=True, text=True, check=True)


def test_backup_then_restore_brings_back_exactly_the_backed_up_state(scratch_url, tmp_path):
    cli(scratch_url, "migrate")
    cli(scratch_url, "create-staff", "before_backup", "--password", "long-enough-1", "--role", "admin")
    target = tmp_path / "copy.bak"
    cli(scratch_url, "backup", "--output", str(target))
    cli(scratch_url, "create-staff", "after_backup", "--password", "long-enough-1", "--role", "admin")
    cli(scratch_url, "restore", str(target))
    listing = cli(scratch_url, "create-staff", "after_backup", "--password", "long-enough-1", "--role", "admin")
    assert "created admin after_backup" in listing.stdout  # it was gone after the restore
    with pytest.raises(subprocess.CalledProcessError) as again:
        cli(scratch_url, "create-staff", "before_backup", "--password", "long-enough-1", "--role", "admin")
    assert "before_backup" in again.value.stderr  # still there: the name is taken
