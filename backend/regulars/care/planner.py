"""The planner: for each active campaign and each store time zone, one INSERT ... SELECT per chunk of
customers into the outbox, ON CONFLICT DO NOTHING. Running it again adds nothing; several planners
at once add nothing twice (the unique (customer, campaign, occasion_date) decides)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from regulars.care import calendar, occasions, reference, rules, schemas, segments, service
from regulars.core import clock, db
from regulars.core.auth import Principal
from regulars.core.db import is_postgres, raw, writing
from regulars.core.errors import Conflict
from regulars.stores import service as stores

log = logging.getLogger("regulars.care.planner")
CHUNK = 100_000
REPLAN_AFTER = dt.timedelta(hours=1)


# why a campaign in each state other than active cannot be planned, and the field that says so
NOT_PLANNABLE = {"draft": ("care.plan_draft", "status"), "paused": ("care.plan_paused", "status"),
                 "ended": ("care.plan_ended", "status"), "scheduled": ("care.plan_not_started", "starts_on"),
                 "over": ("care.plan_over", "ends_on")}


async def plan_now(actor: Principal, campaign_id: int) -> schemas.PlanResult:
    """Plans one campaign in the caller's reach for today at once, if the staff app shows it active (today by the
    caller's store calendar); how many contacts it added, and how many of them are holdout."""
    campaign = await service.get_campaign(actor, campaign_id)
    now = clock.now()
    today = clock.today_in(await stores.store_timezone(actor.store_id, actor), now)
    state = rules.shown_state(campaign.status, campaign.starts_on, campaign.ends_on, today)
    if state in NOT_PLANNABLE:
        key, field = NOT_PLANNABLE[state]
        dates = f"{campaign.starts_on or '…'} – {campaign.ends_on or '…'}"
        raise Conflict(key, field=field, id=campaign_id, name=campaign.name, dates=dates,
                       starts_on=str(campaign.starts_on), ends_on=str(campaign.ends_on))
    with db.heavy():  # a campaign's audience may be every customer of the chain
        planned = await plan(now, force=True, campaign_ids=[campaign_id])
    rows = await raw("SELECT count(*) AS n FROM care_outbox WHERE campaign = {} AND status = 'holdout' "
                     "AND created_at = {}", campaign_id, now)
    return schemas.PlanResult(planned=planned, holdout=rows[0]["n"])


async def plan(now: dt.datetime | None = None, *, force: bool = False, campaign_ids: list[int] | None = None) -> int:
    """Plans every active campaign for the current local day of each store zone; returns rows added."""
    now = now or clock.now()
    stores = await raw("SELECT id, timezone, active FROM store")
    zones = sorted({s["timezone"] for s in stores if s["active"]})
    if not zones:
        return 0
    days = {zone: clock.today_in(zone, now) for zone in zones}
    campaigns = await service.active_campaigns(min(days.values()), max(days.values()))
    if campaign_ids is not None:
        campaigns = [c for c in campaigns if c["id"] in campaign_ids]
    if not campaigns:
        return 0
    years = {d.year + k for d in days.values() for k in (-1, 0, 1)}
    official = await reference.official_days(years)
    seasons = await reference.season_spans()
    store_zones = {s["id"]: (s["timezone"], s["active"]) for s in stores}
    # A chain campaign plans each zone's customers on that zone's day; with one zone and no closed
    # store there is nothing to tell apart.
    home_stores: dict[str, list[int] | None] = {zone: [s["id"] for s in stores if s["active"] and s["timezone"] == zone]
                                                for zone in zones}
    if len(zones) == 1 and all(s["active"] for s in stores):
        home_stores = {zones[0]: None}
    id_range = (await raw("SELECT min(id) AS lo, max(id) AS hi FROM customer"))[0]
    if id_range["hi"] is None:
        return 0
    added = 0
    for campaign in campaigns:
        if campaign["store"] is not None:
            zone, active = store_zones.get(campaign["store"], (None, False))
            targets = [(zone, None)] if active else []
        else:
            targets = list(home_stores.items())
        for zone, homes in targets:
            try:
                added += await _plan_zone(campaign, zone, homes, days[zone], now, official, seasons, id_range, force)
            except Exception:
                log.exception("planning campaign %s for %s failed; it is retried next round", campaign["id"], zone)
    return added


