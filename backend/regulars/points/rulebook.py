"""Earning rules as stored: the chain's, and a store's that overrides it whole."""

from __future__ import annotations

import json

import msgspec

from regulars.core import audit, clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import Forbidden, NotFound
from regulars.points import rules, schemas
from regulars.points.tables import PointsRule
from regulars.stores import service as stores


def _scope(store_id: int | None) -> str:
    return "chain" if store_id is None else f"store:{store_id}"


def _rule(row: dict) -> schemas.Rule:
    row = {k: json.loads(v) if k in ("rates", "bonuses") and isinstance(v, str) else v for k, v in dict(row).items()}
    return schemas.Rule(rates=dict(row["rates"] or {}), bonuses=dict(row["bonuses"] or {}),
                        birthday_multiplier_pct=row["birthday_multiplier_pct"], expiry_years=row["expiry_years"])


async def _stored(store_id: int | None) -> schemas.Rule | None:
    row = await PointsRule.select().where(PointsRule.scope == _scope(store_id)).output(load_json=True).first()
    return _rule(row) if row else None


async def rule_for(store_id: int | None) -> schemas.Rule:
    """The rule that applies in a store: its own if it has one, else the chain's, else the default."""
    scopes = [_scope(store_id), _scope(None)] if store_id is not None else [_scope(None)]
    rows = await raw(f"SELECT scope, rates, bonuses, birthday_multiplier_pct, expiry_years FROM points_rule "
                     f"WHERE scope IN ({', '.join('{}' for _ in scopes)})", *scopes)
    found = {row["scope"]: row for row in rows}
    return next((_rule(found[scope]) for scope in scopes if scope in found), rules.DEFAULT_RULE)


async def view(actor: Principal, store_id: int | None) -> schemas.RuleSet:
    store_id = store_id if actor.is_admin else actor.store_id
    if store_id is not None:
        await stores.get_store(store_id)
    chain = await _stored(None) or rules.DEFAULT_RULE
    own = await _stored(store_id) if store_id is not None else None
    return schemas.RuleSet(store_id=store_id, chain=chain, store=own, effective=own or chain)


async def replace(actor: Principal, data: schemas.RuleUpdate) -> schemas.RuleSet:
    """Admins set the chain's rule (store_id null) or any store's; managers only their own store's."""
    store_id = data.store_id if (data.store_id is not None or actor.is_admin) else actor.store_id
    if not actor.is_admin and store_id != actor.store_id:
        raise Forbidden("points.rule_scope")
    if store_id is not None:
        try:
            await stores.get_store(store_id)
        except NotFound:
            raise NotFound("store.not_found", field="store_id", id=store_id)
    values = {
        "rates": {c: data.rates.get(c, 0) for c in rules.CATEGORIES},
        "bonuses": {b: data.bonuses.get(b, 0) for b in rules.BONUSES},
        "birthday_multiplier_pct": data.birthday_multiplier_pct,
        "expiry_years": data.expiry_years,
    }
    now = clock.now()
    async with writing():
        await raw(
            "INSERT INTO points_rule (scope, store_id, rates, bonuses, birthday_multiplier_pct, expiry_years, updated_at, updated_by) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT (scope) DO UPDATE SET rates = excluded.rates, "
            "bonuses = excluded.bonuses, birthday_multiplier_pct = excluded.birthday_multiplier_pct, "
            "expiry_years = excluded.expiry_years, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            _scope(store_id), store_id, msgspec.json.encode(values["rates"]).decode(),
            msgspec.json.encode(values["bonuses"]).decode(), data.birthday_multiplier_pct, data.expiry_years,
            now, actor.staff_id,
        )
        await audit.record(actor, "points.rule", "store" if store_id else "chain", store_id, detail=values)
    return await view(actor, store_id)
