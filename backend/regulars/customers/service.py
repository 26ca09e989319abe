"""Customer profiles: create, read within reach, change, search, hand over."""

from __future__ import annotations

import json
import typing
from typing import Any

import msgspec

from regulars.core import audit, clock, idempotency
from regulars.core.auth import Principal
from regulars.core.db import is_postgres, raw, writing
from regulars.core.errors import BadInput, Conflict, NotFound
from regulars.core.i18n import Term, Terms
from regulars.core.idempotency import Outcome
from regulars.customers import messages  # noqa: F401  (registers the room's messages)
from regulars.customers import invariants, rules, schemas, timeline  # noqa: F401  (invariants registers checks)
from regulars.customers.tables import Customer, CustomerTag
from regulars.stores import service as stores

PROFILE_FIELDS = (
    "name", "gender", "occupation", "interests", "plan", "monthly_spend_fen", "device_model",
    "device_purchased_on", "contract_end_on", "broadband", "family_lines", "notes", "language",
)
# the fields a PATCH changes, in the order the profile shows them (a conflict names them in this order)
PROFILE_ORDER = ("phone", "name", "gender", "birthday", "tags", "occupation", "interests", "plan", "monthly_spend_fen",
                 "device_model", "device_purchased_on", "contract_end_on", "broadband", "family_lines", "notes", "language")


# reach ----------------------------------------------------------------------------------


def reach_sql(actor: Principal, alias: str = "c") -> tuple[str, list[Any]]:
    """SQL condition for 'customer row `alias` is within the actor's reach', with its parameters."""
    if actor.is_admin:
        return f"{alias}.erased_at IS NULL", []
    return (
        f"{alias}.erased_at IS NULL AND EXISTS (SELECT 1 FROM customer_store cs "
        f"WHERE cs.customer = {alias}.id AND cs.store = {{}})",
        [actor.store_id],
    )


async def reachable(actor: Principal, customer_id: int, *, lock: bool = False) -> dict:
    """The customer row if the actor may see it; otherwise NotFound, exactly as for a missing id.

    `lock` holds the row until the caller's transaction ends (PostgreSQL; SQLite has one writer at a time)."""
    condition, args = reach_sql(actor)
    for_update = " FOR UPDATE OF c" if lock and is_postgres() else ""
    rows = await raw(f"SELECT c.* FROM customer c WHERE c.id = {{}} AND {condition}{for_update}", customer_id, *args)
    if not rows:
        raise NotFound("customer.not_found", id=customer_id)
    return rows[0]


async def store_ids(customer_id: int) -> list[int]:
    rows = await raw("SELECT store FROM customer_store WHERE customer = {} ORDER BY store", customer_id)
    return [r["store"] for r in rows]


async def phones_of(customer_ids: list[int]) -> dict[int, str]:
    """The phone numbers of those of these customers who have one (erased customers have none)."""
    if not customer_ids:
        return {}
    marks = ", ".join("{}" for _ in customer_ids)
    rows = await raw(f"SELECT id, phone FROM customer WHERE id IN ({marks}) AND phone IS NOT NULL AND erased_at IS NULL",
                     *customer_ids)
    return {r["id"]: r["phone"] for r in rows}


async def find_by_phone(phone: str) -> dict | None:
    rows = await raw("SELECT * FROM customer WHERE phone = {}", phone)
    return dict(rows[0]) if rows else None


# create ---------------------------------------------------------------------------------


async def create(actor: Principal, data: schemas.CustomerCreate, key: str | None) -> Outcome:
    phone = rules.normalise_phone(data.phone)
    try:
        return await idempotency.run(
            f"customers.create:{actor.staff_id}", key, data, lambda: _create(actor, data, phone)
        )
    except Exception as exc:
        if idempotency.is_unique_violation(exc) and "phone" in str(exc):
            existing = await find_by_phone(phone)
            raise Conflict("customer.phone_exists", field="phone", phone=rules.mask_phone(phone),
                           existing_id=existing["id"], extra={"existing_id": existing["id"]})
        raise


