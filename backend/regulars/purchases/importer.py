"""Purchase import from a POS or billing export (CSV or XLSX), idempotent on the order number.

Rows are applied in the order they happened, one write unit each, so purchase numbers
follow time within a file. A line whose phone is not a customer is a row error the
clerk can act on (create the profile, import again): a POS line carries no consent,
so the import never creates customers. An employee number Regulars does not know is
kept as written, without a clerk. A dry run checks every row and counts what would be
created; importing the same file again changes nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, Callable

from regulars.core import clock, idempotency
from regulars.core.auth import Principal
from regulars.core.db import writing
from regulars.core.errors import BadInput, Conflict, DomainError, NotFound
from regulars.customers import importer as import_jobs
from regulars.customers import rules as customer_rules
from regulars.customers import service as customers
from regulars.customers import sheets
from regulars.customers.importer import RowError
from regulars.purchases import rules, service
from regulars.stores import service as stores

COLUMNS = {
    "order_id": ("订单号", "order_id"),
    "phone": ("手机号码", "手机号", "phone"),
    "store_code": ("营业厅编码", "store_code"),
    "clerk_no": ("店员工号", "工号", "clerk_no"),
    "occurred_at": ("办理时间", "occurred_at"),
    "business": ("业务类型", "category"),
    "amount": ("金额(元)", "金额", "amount"),
    "items": ("商品", "items"),
}
REQUIRED = ("order_id", "phone", "store_code", "occurred_at", "business", "amount")
EARLIEST = dt.date(2000, 1, 1)  # older lines are typing mistakes, not purchases Regulars can act on
PROGRESS_EVERY = 50
PARSE_SLICE = 200  # rows parsed between two chances for the event loop to answer requests
COMPARED = ("customer_id", "store_id", "kind", "category", "visit_kind", "amount_fen", "occurred_at")


class Context:
    """What parsing needs once per file: store codes and zones, employee numbers, the actor, the time of the import."""

    def __init__(self, actor: Principal, headers: dict[str, str], store_ids: dict[str, int], zones: dict[int, str],
                 staff_ids: dict[str, int], now: dt.datetime):
        self.actor, self.headers, self.store_ids, self.zones, self.staff_ids = actor, headers, store_ids, zones, staff_ids
        self.now = now

    def column(self, field: str) -> str:
        return self.headers.get(field, COLUMNS[field][0])


def parse_row(raw: dict[str, str], ctx: Context) -> dict[str, Any]:
    """One POS line as purchase values, or RowError naming the column and the problem."""
    def cell(field: str) -> str:
        return (raw.get(ctx.headers[field]) or "").strip() if field in ctx.headers else ""

    def parsed(field: str, parse: Callable[[str], Any]) -> Any:
        try:
            return parse(cell(field))
        except BadInput as exc:
            raise RowError(ctx.column(field), exc)
        except Exception:  # a cell no rule foresaw fails its own row, never the file
            raise RowError(ctx.column(field), BadInput("import.bad_value", value=cell(field)[:30]))

    for field in REQUIRED:
        if not cell(field):
            raise RowError(ctx.column(field), BadInput("import.required", column=ctx.column(field)))
    order_id = parsed("order_id", _order_id)
    phone = parsed("phone", customer_rules.normalise_phone)
    store_id = parsed("store_code", lambda code: _store_id(code, ctx))
    occurred_at = parsed("occurred_at", lambda text: _occurred_at(text, ctx.zones[store_id], ctx.now))
    business = parsed("business", _category)
    amount_fen = parsed("amount", lambda text: sheets.fen(text, -sheets.MAX_FEN, sheets.MAX_FEN, exact=True))
    kind, category, visit_kind = rules.classify_pos_line(business, amount_fen)
    clerk_no = cell("clerk_no")
    return {
        "order_id": order_id, "phone": phone, "store_id": store_id, "clerk_no": clerk_no,
        "clerk_id": ctx.staff_ids.get(clerk_no) if clerk_no else None, "occurred_at": occurred_at,
        "kind": kind, "category": category, "visit_kind": visit_kind, "amount_fen": amount_fen,
        "items": rules.items_from_text(cell("items")),
    }


def _order_id(text: str) -> str:
    if len(text) > 64:
        raise BadInput("import.bad_choice", value=text[:20] + "…", choices="≤ 64")
    return text


def _store_id(code: str, ctx: Context) -> int:
    if code not in ctx.store_ids:
        raise BadInput("import.unknown_store", value=code)
    if not ctx.actor.is_admin and ctx.store_ids[code] != ctx.actor.store_id:
        raise BadInput("import.other_store", value=code)
    return ctx.store_ids[code]


def _occurred_at(text: str, zone: str, now: dt.datetime) -> dt.datetime:
    """The line's time as UTC, refused when unreadable, before EARLIEST or in the future (as the API refuses it)."""
    try:
        moment = rules.local_time(text, zone)
    except (ValueError, OverflowError):  # OverflowError: a year so far off that the zone cannot hold it
        raise BadInput("import.bad_time", value=text)
    if clock.local(moment, zone).date() < EARLIEST:
        raise BadInput("import.too_old", value=text, earliest=EARLIEST.isoformat())
    if moment > now + service.FUTURE_SLACK:
        raise BadInput("purchase.future", value=text)
    return moment


def _category(business: str) -> str:
    if business not in rules.POS_CATEGORIES:
        choices = "/".join(k for k in rules.POS_CATEGORIES if k not in rules.CATEGORY_LABELS)
        raise BadInput("import.bad_choice", value=business, choices=choices)
    return rules.POS_CATEGORIES[business]


