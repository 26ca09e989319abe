"""Bulk issue to a segment: a background job with progress and a report, resumable, one coupon per customer."""

import asyncio
import datetime as dt

from regulars.coupons import bulk, schemas
from regulars.core.db import raw
from tests.support.coupons import count, make_customer, make_template, principal

URL = "/api/v1/coupons/bulk"
LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


async def wait_done(client, job_id: int, timeout: float = 30.0) -> dict:
    for _ in range(int(timeout / 0.1)):
        body = (await client.get(f"{URL}/{job_id}")).json()
        if body["status"] != "running":
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"bulk job {job_id} still running: {body}")


async def test_bulk_issue_ids_report(world):
    template = await make_template(world, stock=5)
    ours = [await make_customer(world) for _ in range(4)]
    theirs = await make_customer(world, clerk="clerk_b")
    response = await world.manager_a.post(URL, json={"template_id": template.id, "customer_ids": [*ours, theirs, ours[0]]})
    assert response.status_code == 202, response.text
    report = await wait_done(world.manager_a, response.json()["id"])
    assert (report["status"], report["total"], report["processed"]) == ("done", 5, 5)
    assert (report["issued"], report["failed"]) == (4, 1)
    assert report["failures"] == {"customer.not_found": 1}
    assert report["errors"][0]["customer_id"] == theirs and report["errors"][0]["message"]
    assert await count("SELECT COUNT(*) AS n FROM coupon WHERE template = {} AND source = 'bulk'", template.id) == 4


async def test_bulk_issue_stock_runs_out(world):
    template = await make_template(world, stock=2)
    targets = [await make_customer(world) for _ in range(5)]
    response = await world.manager_a.post(URL, json={"template_id": template.id, "customer_ids": targets})
    report = await wait_done(world.manager_a, response.json()["id"])
    assert (report["issued"], report["failed"], report["processed"]) == (2, 3, 5)
    assert report["failures"] == {"coupon.stock_exhausted": 3}


async def test_bulk_issue_by_search_query(world):
    template = await make_template(world, per_customer_limit=None)
    segment = [await make_customer(world, name="批量乙") for _ in range(3)]
    await make_customer(world, clerk="clerk_b", name="批量乙")
    response = await world.manager_a.post(URL, json={"template_id": template.id, "query": "批量乙"})
    report = await wait_done(world.manager_a, response.json()["id"])
    assert (report["total"], report["issued"]) == (3, 3)
    issued_to = {r["customer"] for r in await raw("SELECT customer FROM coupon WHERE template = {}", template.id)}
    assert issued_to == set(segment)


async def test_bulk_issue_needs_one_target_kind(world):
    template = await make_template(world)
    response = await world.manager_a.post(URL, json={"template_id": template.id})
    assert response.status_code == 422
    response = await world.manager_a.post(URL, json={"template_id": template.id, "customer_ids": [1], "query": "x"})
    assert response.status_code == 422


async def test_bulk_issue_clerk_forbidden(world):
    template = await make_template(world)
    assert (await world.clerk_a.post(URL, json={"template_id": template.id, "customer_ids": []})).status_code == 403


async def test_bulk_job_other_store_not_found(world):
    template = await make_template(world)
    response = await world.manager_a.post(URL, json={"template_id": template.id, "customer_ids": []})
    job_id = response.json()["id"]
    await wait_done(world.manager_a, job_id)
    assert (await world.manager_b.get(f"{URL}/{job_id}")).status_code == 404


async def test_bulk_issue_resumed_after_runner_stopped_issues_once(world):
    template = await make_template(world, per_customer_limit=None)
    targets = [await make_customer(world) for _ in range(6)]
    job_id = await bulk.start(principal(world, "manager_a"), schemas.BulkRequest(template_id=template.id,
                                                                                  customer_ids=targets))
    claimed = await bulk.claim(job_id)
    assert claimed is not None and await bulk.claim(job_id) is None  # the lease is held
    # The runner dies after three customers: its lease runs out and the worker takes over.
    await raw("UPDATE coupon_bulk_job SET lease_until = {} WHERE id = {}", LONG_AGO, job_id)
    await bulk.resume_stale()
    report = await bulk.job(principal(world, "manager_a"), job_id, "zh-CN")
    assert (report.status, report.issued, report.processed) == ("done", 6, 6)
    # A second run over the same targets (as after a crash between issue and bookkeeping) adds nothing.
    await raw("UPDATE coupon_bulk_job SET status = 'running', processed = 0, issued = 0, lease_until = {} WHERE id = {}",
              LONG_AGO, job_id)
    await bulk.resume_stale()
    report = await bulk.job(principal(world, "manager_a"), job_id, "zh-CN")
    assert (report.status, report.issued, report.skipped) == ("done", 0, 6)
    assert await count("SELECT COUNT(*) AS n FROM coupon WHERE template = {}", template.id) == 6


async def test_bulk_run_stops_when_lease_taken_over(world):
    template = await make_template(world, per_customer_limit=None)
    targets = [await make_customer(world) for _ in range(3)]
    job_id = await bulk.start(principal(world, "manager_a"), schemas.BulkRequest(template_id=template.id,
                                                                                  customer_ids=targets))
    await bulk.claim(job_id)
    await bulk.run(job_id, "not-the-owner")
    assert await count("SELECT COUNT(*) AS n FROM coupon WHERE template = {}", template.id) == 0