async def _plan_zone(campaign: dict, zone: str, homes: list[int] | None, today: dt.date, now: dt.datetime,
                     official: tuple, seasons: dict, id_range: dict, force: bool) -> int:
    if not force and await _recently_planned(campaign, zone, today, now):
        return 0
    chain = campaign["store"] is None
    ctx = occasions.Context(today=today, zone=zone, official=official, seasons=seasons,
                            starts_on=campaign["starts_on"], ends_on=campaign["ends_on"],
                            joined_column="c.created_at" if chain else "cs.since")
    observed = occasions.observe(service.occasion_of(campaign), ctx)
    added = 0
    if observed is not None:
        filters = await service.segment_filters(campaign["segment"])
        select, args = _select(campaign, zone, homes, today, now, observed, filters)
        for low in range(id_range["lo"] - 1, id_range["hi"], CHUNK):
            async with writing():
                added += await _insert(select, [*args, low, low + CHUNK])
    await _mark(campaign, zone, today, now)
    return added


def _select(campaign: dict, zone: str, homes: list[int] | None, today: dt.date, now: dt.datetime,
            observed: occasions.Observed, filters: schemas.Filters) -> tuple[str, list[Any]]:
    quiet = (rules.parse_time(campaign["quiet_start"]), rules.parse_time(campaign["quiet_end"]))
    if campaign["message"]:
        due = rules.first_send_time(today, now, zone, *quiet)
    else:
        due = max(now, calendar.local_day_bounds(today, zone)[0])
    expires = calendar.local_day_bounds(observed.last_day, zone)[1]
    holdout, holdout_args = rules.holdout_sql(campaign["id"])
    segment_where, segment_args = segments.condition(filters, today, zone, campaign["store"])
    consent = "c.consent_marketing" if campaign["purpose"] == "marketing" else "c.consent_service"
    if campaign["store"] is not None:
        # a store's campaign: its own customers and its followers; a task goes to the responsible
        # clerk only when the store is the customer's home store
        source = "customer c JOIN customer_store cs ON cs.customer = c.id AND cs.store = {}"
        source_args: list[Any] = [campaign["store"]]
        store, clerk = "cs.store", "CASE WHEN c.home_store = cs.store THEN c.responsible_clerk END"
        scope, scope_args = "1 = 1", []
    else:
        source, source_args = "customer c", []
        store, clerk = "c.home_store", "c.responsible_clerk"
        if homes is None:
            scope, scope_args = "1 = 1", []
        else:
            scope = f"c.home_store IN ({', '.join('{}' for _ in homes) or 'NULL'})"
            scope_args = list(homes)
    sql = (
        "INSERT INTO care_outbox (customer, campaign, occasion_date, store_id, clerk_id, status, priority, due_at, "
        "expires_at, attempts, created_at) "
        f"SELECT c.id, {{}}, {{}}, {store}, {clerk}, "
        f"CASE WHEN {holdout} < {{}} THEN 'holdout' ELSE 'pending' END, {{}}, {{}}, {{}}, 0, {{}} "
        f"FROM {source} "
        f"WHERE c.erased_at IS NULL AND {consent} = {{}} AND {scope} "
        f"AND ({observed.where}) AND ({segment_where}) AND c.id > {{}} AND c.id <= {{}} "
        "ON CONFLICT (customer, campaign, occasion_date) DO NOTHING"
    )
    args = [campaign["id"], observed.occasion_date, *holdout_args, campaign["holdout_bp"], campaign["priority"], due,
            expires, now, *source_args, True, *scope_args, *observed.args, *segment_args]
    return sql, args


async def _insert(sql: str, args: list[Any]) -> int:
    if is_postgres():
        return (await raw(f"WITH added AS ({sql} RETURNING 1) SELECT count(*) AS n FROM added", *args))[0]["n"]
    await raw(sql, *args)
    return (await raw("SELECT changes() AS n"))[0]["n"]


async def _recently_planned(campaign: dict, zone: str, today: dt.date, now: dt.datetime) -> bool:
    rows = await raw("SELECT revision, planned_at FROM care_plan_mark WHERE campaign = {} AND zone = {} AND plan_date = {}",
                     campaign["id"], zone, today)
    return bool(rows) and rows[0]["revision"] == campaign["revision"] and clock.aware(rows[0]["planned_at"]) > now - REPLAN_AFTER


async def _mark(campaign: dict, zone: str, today: dt.date, now: dt.datetime) -> None:
    await raw(
        "INSERT INTO care_plan_mark (campaign, zone, plan_date, revision, planned_at) VALUES ({}, {}, {}, {}, {}) "
        "ON CONFLICT (campaign, zone, plan_date) DO UPDATE SET revision = excluded.revision, planned_at = excluded.planned_at",
        campaign["id"], zone, today, campaign["revision"], now,
    )