async def start(actor: Principal, filename: str, dry_run: bool) -> int:
    return await import_jobs.start(actor, filename, dry_run, kind="purchases")


async def run(actor: Principal, job_id: int, filename: str, content: bytes, dry_run: bool) -> None:
    """Validates (dry run) or applies every line, writing progress and per-row errors to the import job."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    errors: list[dict] = []
    try:
        header_row, rows = await asyncio.to_thread(sheets.read_rows, filename, content)  # the loop answers meanwhile
        headers = import_jobs.match_headers(header_row, COLUMNS, REQUIRED)
        store_ids = await stores.store_ids_by_code()
        zones = {sid: await stores.store_timezone(sid) for sid in store_ids.values()}
        ctx = Context(actor, headers, store_ids, zones, await stores.staff_ids_by_employee_no(), clock.now())
        await import_jobs.progress(job_id, total=len(rows))
        parsed: list[tuple[int, dict[str, Any]]] = []
        for index, (line, raw) in enumerate(rows):  # line: the row number as the spreadsheet shows it
            if index % PARSE_SLICE == PARSE_SLICE - 1:
                await asyncio.sleep(0)  # a large file's parsing leaves room for requests
            try:
                parsed.append((line, parse_row(raw, ctx)))
            except Exception as exc:
                errors.append(_error(line, import_jobs.row_error(exc, job_id, line)))
        counts["failed"] = len(errors)
        seen: dict[str, dict[str, Any]] = {}
        parsed.sort(key=lambda item: (item[1]["occurred_at"], item[0]))
        for done, (line, values) in enumerate(parsed, start=1):
            try:
                counts[await _apply(ctx, values, dry_run, seen)] += 1
            except Exception as exc:  # the line's one write unit was rolled back: nothing of it is kept
                counts["failed"] += 1
                errors.append(_error(line, import_jobs.row_error(exc, job_id, line)))
            if done % PROGRESS_EVERY == 0:
                await import_jobs.progress(job_id, processed=len(rows) - len(parsed) + done, **counts)  # errors at the end
        errors.sort(key=lambda e: e["row"])
        await import_jobs.progress(job_id, processed=len(rows), errors=errors, status="done", finished_at=clock.now(), **counts)
    except DomainError as exc:
        errors.append({"row": 0, "column": "", "key": exc.key, "params": exc.params})
        await import_jobs.progress(job_id, errors=errors, status="failed", finished_at=clock.now(), **counts)
    except Exception as exc:  # not the file (read_table names what keeps a file unread) but the system
        import_jobs.log.error("import %s failed", job_id, exc_info=exc)
        errors.append({"row": 0, "column": "", "key": "import.interrupted", "params": {"problem": type(exc).__name__}})
        await import_jobs.progress(job_id, errors=errors, status="failed", finished_at=clock.now(), **counts)


def _error(line: int, exc: RowError) -> dict[str, Any]:
    return {"row": line, "column": exc.column, "key": exc.error.key, "params": exc.error.params}


async def _customer(ctx: Context, phone: str) -> dict:
    found = await customers.find_by_phone(phone)
    masked = customer_rules.mask_phone(phone)
    if found is None or found["erased_at"] is not None:
        raise RowError(ctx.column("phone"), BadInput("purchase.unknown_phone", phone=masked))
    try:
        return await customers.reachable(ctx.actor, found["id"])
    except NotFound:
        raise RowError(ctx.column("phone"), BadInput("purchase.customer_out_of_reach", phone=masked))


def _same(existing: dict[str, Any], values: dict[str, Any], customer_id: int) -> bool:
    mine = {**values, "customer_id": customer_id}
    return all(existing[k] == mine[k] for k in COMPARED)


async def _apply(ctx: Context, values: dict[str, Any], dry_run: bool, seen: dict[str, dict[str, Any]]) -> str:
    customer = await _customer(ctx, values["phone"])
    order_id = values["order_id"]
    earlier = seen.get(order_id)
    if earlier is None:
        stored = await service.by_external_id(order_id)
        if stored is not None:
            earlier = {"customer_id": stored.customer_id, "store_id": stored.store_id, "kind": stored.kind,
                       "category": stored.category, "visit_kind": stored.visit_kind, "amount_fen": stored.amount_fen,
                       "occurred_at": stored.occurred_at}
    if earlier is not None:
        if not _same(earlier, values, customer["id"]):
            raise RowError(ctx.column("order_id"), BadInput("purchase.order_differs", external_id=order_id))
        return "unchanged"
    seen[order_id] = {**values, "customer_id": customer["id"]}
    if dry_run:
        return "created"
    try:
        async with writing():
            await service.insert(
                customer=customer, store_id=values["store_id"], clerk_id=values["clerk_id"], clerk_no=values["clerk_no"],
                kind=values["kind"], category=values["category"], visit_kind=values["visit_kind"],
                amount_fen=values["amount_fen"], items=values["items"], coupon_code=None, refund_of=None,
                external_id=order_id, source="import", note="", occurred_at=values["occurred_at"], actor=ctx.actor,
            )
    except Conflict:  # recorded meanwhile by another import of the same file
        return "unchanged"
    except DomainError as exc:
        raise RowError("", exc)
    except Exception as exc:
        if idempotency.is_unique_violation(exc):
            return "unchanged"
        raise
    return "created"