async def _create(actor: Principal, data: schemas.CustomerCreate, phone: str) -> tuple[int, schemas.Customer]:
    existing = await find_by_phone(phone)
    if existing is not None:
        raise Conflict("customer.phone_exists", field="phone", phone=rules.mask_phone(phone),
                       existing_id=existing["id"], extra={"existing_id": existing["id"]})
    home_store = _home_store(actor, data.home_store_id)
    await stores.get_store(home_store)
    if data.responsible_clerk_id is not None and not await stores.active_clerk_in_store(data.responsible_clerk_id, home_store):
        raise BadInput("customer.clerk_not_in_store", field="responsible_clerk_id", id=data.responsible_clerk_id)
    clerk = data.responsible_clerk_id or (actor.staff_id if actor.role == "clerk" else None)
    customer_id = await insert_customer(
        phone=phone,
        home_store=home_store,
        responsible_clerk=clerk,
        source="store",
        profile={f: getattr(data, f) for f in PROFILE_FIELDS} | {"birthday": data.birthday, "tags": data.tags},
        actor=actor,
    )
    for grant in data.consents:
        await record_consent(customer_id, grant, channel="store", actor=actor)
    return 201, await detail(customer_id)


def _home_store(actor: Principal, requested: int | None) -> int:
    if actor.is_admin:
        if requested is None:
            raise BadInput("customer.home_store", field="home_store_id")
        return requested
    if requested not in (None, actor.store_id):
        raise BadInput("customer.home_store", field="home_store_id")
    return actor.store_id


CUSTOMER_COLUMNS = frozenset(column._meta.db_column_name for column in Customer._meta.columns)


def _profile_columns(profile: dict[str, Any]) -> dict[str, Any]:
    """Table values for profile fields given as schema values (birthday struct, fen, tags apart)."""
    values = {k: v for k, v in profile.items() if k not in ("birthday", "tags")}
    if "interests" in values:
        values["interests"] = rules.clean_tags(values["interests"] or [])
    if "monthly_spend_fen" in values:
        values["spend_band"] = rules.spend_band(values["monthly_spend_fen"])
    if "birthday" in profile:
        birthday = profile["birthday"]
        if birthday is None:
            values |= {"birth_calendar": None, "birth_year": None, "birth_month": None, "birth_day": None, "birth_leap_month": False}
        else:
            rules.check_birthday(birthday.calendar, birthday.month, birthday.day, birthday.year,
                                 birthday.leap_month, clock.now().date())
            values |= {
                "birth_calendar": birthday.calendar, "birth_year": birthday.year, "birth_month": birthday.month,
                "birth_day": birthday.day, "birth_leap_month": birthday.leap_month,
            }
    return values


async def insert_customer(
    *, phone: str, home_store: int, responsible_clerk: int | None, source: str, profile: dict[str, Any],
    actor: Principal | None, source_detail: str = "", channel: str = "store", event_data: dict | None = None,
) -> int:
    """Inserts a customer with home-store membership, tags, completeness, timeline and audit (in the caller's transaction)."""
    now = clock.now()
    values = _profile_columns(profile)
    tags = rules.clean_tags(profile.get("tags") or [])
    values["completeness"] = rules.completeness(values)
    row = {"phone": phone, "phone_tail": phone[-4:], "home_store": home_store, "responsible_clerk": responsible_clerk,
           "source": source, "source_detail": source_detail, "created_at": now, "updated_at": now, **values}
    if "interests" in row:
        row["interests"] = json.dumps(row["interests"])
    unknown = row.keys() - CUSTOMER_COLUMNS
    if unknown:
        raise ValueError(f"not customer columns: {sorted(unknown)}")
    async with writing():
        # a plain statement: the follow page inserts a customer on every new phone, and building the ORM insert
        # (every column's default, converted) cost more than running it
        inserted = await raw(f"INSERT INTO customer ({', '.join(row)}) VALUES ({', '.join('{}' for _ in row)}) "
                             "RETURNING id", *row.values())
        customer_id = inserted[0]["id"]
        await raw("INSERT INTO customer_store (customer, store, relation, since) VALUES ({}, {}, 'home', {})",
                  customer_id, home_store, now)
        if tags:
            await _set_tags(customer_id, tags)
        await timeline.add(customer_id, "created", channel=channel, store_id=home_store,
                           staff_id=actor.staff_id if actor else None, data=event_data or {})
        await audit.record(actor, "customer.create", "customer", customer_id, store_id=home_store,
                           detail={"source": source})
    return customer_id


async def _set_tags(customer_id: int, tags: list[str]) -> None:
    await CustomerTag.delete().where(CustomerTag.customer == customer_id)
    if tags:
        await CustomerTag.insert(*[CustomerTag(customer=customer_id, tag=tag) for tag in tags])


