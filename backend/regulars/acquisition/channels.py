"""Channel codes: one per store, clerk, event or campaign; counted scans and follows."""

from __future__ import annotations

import msgspec

from regulars.core import audit, clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import BadInput, NotFound
from regulars.core.idempotency import is_unique_violation
from regulars.core.security import crockford_code
from regulars.acquisition import messages  # noqa: F401  (registers the room's messages)
from regulars.acquisition import rules, schemas
from regulars.coupons import templates as coupon_templates
from regulars.settings import get_settings
from regulars.stores import service as stores

COLUMNS = (
    "id, store, kind, name, code, staff, campaign, starts_at, ends_at, active, welcome_template_id, reward_template_id, "
    "scans, follows, new_customers, created_at"
)


def follow_url(code: str) -> str:
    return f"{get_settings().public_base_url}/f/{code}"


def _aware(value):
    return clock.aware(value) if value is not None else None


def to_schema(row: dict) -> schemas.Channel:
    starts, ends = _aware(row["starts_at"]), _aware(row["ends_at"])
    return schemas.Channel(
        id=row["id"], store_id=row["store"], kind=row["kind"], name=row["name"], code=row["code"],
        url=follow_url(row["code"]), staff_id=row["staff"], campaign=row["campaign"], starts_at=starts, ends_at=ends,
        active=bool(row["active"]), open=rules.is_open(bool(row["active"]), starts, ends, clock.now()),
        welcome_template_id=row["welcome_template_id"], reward_template_id=row["reward_template_id"], scans=row["scans"], follows=row["follows"],
        new_customers=row["new_customers"], created_at=clock.aware(row["created_at"]),
    )


def _store_for(actor: Principal, requested: int | None) -> int:
    if actor.is_admin:
        if requested is None:
            raise BadInput("channel.store_required", field="store_id")
        return requested
    if requested not in (None, actor.store_id):
        raise BadInput("channel.other_store", field="store_id")
    return actor.store_id


async def create(actor: Principal, data: schemas.ChannelCreate) -> schemas.Channel:
    store_id = _store_for(actor, data.store_id)
    await stores.get_store(store_id)
    if data.kind == "clerk" and data.staff_id is None:
        raise BadInput("channel.clerk_required", field="staff_id")
    if data.staff_id is not None and not await stores.active_clerk_in_store(data.staff_id, store_id):
        raise BadInput("channel.clerk_not_in_store", field="staff_id", id=data.staff_id)
    if not rules.check_window(data.starts_at, data.ends_at):
        raise BadInput("channel.window", field="ends_at")
    await _check_welcome(actor, data.welcome_template_id)
    now = clock.now()
    for attempt in range(5):
        code = crockford_code(rules.CODE_LENGTH)
        try:
            async with writing():
                rows = await raw(
                    "INSERT INTO channel (store, kind, name, code, staff, campaign, starts_at, ends_at, active, "
                    "welcome_template_id, scans, follows, new_customers, created_by, created_at, updated_at) "
                    "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 0, 0, 0, {}, {}, {}) RETURNING " + COLUMNS,
                    store_id, data.kind, data.name.strip(), code, data.staff_id, data.campaign.strip(), data.starts_at,
                    data.ends_at, True, data.welcome_template_id, actor.staff_id, now, now,
                )
                await audit.record(actor, "channel.create", "channel", rows[0]["id"], store_id=store_id,
                                   detail={"kind": data.kind, "code": code})
            return to_schema(rows[0])
        except Exception as exc:
            if attempt < 4 and is_unique_violation(exc) and "code" in str(exc):
                continue  # a 50-bit code collided: draw another
            raise
    raise RuntimeError("unreachable")



async def _check_welcome(actor: Principal, template_id: int | None, field: str = "welcome_template_id") -> None:
    """A welcome or reward coupon must be an active template the manager may issue from."""
    if template_id is None:
        return
    try:
        template = await coupon_templates.get(actor, template_id)
    except NotFound:
        raise BadInput("channel.welcome_template", field=field, id=template_id)
    if not template.active:
        raise BadInput("channel.welcome_template", field=field, id=template_id)


async def _row(actor: Principal, channel_id: int) -> dict:
    rows = await raw(f"SELECT {COLUMNS} FROM channel WHERE id = {{}}", channel_id)
    if not rows or not actor.reaches_store(rows[0]["store"]):
        raise NotFound("channel.not_found", id=channel_id)
    return rows[0]


async def by_id(channel_id: int) -> dict | None:
    rows = await raw(f"SELECT {COLUMNS} FROM channel WHERE id = {{}}", channel_id)
    return rows[0] if rows else None


