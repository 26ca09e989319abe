"""Quiet hours, holdout, retries, periods and lifecycle dates."""

import datetime as dt
from collections import Counter

import pytest

from regulars.care import rules

pytestmark = pytest.mark.nodb
UTC = dt.timezone.utc
T = dt.time
QUIET = (T(21, 0), T(9, 0))


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "local, quiet",
    [(T(20, 59), False), (T(21, 0), True), (T(23, 30), True), (T(0, 0), True), (T(8, 59), True), (T(9, 0), False)],
)
def test_quiet_hours_wrap_past_midnight(local, quiet):
    assert rules.in_quiet_hours(local, *QUIET) is quiet


def test_quiet_hours_empty_window():
    assert not rules.in_quiet_hours(T(3, 0), T(0, 0), T(0, 0))


def test_next_allowed_in_shanghai_moves_to_nine_local():
    # 22:30 Shanghai = 14:30 UTC -> next day 09:00 Shanghai = 01:00 UTC
    assert rules.next_allowed(at(2027, 9, 15, 14, 30), "Asia/Shanghai", *QUIET) == at(2027, 9, 16, 1, 0)
    assert rules.next_allowed(at(2027, 9, 15, 3, 0), "Asia/Shanghai", *QUIET) == at(2027, 9, 15, 3, 0)


def test_next_allowed_berlin_across_daylight_saving_start():
    # 2027-03-28 is the spring-forward day: 09:00 local is 07:00 UTC (CEST), the day before 08:00 UTC (CET)
    assert rules.next_allowed(at(2027, 3, 27, 22, 30), "Europe/Berlin", *QUIET) == at(2027, 3, 28, 7, 0)
    assert rules.next_allowed(at(2027, 3, 26, 22, 30), "Europe/Berlin", *QUIET) == at(2027, 3, 27, 8, 0)
    # 19:30 UTC on the 28th is 21:30 CEST: quiet, although it would be 20:30 in winter time
    assert rules.next_allowed(at(2027, 3, 28, 19, 30), "Europe/Berlin", *QUIET) == at(2027, 3, 29, 7, 0)


def test_next_allowed_berlin_across_daylight_saving_end():
    # 2027-10-31 falls back: 09:00 local is 08:00 UTC (CET) again
    assert rules.next_allowed(at(2027, 10, 30, 23, 0), "Europe/Berlin", *QUIET) == at(2027, 10, 31, 8, 0)


def test_first_send_time_not_before_the_local_day():
    # planned on the eve (Berlin 2027-03-27 20:00 CET): first send the next morning at 09:00 CEST
    sent = rules.first_send_time(dt.date(2027, 3, 28), at(2027, 3, 27, 19, 0), "Europe/Berlin", *QUIET)
    assert sent == at(2027, 3, 28, 7, 0)


def test_holdout_stable_and_near_share():
    first = [rules.in_holdout(7, c, 1000) for c in range(1, 20001)]
    assert first == [rules.in_holdout(7, c, 1000) for c in range(1, 20001)]
    assert 0.09 < sum(first) / len(first) < 0.11


def test_holdout_differs_between_campaigns():
    a = {c for c in range(1, 20001) if rules.in_holdout(1, c, 1000)}
    b = {c for c in range(1, 20001) if rules.in_holdout(2, c, 1000)}
    # independent 10% draws overlap on about 1% of customers
    assert 100 < len(a & b) < 350


def test_holdout_buckets_spread():
    buckets = Counter(rules.holdout_bucket(3, c) // 1000 for c in range(1, 10001))
    assert all(900 < n < 1100 for n in buckets.values())


def test_backoff_grows_then_caps():
    assert [rules.backoff(n).total_seconds() for n in range(1, 7)] == [30, 120, 480, 1920, 3600, 3600]


def test_period_start_weekly_and_monthly():
    assert rules.period_start(dt.date(2027, 9, 15), 7) == dt.date(2027, 9, 13)  # a Monday
    assert rules.period_start(dt.date(2027, 9, 13), 7) == dt.date(2027, 9, 13)
    start = rules.period_start(dt.date(2027, 9, 15), 30)
    assert all(rules.period_start(start + dt.timedelta(n), 30) == start for n in range(30))


def test_device_age_month_end_gathers_missing_days():
    assert rules.purchase_days_reaching_age(dt.date(2027, 9, 15), 24) == [dt.date(2025, 9, 15)]
    assert rules.purchase_days_reaching_age(dt.date(2027, 2, 28), 12) == [dt.date(2026, 2, 28)]
    assert rules.purchase_days_reaching_age(dt.date(2027, 2, 28), 13) == [
        dt.date(2026, 1, 28), dt.date(2026, 1, 29), dt.date(2026, 1, 30), dt.date(2026, 1, 31)]
    assert rules.purchase_days_reaching_age(dt.date(2028, 2, 28), 12) == [dt.date(2027, 2, 28)]


def test_season_across_new_year():
    assert rules.season_containing(dt.date(2027, 1, 10), (12, 1), (2, 28)) == dt.date(2026, 12, 1)
    assert rules.season_containing(dt.date(2027, 7, 10), (7, 1), (8, 31)) == dt.date(2027, 7, 1)
    assert rules.season_containing(dt.date(2027, 9, 1), (7, 1), (8, 31)) is None


def test_cap_allows_with_priority_reservations():
    assert rules.cap_allows(0, 0, 2)
    assert rules.cap_allows(1, 0, 2)
    assert not rules.cap_allows(1, 1, 2)
    assert not rules.cap_allows(2, 0, 2)


def test_alert_levels():
    assert rules.below_floor(3, 5) == rules.Level(True, "warning")
    assert rules.below_floor(1, 5) == rules.Level(True, "critical")
    assert not rules.below_floor(5, 5).breached
    assert not rules.below_floor(0, 0).breached
    assert rules.spike(40, 5, 3) == rules.Level(True, "critical")
    assert not rules.spike(8, 1, 3).breached  # under the minimum


@pytest.mark.parametrize(("status", "starts_on", "ends_on", "shown"), [
    ("active", None, None, "active"),
    ("active", dt.date(2027, 5, 1), dt.date(2027, 5, 1), "active"),  # its only day
    ("active", dt.date(2027, 5, 2), None, "scheduled"),
    ("active", None, dt.date(2027, 4, 30), "over"),
    ("paused", dt.date(2027, 4, 1), dt.date(2027, 6, 1), "paused"),
    ("draft", None, None, "draft"),
    ("ended", None, None, "ended"),
])
def test_shown_state_as_the_staff_app(status, starts_on, ends_on, shown):
    assert rules.shown_state(status, starts_on, ends_on, dt.date(2027, 5, 1)) == shown