# read -----------------------------------------------------------------------------------


async def view(actor: Principal, customer_id: int) -> schemas.Customer:
    """The full profile, with the view written to the audit log."""
    await reachable(actor, customer_id)
    async with writing():
        await audit.record(actor, "customer.view", "customer", customer_id)
    return await detail(customer_id)


async def detail(customer_id: int) -> schemas.Customer:
    rows = await raw("SELECT * FROM customer WHERE id = {} AND erased_at IS NULL", customer_id)
    if not rows:
        raise NotFound("customer.not_found", id=customer_id)
    row = dict(rows[0])
    if isinstance(row["interests"], str):
        row["interests"] = json.loads(row["interests"])
    tags = await raw("SELECT tag FROM customer_tag WHERE customer = {} ORDER BY id", customer_id)
    return to_schema(row, [t["tag"] for t in tags], await store_ids(customer_id))


def to_schema(row: dict, tags: list[str], store_ids_: list[int]) -> schemas.Customer:
    birthday = None
    if row["birth_month"] is not None:
        birthday = schemas.Birthday(
            calendar=row["birth_calendar"], month=row["birth_month"], day=row["birth_day"],
            year=row["birth_year"], leap_month=bool(row["birth_leap_month"]),
        )
    return schemas.Customer(
        id=row["id"], phone=row["phone"], phone_masked=rules.mask_phone(row["phone"]), name=row["name"],
        gender=row["gender"], birthday=birthday, occupation=row["occupation"], interests=row["interests"] or [],
        tags=tags, plan=row["plan"], monthly_spend_fen=row["monthly_spend_fen"], spend_band=row["spend_band"],
        device_model=row["device_model"], device_purchased_on=row["device_purchased_on"],
        contract_end_on=row["contract_end_on"], broadband=row["broadband"], family_lines=row["family_lines"],
        network_joined_on=row["network_joined_on"], arrears_fen=row["arrears_fen"], notes=row["notes"],
        home_store_id=row["home_store"], responsible_clerk_id=row["responsible_clerk"], source=row["source"],
        source_detail=row["source_detail"], completeness=row["completeness"],
        consent=schemas.ConsentState(service=bool(row["consent_service"]), marketing=bool(row["consent_marketing"])),
        store_ids=store_ids_, created_at=clock.aware(row["created_at"]), updated_at=clock.aware(row["updated_at"]),
        language=row.get("language") or "zh-CN",
    )


async def search(actor: Principal, q: str, limit: int, offset: int) -> schemas.CustomerPage:
    """Finds customers in reach by full phone, last four digits, name prefix or tag."""
    condition, args = reach_sql(actor)
    q = q.strip()
    phone = rules.looks_like_phone(q) if q else None
    if phone:  # the counter's lookup: one customer at most (phones are unique), tags in the same round trip
        rows, tags = await _by_phone(phone, condition, args) if offset == 0 else ([], {})
        return _page(rows, tags, limit, offset, has_more=False)
    if q.isdigit() and len(q) == 4:
        match, match_args = "c.phone_tail = {}", [q]
    elif q:
        prefix = q.replace("%", "").replace("_", "")
        tag = "EXISTS (SELECT 1 FROM customer_tag t WHERE t.customer = c.id AND t.tag = {})"
        if is_postgres():  # served by the text_pattern_ops index
            match, match_args = f"(c.name LIKE {{}} OR {tag})", [prefix + "%", q]
        else:  # a code-point range keeps SQLite's name index usable; LIKE alone would scan
            match = f"((c.name >= {{}} AND c.name < {{}} AND c.name LIKE {{}}) OR {tag})"
            match_args = [prefix, prefix + "\U0010ffff", prefix + "%", q]
    else:
        match, match_args = "1 = 1", []
    rows = await raw(
        f"SELECT {SUMMARY_COLUMNS} FROM customer c WHERE {match} AND {condition} "
        "ORDER BY c.created_at DESC, c.id DESC LIMIT {} OFFSET {}",  # the latest joined first, however entered
        *match_args, *args, limit + 1, offset,
    )
    tags = await tags_of([r["id"] for r in rows[:limit]])
    return _page(rows[:limit], tags, limit, offset, has_more=len(rows) > limit)


