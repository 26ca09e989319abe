"""Bulk issue to a segment, as a background job with progress and a result report.

The targets are fixed when the job starts. Each customer's coupon and the job's
progress are written in one transaction, under the runner's lease; a job whose
runner died is resumed by the worker from where it stopped, and the coupons'
source reference (the job) makes a customer handled twice get one coupon.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from regulars.core import audit, clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import BadInput, DomainError, NotFound
from regulars.core.i18n import t
from regulars.coupons import schemas, service, templates
from regulars.coupons.tables import CouponBulkJob
from regulars.customers import service as customers

MAX_TARGETS = 50_000
MAX_ERRORS = 200
LEASE = dt.timedelta(seconds=60)
SEARCH_PAGE = 200


async def start(actor: Principal, data: schemas.BulkRequest) -> int:
    """Fixes the segment (ids, or every customer in reach matching the query) and creates the job."""
    if (data.customer_ids is None) == (data.query is None):
        raise BadInput("coupon.bulk_target", field="customer_ids")
    await templates.visible_row(actor, data.template_id)
    targets = list(dict.fromkeys(data.customer_ids)) if data.customer_ids is not None else await _search(actor, data.query)
    if len(targets) > MAX_TARGETS:
        raise BadInput("coupon.bulk_too_many", field="customer_ids", max=MAX_TARGETS)
    now = clock.now()
    async with writing():
        row = (
            await CouponBulkJob.insert(
                CouponBulkJob(template=data.template_id, staff_id=actor.staff_id, role=actor.role,
                              store_id=actor.store_id, status="running", targets=targets, total=len(targets),
                              failures={}, errors=[], lease_owner="", lease_until=now - LEASE, created_at=now)
            ).returning(CouponBulkJob.id)
        )[0]
        await audit.record(actor, "coupon.bulk_issue", "coupon_bulk_job", row["id"],
                           detail={"template_id": data.template_id, "targets": len(targets)})
    return row["id"]


async def _search(actor: Principal, query: str) -> list[int]:
    found: list[int] = []
    offset = 0
    while True:
        page = await customers.search(actor, query, SEARCH_PAGE, offset)
        found.extend(item.id for item in page.items)
        if not page.has_more or len(found) > MAX_TARGETS:
            return found
        offset += SEARCH_PAGE


async def claim(job_id: int | None = None) -> tuple[int, str] | None:
    """Takes the lease of the given job, or of any running job whose lease ran out."""
    now = clock.now()
    owner = secrets.token_hex(8)
    if job_id is None:
        stale = await raw("SELECT id FROM coupon_bulk_job WHERE status = 'running' AND lease_until < {} ORDER BY id LIMIT 1", now)
        if not stale:
            return None
        job_id = stale[0]["id"]
    async with writing():
        rows = await raw("UPDATE coupon_bulk_job SET lease_owner = {}, lease_until = {} "
                         "WHERE id = {} AND status = 'running' AND lease_until < {} RETURNING id",
                         owner, now + LEASE, job_id, now)
    return (job_id, owner) if rows else None


async def run(job_id: int, owner: str) -> None:
    """Issues to each remaining target, one transaction per customer, until done or the lease is lost."""
    job = await CouponBulkJob.select().where(CouponBulkJob.id == job_id).output(load_json=True).first()
    actor = Principal(staff_id=job["staff_id"], username="", display_name="", role=job["role"], store_id=job["store_id"])
    targets: list[int] = job["targets"]
    failures: dict[str, int] = dict(job["failures"] or {})
    errors: list[dict[str, Any]] = list(job["errors"] or [])
    for index in range(job["processed"], len(targets)):
        customer_id = targets[index]
        try:
            async with writing():
                _, created = await service.issue_once(actor, job["template"], customer_id, source="bulk",
                                                      source_ref=f"job:{job_id}", store_id=job["store_id"],
                                                      staff_id=job["staff_id"])
                column = "issued" if created else "skipped"
                await _advance(job_id, owner, index + 1, f"{column} = {column} + 1")
        except _LeaseLost:
            return
        except DomainError as exc:
            failures[exc.key] = failures.get(exc.key, 0) + 1
            if len(errors) < MAX_ERRORS:
                errors.append({"customer_id": customer_id, "key": exc.key, "params": _plain(exc.params)})
            if exc.key in ("coupon.stock_exhausted", "coupon.template_inactive", "coupon.template_ended"):
                # Nothing more can be issued from this template: the rest fail for the same reason.
                rest = len(targets) - index
                failures[exc.key] += rest - 1
                await _fail_rest(job_id, owner, len(targets), rest, failures, errors)
                return
            try:
                async with writing():
                    await _advance(job_id, owner, index + 1, "failed = failed + 1", failures, errors)
            except _LeaseLost:
                return
    async with writing():
        await raw("UPDATE coupon_bulk_job SET status = 'done', finished_at = {}, lease_until = {} "
                  "WHERE id = {} AND lease_owner = {}", clock.now(), clock.now(), job_id, owner)


class _LeaseLost(Exception):
    """Another runner took the job over; this one stops without writing."""


async def _advance(job_id: int, owner: str, processed: int, counter: str, failures: dict | None = None,
                   errors: list | None = None) -> None:
    now = clock.now()
    extra, args = "", []
    if failures is not None:
        extra, args = ", failures = {}, errors = {}", [_json(failures), _json(errors)]
    rows = await raw(f"UPDATE coupon_bulk_job SET processed = {{}}, {counter}, lease_until = {{}}{extra} "
                     "WHERE id = {} AND lease_owner = {} RETURNING id", processed, now + LEASE, *args, job_id, owner)
    if not rows:
        raise _LeaseLost()


async def _fail_rest(job_id: int, owner: str, total: int, rest: int, failures: dict, errors: list) -> None:
    now = clock.now()
    async with writing():
        await raw("UPDATE coupon_bulk_job SET processed = {}, failed = failed + {}, failures = {}, errors = {}, "
                  "status = 'done', finished_at = {}, lease_until = {} WHERE id = {} AND lease_owner = {}",
                  total, rest, _json(failures), _json(errors), now, now, job_id, owner)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, (int, str, float, bool)) or v is None else str(v)) for k, v in params.items()}


async def resume_stale() -> None:
    """Worker job: picks up bulk issues whose runner stopped (a restart, a crash) and finishes them."""
    while (claimed := await claim()) is not None:
        await run(*claimed)


async def job(actor: Principal, job_id: int, lang: str) -> schemas.BulkJob:
    row = await CouponBulkJob.select().where(CouponBulkJob.id == job_id).output(load_json=True).first()
    if row is None or not (actor.is_admin or row["store_id"] == actor.store_id):
        raise NotFound("coupon.bulk_not_found", id=job_id)
    errors = [schemas.BulkError(customer_id=e["customer_id"], code=e["key"], message=t(e["key"], lang, **e["params"]))
              for e in row["errors"] or []]
    return schemas.BulkJob(
        id=row["id"], template_id=row["template"], status=row["status"], total=row["total"],
        processed=row["processed"], issued=row["issued"], skipped=row["skipped"], failed=row["failed"],
        failures=row["failures"] or {}, errors=errors, created_at=clock.aware(row["created_at"]),
        finished_at=None if row["finished_at"] is None else clock.aware(row["finished_at"]),
    )

