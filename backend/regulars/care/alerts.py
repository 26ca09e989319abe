"""Warnings to managers: thresholds per store, one alert per breach, escalated to admins when critical.

An alert stays open while its condition holds (a partial unique index allows one open alert per
store, kind and subject), so a breach alerts once however often it is checked; when the condition
clears the alert is resolved, and a new breach opens a new one.
"""

from __future__ import annotations

import datetime as dt
import logging

import msgspec

from regulars.care import calendar, reference, rules, schemas, tasks
from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import NotFound
from regulars.core.i18n import DEFAULT_LANGUAGE, t
from regulars.customers import service as customers
from regulars.customers import timeline
from regulars.messaging import service as messaging
from regulars.stores import service as stores

log = logging.getLogger("regulars.care.alerts")
SYSTEM = Principal(staff_id=0, username="care", display_name="care", role="admin", store_id=None)

# A breach found for one store: (kind, subject, level, detail).
Breach = tuple[str, str, rules.Level, dict]


async def check(now: dt.datetime | None = None) -> int:
    """Evaluates every active store's thresholds; returns how many alerts were opened or escalated."""
    now = now or clock.now()
    changed = 0
    for store in await raw("SELECT id, name, timezone FROM store WHERE active = {}", True):
        try:
            changed += await _apply(store["id"], await _evaluate(store, now), now)
        except Exception:
            log.exception("checking care thresholds of store %s failed", store["id"])
    await notify(now)
    return changed


async def notify(now: dt.datetime) -> int:
    """Tells staff about alerts at a level they have not heard of: the store's managers always, admins when
    critical; into their inbox (once per alert and level) and by push. Runs after the alerts are committed,
    so a crash in between only delays the news to the next check."""
    pending = await raw("SELECT * FROM care_alert WHERE resolved_at IS NULL AND notified_level <> level ORDER BY id")
    if not pending:
        return 0
    staff = [s for s in await stores.list_staff(SYSTEM) if s.active]
    for alert in pending:
        item = _out(alert, DEFAULT_LANGUAGE)
        recipients = [s for s in staff if (s.role == "manager" and s.store_id == alert["store_id"])
                      or (s.role == "admin" and alert["level"] == "critical")]
        title = t(f"care.alert_title.{alert['level']}", DEFAULT_LANGUAGE)
        for member in recipients:
            try:
                await messaging.notify_staff(member.id, title, item.message, store_id=alert["store_id"], kind="care_alert",
                                             urgency="high" if alert["level"] == "critical" else "normal",
                                             topic=f"care-alert-{alert['id']}",
                                             dedupe_key=f"care-alert:{alert['id']}:{alert['level']}:{member.id}")
            except Exception:
                log.exception("telling staff %s about care alert %s failed", member.id, alert["id"])
        await raw("UPDATE care_alert SET notified_level = {} WHERE id = {} AND level = {}",
                  alert["level"], alert["id"], alert["level"])
    return len(pending)


async def _evaluate(store: dict, now: dt.datetime) -> list[Breach]:
    limits = await reference.effective(store["id"])
    today = clock.today_in(store["timezone"], now)
    yesterday = today - dt.timedelta(days=1)
    base = {"store": store["name"]}
    found: list[Breach] = []
    if limits["follows_floor"] > 0:
        start, end = calendar.local_day_bounds(yesterday, store["timezone"])
        follows = await customers.follows_between(store["id"], start, end)
        found.append(("follows_low", "store", rules.below_floor(follows, limits["follows_floor"]),
                      base | {"day": yesterday.isoformat(), "value": follows, "threshold": limits["follows_floor"]}))
    else:  # switched off: whatever was open is over
        found.append(("follows_low", "store", rules.Level(False, ""), base))
    if limits["overdue_tasks_max"] > 0:
        overdue = (await tasks.overdue_counts({store["id"]: today}))[store["id"]]
        found.append(("tasks_overdue", "store", rules.above_ceiling(overdue, limits["overdue_tasks_max"]),
                      base | {"value": overdue, "threshold": limits["overdue_tasks_max"]}))
    else:
        found.append(("tasks_overdue", "store", rules.Level(False, ""), base))
    found.append(await _redemptions(store, today, limits["redemption_spike_factor"], now, base))
    clerks = await stores.active_clerks(store["id"])
    activity = await timeline.last_activity_by_staff([c["id"] for c in clerks])
    outcomes = await tasks.last_outcome_by_staff()
    for clerk in clerks:
        last = max([clerk["created_at"], activity.get(clerk["id"], clerk["created_at"]),
                    outcomes.get(clerk["id"], clerk["created_at"])])
        idle_days = (now - last).days
        threshold = limits["idle_clerk_days"]
        level = rules.Level(idle_days >= threshold, "critical" if idle_days >= 2 * threshold else "warning")
        found.append(("clerk_idle", f"staff:{clerk['id']}", level if level.breached else rules.Level(False, ""),
                      base | {"clerk": clerk["display_name"], "value": idle_days, "threshold": threshold}))
    return found


