"""Morning reminders to clerks: their open care tasks due today or overdue (their own and the store pool's),
in the staff inbox and by push where they switched it on, once per clerk and store-local day."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from regulars.care import messages  # noqa: F401  (registers the room's messages)
from regulars.core import clock
from regulars.core.db import raw
from regulars.core.i18n import DEFAULT_LANGUAGE, t
from regulars.messaging import service as messaging

log = logging.getLogger("regulars.care.reminders")
REMIND_FROM = dt.time(9, 0)  # store time: not before the store's day starts
TASKS_URL = "/app/#/tasks"


async def remind(now: dt.datetime | None = None) -> int:
    """Reminds every active clerk with open tasks due by today, in stores whose day has begun; returns how many
    reminders were new (running it again the same day adds none)."""
    now = now or clock.now()
    sent = 0
    for store in await raw("SELECT id, timezone FROM store WHERE active = {}", True):
        local = now.astimezone(ZoneInfo(store["timezone"]))
        if local.time() < REMIND_FROM:
            continue
        today = local.date()
        rows = await raw(
            "SELECT s.id AS staff_id, COUNT(*) AS due, SUM(CASE WHEN t.due_on < {} THEN 1 ELSE 0 END) AS overdue "
            "FROM staff s JOIN care_task t ON t.store_id = s.store AND (t.clerk_id = s.id OR t.clerk_id IS NULL) "
            "JOIN customer c ON c.id = t.customer "
            "WHERE s.store = {} AND s.role = 'clerk' AND s.active = {} AND t.status = 'open' AND t.due_on <= {} "
            "AND c.erased_at IS NULL GROUP BY s.id ORDER BY s.id",
            today, store["id"], True, today,
        )
        for row in rows:
            try:
                notified = await messaging.notify_staff(
                    row["staff_id"], t("care.reminder_title", DEFAULT_LANGUAGE, n=row["due"]),
                    t("care.reminder_body", DEFAULT_LANGUAGE, n=row["due"], overdue=row["overdue"] or 0),
                    store_id=store["id"], kind="care_task", topic=f"care-tasks-{row['staff_id']}", url=TASKS_URL,
                    ttl=12 * 3600, dedupe_key=f"care-tasks:{row['staff_id']}:{today.isoformat()}")
            except Exception:
                log.exception("reminding staff %s of their care tasks failed", row["staff_id"])
                continue
            sent += notified.new
    return sent