def _page(rows: list[dict], tags: dict[int, list[str]], limit: int, offset: int, has_more: bool) -> schemas.CustomerPage:
    items = [
        schemas.CustomerSummary(
            id=r["id"], name=r["name"], phone_masked=rules.mask_phone(r["phone"]), home_store_id=r["home_store"],
            responsible_clerk_id=r["responsible_clerk"], tags=tags.get(r["id"], []), completeness=r["completeness"],
            created_at=clock.aware(r["created_at"]),
        )
        for r in rows
    ]
    return schemas.CustomerPage(items=items, limit=limit, offset=offset, has_more=has_more)


SUMMARY_COLUMNS = "c.id, c.name, c.phone, c.home_store, c.responsible_clerk, c.completeness, c.created_at"


async def _by_phone(phone: str, condition: str, args: list[Any]) -> tuple[list[dict], dict[int, list[str]]]:
    joined = await raw(
        f"SELECT {SUMMARY_COLUMNS}, t.tag FROM customer c LEFT JOIN customer_tag t ON t.customer = c.id "
        f"WHERE c.phone = {{}} AND {condition} ORDER BY t.id",
        phone, *args,
    )
    if not joined:
        return [], {}
    return joined[:1], {joined[0]["id"]: [r["tag"] for r in joined if r["tag"] is not None]}


async def tags_of(customer_ids: list[int]) -> dict[int, list[str]]:
    if not customer_ids:
        return {}
    marks = ", ".join("{}" for _ in customer_ids)
    rows = await raw(f"SELECT customer, tag FROM customer_tag WHERE customer IN ({marks}) ORDER BY id", *customer_ids)
    found: dict[int, list[str]] = {}
    for r in rows:
        found.setdefault(r["customer"], []).append(r["tag"])
    return found


# change ---------------------------------------------------------------------------------


async def update(actor: Principal, customer_id: int, data: schemas.CustomerUpdate, key: str | None = None) -> Outcome:
    """Changes the fields sent; a repeated Idempotency-Key (an offline tablet replaying) answers the stored result."""
    payload = {"customer_id": customer_id, "changes": data}
    return await idempotency.run(f"customers.update:{actor.staff_id}", key, payload,
                                 lambda: _update(actor, customer_id, data))


async def _update(actor: Principal, customer_id: int, data: schemas.CustomerUpdate) -> tuple[int, schemas.Customer]:
    sent = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET and k != "expected"}
    expected = {} if data.expected is msgspec.UNSET else {
        k: v for k, v in msgspec.structs.asdict(data.expected).items() if v is not msgspec.UNSET}
    unsent = [f for f in PROFILE_ORDER if f in expected and f not in sent]
    if unsent:
        raise BadInput("customer.expected_unsent", field=f"expected.{unsent[0]}", name=Term(f"profile.field.{unsent[0]}"))
    async with writing():
        # Locked from this read to the write: a colleague's change committed meanwhile is either seen here
        # (and, with `expected`, refused) or waits for this one; it is never written over unseen.
        row = await reachable(actor, customer_id, lock=True)
        if expected:
            await _refuse_changed_meanwhile(customer_id, row, sent, expected)
        values = _profile_columns({k: v for k, v in sent.items() if k not in ("phone", "tags")})
        if "phone" in sent:
            phone = rules.normalise_phone(sent["phone"])
            other = await find_by_phone(phone)
            if other is not None and other["id"] != customer_id:
                raise Conflict("customer.phone_exists", field="phone", phone=rules.mask_phone(phone),
                               existing_id=other["id"], extra={"existing_id": other["id"]})
            values |= {"phone": phone, "phone_tail": phone[-4:]}
        merged = {**row, **values}
        merged["interests"] = values.get("interests", msgspec.json.decode(row["interests"]) if isinstance(row["interests"], str) else row["interests"])
        values["completeness"] = rules.completeness(merged)
        values["updated_at"] = clock.now()
        await Customer.update({getattr(Customer, k): v for k, v in values.items()}).where(Customer.id == customer_id)
        if "tags" in sent:
            await _set_tags(customer_id, rules.clean_tags(sent["tags"]))
        fields = sorted(sent)
        await timeline.add(customer_id, "updated", store_id=actor.store_id, staff_id=actor.staff_id,
                           data={"fields": ", ".join(fields)})
        await audit.record(actor, "customer.update", "customer", customer_id, detail={"fields": fields})
    return 200, await detail(customer_id)


