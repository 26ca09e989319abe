"""Stores, staff, login and sessions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from regulars.core import audit, clock, ratelimit, security
from regulars.core.auth import Principal
from regulars.core.db import is_postgres, raw, writing
from regulars.core.errors import BadInput, Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized
from regulars.settings import get_settings
from regulars.stores import messages  # noqa: F401  (registers the room's messages)
from regulars.stores import schemas
from regulars.stores.tables import Staff, StaffSession, Store

LOGIN_WINDOW = dt.timedelta(hours=1)
SESSION_TOUCH = dt.timedelta(seconds=60)


def _store_out(row: dict) -> schemas.Store:
    return schemas.Store(**{f: row[f] for f in schemas.Store.__struct_fields__})


def _staff_out(row: dict) -> schemas.Staff:
    return schemas.Staff(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        role=row["role"],
        store_id=row["store"],
        employee_no=row["employee_no"],
        active=row["active"],
    )


# stores ---------------------------------------------------------------------------------


async def create_store(actor: Principal, data: schemas.StoreCreate) -> schemas.Store:
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput("store.timezone", field="timezone", value=data.timezone)
    async with writing():
        if await Store.exists().where(Store.code == data.code):
            raise Conflict("store.code_taken", field="code", code=data.code)
        row = (await Store.insert(Store(**msgspec.structs.asdict(data), created_at=clock.now())).returning(*Store.all_columns()))[0]
        await audit.record(actor, "store.create", "store", row["id"], detail={"code": data.code})
    return _store_out(row)


async def list_stores(actor: Principal) -> list[schemas.Store]:
    query = Store.select().order_by(Store.code)
    if not actor.is_admin:
        query = query.where(Store.id == actor.store_id)
    return [_store_out(r) for r in await query]


async def get_store(store_id: int) -> schemas.Store:
    rows = await raw("SELECT * FROM store WHERE id = {}", store_id)
    if not rows:
        raise NotFound("store.not_found", id=store_id)
    return _store_out(rows[0])


async def set_grades(actor: Principal | None, grades: dict[int, str], reason: str) -> int:
    """Writes the A/B/C grades of stores (from the store ranking); returns how many changed."""
    changed = 0
    async with writing():
        for store_id, grade in sorted(grades.items()):
            if grade not in ("A", "B", "C"):
                raise BadInput("store.grade", field="grade", value=grade)
            rows = await raw("UPDATE store SET grade = {} WHERE id = {} AND grade <> {} RETURNING id", grade, store_id, grade)
            if rows:
                changed += 1
                await audit.record(actor, "store.grade", "store", store_id, store_id=store_id,
                                   detail={"grade": grade, "reason": reason})
    return changed


async def store_ids_by_code() -> dict[str, int]:
    return {r["code"]: r["id"] for r in await Store.select(Store.id, Store.code)}


async def store_timezone(store_id: int | None, actor: Principal | None = None) -> str:
    """The store's time zone (the chain's for None); the actor's own store's comes with their session."""
    if actor is not None and actor.timezone and store_id is not None and store_id == actor.store_id:
        return actor.timezone
    if store_id is None:
        return get_settings().timezone
    rows = await raw("SELECT timezone FROM store WHERE id = {}", store_id)
    return rows[0]["timezone"] if rows else get_settings().timezone


# staff ----------------------------------------------------------------------------------


async def create_staff(actor: Principal, data: schemas.StaffCreate) -> schemas.Staff:
    _check_staff_scope(actor, data.role, data.store_id)
    async with writing():
        await _check_staff_store(data.role, data.store_id)
        if await Staff.exists().where(Staff.username == data.username):
            raise Conflict("staff.username_taken", field="username", username=data.username)
        if data.employee_no and await Staff.exists().where(Staff.employee_no == data.employee_no):
            raise Conflict("staff.employee_no_taken", field="employee_no", value=data.employee_no)
        row = (
            await Staff.insert(
                Staff(
                    username=data.username,
                    display_name=data.display_name,
                    role=data.role,
                    store=data.store_id,
                    employee_no=data.employee_no,
                    password_hash=security.hash_password(data.password),
                    active=True,
                    created_at=clock.now(),
                )
            ).returning(*Staff.all_columns())
        )[0]
        await audit.record(actor, "staff.create", "staff", row["id"], detail={"role": data.role, "store_id": data.store_id})
    return _staff_out(row)


def _check_staff_scope(actor: Principal, role: str, store_id: int | None) -> None:
    if actor.is_admin:
        return
    if role != "clerk" or store_id != actor.store_id:
        raise Forbidden("staff.manager_scope")


async def _check_staff_store(role: str, store_id: int | None) -> None:
    if role != "admin" and store_id is None:
        raise BadInput("staff.store_required", field="store_id")
    if store_id is not None and not await Store.exists().where(Store.id == store_id):
        raise BadInput("store.not_found", field="store_id", id=store_id)


async def list_staff(actor: Principal) -> list[schemas.Staff]:
    query = Staff.select().order_by(Staff.username)
    if not actor.is_admin:
        query = query.where(Staff.store == actor.store_id)
    return [_staff_out(r) for r in await query]


async def update_staff(actor: Principal, staff_id: int, data: schemas.StaffUpdate) -> schemas.Staff:
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    async with writing():
        row = await Staff.select().where(Staff.id == staff_id).first()
        if row is None or not (actor.is_admin or (row["store"] == actor.store_id and row["role"] == "clerk")):
            raise NotFound("staff.not_found", id=staff_id)
        _check_staff_scope(actor, changes.get("role", row["role"]), changes.get("store_id", row["store"]))
        await _check_staff_store(changes.get("role", row["role"]), changes.get("store_id", row["store"]))
        if changes.get("active") is False and staff_id == actor.staff_id:
            raise BadInput("staff.self_deactivate", field="active")
        if row["role"] == "admin" and row["active"] and (changes.get("role", "admin") != "admin"
                                                          or changes.get("active") is False):
            await _keep_another_admin(staff_id, row["display_name"], "role" if "role" in changes else "active")
        values: dict = {}
        for name in ("display_name", "role", "active"):
            if name in changes:
                values[name] = changes[name]
        if "store_id" in changes:
            values["store"] = changes["store_id"]
        if "password" in changes:
            values["password_hash"] = security.hash_password(changes["password"])
        if changes.get("active") is False:
            values["deactivated_at"] = clock.now()
        if values:
            await Staff.update({getattr(Staff, k): v for k, v in values.items()}).where(Staff.id == staff_id)
        if changes.get("active") is False or "password" in changes or "role" in changes:
            await revoke_sessions(staff_id)
        await audit.record(
            actor,
            "staff.role_change" if "role" in changes else "staff.update",
            "staff",
            staff_id,
            detail={k: v for k, v in changes.items() if k != "password"} | ({"password": "changed"} if "password" in changes else {}),
        )
        row = await Staff.select().where(Staff.id == staff_id).first()
    return _staff_out(row)


async def _keep_another_admin(staff_id: int, name: str, field: str) -> None:
    """Refuses to take the last active admin away. Inside the write: SQLite's one writer runs one unit at a time,
    and on PostgreSQL the active admins' rows stay locked until this unit commits, so two admins demoting
    each other at once are decided one after the other, the second seeing the first's change."""
    lock = " ORDER BY id FOR UPDATE" if is_postgres() else ""
    admins = await raw("SELECT id FROM staff WHERE role = 'admin' AND active = {}" + lock, True)
    if not any(admin["id"] != staff_id for admin in admins):
        raise Conflict("staff.last_admin", field=field, name=name)