async def _redemptions(store: dict, today: dt.date, factor: float, now: dt.datetime, base: dict) -> Breach:
    """Today's redemptions so far against the store's daily average over the 28 days before."""
    day_start, _ = calendar.local_day_bounds(today, store["timezone"])
    window_start, _ = calendar.local_day_bounds(today - dt.timedelta(days=28), store["timezone"])
    rows = await raw(
        "SELECT SUM(CASE WHEN at >= {} THEN 1 ELSE 0 END) AS today, SUM(CASE WHEN at < {} THEN 1 ELSE 0 END) AS before "
        "FROM coupon_redemption WHERE store = {} AND reversed_at IS NULL AND at >= {} AND at < {}",
        day_start, day_start, store["id"], window_start, now,
    )
    today_count, before = rows[0]["today"] or 0, rows[0]["before"] or 0
    baseline = before / 28
    return ("redemptions_spike", "store", rules.spike(today_count, baseline, factor),
            base | {"value": today_count, "threshold": round(baseline * factor, 1)})


async def _apply(store_id: int, breaches: list[Breach], now: dt.datetime) -> int:
    changed = 0
    async with writing():
        for kind, subject, level, detail in breaches:
            if not level.breached:
                await raw("UPDATE care_alert SET resolved_at = {} WHERE store_id = {} AND kind = {} AND subject = {} "
                          "AND resolved_at IS NULL", now, store_id, kind, subject)
                continue
            opened = await raw(
                "INSERT INTO care_alert (store_id, kind, subject, level, detail, opened_at) VALUES ({}, {}, {}, {}, {}, {}) "
                "ON CONFLICT DO NOTHING RETURNING id",
                store_id, kind, subject, level.level, msgspec.json.encode(detail).decode(), now,
            )
            if opened:
                changed += 1
                continue
            if level.level == "critical":
                escalated = await raw(
                    "UPDATE care_alert SET level = 'critical', escalated_at = {}, detail = {} WHERE store_id = {} "
                    "AND kind = {} AND subject = {} AND resolved_at IS NULL AND level = 'warning' RETURNING id",
                    now, msgspec.json.encode(detail).decode(), store_id, kind, subject,
                )
                changed += len(escalated)
    return changed


async def inbox(actor: Principal, lang: str, *, include_resolved: bool = False, limit: int = 100) -> list[schemas.Alert]:
    """A manager's alerts for their store; an admin's critical alerts across the chain."""
    where, args = [], []
    if actor.is_admin:
        where.append("level = 'critical'")
    else:
        where.append("store_id = {}")
        args.append(actor.store_id)
    if not include_resolved:
        where.append("resolved_at IS NULL")
    rows = await raw(f"SELECT * FROM care_alert WHERE {' AND '.join(where)} ORDER BY opened_at DESC, id DESC LIMIT {{}}",
                     *args, limit)
    return [_out(r, lang) for r in rows]


def _out(row: dict, lang: str) -> schemas.Alert:
    detail = msgspec.json.decode(row["detail"]) if isinstance(row["detail"], str) else (row["detail"] or {})
    return schemas.Alert(
        id=row["id"], store_id=row["store_id"], kind=row["kind"], subject=row["subject"], level=row["level"],
        message=t(f"care.alert.{row['kind']}", lang, **detail), detail=detail,
        opened_at=clock.aware(row["opened_at"]),
        escalated_at=clock.aware(row["escalated_at"]) if row["escalated_at"] else None,
        resolved_at=clock.aware(row["resolved_at"]) if row["resolved_at"] else None,
        read_at=clock.aware(row["read_at"]) if row["read_at"] else None,
    )


async def mark_read(actor: Principal, alert_id: int, lang: str) -> schemas.Alert:
    rows = await raw("SELECT * FROM care_alert WHERE id = {}", alert_id)
    if not rows or not actor.reaches_store(rows[0]["store_id"]):
        raise NotFound("care.alert_not_found", id=alert_id)
    updated = await raw("UPDATE care_alert SET read_at = COALESCE(read_at, {}) WHERE id = {} RETURNING *",
                        clock.now(), alert_id)
    return _out(updated[0], lang)
