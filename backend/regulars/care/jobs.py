"""Care's background jobs, run by `regulars serve` (by default) and by `regulars worker` processes."""

from __future__ import annotations

import os

from regulars import worker
from regulars.care import alerts, dispatcher, planner, reminders

PLAN_EVERY = float(os.environ.get("REGULARS_CARE_PLAN_EVERY", "300"))
DISPATCH_EVERY = float(os.environ.get("REGULARS_CARE_DISPATCH_EVERY", "2"))
ALERTS_EVERY = float(os.environ.get("REGULARS_CARE_ALERTS_EVERY", "600"))
REMIND_EVERY = float(os.environ.get("REGULARS_CARE_REMIND_EVERY", "900"))


async def plan() -> None:
    await planner.plan()


async def dispatch() -> None:
    await dispatcher.dispatch_until_idle()


async def check_alerts() -> None:
    await alerts.check()


async def remind_clerks() -> None:
    await reminders.remind()


worker.register("care.plan", PLAN_EVERY, plan, lease_seconds=1800)  # a million customers take a while
worker.register("care.dispatch", DISPATCH_EVERY, dispatch, exclusive=False)  # rows are leased one by one
worker.register("care.alerts", ALERTS_EVERY, check_alerts)
worker.register("care.reminders", REMIND_EVERY, remind_clerks)
