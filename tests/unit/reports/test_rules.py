"""Pure parts of the reports: time-zone pieces, month buckets, grade counts, month ranges, weights."""

import datetime as dt

import pytest

from regulars.core.errors import BadInput
from regulars.reports import dialect, ranking, schemas
from regulars.reports.filters import month_range

pytestmark = pytest.mark.nodb
UTC = dt.timezone.utc


def test_pieces_one_for_a_zone_without_daylight_saving():
    start, end = dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2026, 12, 31, tzinfo=UTC)
    assert dialect.pieces("Asia/Shanghai", start, end) == [(start, end, 480)]


def test_pieces_cut_at_daylight_saving_changes():
    start, end = dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 4, 1, tzinfo=UTC)
    found = dialect.pieces("Europe/Berlin", start, end)
    assert [(p[2]) for p in found] == [60, 120]
    assert found[0][1] == found[1][0] == dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:00 local becomes 03:00


def test_month_starts_are_local_midnights():
    starts = dialect.month_starts("Asia/Shanghai", dt.date(2026, 1, 15), dt.date(2026, 3, 2))
    assert starts == [dt.datetime(2025, 12, 31, 16, tzinfo=UTC), dt.datetime(2026, 1, 31, 16, tzinfo=UTC),
                      dt.datetime(2026, 2, 28, 16, tzinfo=UTC), dt.datetime(2026, 3, 31, 16, tzinfo=UTC)]


def test_buckets_case_over_bounds():
    sql, args = dialect.buckets("x.at", [1, 2, 3])
    assert sql == "CASE WHEN x.at < {} THEN NULL WHEN x.at < {} THEN 0 WHEN x.at < {} THEN 1 ELSE NULL END"
    assert args == [1, 2, 3]


@pytest.mark.parametrize("stores,a,ab", [(5, 1, 4), (10, 2, 7), (2, 0, 1), (1, 0, 1), (0, 0, 0), (3, 1, 2)])
def test_grade_counts_by_share(stores, a, ab):
    assert ranking.grade_counts(stores, 0.2, 0.5) == (a, ab)


def test_month_range_covers_the_calendar_month():
    assert month_range({"month": "2026-02"})["from"] == "2026-02-01"
    assert month_range({"month": "2026-02"})["to"] == "2026-02-28"
    assert month_range({"month": "2026-12"})["to"] == "2026-12-31"
    with pytest.raises(BadInput):
        month_range({"month": "2026-13"})


def test_ranking_weights_checked():
    ranking.check(schemas.RankingSettings(weights={"sales_fen": 1}))
    for bad in ({"smiles": 1}, {"sales_fen": -1}, {"sales_fen": 0}):
        with pytest.raises(BadInput):
            ranking.check(schemas.RankingSettings(weights=bad))
    with pytest.raises(BadInput):
        ranking.check(schemas.RankingSettings(weights={"sales_fen": 1}, a_share=0.6, b_share=0.5))


def test_uplift_difference_and_interval():
    from regulars.reports.uplift import difference

    # 0.5 - 0.25, -+ 1.96 * sqrt(.5*.5/60 + .25*.75/40) = 0.25 -+ 0.1844
    uplift, low, high = difference(30, 60, 10, 40)
    assert uplift == 0.25
    assert (low, high) == (pytest.approx(0.0656, abs=1e-4), pytest.approx(0.4344, abs=1e-4))
    assert difference(1, 2, 0, 0) == (None, None, None)


def test_uplift_without_interval_where_a_group_is_too_small_to_tell():
    """Fewer than 5 who came back, or who did not, in a group: the normal approximation would give a false
    certainty (1 of 1 against 0 of 1: 1.0 to 1.0; 0 of 38 against 0 of 3: 0 to 0), so no interval."""
    from regulars.reports.uplift import difference

    assert difference(1, 1, 0, 1) == (1.0, None, None)
    assert difference(0, 38, 0, 3) == (0.0, None, None)
    assert difference(3, 6, 1, 4) == (0.25, None, None)
    assert difference(30, 60, 4, 40)[1:] == (None, None)
    assert difference(30, 60, 36, 40)[1:] == (None, None)  # only 4 did not come back
    assert difference(5, 10, 5, 10) == (0.0, pytest.approx(-0.4383, abs=1e-4), pytest.approx(0.4383, abs=1e-4))


@pytest.mark.parametrize("month", ["9999-12", "1999-12", "0001-01", "2026-1", "2026-٠١", "２０２６-01"])
def test_month_range_refuses_months_outside_the_years_reports_cover(month):
    with pytest.raises(BadInput) as refused:
        month_range({"month": month})
    assert refused.value.field == "month"


def test_month_range_last_covered_month():
    assert month_range({"month": "2100-12"}) == {"month": "2100-12", "from": "2100-12-01", "to": "2100-12-31"}
