"""Clerk tasks: today's list (the clerk's own customers plus the store pool), one-tap outcomes,
completion per clerk for the manager."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from regulars.care import calendar, schemas
from regulars.care.dispatch_context import SYSTEM
from regulars.core import audit, clock
from regulars.core.auth import Principal
from regulars.core.db import is_postgres, raw, writing
from regulars.core.errors import BadInput, Conflict, Forbidden, NotFound
from regulars.core.i18n import Term
from regulars.customers import rules as customer_rules
from regulars.customers import timeline
from regulars.stores import service as stores

CORRECT_WINDOW = dt.timedelta(minutes=10)  # how long whoever recorded an outcome may correct it
CUSTOMER_LOCK_NAMESPACE = 7301  # dispatcher.CAP_LOCK_NAMESPACE: one customer's contacts, campaign tasks among them


async def _store_scope(actor: Principal, store_id: int | None) -> int | None:
    if actor.is_admin:
        return store_id
    return actor.store_id


async def today_list(actor: Principal, *, store_id: int | None = None, clerk_id: int | None = None,
                     limit: int = 200) -> list[schemas.Task]:
    """Open tasks (overdue first, then due today, then later) and those finished today."""
    store = await _store_scope(actor, store_id)
    zone = await stores.store_timezone(store)
    today = clock.today_in(zone)
    day_start, _ = calendar.local_day_bounds(today, zone)
    where, args = ["(t.status = 'open' OR t.outcome_at >= {})"], [day_start]
    if store is not None:
        where.append("t.store_id = {}")
        args.append(store)
    if actor.role == "clerk":
        where.append("(t.clerk_id = {} OR t.clerk_id IS NULL)")
        args.append(actor.staff_id)
    elif clerk_id is not None:
        where.append("t.clerk_id = {}")
        args.append(clerk_id)
    rows = await raw(
        "SELECT t.*, c.name AS customer_name, c.phone, cp.name AS campaign_name FROM care_task t "
        "JOIN customer c ON c.id = t.customer LEFT JOIN care_campaign cp ON cp.id = t.campaign "
        f"WHERE c.erased_at IS NULL AND {' AND '.join(where)} "
        "ORDER BY CASE WHEN t.status = 'open' THEN 0 ELSE 1 END, t.due_on, t.id LIMIT {}",
        *args, limit,
    )
    return [_out(r, today) for r in rows]


def _out(row: dict, today: dt.date) -> schemas.Task:
    due = row["due_on"] if isinstance(row["due_on"], dt.date) else dt.date.fromisoformat(row["due_on"])
    return schemas.Task(
        id=row["id"], customer_id=row["customer"], customer_name=row.get("customer_name") or "",
        phone_masked=customer_rules.mask_phone(row.get("phone")), campaign_id=row["campaign"],
        campaign_name=row.get("campaign_name") or "", script=row["script"], due_on=due,
        overdue=row["status"] == "open" and due < today, pool=row["clerk_id"] is None, clerk_id=row["clerk_id"],
        status=row["status"], outcome=row["outcome"],
        outcome_at=clock.aware(row["outcome_at"]) if row["outcome_at"] else None,
        outcome_by=row["outcome_by"],
        correct_until=clock.aware(row["outcome_at"]) + CORRECT_WINDOW if row["outcome_at"] else None,
    )


async def record_outcome(actor: Principal, task_id: int, data: schemas.TaskOutcome) -> schemas.Task:
    """One tap: the task is done with this outcome; a pool task becomes the clerk's who did it."""
    task = await _task(actor, task_id)
    if actor.role == "clerk" and task["clerk_id"] not in (None, actor.staff_id):
        raise Forbidden("care.task_other_clerk", id=task_id)
    now = clock.now()
    async with writing():
        done = await raw(
            "UPDATE care_task SET status = 'done', outcome = {}, note = {}, outcome_at = {}, outcome_by = {}, "
            "clerk_id = COALESCE(clerk_id, {}) WHERE id = {} AND status = 'open' RETURNING id",
            data.outcome, data.note, now, actor.staff_id, actor.staff_id if actor.role == "clerk" else None, task_id,
        )
        if not done:
            current = await _task(actor, task_id)
            if current["outcome"] != data.outcome:
                # The answer carries the task as it stands, so the tablet can show the outcome recorded elsewhere.
                recorded = await _view(task_id, task["store_id"])
                raise Conflict("care.task_done", id=task_id, outcome=Term(f"care.outcome.{current['outcome']}"),
                               extra={"reason": "task_done", "task": msgspec.to_builtins(recorded)})
        else:
            campaign = (await raw("SELECT name FROM care_campaign WHERE id = {}", task["campaign"]) or [{"name": ""}])[0]
            await timeline.add(task["customer"], "care_task", channel="phone", store_id=task["store_id"],
                               staff_id=actor.staff_id, data={"campaign": campaign["name"], "outcome": data.outcome},
                               ref_type="care_task", ref_id=task_id)
            await audit.record(actor, "care.task_outcome", "care_task", task_id, store_id=task["store_id"],
                               detail={"outcome": data.outcome})
    return await _view(task_id, task["store_id"])


