"""Background work of the reports room: the roll-ups and the monthly store grading."""

from __future__ import annotations

from regulars import worker
from regulars.reports import coupon_days, daily, profile_bands, rfm_rollup, stores


async def _daily() -> None:
    await daily.sample_scans()
    await daily.refresh()


worker.register("reports.daily", 60, _daily, lease_seconds=900)
worker.register("reports.coupons", 60, coupon_days.refresh, lease_seconds=900)
worker.register("reports.profiles", 60, profile_bands.refresh, lease_seconds=900)
worker.register("reports.rfm", 3600, rfm_rollup.refresh_daily, lease_seconds=3600)
worker.register("reports.grade_stores", 3600, stores.grade_last_month_once, lease_seconds=900)
