"""Customer import from a billing-system export (CSV in UTF-8 or GBK, Excel's Unicode text, or XLSX).

A dry run validates every row and counts what would change; a real run upserts by
phone, one row per write unit, so a bad row never leaves half a customer behind
and importing the same file again changes nothing. An update changes only what the
file says: a column it does not have, or an empty cell, leaves the stored value as it
is (a header the importer does not know is named on the job as a warning), and each
updated customer gets an audit entry and a timeline event naming the fields changed.
Whatever goes wrong with a row is that row's error (with its column when known); only
a file that cannot be read fails the whole job.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import unicodedata
from typing import Any, Callable

from regulars.core import audit, clock, idempotency
from regulars.core.auth import Principal
from regulars.core.db import is_postgres, raw, writing
from regulars.core.errors import BadInput, DomainError, NotFound
from regulars.core.i18n import t
from regulars.customers import rules, service, sheets, timeline
from regulars.customers.tables import Customer, ImportJob
from regulars.stores import service as stores

log = logging.getLogger("regulars.imports")

COLUMNS = {
    "name": ("客户姓名", "姓名", "name"),
    "phone": ("手机号码", "手机号", "phone"),
    "gender": ("性别", "gender"),
    "birth_date": ("出生日期", "生日", "birthday"),
    "birth_calendar": ("生日历法", "历法", "calendar"),
    "occupation": ("职业", "occupation"),
    "plan": ("套餐名称", "套餐", "plan"),
    "monthly_spend": ("月均消费(元)", "月均消费", "monthly_spend"),
    "device_model": ("终端型号", "device_model"),
    "device_purchased_on": ("终端购买日期", "device_purchased_on"),
    "contract_end_on": ("合约到期日", "contract_end_on"),
    "broadband": ("宽带", "broadband"),
    "family_lines": ("副卡数", "family_lines"),
    "network_joined_on": ("入网时间", "network_joined_on"),
    "store_code": ("归属营业厅编码", "营业厅编码", "store_code"),
    "arrears": ("欠费金额(元)", "欠费金额", "arrears"),
    "tags": ("标签", "tags"),
}
REQUIRED = ("phone", "store_code")
GENDERS = {"男": "male", "女": "female", "male": "male", "female": "female"}
YES_NO = {"是": True, "否": False, "yes": True, "no": False}
CALENDARS = {"公历": "solar", "农历": "lunar", "solar": "solar", "lunar": "lunar"}
CREATE_DEFAULTS = {"name": "", "occupation": "", "plan": "", "device_model": "", "arrears_fen": 0, "tags": []}
FAMILY_LINES = (0, 20)  # the API's bounds
PROGRESS_EVERY = 50
PARSE_SLICE = 200  # rows parsed between two chances for the event loop to answer requests
COMPARED = (
    "name", "gender", "birth_calendar", "birth_year", "birth_month", "birth_day", "occupation", "plan",
    "monthly_spend_fen", "device_model", "device_purchased_on", "contract_end_on", "broadband", "family_lines",
    "network_joined_on", "arrears_fen",
)
# the profile's field names (as the API's PATCH and the timeline name them) of the table columns an import compares
FIELD_NAMES = {"birth_calendar": "birthday", "birth_year": "birthday", "birth_month": "birthday", "birth_day": "birthday"}



class RowError(Exception):
    def __init__(self, column: str, error: DomainError):
        self.column = column
        self.error = error


def row_error(exc: Exception, job_id: int, line: int) -> RowError:
    """What a failed row tells the clerk: its own error, a domain error as raised, anything else logged and
    reported as that row not imported (the other rows go on)."""
    if isinstance(exc, RowError):
        return exc
    if isinstance(exc, DomainError):
        return RowError("", exc)
    log.error("import %s: row %s failed", job_id, line, exc_info=exc)
    return RowError("", BadInput("import.row_failed"))


def _date(value: str) -> dt.date:
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?", value)
    try:
        if not match:
            raise ValueError
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise BadInput("import.bad_date", value=value)


def _choice(choices: dict[str, Any]) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        if value not in choices:
            raise BadInput("import.bad_choice", value=value, choices="/".join(choices))
        return choices[value]
    return parse


def parse_row(raw: dict[str, str], headers: dict[str, str], store_ids: dict[str, int], today: dt.date) -> dict[str, Any]:
    """One sheet row as table values, or RowError naming the column and the problem.

    Only the cells the row fills give a value: a column the file lacks, or an empty cell, gives none (on update
    the stored value stays; on create the profile's default)."""
    def cell(field: str) -> str:
        return (raw.get(headers[field]) or "").strip() if field in headers else ""

    def parsed(field: str, parse: Callable[[str], Any], optional: bool = True) -> Any:
        text = cell(field)
        if optional and not text:
            return None
        try:
            return parse(text)
        except RowError:
            raise
        except BadInput as exc:
            raise RowError(headers[field], exc)
        except Exception:  # a cell no rule foresaw fails its own row, never the file
            raise RowError(headers[field], BadInput("import.bad_value", value=text[:30]))

    def store_id(code: str) -> int:
        if code not in store_ids:
            raise BadInput("import.unknown_store", value=code)
        return store_ids[code]

    def birthday(text: str) -> dict[str, Any]:
        return _birthday(text, parsed("birth_calendar", _choice(CALENDARS)) or "solar", today)

    values: dict[str, Any] = {
        "phone": parsed("phone", rules.normalise_phone, optional=False),
        "home_store": parsed("store_code", store_id, optional=False),
        "name": cell("name")[:60],
        "gender": parsed("gender", _choice(GENDERS)),
        "occupation": cell("occupation")[:60],
        "plan": cell("plan")[:100],
        "device_model": cell("device_model")[:100],
        "device_purchased_on": parsed("device_purchased_on", _date),
        "contract_end_on": parsed("contract_end_on", _date),
        "network_joined_on": parsed("network_joined_on", _date),
        "broadband": parsed("broadband", _choice(YES_NO)),
        "monthly_spend_fen": parsed("monthly_spend", sheets.fen),
        "arrears_fen": parsed("arrears", sheets.fen),
        "tags": parsed("tags", lambda text: rules.clean_tags(text.split("|"))) or None,
        "family_lines": parsed("family_lines", lambda text: sheets.whole_number(text, *FAMILY_LINES)),
    }
    values.update(parsed("birth_date", birthday) or {})
    return {k: v for k, v in values.items() if v is not None and v != ""}


def _birthday(value: str, calendar: str, today: dt.date) -> dict[str, Any]:
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", value)
    if not match:
        raise BadInput("import.bad_date", value=value)
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    try:
        rules.check_birthday(calendar, month, day, year, False, today)
    except BadInput:
        raise BadInput("import.bad_date", value=value)
    return {"birth_calendar": calendar, "birth_year": year, "birth_month": month, "birth_day": day}


def match_headers(header_row: list[str], columns: dict[str, tuple[str, ...]] = COLUMNS,
                  required: tuple[str, ...] = REQUIRED) -> dict[str, str]:
    """Which sheet column holds each field (the first of its accepted names found); BadInput naming the missing ones."""
    present = {_header_key(h): h for h in header_row if h}
    headers = {}
    for field, names in columns.items():
        for name in names:
            if name in present:
                headers[field] = present[name]
                break
    missing = [columns[f][0] for f in required if f not in headers]
    if missing:
        raise BadInput("import.missing_columns", columns="、".join(missing))
    return headers


def _header_key(header: str) -> str:
    """A header as matched: full-width brackets and spaces as their ASCII forms (月均消费（元） is 月均消费(元))."""
    return unicodedata.normalize("NFKC", header).strip()


def unread_columns(header_row: list[str], headers: dict[str, str],
                   columns: dict[str, tuple[str, ...]] = COLUMNS) -> list[dict[str, Any]]:
    """A warning on the job for each header the import does not read (its cells are ignored, never guessed)."""
    used = set(headers.values())
    names = "、".join(names[0] for names in columns.values())
    return [{"row": 0, "column": h, "key": "import.unknown_column", "params": {"column": h[:40], "columns": names},
             "warning": True} for h in header_row if h.strip() and h not in used]


async def start(actor: Principal, filename: str, dry_run: bool, kind: str = "customers") -> int:
    """Opens an import job (customers, or another room's kind such as purchases) that `progress` then fills in."""
    async with writing():
        row = (
            await ImportJob.insert(
                ImportJob(kind=kind, staff_id=actor.staff_id, store_id=actor.store_id, filename=filename[:200],
                          dry_run=dry_run, status="running", created_at=clock.now())
            ).returning(ImportJob.id)
        )[0]
    return row["id"]


async def run(actor: Principal, job_id: int, filename: str, content: bytes, dry_run: bool) -> None:
    """Validates (dry run) or applies every row, writing progress and per-row errors to the job."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    errors: list[dict] = []
    try:
        header_row, rows = await asyncio.to_thread(sheets.read_rows, filename, content)  # the loop answers meanwhile
        headers = match_headers(header_row)
        warnings = unread_columns(header_row, headers)
        store_ids = await stores.store_ids_by_code()
        today = clock.today_in("Asia/Shanghai")
        await _progress(job_id, total=len(rows))
        parsed: dict[str, tuple[int, dict[str, Any]]] = {}
        for index, (line, cells) in enumerate(rows):  # line: the row number as the spreadsheet shows it
            if index % PARSE_SLICE == PARSE_SLICE - 1:
                await asyncio.sleep(0)  # a large file's parsing leaves room for requests
            try:
                values = parse_row(cells, headers, store_ids, today)
                if not actor.is_admin and values["home_store"] != actor.store_id:
                    raise RowError(headers["store_code"], BadInput("import.other_store", value=cells.get(headers["store_code"], "")))
            except Exception as exc:
                errors.append(_error(line, row_error(exc, job_id, line)))
                continue
            earlier = parsed.get(values["phone"])
            if earlier is not None:  # one person twice in a file: the later row is the one that counts
                errors.append(_error(earlier[0], RowError(headers["phone"], BadInput("import.duplicate_in_file", row=line))))
            parsed[values["phone"]] = (line, values)
        counts["failed"] = len(errors)
        for done, (line, values) in enumerate(sorted(parsed.values(), key=lambda item: item[0]), start=1):
            try:
                counts[await _apply(actor, values, filename, dry_run)] += 1
            except Exception as exc:  # the row's one write unit was rolled back: nothing of it is kept
                counts["failed"] += 1
                errors.append(_error(line, row_error(exc, job_id, line)))
            if done % PROGRESS_EVERY == 0:
                await _progress(job_id, processed=counts["failed"] + done, **counts)  # the errors once, at the end
        errors.sort(key=lambda e: e["row"])
        await _progress(job_id, processed=len(rows), errors=warnings + errors, status="done", finished_at=clock.now(), **counts)
    except DomainError as exc:
        errors.append({"row": 0, "column": "", "key": exc.key, "params": exc.params})
        await _progress(job_id, errors=errors, status="failed", finished_at=clock.now(), **counts)
    except Exception as exc:  # not the file (read_table names what keeps a file unread) but the system
        log.error("import %s failed", job_id, exc_info=exc)
        errors.append({"row": 0, "column": "", "key": "import.interrupted", "params": {"problem": type(exc).__name__}})
        await _progress(job_id, errors=errors, status="failed", finished_at=clock.now(), **counts)


def _error(line: int, exc: RowError) -> dict[str, Any]:
    return {"row": line, "column": exc.column, "key": exc.error.key, "params": exc.error.params}


async def _apply(actor: Principal, values: dict[str, Any], filename: str, dry_run: bool) -> str:
    existing = await service.find_by_phone(values["phone"])
    if existing is None:
        if dry_run:
            return "created"
        try:
            await _create(actor, values, filename)
            return "created"
        except Exception as exc:  # created meanwhile (another import of the same file): this row updates it
            if not idempotency.is_unique_violation(exc):
                raise
        existing = await service.find_by_phone(values["phone"])
        if existing is None:
            raise BadInput("import.row_failed")
    _check_reach(actor, existing)
    if not await _changes(existing, values):
        return "unchanged"
    if dry_run:
        return "updated"
    async with writing():  # compared again under the row's lock: what another import wrote meanwhile counts
        lock = " FOR UPDATE" if is_postgres() else ""
        rows = await raw(f"SELECT * FROM customer WHERE phone = {{}}{lock}", values["phone"])
        if not rows:
            raise BadInput("import.row_failed")
        _check_reach(actor, rows[0])
        changed = await _changes(rows[0], values)
        if not changed:
            return "unchanged"
        customer_id = rows[0]["id"]
        await _set_extra(customer_id, changed)
        if "tags" in changed:
            await service._set_tags(customer_id, changed["tags"])
        fields = sorted({FIELD_NAMES.get(k, k) for k in changed})
        await timeline.add(customer_id, "updated", channel="import", store_id=actor.store_id or rows[0]["home_store"],
                           staff_id=actor.staff_id, data={"fields": ", ".join(fields), "filename": filename[:100]})
        await audit.record(actor, "customer.update", "customer", customer_id,
                           detail={"fields": fields, "source": "import"})
    return "updated"


async def _create(actor: Principal, values: dict[str, Any], filename: str) -> None:
    values = CREATE_DEFAULTS | values
    profile = {k: values.get(k) for k in ("name", "gender", "occupation", "plan", "monthly_spend_fen", "device_model",
                                          "device_purchased_on", "contract_end_on", "broadband", "family_lines", "tags")}
    async with writing():
        customer_id = await service.insert_customer(
            phone=values["phone"], home_store=values["home_store"], responsible_clerk=None, source="import",
            source_detail=filename[:100], profile=profile, actor=actor, channel="import",
            event_data={"filename": filename[:100]},
        )
        await _set_extra(customer_id, values)


def _check_reach(actor: Principal, existing: dict) -> None:
    if not actor.is_admin and existing["home_store"] != actor.store_id:
        raise RowError(COLUMNS["phone"][0], BadInput("import.customer_of_other_store", phone=rules.mask_phone(existing["phone"])))


async def _changes(existing: dict, values: dict[str, Any]) -> dict[str, Any]:
    """The values the row gives that differ from the stored ones (tags as a set, as the API's PATCH replaces them)."""
    changed = {k: values[k] for k in COMPARED if k in values and existing.get(k) != values[k]}
    if "tags" in values:
        stored = (await service.tags_of([existing["id"]])).get(existing["id"], [])
        if set(stored) != set(values["tags"]):
            changed["tags"] = values["tags"]
    return changed


async def _set_extra(customer_id: int, values: dict[str, Any]) -> None:
    """Writes imported columns the profile form does not own, and keeps band and completeness in step."""
    columns = {k: v for k, v in values.items() if k in COMPARED}
    if "monthly_spend_fen" in columns:
        columns["spend_band"] = rules.spend_band(columns["monthly_spend_fen"])
    columns["updated_at"] = clock.now()
    await Customer.update({getattr(Customer, k): v for k, v in columns.items()}).where(Customer.id == customer_id)
    row = await Customer.select().where(Customer.id == customer_id).output(load_json=True).first()
    await Customer.update({Customer.completeness: rules.completeness(row)}).where(Customer.id == customer_id)


async def _progress(job_id: int, errors: list[dict] | None = None, **values: Any) -> None:
    update = {getattr(ImportJob, k): v for k, v in values.items()}
    if errors is not None:
        update[ImportJob.errors] = errors
    async with writing():
        await ImportJob.update(update).where(ImportJob.id == job_id)


progress = _progress  # public: other rooms' imports report through the same job rows


async def job(actor: Principal, job_id: int, lang: str) -> dict[str, Any]:
    row = await ImportJob.select().where(ImportJob.id == job_id).output(load_json=True).first()
    if row is None or not (actor.is_admin or row["staff_id"] == actor.staff_id or row["store_id"] == actor.store_id):
        raise NotFound("import.not_found", id=job_id)
    row["errors"] = [
        {"row": e["row"], "column": e["column"], "message": t(e["key"], lang, **e["params"])}
        | ({"warning": True} if e.get("warning") else {}) for e in row["errors"] or []
    ]
    return row
