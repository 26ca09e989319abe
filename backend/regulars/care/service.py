"""Campaigns and saved segments: who may see and change which, and what a campaign holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from regulars.care import channels, messages  # noqa: F401  (registers the room's messages)
from regulars.care import occasions, reference, schemas, segments, templates
from regulars.care.tables import Campaign, Segment
from regulars.core import audit, clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import BadInput, Forbidden, NotFound
from regulars.coupons import templates as coupon_templates
from regulars.settings import get_settings
from regulars.stores import service as stores

TRANSITIONS = {"draft": {"active", "ended"}, "active": {"paused", "ended"}, "paused": {"active", "ended"}, "ended": set()}
FROZEN_AFTER_START = ("occasion", "holdout_percent", "purpose")


# scope --------------------------------------------------------------------------------------


def _scope_store(actor: Principal, requested: int | None) -> int | None:
    """The store a manager acts for (always their own); an admin may name one or none (the chain)."""
    if actor.is_admin:
        return requested
    if requested not in (None, actor.store_id):
        raise Forbidden("care.store_scope")
    return actor.store_id


def _visible(actor: Principal, store_id: int | None) -> bool:
    return actor.is_admin or store_id is None or store_id == actor.store_id


def _editable(actor: Principal, store_id: int | None) -> bool:
    return actor.is_admin or (store_id is not None and store_id == actor.store_id)


# segments -----------------------------------------------------------------------------------


async def create_segment(actor: Principal, data: schemas.SegmentCreate) -> schemas.Segment:
    store_id = _scope_store(actor, data.store_id)
    if store_id is not None:
        await stores.get_store(store_id)
    now = clock.now()
    async with writing():
        row = (await Segment.insert(Segment(name=data.name, store=store_id, filters=msgspec.to_builtins(data.filters),
                                            created_by=actor.staff_id, created_at=now, updated_at=now))
               .returning(Segment.id))[0]
        await audit.record(actor, "care.segment_create", "segment", row["id"], store_id=store_id)
    return await get_segment(actor, row["id"])


async def _segment_row(actor: Principal, segment_id: int) -> dict:
    row = await Segment.select().where(Segment.id == segment_id).output(load_json=True).first()
    if row is None or not _visible(actor, row["store"]):
        raise NotFound("care.segment_not_found", id=segment_id)
    return row


async def get_segment(actor: Principal, segment_id: int, with_size: bool = True) -> schemas.Segment:
    row = await _segment_row(actor, segment_id)
    filters = msgspec.convert(row["filters"] or {}, schemas.Filters)
    size = await segment_size(filters, row["store"] if row["store"] is not None else actor.store_id) if with_size else None
    return schemas.Segment(id=row["id"], name=row["name"], store_id=row["store"], filters=filters, size=size,
                           created_at=clock.aware(row["created_at"]))


async def list_segments(actor: Principal) -> list[schemas.Segment]:
    rows = await Segment.select().order_by(Segment.id, ascending=False).output(load_json=True)
    return [schemas.Segment(id=r["id"], name=r["name"], store_id=r["store"],
                            filters=msgspec.convert(r["filters"] or {}, schemas.Filters), size=None,
                            created_at=clock.aware(r["created_at"]))
            for r in rows if _visible(actor, r["store"])]


async def segment_size(filters: schemas.Filters, store_id: int | None) -> int:
    """How many reachable customers match, within one store (or the chain)."""
    zone = await stores.store_timezone(store_id)
    where, args = segments.condition(filters, clock.today_in(zone), zone, store_id)
    scope, scope_args = ("AND EXISTS (SELECT 1 FROM customer_store cs WHERE cs.customer = c.id AND cs.store = {})",
                         [store_id]) if store_id is not None else ("", [])
    rows = await raw(f"SELECT count(*) AS n FROM customer c WHERE c.erased_at IS NULL {scope} AND {where}",
                     *scope_args, *args)
    return rows[0]["n"]


async def segment_filters(segment_id: int | None) -> schemas.Filters:
    if segment_id is None:
        return schemas.Filters()
    row = await Segment.select(Segment.filters).where(Segment.id == segment_id).output(load_json=True).first()
    return msgspec.convert(row["filters"] or {}, schemas.Filters) if row else schemas.Filters()


# campaigns ----------------------------------------------------------------------------------


async def _check_campaign(actor: Principal, store_id: int | None, values: dict[str, Any]) -> dict[str, Any]:
    occasion = msgspec.convert(values["occasion"], schemas.Occasion) if isinstance(values["occasion"], dict) else values["occasion"]
    occasion = occasions.check(occasion, values["starts_on"], values["ends_on"])
    if occasion.kind == "season" and not await reference.season_exists(occasion.season_id):
        raise BadInput("care.season_not_found", field="occasion.season_id", id=occasion.season_id)
    message = _convert(values["message"], schemas.MessageAction)
    task = _convert(values["task"], schemas.TaskAction)
    templates.check_message(message)
    templates.check_task(task)
    if values["coupon_template_id"] is not None:
        template = await coupon_templates.get(actor, values["coupon_template_id"])  # NotFound outside reach
        if store_id is not None and template.store_id not in (None, store_id):
            raise NotFound("coupon.template_not_found", id=values["coupon_template_id"])
    if message is None and task is None and values["coupon_template_id"] is None and values["points"] is None:
        raise BadInput("care.no_action", field="message")
    if values["segment_id"] is not None:
        segment = await _segment_row(actor, values["segment_id"])
        if segment["store"] not in (None, store_id):
            raise NotFound("care.segment_not_found", id=values["segment_id"])
    return values | {"occasion": occasion, "message": message, "task": task}


def _convert(value: Any, kind: type) -> Any:
    return msgspec.convert(value, kind) if isinstance(value, dict) else value


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    """Schema values as table columns."""
    columns = {k: v for k, v in values.items() if k not in ("store_id", "segment_id", "holdout_percent")}
    for name in ("occasion", "message", "task"):
        if name in columns and columns[name] is not None:
            columns[name] = msgspec.to_builtins(columns[name])
    if "occasion" in columns:
        columns["occasion_params"] = {k: v for k, v in columns.pop("occasion").items() if k != "kind"}
        columns["occasion"] = values["occasion"].kind
    if "segment_id" in values:
        columns["segment"] = values["segment_id"]
    if "holdout_percent" in values:
        columns["holdout_bp"] = round(values["holdout_percent"] * 100)
    return columns


async def create_campaign(actor: Principal, data: schemas.CampaignCreate) -> schemas.Campaign:
    store_id = _scope_store(actor, data.store_id)
    if store_id is not None:
        await stores.get_store(store_id)
    values = await _check_campaign(actor, store_id, msgspec.structs.asdict(data))
    now = clock.now()
    async with writing():
        row = (await Campaign.insert(Campaign(**_columns(values), store=store_id, revision=1, created_by=actor.staff_id,
                                              created_at=now, updated_at=now)).returning(Campaign.id))[0]
        await audit.record(actor, "care.campaign_create", "campaign", row["id"], store_id=store_id,
                           detail={"occasion": data.occasion.kind, "status": data.status})
    return await get_campaign(actor, row["id"])


async def _campaign_row(actor: Principal, campaign_id: int) -> dict:
    row = await Campaign.select().where(Campaign.id == campaign_id).output(load_json=True).first()
    if row is None or not _visible(actor, row["store"]):
        raise NotFound("care.campaign_not_found", id=campaign_id)
    return row


def to_schema(row: dict, counts: dict[str, int] | None = None, outcomes: dict[str, int] | None = None) -> schemas.Campaign:
    return schemas.Campaign(
        id=row["id"], name=row["name"], store_id=row["store"], status=row["status"],
        occasion=occasion_of(row), starts_on=row["starts_on"], ends_on=row["ends_on"],
        segment_id=row["segment"], purpose=row["purpose"],
        message=msgspec.convert(row["message"], schemas.MessageAction) if row["message"] else None,
        coupon_template_id=row["coupon_template_id"], points=row["points"],
        task=msgspec.convert(row["task"], schemas.TaskAction) if row["task"] else None,
        channels=list(row["channels"] or []), channels_ready=[c for c in row["channels"] or [] if channels.get(c)],
        quiet_start=row["quiet_start"], quiet_end=row["quiet_end"], priority=row["priority"],
        holdout_percent=row["holdout_bp"] / 100, theme=row["theme"], tags=list(row["tags"] or []),
        created_at=clock.aware(row["created_at"]), updated_at=clock.aware(row["updated_at"]),
        counts=counts or {}, task_outcomes=outcomes or {},
    )


def occasion_of(row: dict) -> schemas.Occasion:
    return msgspec.convert({"kind": row["occasion"], **(row["occasion_params"] or {})}, schemas.Occasion)


async def get_campaign(actor: Principal, campaign_id: int) -> schemas.Campaign:
    row = await _campaign_row(actor, campaign_id)
    scope, scope_args = store_scope(actor)  # a chain campaign seen by a store: that store's part, as its reports show
    counts = {r["status"]: r["n"] for r in await raw(
        f"SELECT status, count(*) AS n FROM care_outbox WHERE campaign = {{}}{scope} GROUP BY status", campaign_id, *scope_args)}
    outcomes = {r["outcome"]: r["n"] for r in await raw(
        f"SELECT outcome, count(*) AS n FROM care_task WHERE campaign = {{}} AND status = 'done'{scope} GROUP BY outcome",
        campaign_id, *scope_args)}
    return to_schema(row, counts, outcomes)


def store_scope(actor: Principal, column: str = "store_id") -> tuple[str, list[int]]:
    """The condition (on a store column) limiting a store's staff to their store's rows; nothing for an admin."""
    return ("", []) if actor.is_admin else (f" AND {column} = {{}}", [actor.store_id])


async def list_campaigns(actor: Principal, status: str | None = None) -> list[schemas.Campaign]:
    query = Campaign.select().order_by(Campaign.id, ascending=False).output(load_json=True)
    if not actor.is_admin:
        query = query.where((Campaign.store == actor.store_id) | (Campaign.store.is_null()))
    if status:
        query = query.where(Campaign.status == status)
    return [to_schema(r) for r in await query]


async def update_campaign(actor: Principal, campaign_id: int, data: schemas.CampaignUpdate) -> schemas.Campaign:
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    async with writing():
        row = await _campaign_row(actor, campaign_id)
        if not _editable(actor, row["store"]):
            raise Forbidden("care.chain_campaign", id=campaign_id)
        if "status" in changes and changes["status"] != row["status"] and changes["status"] not in TRANSITIONS[row["status"]]:
            raise BadInput("care.status_change", field="status", from_status=row["status"], to_status=changes["status"])
        if row["status"] != "draft":
            for name in FROZEN_AFTER_START:
                if name in changes:
                    raise BadInput("care.frozen_after_start", field=name)
        current = to_schema(row)
        merged = {name: getattr(current, name) for name in (
            "occasion", "starts_on", "ends_on", "segment_id", "message", "task", "coupon_template_id", "points",
            "quiet_start", "quiet_end")} | changes
        await _check_campaign(actor, row["store"], merged)
        checked = {k: merged[k] for k in changes}
        columns = _columns(checked)
        columns |= {"revision": row["revision"] + 1, "updated_at": clock.now()}
        await Campaign.update({getattr(Campaign, k): v for k, v in columns.items()}).where(Campaign.id == campaign_id)
        await audit.record(actor, "care.campaign_update", "campaign", campaign_id, store_id=row["store"],
                           detail={"fields": sorted(changes), "status": changes.get("status")})
    return await get_campaign(actor, campaign_id)


async def active_campaigns(day_min: dt.date, day_max: dt.date) -> list[dict]:
    """Active campaigns whose validity overlaps the days being planned (all zones' local days)."""
    rows = await Campaign.select().where(Campaign.status == "active").output(load_json=True)
    return [r for r in rows if (r["starts_on"] is None or r["starts_on"] <= day_max)
            and (r["ends_on"] is None or r["ends_on"] >= day_min)]


def default_zone() -> str:
    return get_settings().timezone
