"""Chain reference data for care: the official-holiday table, seasons, and thresholds per store."""

from __future__ import annotations

import msgspec

from regulars.care import calendar, schemas
from regulars.care.tables import CareSettings, Holiday, Season
from regulars.core import audit, clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import BadInput, Forbidden, NotFound
from regulars.stores import service as stores

CHAIN = 0


# official holidays ------------------------------------------------------------------------


async def table_days(years: set[int] | None = None) -> tuple[calendar.OfficialDay, ...]:
    rows = await Holiday.select(Holiday.day, Holiday.kind, Holiday.name).order_by(Holiday.day)
    return tuple(calendar.OfficialDay(r["day"], r["kind"], r["name"], "table") for r in rows
                 if years is None or r["day"].year in years)


async def official_days(years: set[int]) -> tuple[calendar.OfficialDay, ...]:
    extra = await table_days(years)
    found: list[calendar.OfficialDay] = []
    for year in sorted(years):
        found.extend(calendar.official_days(year, extra))
    return tuple(found)


async def holiday_year(year: int) -> schemas.HolidayYear:
    if not 2000 <= year <= 2100:
        raise BadInput("care.holiday_year", field="year", value=year)
    days = calendar.official_days(year, await table_days({year}))
    return schemas.HolidayYear(
        year=year, package_knows_year=calendar.package_knows(year),
        days=[schemas.OfficialDay(day=d.day, kind=d.kind, name=d.name, source=d.source) for d in days],
    )


async def add_holiday(actor: Principal, data: schemas.HolidayCreate) -> schemas.OfficialDay:
    """Adds (or corrects) one day of the official schedule; it wins over the package for that day."""
    async with writing():
        await raw(
            "INSERT INTO care_holiday (day, kind, name, created_by, created_at) VALUES ({}, {}, {}, {}, {}) "
            "ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, "
            "created_by = excluded.created_by, created_at = excluded.created_at",
            data.day, data.kind, data.name, actor.staff_id, clock.now(),
        )
        await audit.record(actor, "care.holiday", "holiday", data.day.isoformat(),
                           detail={"kind": data.kind, "name": data.name})
    return schemas.OfficialDay(day=data.day, kind=data.kind, name=data.name, source="table")


# seasons ----------------------------------------------------------------------------------


def _season_out(row: dict) -> schemas.Season:
    return schemas.Season(**{f: row[f] for f in schemas.Season.__struct_fields__})


async def list_seasons() -> list[schemas.Season]:
    return [_season_out(r) for r in await Season.select().order_by(Season.id)]


async def create_season(actor: Principal, data: schemas.SeasonCreate) -> schemas.Season:
    for prefix in ("start", "end"):
        month, day = getattr(data, f"{prefix}_month"), getattr(data, f"{prefix}_day")
        if day > (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31):
            raise BadInput("care.season_day", field=f"{prefix}_day", month=month, day=day)
    async with writing():
        row = (await Season.insert(Season(**msgspec.structs.asdict(data), created_at=clock.now()))
               .returning(*Season.all_columns()))[0]
        await audit.record(actor, "care.season_create", "season", row["id"], detail={"name": data.name})
    return _season_out(row)


async def season_spans() -> dict[int, tuple[tuple[int, int], tuple[int, int]]]:
    return {r["id"]: ((r["start_month"], r["start_day"]), (r["end_month"], r["end_day"]))
            for r in await Season.select()}


async def season_exists(season_id: int) -> bool:
    return await Season.exists().where(Season.id == season_id)


# thresholds -------------------------------------------------------------------------------

_FIELDS = ("cap_count", "cap_days", "follows_floor", "redemption_spike_factor", "idle_clerk_days", "overdue_tasks_max")


def _defaults() -> dict:
    return {name: getattr(CareSettings, name).default for name in _FIELDS}


async def effective(store_id: int | None) -> dict:
    """Thresholds for a store (its own row, else the chain's, else the built-in defaults)."""
    rows = {r["store_id"]: r for r in await CareSettings.select().where(CareSettings.store_id.is_in([CHAIN, store_id or CHAIN]))}
    chosen = rows.get(store_id or CHAIN) or rows.get(CHAIN)
    values = {name: chosen[name] for name in _FIELDS} if chosen else _defaults()
    if CHAIN in rows:  # the frequency cap is per customer across the chain: always the chain's
        values["cap_count"], values["cap_days"] = rows[CHAIN]["cap_count"], rows[CHAIN]["cap_days"]
    return values


async def get_settings(actor: Principal, store_id: int | None) -> schemas.Settings:
    if store_id is not None and not actor.reaches_store(store_id):
        raise NotFound("store.not_found", id=store_id)
    return schemas.Settings(store_id=store_id, **await effective(store_id))


async def update_settings(actor: Principal, store_id: int | None, data: schemas.SettingsUpdate) -> schemas.Settings:
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    if store_id is None and not actor.is_admin:
        raise Forbidden("care.store_scope")
    if store_id is not None:
        if not actor.reaches_store(store_id):
            raise NotFound("store.not_found", id=store_id)
        await stores.get_store(store_id)
        changes.pop("cap_count", None), changes.pop("cap_days", None)
    async with writing():
        values = await effective(store_id) | changes
        key = store_id or CHAIN
        columns = ", ".join(_FIELDS)
        await raw(
            f"INSERT INTO care_settings (store_id, {columns}, updated_at) VALUES ({{}}, {', '.join('{}' for _ in _FIELDS)}, {{}}) "
            f"ON CONFLICT (store_id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _FIELDS)}, updated_at = excluded.updated_at",
            key, *[values[c] for c in _FIELDS], clock.now(),
        )
        await audit.record(actor, "care.settings", "store", key, detail=changes)
    return schemas.Settings(store_id=store_id, **await effective(store_id))
