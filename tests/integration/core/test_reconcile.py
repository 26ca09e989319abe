"""`regulars reconcile` passes on consistent data and exits non-zero on drift."""

import subprocess

from regulars.core.db import raw
from tests.support.server import ROOT, regulars_command
from tests.support.world import new_phone


def reconcile():
    return subprocess.run(regulars_command("reconcile"), cwd=ROOT, capture_output=True, text=True)


async def test_reconcile_ok_then_detects_drift(world):
    created = await world.clerk_a.post("/api/v1/customers", json={"phone": new_phone()}, headers={"Idempotency-Key": "reconcile-1"})
    customer_id = created.json()["id"]
    clean = reconcile()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "ok    customers.home_store_membership" in clean.stdout
    await raw("DELETE FROM customer_store WHERE customer = {}", customer_id)
    drift = reconcile()
    assert drift.returncode == 1
    assert f"customer {customer_id} is not a member of its home store" in drift.stdout