async def get(actor: Principal, channel_id: int) -> schemas.Channel:
    return to_schema(await _row(actor, channel_id))


async def list_channels(actor: Principal, store_id: int | None, kind: str | None, limit: int, offset: int) -> list[schemas.Channel]:
    conditions, args = [], []
    if not actor.is_admin:
        conditions.append("store = {}")
        args.append(actor.store_id)
    elif store_id is not None:
        conditions.append("store = {}")
        args.append(store_id)
    if kind:
        conditions.append("kind = {}")
        args.append(kind)
    where = " AND ".join(conditions) or "1 = 1"
    rows = await raw(f"SELECT {COLUMNS} FROM channel WHERE {where} ORDER BY id DESC LIMIT {{}} OFFSET {{}}",
                     *args, limit, offset)
    return [to_schema(r) for r in rows]


async def update(actor: Principal, channel_id: int, data: schemas.ChannelUpdate) -> schemas.Channel:
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    async with writing():
        row = await _row(actor, channel_id)
        starts = changes.get("starts_at", _aware(row["starts_at"]))
        ends = changes.get("ends_at", _aware(row["ends_at"]))
        if not rules.check_window(starts, ends):
            raise BadInput("channel.window", field="ends_at")
        await _check_welcome(actor, changes.get("welcome_template_id"))
        await _check_welcome(actor, changes.get("reward_template_id"), field="reward_template_id")
        if "reward_template_id" in changes and row["kind"] != "referral":
            raise BadInput("channel.reward_only_referral", field="reward_template_id")
        if changes:
            sets = ", ".join(f"{name} = {{}}" for name in changes)
            values = [v.strip() if isinstance(v, str) else v for v in changes.values()]
            await raw(f"UPDATE channel SET {sets}, updated_at = {{}} WHERE id = {{}}", *values, clock.now(), channel_id)
        await audit.record(actor, "channel.update", "channel", channel_id, store_id=row["store"],
                           detail={k: str(v) for k, v in changes.items()})
        row = await _row(actor, channel_id)
    return to_schema(row)


async def scan(code: str) -> dict | None:
    """Counts one scan of an open code and returns its row; None for unknown, closed or malformed codes alike."""
    code = rules.link_code(code)
    if code is None:
        return None
    now = clock.now()
    rows = await raw(
        "UPDATE channel SET scans = scans + 1 WHERE code = {} AND active = {} AND (starts_at IS NULL OR starts_at <= {}) "
        f"AND (ends_at IS NULL OR ends_at > {{}}) RETURNING {COLUMNS}",
        code, True, now, now,
    )
    return rows[0] if rows else None


async def open_by_code(code: str) -> dict | None:
    """The row of an open code without counting a scan; None for anything else."""
    code = rules.link_code(code)
    if code is None:
        return None
    rows = await raw(f"SELECT {COLUMNS} FROM channel WHERE code = {{}}", code)
    if not rows:
        return None
    row = rows[0]
    return row if rules.is_open(bool(row["active"]), _aware(row["starts_at"]), _aware(row["ends_at"]), clock.now()) else None


async def referral_channel(store_id: int) -> dict:
    """The store's one referral code (made on first use): follows through friends' links are counted on it."""
    now = clock.now()
    for _ in range(5):
        rows = await raw(f"SELECT {COLUMNS} FROM channel WHERE store = {{}} AND kind = 'referral'", store_id)
        if rows:
            return rows[0]
        try:
            async with writing():
                await raw(
                    "INSERT INTO channel (store, kind, name, code, staff, campaign, active, scans, follows, new_customers, "
                    "created_at, updated_at) VALUES ({}, 'referral', {}, {}, NULL, '', {}, 0, 0, 0, {}, {}) "
                    "ON CONFLICT (store) WHERE kind = 'referral' DO NOTHING",
                    store_id, REFERRAL_NAME, crockford_code(rules.CODE_LENGTH), True, now, now,
                )
        except Exception as exc:
            if not is_unique_violation(exc):
                raise
    raise RuntimeError(f"no referral channel for store {store_id}")


REFERRAL_NAME = "老带新 · 好友推荐"


async def count_follow(channel_id: int, new_customer: bool) -> None:
    await raw("UPDATE channel SET follows = follows + 1, new_customers = new_customers + {} WHERE id = {}",
              1 if new_customer else 0, channel_id)


async def names(channel_ids: list[int]) -> dict[int, str]:
    if not channel_ids:
        return {}
    marks = ", ".join("{}" for _ in channel_ids)
    rows = await raw(f"SELECT id, name FROM channel WHERE id IN ({marks})", *channel_ids)
    return {r["id"]: r["name"] for r in rows}
