"""Privacy jobs: erasure requests done before their deadline, and anonymisation of long-inactive customers."""

from __future__ import annotations

import datetime as dt

import msgspec

from regulars import worker
from regulars.core import audit, clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.customers import privacy, schemas, service, timeline
from regulars.customers.tables import ErasureRequest
from regulars.settings import get_settings

BATCH = 200


class ErasureRequestOut(msgspec.Struct):
    id: int
    customer_id: int
    channel: str
    status: str
    requested_at: dt.datetime
    due_at: dt.datetime
    completed_at: dt.datetime | None
    overdue: bool


async def request_erasure(customer_id: int, channel: str, actor: Principal | None = None) -> ErasureRequestOut:
    """Queues the customer's erasure (one pending request at a time); the job completes it."""
    now = clock.now()
    async with writing():
        pending = await ErasureRequest.select().where(
            (ErasureRequest.customer == customer_id) & (ErasureRequest.status == "pending")
        ).first()
        if pending is None:
            deadline = now + dt.timedelta(days=get_settings().erasure_deadline_days)
            await ErasureRequest.insert(
                ErasureRequest(customer=customer_id, channel=channel, status="pending", requested_at=now, due_at=deadline)
            )
            await timeline.add(customer_id, "erasure_requested", channel="web" if channel == "wallet" else "store",
                               staff_id=actor.staff_id if actor else None)
            # someone who asked to be forgotten gets no more offers while the request waits for the job
            if await raw("SELECT 1 FROM customer WHERE id = {} AND consent_marketing = {}", customer_id, True):
                await service.record_consent(customer_id, schemas.ConsentGrant(purpose="marketing", granted=False,
                                                                               notice_version="erasure-request"),
                                             channel=channel, actor=actor)
            await audit.record(actor, "customer.erasure_requested", "customer", customer_id, detail={"channel": channel},
                               actor_kind=None if actor else "customer", actor_id=None if actor else customer_id)
            pending = await ErasureRequest.select().where(
                (ErasureRequest.customer == customer_id) & (ErasureRequest.status == "pending")
            ).first()
    return _out(pending, now)


async def pending_request(customer_id: int) -> ErasureRequestOut | None:
    """The customer's erasure request still waiting for the job, if any."""
    row = await ErasureRequest.select().where(
        (ErasureRequest.customer == customer_id) & (ErasureRequest.status == "pending")
    ).first()
    return _out(row, clock.now()) if row else None


def _out(row: dict, now: dt.datetime) -> ErasureRequestOut:
    due = clock.aware(row["due_at"])
    return ErasureRequestOut(
        id=row["id"], customer_id=row["customer"], channel=row["channel"], status=row["status"],
        requested_at=clock.aware(row["requested_at"]), due_at=due,
        completed_at=clock.aware(row["completed_at"]) if row["completed_at"] else None,
        overdue=row["status"] == "pending" and due < now,
    )


async def list_requests(actor: Principal, status: str | None = None) -> list[ErasureRequestOut]:
    """The admin's queue of erasure requests with their deadlines (a manager sees their store's)."""
    sql = "SELECT r.* FROM erasure_request r JOIN customer c ON c.id = r.customer WHERE 1 = 1"
    args: list = []
    if not actor.is_admin:
        sql += " AND c.home_store = {}"
        args.append(actor.store_id)
    if status:
        sql += " AND r.status = {}"
        args.append(status)
    rows = await raw(sql + " ORDER BY r.due_at LIMIT 500", *args)
    now = clock.now()
    return [_out(r, now) for r in rows]


async def complete_pending_erasures() -> int:
    """Erases every customer with a pending request; safe to run again after a crash."""
    done = 0
    while True:
        rows = await raw("SELECT id, customer FROM erasure_request WHERE status = 'pending' ORDER BY due_at LIMIT {}", BATCH)
        if not rows:
            return done
        for row in rows:
            async with writing():
                await privacy.erase(None, row["customer"], reason="request")
                await raw("UPDATE erasure_request SET status = 'done', completed_at = {} WHERE id = {} AND status = 'pending'",
                          clock.now(), row["id"])
            done += 1


async def anonymise_inactive() -> int:
    """Anonymises customers with no contact of any kind for the configured number of months."""
    months = get_settings().retention_months
    if months <= 0:
        return 0
    cutoff = clock.now() - dt.timedelta(days=30 * months)
    done = 0
    while True:
        rows = await raw(
            "SELECT c.id FROM customer c WHERE c.erased_at IS NULL AND c.updated_at < {} "
            "AND NOT EXISTS (SELECT 1 FROM timeline_event e WHERE e.customer = c.id AND e.at >= {}) LIMIT {}",
            cutoff, cutoff, BATCH,
        )
        if not rows:
            return done
        for row in rows:
            await privacy.erase(None, row["id"], reason="retention")
            done += 1


worker.register("customers.erasure_requests", 60, complete_pending_erasures, lease_seconds=600)
worker.register("customers.retention", 6 * 3600, anonymise_inactive, lease_seconds=3600)