async def correct_outcome(actor: Principal, task_id: int, data: schemas.TaskOutcome) -> schemas.Task:
    """A mis-tapped outcome put right: by whoever recorded it within CORRECT_WINDOW, by the store's manager any time.

    The task is read inside the write (locked on PostgreSQL; SQLite's writer runs one unit at a time), so the
    timeline and audit name the outcome each correction truly replaced, however many race."""
    async with writing():
        task = await _task(actor, task_id, lock=True)
        if task["status"] != "done":
            raise Conflict("care.task_open", id=task_id)
        if task["outcome"] == data.outcome:
            return await _view(task_id, task["store_id"])  # already so: a repeated tap changes nothing
        if actor.role == "clerk" and (task["outcome_by"] != actor.staff_id
                                      or clock.aware(task["outcome_at"]) <= clock.now() - CORRECT_WINDOW):
            raise Conflict("care.task_correct_window", id=task_id, minutes=int(CORRECT_WINDOW.total_seconds() // 60))
        change = {"before": task["outcome"], "outcome": data.outcome}
        await raw("UPDATE care_task SET outcome = {}, note = {} WHERE id = {}", data.outcome, data.note, task_id)
        await timeline.add(task["customer"], "care_task_corrected", channel="phone", store_id=task["store_id"],
                           staff_id=actor.staff_id, data=change, ref_type="care_task", ref_id=task_id)
        await audit.record(actor, "care.task_correct", "care_task", task_id, store_id=task["store_id"], detail=change)
    return await _view(task_id, task["store_id"])


async def _view(task_id: int, store_id: int) -> schemas.Task:
    zone = await stores.store_timezone(store_id)
    row = (await raw(
        "SELECT t.*, c.name AS customer_name, c.phone, cp.name AS campaign_name FROM care_task t "
        "JOIN customer c ON c.id = t.customer LEFT JOIN care_campaign cp ON cp.id = t.campaign WHERE t.id = {}", task_id))[0]
    return _out(row, clock.today_in(zone))


async def _task(actor: Principal, task_id: int, *, lock: bool = False) -> dict:
    """The task if the actor reaches its store; `lock` (inside a write) holds its row until the write ends."""
    rows = await raw("SELECT * FROM care_task WHERE id = {}" + (" FOR UPDATE" if lock and is_postgres() else ""), task_id)
    if not rows or not actor.reaches_store(rows[0]["store_id"]):
        raise NotFound("care.task_not_found", id=task_id)
    return rows[0]


async def completion(actor: Principal, *, store_id: int | None, since: dt.date | None, until: dt.date | None) -> list[schemas.ClerkCompletion]:
    """Per clerk (and the unclaimed pool): tasks due or done in the period, done, overdue, and outcomes."""
    store = await _store_scope(actor, store_id)
    zone = await stores.store_timezone(store)
    today = clock.today_in(zone)
    since = since or today - dt.timedelta(days=30)
    until = until or today
    if since > until:
        raise BadInput("care.period_reversed", field="since", since=since.isoformat(), until=until.isoformat())
    scope, scope_args = ("AND store_id = {}", [store]) if store is not None else ("", [])
    # the period's tasks: those due in it, and those done in it (a clerk who calls before the due day is credited)
    period = "((due_on >= {} AND due_on <= {}) OR (status = 'done' AND outcome_at >= {} AND outcome_at < {}))"
    period_args = [since, until, calendar.local_day_bounds(since, zone)[0], calendar.local_day_bounds(until, zone)[1]]
    rows = await raw(
        "SELECT clerk_id, count(*) AS assigned, SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS done, "
        "SUM(CASE WHEN status = 'open' AND due_on < {} THEN 1 ELSE 0 END) AS overdue FROM care_task "
        f"WHERE {period} {scope} GROUP BY clerk_id",
        today, *period_args, *scope_args,
    )
    outcomes: dict[Any, dict[str, int]] = {}
    for r in await raw(
        f"SELECT clerk_id, outcome, count(*) AS n FROM care_task WHERE status = 'done' AND {period} "
        f"{scope} GROUP BY clerk_id, outcome", *period_args, *scope_args,
    ):
        outcomes.setdefault(r["clerk_id"], {})[r["outcome"]] = r["n"]
    names = {s.id: s.display_name for s in await stores.list_staff(SYSTEM)}
    return sorted(
        (schemas.ClerkCompletion(clerk_id=r["clerk_id"], clerk_name=names.get(r["clerk_id"], ""),
                                 assigned=r["assigned"], done=r["done"] or 0, overdue=r["overdue"] or 0,
                                 outcomes=outcomes.get(r["clerk_id"], {})) for r in rows),
        key=lambda c: (c.clerk_id is None, c.clerk_name),
    )


async def overdue_counts(today_by_store: dict[int, dt.date]) -> dict[int, int]:
    found = {}
    for store_id, today in today_by_store.items():
        rows = await raw("SELECT count(*) AS n FROM care_task WHERE store_id = {} AND status = 'open' AND due_on < {}",
                         store_id, today)
        found[store_id] = rows[0]["n"]
    return found


async def last_outcome_by_staff() -> dict[int, dt.datetime]:
    rows = await raw("SELECT outcome_by, max(outcome_at) AS at FROM care_task WHERE outcome_by IS NOT NULL GROUP BY outcome_by")
    return {r["outcome_by"]: clock.aware(r["at"]) for r in rows}



async def assign(actor: Principal, items: list[tuple[int, int, int | None]], script: str, due_on: dt.date) -> list[int]:
    """Clerk tasks outside any campaign (a manager's selection, e.g. from the churn-risk report): one per
    (customer, store, clerk or None for the store's pool); a customer who still has any task open (a campaign's
    too, overdue or not) gets no second one. Returns the customers given a task.

    On PostgreSQL each customer is locked first (the dispatcher's per-customer lock, which it holds while it makes
    campaign tasks), so two assigns at once, or an assign and the dispatcher, cannot both find no open task;
    SQLite's writer runs one write unit at a time."""
    now = clock.now()
    given = []
    async with writing():
        if is_postgres():
            await raw("SELECT count(pg_advisory_xact_lock({}, c)) AS n FROM (SELECT unnest({}::int[]) AS c ORDER BY c) AS s",
                      CUSTOMER_LOCK_NAMESPACE, sorted({customer_id for customer_id, _, _ in items}))
        for customer_id, store_id, clerk_id in items:
            rows = await raw(
                "INSERT INTO care_task (customer, store_id, clerk_id, script, due_on, status, note, created_at) "
                "SELECT {}, {}, {}, {}, {}, 'open', '', {} WHERE NOT EXISTS (SELECT 1 FROM care_task "
                "WHERE customer = {} AND status = 'open') RETURNING id",
                customer_id, store_id, clerk_id, script[:2000], due_on, now, customer_id,
            )
            if rows:
                given.append(customer_id)
                await audit.record(actor, "care.task_assign", "care_task", rows[0]["id"], store_id=store_id,
                                   detail={"customer_id": customer_id, "clerk_id": clerk_id})
    return given
