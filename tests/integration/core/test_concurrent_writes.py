"""Concurrent writing requests against a real server process never fail with "database is locked"."""

import asyncio
import os
import uuid

from regulars.core.db import is_postgres, raw
from tests.support.world import new_phone


async def test_64_concurrent_writing_requests_all_succeed(world, server):
    clients = [world.clerk_a, world.clerk_a2, world.manager_a]
    creates = [
        clients[i % 3].post("/api/v1/customers", json={"phone": new_phone(), "name": f"并发客户{i}", "tags": ["并发"]},
                            headers={"Idempotency-Key": uuid.uuid4().hex})
        for i in range(64)
    ]
    responses = await asyncio.gather(*creates)
    assert [r.status_code for r in responses] == [201] * 64, [r.text for r in responses if r.status_code != 201][:3]
    ids = [r.json()["id"] for r in responses]

    writes = []
    for i, customer_id in enumerate(ids):
        client = clients[i % 3]
        if i % 2:
            writes.append(client.patch(f"/api/v1/customers/{customer_id}", json={"occupation": f"职业{i}"}))
        else:
            writes.append(client.post(f"/api/v1/customers/{customer_id}/notes", json={"text": f"第{i}条"}))
    second = await asyncio.gather(*writes)
    assert sorted({r.status_code for r in second}) == [200, 204], [r.text for r in second if r.status_code >= 300][:3]

    marks = ", ".join("{}" for _ in ids)
    events = await raw(f"SELECT COUNT(*) AS n FROM timeline_event WHERE customer IN ({marks})", *ids)
    assert events[0]["n"] == 128
    assert "database is locked" not in server.log()


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(world):
    if is_postgres():
        rows = await raw("SHOW transaction_isolation")
        assert rows[0]["transaction_isolation"] == "read committed"
        return
    mode = await raw("PRAGMA journal_mode")
    keys = await raw("PRAGMA foreign_keys")
    assert mode[0]["journal_mode"] == "wal"
    assert keys[0]["foreign_keys"] == 1
    assert os.path.exists(os.environ["REGULARS_DATABASE_URL"].removeprefix("sqlite:///") + "-wal")