async def _refuse_changed_meanwhile(customer_id: int, row: dict, sent: dict[str, Any], expected: dict[str, Any]) -> None:
    """Conflict if a field is now neither what the client last saw nor what it sends; the answer carries
    those fields' values now, as the profile shows them."""
    stored = dict(row)
    if isinstance(stored["interests"], str):
        stored["interests"] = json.loads(stored["interests"])
    tags = await raw("SELECT tag FROM customer_tag WHERE customer = {} ORDER BY id", customer_id) if "tags" in expected else []
    now = msgspec.to_builtins(to_schema(stored, [t["tag"] for t in tags], []))
    new = dict(sent)
    if "phone" in new:
        new["phone"] = rules.normalise_phone(new["phone"])
    for name in ("tags", "interests"):
        if name in new:
            new[name] = rules.clean_tags(new[name])
    changed = rules.changed_meanwhile(now, msgspec.to_builtins(expected), msgspec.to_builtins(new))
    if changed:
        changed = [f for f in PROFILE_ORDER if f in changed]
        raise Conflict("customer.changed_meanwhile", field=changed[0], fields=Terms(f"profile.field.{f}" for f in changed),
                       extra={"reason": "changed_meanwhile", "fields": changed, "current": {f: now[f] for f in changed}})


async def set_language(customer_id: int, language: str, *, channel: str = "web") -> None:
    """The customer's own choice of the language messages to them use (from their wallet)."""
    if language not in typing.get_args(schemas.Language):
        raise BadInput("customer.language", field="language")
    async with writing():
        changed = await raw("UPDATE customer SET language = {}, updated_at = {} WHERE id = {} AND language <> {} "
                            "AND erased_at IS NULL RETURNING home_store", language, clock.now(), customer_id, language)
        if changed:
            await timeline.add(customer_id, "updated", channel=channel, store_id=changed[0]["home_store"],
                               data={"fields": "language"})


async def add_note(actor: Principal, customer_id: int, text: str, key: str | None = None) -> None:
    """Adds a note once per Idempotency-Key, so that a replayed offline note is not written twice."""
    async def action() -> tuple[int, None]:
        await reachable(actor, customer_id)
        await timeline.add(customer_id, "note", store_id=actor.store_id, staff_id=actor.staff_id, data={"text": text})
        await audit.record(actor, "customer.note", "customer", customer_id)
        return 204, None

    await idempotency.run(f"customers.note:{actor.staff_id}", key, {"customer_id": customer_id, "text": text}, action)


CONSENT_FLAG = {  # the customer's current flag for each purpose
    "service": "UPDATE customer SET consent_service = {}, updated_at = {} WHERE id = {}",
    "marketing": "UPDATE customer SET consent_marketing = {}, updated_at = {} WHERE id = {}",
}


async def record_consent(customer_id: int, grant: schemas.ConsentGrant, *, channel: str,
                         actor: Principal | None, store_id: int | None = None) -> None:
    """Appends a consent record and keeps the customer's current consent flags in step."""
    now = clock.now()
    async with writing():
        await raw(
            "INSERT INTO consent (customer, purpose, granted, notice_version, channel, staff_id, store_id, at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            customer_id, grant.purpose, grant.granted, grant.notice_version, channel,
            actor.staff_id if actor else None, store_id if store_id is not None else (actor.store_id if actor else None),
            now,
        )
        await raw(CONSENT_FLAG[grant.purpose], grant.granted, now, customer_id)
        # the timeline knows two places: the counter, and the customer's own pages (follow page, wallet, a link)
        await timeline.add(customer_id, "consent", channel=channel if channel in ("store", "web") else ("store" if actor else "web"),
                           store_id=store_id or (actor.store_id if actor else None),
                           staff_id=actor.staff_id if actor else None,
                           data={"purpose": grant.purpose, "state": "granted" if grant.granted else "withdrawn",
                                 "notice_version": grant.notice_version})
        await audit.record(actor, "customer.consent", "customer", customer_id,
                           detail={"purpose": grant.purpose, "granted": grant.granted, "channel": channel},
                           actor_kind=None if actor else "customer")


async def consent_by_staff(actor: Principal, customer_id: int, grant: schemas.ConsentGrant) -> schemas.Customer:
    async with writing():
        await reachable(actor, customer_id)
        await record_consent(customer_id, grant, channel="store", actor=actor)
    return await detail(customer_id)