async def active_clerk_in_store(staff_id: int, store_id: int) -> bool:
    return await Staff.exists().where((Staff.id == staff_id) & (Staff.store == store_id) & (Staff.active == True))  # noqa: E712


async def staff_name(staff_id: int) -> str | None:
    """The display name of a staff member (for public pages that credit a clerk), or None."""
    row = await Staff.select(Staff.display_name).where(Staff.id == staff_id).first()
    return row["display_name"] if row else None


async def staff_ids_by_employee_no() -> dict[str, int]:
    rows = await Staff.select(Staff.id, Staff.employee_no).where(Staff.employee_no.is_not_null())
    return {r["employee_no"]: r["id"] for r in rows}


async def ensure_admin(password: str | None) -> str | None:
    """Creates the first admin account when there is none; returns the password if it made one."""
    async with writing():
        if await Staff.exists().where(Staff.role == "admin"):
            return None
        chosen = password or security.new_token(12)
        await Staff.insert(
            Staff(
                username="admin",
                display_name="管理员",
                role="admin",
                store=None,
                password_hash=security.hash_password(chosen),
                active=True,
                created_at=clock.now(),
            )
        )
        await audit.record(None, "staff.create", "staff", "admin", detail={"role": "admin", "first_run": True})
    return chosen


# login and sessions ---------------------------------------------------------------------


LOGIN_LIMITS = {  # per hour: failures before the wait starts doubling, and password checks at most
    "account": {"free": 5, "per_window": 100},
    "client": {"free": 20, "per_window": 1000},
}


def _throttle_keys(username: str, ip: str | None) -> tuple[str, str]:
    return f"login:account:{username.lower()}", f"login:client:{ip or '-'}"


async def _take_login_attempt(account_key: str, client_key: str) -> None:
    """Takes one password check of the account's and the client's hourly allowance (in one transaction: both or
    neither), or refuses with 429."""
    async with writing():
        for key, limits in ((account_key, LOGIN_LIMITS["account"]), (client_key, LOGIN_LIMITS["client"])):
            await ratelimit.attempt(key, window=LOGIN_WINDOW, per_window=limits["per_window"], message="auth.throttled")


