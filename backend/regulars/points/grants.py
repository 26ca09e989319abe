"""Bulk grants: one manager's points to a list of customers in reach, as a resumable job with progress.

A worker claims a job with a lease and moves through the list; each customer's credit
has the source ('grant', job id), so a job resumed after a crash never grants twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from regulars.core import audit, clock, idempotency
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import DomainError, NotFound
from regulars.core.i18n import t
from regulars.core.idempotency import Outcome
from regulars.customers import service as customers
from regulars.points import schemas
from regulars.points.service import earn
from regulars.points.tables import PointsGrant

LEASE = dt.timedelta(seconds=60)
PROGRESS_EVERY = 50


async def create(actor: Principal, data: schemas.GrantCreate, key: str | None) -> Outcome:
    return await idempotency.run(f"points.grant:{actor.staff_id}", key, data, lambda: _create(actor, data))


async def _create(actor: Principal, data: schemas.GrantCreate) -> tuple[int, schemas.Grant]:
    ids = list(dict.fromkeys(data.customer_ids))
    row = (
        await PointsGrant.insert(
            PointsGrant(staff_id=actor.staff_id, role=actor.role, store_id=actor.store_id, points=data.points,
                        reason=data.reason, customer_ids=ids, status="queued", total=len(ids), created_at=clock.now())
        ).returning(PointsGrant.id)
    )[0]
    await audit.record(actor, "points.grant", "points_grant", row["id"],
                       detail={"points": data.points, "customers": len(ids), "reason": data.reason})
    return 202, await view(actor, row["id"], "zh-CN")


async def _claim(job_id: int) -> dict | None:
    now = clock.now()
    async with writing():
        rows = await raw(
            "UPDATE points_grant SET status = 'running', lease_until = {} "
            "WHERE id = {} AND status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < {}) RETURNING id",
            now + LEASE, job_id, now,
        )
    if not rows:
        return None
    return await PointsGrant.select().where(PointsGrant.id == job_id).output(load_json=True).first()


async def run(job_id: int) -> None:
    """Processes the job from where it stopped, unless another worker holds it."""
    job = await _claim(job_id)
    if job is None:
        return
    actor = Principal(staff_id=job["staff_id"], username="grant", display_name="grant", role=job["role"],
                      store_id=job["store_id"])
    ids: list[int] = job["customer_ids"]
    counts = {k: job[k] for k in ("granted", "skipped", "failed")}
    errors: list[dict[str, Any]] = list(job["errors"] or [])
    for index in range(job["processed"], len(ids)):
        customer_id = ids[index]
        try:
            async with writing():
                await customers.reachable(actor, customer_id)
                entry = await earn(customer_id, job["points"], source_kind="grant", source_id=job_id,
                                   store_id=job["store_id"], staff_id=job["staff_id"], reason=job["reason"])
            counts["granted" if entry else "skipped"] += 1
        except DomainError as exc:
            counts["failed"] += 1
            errors.append({"customer_id": customer_id, "key": exc.key, "params": exc.params})
        if (index + 1) % PROGRESS_EVERY == 0:
            await _progress(job_id, processed=index + 1, errors=errors, lease_until=clock.now() + LEASE, **counts)
    await _progress(job_id, processed=len(ids), errors=errors, status="done", finished_at=clock.now(),
                    lease_until=None, **counts)


async def _progress(job_id: int, errors: list[dict], **values: Any) -> None:
    update = {getattr(PointsGrant, k): v for k, v in values.items()}
    update[PointsGrant.errors] = errors
    async with writing():
        await PointsGrant.update(update).where(PointsGrant.id == job_id)


async def resume() -> None:
    """The worker's round: runs every queued job and every running one whose worker went away."""
    rows = await raw(
        "SELECT id FROM points_grant WHERE status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < {}) ORDER BY id",
        clock.now(),
    )
    for r in rows:
        await run(r["id"])


async def view(actor: Principal, job_id: int, lang: str) -> schemas.Grant:
    row = await PointsGrant.select().where(PointsGrant.id == job_id).output(load_json=True).first()
    if row is None or not (actor.is_admin or row["staff_id"] == actor.staff_id or
                           (row["store_id"] is not None and row["store_id"] == actor.store_id)):
        raise NotFound("points.grant_not_found", id=job_id)
    return schemas.Grant(
        id=row["id"], status=row["status"], points=row["points"], reason=row["reason"], total=row["total"],
        processed=row["processed"], granted=row["granted"], skipped=row["skipped"], failed=row["failed"],
        errors=[schemas.GrantError(customer_id=e["customer_id"], message=t(e["key"], lang, **e["params"]))
                for e in row["errors"] or []],
        created_at=clock.aware(row["created_at"]),
        finished_at=clock.aware(row["finished_at"]) if row["finished_at"] else None,
    )