async def add_follower(customer_id: int, store_id: int) -> bool:
    """Makes the customer a follower of the store; False if they already belonged to it."""
    rows = await raw(
        "INSERT INTO customer_store (customer, store, relation, since) VALUES ({}, {}, 'follower', {}) "
        "ON CONFLICT (customer, store) DO NOTHING RETURNING id",
        customer_id, store_id, clock.now(),
    )
    return bool(rows)


async def in_store(customer_id: int, store_id: int) -> bool:
    """True if the customer already belongs to the store (their home store, or one they follow)."""
    return bool(await raw("SELECT 1 FROM customer_store WHERE customer = {} AND store = {}", customer_id, store_id))


async def follow_in_store(actor: Principal, customer_id: int, consents: list[schemas.ConsentGrant]) -> schemas.Customer:
    """Adds the caller's store to the customer's stores, in the caller's transaction if there is one.

    The caller has established that the customer is at the counter (acquisition.store_join: a code sent to
    their phone); this only writes."""
    async with writing():
        if actor.store_id is not None and await add_follower(customer_id, actor.store_id):
            await timeline.add(customer_id, "followed_in_store", store_id=actor.store_id, staff_id=actor.staff_id)
            await audit.record(actor, "customer.follow_in_store", "customer", customer_id)
        for grant in consents:
            await record_consent(customer_id, grant, channel="store", actor=actor)
    return await detail(customer_id)


# handover -------------------------------------------------------------------------------


async def handover(actor: Principal, request: schemas.HandoverRequest) -> schemas.HandoverResult:
    """Moves all or some of a clerk's customers to another clerk of the same store."""
    if request.from_clerk_id == request.to_clerk_id:
        raise BadInput("customer.handover_same", field="to_clerk_id")
    store_id = actor.store_id
    staff = {s.id: s for s in await stores.list_staff(actor)}
    for field, clerk_id in (("from_clerk_id", request.from_clerk_id), ("to_clerk_id", request.to_clerk_id)):
        member = staff.get(clerk_id)
        if member is None or (field == "to_clerk_id" and not member.active):
            raise BadInput("customer.handover_clerk", field=field, id=clerk_id)
        store_id = member.store_id if actor.is_admin else store_id
    if staff[request.from_clerk_id].store_id != staff[request.to_clerk_id].store_id:
        raise BadInput("customer.handover_clerk", field="to_clerk_id", id=request.to_clerk_id)
    only = ""
    args: list[Any] = [request.from_clerk_id, store_id]
    if request.customer_ids is not None:
        if not request.customer_ids:
            return schemas.HandoverResult(moved=0, from_clerk_id=request.from_clerk_id, to_clerk_id=request.to_clerk_id)
        only = f" AND id IN ({', '.join('{}' for _ in request.customer_ids)})"
        args += list(request.customer_ids)
    names = {"from_name": staff[request.from_clerk_id].display_name, "to_name": staff[request.to_clerk_id].display_name}
    async with writing():
        rows = await raw(
            "SELECT id FROM customer WHERE responsible_clerk = {} AND home_store = {} AND erased_at IS NULL" + only, *args
        )
        ids = [r["id"] for r in rows]
        now = clock.now()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("{}" for _ in chunk)
            await raw(f"UPDATE customer SET responsible_clerk = {{}}, updated_at = {{}} WHERE id IN ({marks})",
                      request.to_clerk_id, now, *chunk)
            await raw(
                "INSERT INTO timeline_event (customer, at, kind, channel, store_id, staff_id, data, ref_type, ref_id) "
                f"SELECT id, {{}}, 'handover', 'store', {{}}, {{}}, {{}}, 'staff', {{}} FROM customer WHERE id IN ({marks})",
                now, store_id, actor.staff_id, msgspec.json.encode(names).decode(), str(request.to_clerk_id), *chunk,
            )
        await audit.record(actor, "customer.handover", "staff", request.from_clerk_id, store_id=store_id,
                           detail={"to_clerk_id": request.to_clerk_id, "count": len(ids)})
    return schemas.HandoverResult(moved=len(ids), from_clerk_id=request.from_clerk_id, to_clerk_id=request.to_clerk_id)


async def follows_between(store_id: int, start: Any, end: Any) -> int:
    """How many customers joined the store (created there or followed it) in [start, end)."""
    rows = await raw("SELECT count(*) AS n FROM customer_store WHERE store = {} AND since >= {} AND since < {}",
                     store_id, start, end)
    return rows[0]["n"]