async def login(username: str, password: str, ip: str | None, user_agent: str | None) -> tuple[str, Principal]:
    """Checks the password under per-account and per-client limits; returns a new session token.

    Each check takes one attempt of the hour's allowance atomically before the password is verified, so that
    concurrent guesses cannot pass the limit together; failures past the free ones back off exponentially.
    """
    account_key, client_key = _throttle_keys(username, ip)
    try:
        await _take_login_attempt(account_key, client_key)
    except TooManyRequests:
        async with writing():
            await audit.record(None, "auth.login_throttled", "staff", username[:60], actor_kind="anonymous",
                               detail={"ip": ip})
        raise
    row = await Staff.select().where(Staff.username == username).first()
    ok = row is not None and row["active"] and security.verify_password(row["password_hash"], password)
    if row is None:
        security.burn_password_check(password)
    if not ok:
        async with writing():
            for key, limits in ((account_key, LOGIN_LIMITS["account"]), (client_key, LOGIN_LIMITS["client"])):
                await ratelimit.fail(key, free=limits["free"], window=LOGIN_WINDOW, counted=True)
            await audit.record(
                None, "auth.login_failed", "staff", row["id"] if row else None,
                actor_kind="anonymous", detail={"username": username[:60], "ip": ip},
            )
        raise Unauthorized("auth.bad_credentials")
    token = security.new_token()
    now = clock.now()
    async with writing():
        await ratelimit.succeed(account_key, counted=True)
        await ratelimit.release(client_key)
        session = (
            await StaffSession.insert(
                StaffSession(
                    token_hash=security.token_hash(token),
                    staff=row["id"],
                    created_at=now,
                    last_seen_at=now,
                    ip=ip,
                    user_agent=(user_agent or "")[:200],
                )
            ).returning(StaffSession.id)
        )[0]
        principal = Principal(
            staff_id=row["id"], username=row["username"], display_name=row["display_name"],
            role=row["role"], store_id=row["store"], session_id=session["id"], ip=ip,
        )
        await audit.record(principal, "auth.login", "staff", row["id"])
    return token, principal


async def logout(principal: Principal) -> None:
    async with writing():
        await StaffSession.update({StaffSession.revoked_at: clock.now()}).where(StaffSession.id == principal.session_id)
        await audit.record(principal, "auth.logout", "staff", principal.staff_id)


async def revoke_sessions(staff_id: int) -> None:
    await StaffSession.update({StaffSession.revoked_at: clock.now()}).where(
        (StaffSession.staff == staff_id) & StaffSession.revoked_at.is_null()
    )


async def resolve_session(token: str, ip: str | None) -> Principal | None:
    """The principal behind a session cookie, or None if it is unknown, revoked, idle or deactivated."""
    now = clock.now()
    rows = await raw(
        "SELECT s.id AS session_id, s.last_seen_at, st.id AS staff_id, st.username, st.display_name, st.role, st.store, "
        "so.timezone FROM staff_session s JOIN staff st ON st.id = s.staff LEFT JOIN store so ON so.id = st.store "
        "WHERE s.token_hash = {} AND s.revoked_at IS NULL AND st.active = {}",
        security.token_hash(token), True,
    )
    if not rows:
        return None
    row = rows[0]
    last_seen = clock.aware(row["last_seen_at"])
    if now - last_seen > dt.timedelta(minutes=get_settings().session_idle_minutes):
        async with writing():  # ended for good, whatever the idle limit becomes later
            await StaffSession.update({StaffSession.revoked_at: now}).where(
                (StaffSession.id == row["session_id"]) & StaffSession.revoked_at.is_null()
            )
        return None
    if now - last_seen > SESSION_TOUCH:
        await StaffSession.update({StaffSession.last_seen_at: now}).where(StaffSession.id == row["session_id"])
    return Principal(
        staff_id=row["staff_id"], username=row["username"], display_name=row["display_name"],
        role=row["role"], store_id=row["store"], session_id=row["session_id"], ip=ip, timezone=row["timezone"],
    )


async def me(principal: Principal) -> schemas.Me:
    store = await Store.select(Store.name, Store.timezone).where(Store.id == principal.store_id).first() if principal.store_id else None
    return schemas.Me(
        staff_id=principal.staff_id,
        username=principal.username,
        display_name=principal.display_name,
        role=principal.role,
        store_id=principal.store_id,
        store_name=store["name"] if store else None,
        timezone=store["timezone"] if store else get_settings().timezone,
    )


async def active_clerks(store_id: int) -> list[dict]:
    """The store's active clerks with when their account was made (id, display_name, created_at)."""
    rows = await Staff.select(Staff.id, Staff.display_name, Staff.created_at).where(
        (Staff.store == store_id) & (Staff.role == "clerk") & (Staff.active == True)  # noqa: E712
    )
    return [{"id": r["id"], "display_name": r["display_name"], "created_at": clock.aware(r["created_at"])} for r in rows]
