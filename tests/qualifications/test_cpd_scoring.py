"""CPD scoring: the CPD year, points by the policy, neuro hours, months and gaps."""

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from qualifications.scoring import (
    Area,
    Entry,
    Rules,
    anniversary,
    cpd_year_containing,
    cpd_years_between,
    find_gaps,
    score_cpd_year,
)

AREAS = [Area("stroke", "Stroke"), Area("parkinsons", "Parkinson's"), Area("ms", "MS")]
ANCHOR = dt.date(2024, 4, 1)
TODAY = dt.date(2026, 11, 27)
DEFAULT_RULES = Rules()

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
hours = st.decimals(min_value=Decimal("0.25"), max_value=Decimal("100"), places=2)
rates = st.decimals(min_value=Decimal("0"), max_value=Decimal("5"), places=2)
entries = st.builds(
    Entry,
    date=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31)),
    hours=hours,
    endorsed=st.booleans(),
    area_slugs=st.frozensets(st.sampled_from([a.slug for a in AREAS])),
)
rules_strategy = st.builds(
    Rules,
    points_target=st.decimals(min_value=Decimal("0"), max_value=Decimal("50"), places=1),
    endorsed_points_min=st.decimals(min_value=Decimal("0"), max_value=Decimal("50"), places=1),
    endorsed_points_per_hour=rates,
    other_points_per_hour=rates,
    neuro_hours_target=st.decimals(min_value=Decimal("0"), max_value=Decimal("20"), places=1),
    gap_months=st.integers(min_value=1, max_value=12),
)


def score(entries, *, rules=DEFAULT_RULES, as_of=TODAY, anchor=ANCHOR, year_start=None):
    return score_cpd_year(
        rules=rules,
        anchor=anchor,
        entries=entries,
        areas=AREAS,
        as_of=as_of,
        year_start=year_start,
    )


# --- The CPD year ------------------------------------------------------------------------


@given(anchor=days, day=days)
def test_the_cpd_year_contains_the_day_and_starts_on_the_anniversary(anchor, day):
    year = cpd_year_containing(anchor, day)
    assert day in year
    assert year.days in (365, 366)
    assert year.start == anniversary(anchor, year.start.year)
    if (anchor.month, anchor.day) != (2, 29):
        assert (year.start.month, year.start.day) == (anchor.month, anchor.day)
    # The years tile: the next one starts the day after this one ends.
    following = year.following(anchor)
    assert following.start == year.end + dt.timedelta(days=1)
    assert cpd_year_containing(anchor, following.start - dt.timedelta(days=1)) == year


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        # Anchored on 29 February: 28 February is the anniversary in common years.
        (dt.date(2024, 2, 29), dt.date(2024, 2, 29), dt.date(2025, 2, 27)),
        (dt.date(2025, 2, 27), dt.date(2024, 2, 29), dt.date(2025, 2, 27)),
        (dt.date(2025, 2, 28), dt.date(2025, 2, 28), dt.date(2026, 2, 27)),
        (dt.date(2028, 2, 28), dt.date(2027, 2, 28), dt.date(2028, 2, 28)),
        (dt.date(2028, 2, 29), dt.date(2028, 2, 29), dt.date(2029, 2, 27)),
        (dt.date(2028, 3, 1), dt.date(2028, 2, 29), dt.date(2029, 2, 27)),
    ],
)
def test_a_29_february_anchor_falls_on_28_february_in_common_years(day, start, end):
    year = cpd_year_containing(dt.date(2020, 2, 29), day)
    assert (year.start, year.end) == (start, end)


def test_the_year_runs_from_the_anniversary_to_the_day_before_the_next():
    year = cpd_year_containing(dt.date(2019, 9, 15), dt.date(2026, 9, 14))
    assert (year.start, year.end) == (dt.date(2025, 9, 15), dt.date(2026, 9, 14))
    assert cpd_year_containing(dt.date(2019, 9, 15), dt.date(2026, 9, 15)).start == dt.date(
        2026, 9, 15
    )


def test_years_between_lists_every_year_touching_the_period():
    years = cpd_years_between(ANCHOR, dt.date(2025, 3, 31), dt.date(2026, 4, 1))
    assert [y.start for y in years] == [
        dt.date(2024, 4, 1),
        dt.date(2025, 4, 1),
        dt.date(2026, 4, 1),
    ]


# --- Points ---------------------------------------------------------------------------------


@settings(max_examples=200)
@given(batch=st.lists(entries, max_size=25), rules=rules_strategy)
def test_points_follow_the_policy_rates_and_are_never_negative(batch, rules):
    summary = score(batch, rules=rules)
    in_year = [e for e in batch if e.date in summary.year]
    endorsed_hours = sum((e.hours for e in in_year if e.endorsed), Decimal(0))
    other_hours = sum((e.hours for e in in_year if not e.endorsed), Decimal(0))
    assert summary.endorsed_points.achieved == endorsed_hours * rules.endorsed_points_per_hour
    assert summary.points.achieved == (
        endorsed_hours * rules.endorsed_points_per_hour + other_hours * rules.other_points_per_hour
    )
    assert summary.points.achieved >= 0
    assert summary.endorsed_points.achieved >= 0
    assert summary.endorsed_points.achieved <= summary.points.achieved
    assert summary.points.target == rules.points_target
    assert summary.endorsed_points.target == rules.endorsed_points_min
    assert 0 <= summary.points.percent <= 100
    assert summary.points.bar_value <= summary.points.bar_max


@settings(max_examples=100)
@given(batch=st.lists(entries, max_size=15), outside=st.lists(entries, max_size=15))
def test_activities_outside_the_year_do_not_count(batch, outside):
    year = cpd_year_containing(ANCHOR, TODAY)
    inside = [e for e in batch if e.date in year]
    others = [e for e in outside if e.date not in year]
    with_others = score(inside + others)
    alone = score(inside)
    assert with_others.points == alone.points
    assert with_others.endorsed_points == alone.endorsed_points
    assert with_others.neuro == alone.neuro
    assert with_others.months == alone.months
    assert with_others.activity_count == len(inside)


@given(batch=st.lists(entries, max_size=20))
def test_months_tile_the_year_and_add_up_to_its_hours(batch):
    summary = score(batch)
    months = summary.months
    assert len(months) == 12
    assert months[0].start == summary.year.start
    assert months[-1].end == summary.year.end
    for before, after in zip(months, months[1:], strict=False):
        assert after.start == before.end + dt.timedelta(days=1)
    assert sum((m.total for m in months), Decimal(0)) == summary.total_hours


def test_the_cimspa_defaults_score_endorsed_hours_double():
    summary = score(
        [
            Entry(dt.date(2026, 5, 1), Decimal("4"), True),
            Entry(dt.date(2026, 6, 1), Decimal("3"), False),
        ]
    )
    assert summary.points.achieved == Decimal("5.5")
    assert summary.endorsed_points.achieved == Decimal("4")
    assert summary.points.explanation == "Points: 5.5 of 10 points. 4.5 points still to go."
    assert not summary.on_track
    assert summary.endorsed_points.remaining_label == "1 point"


def test_the_policy_is_read_from_the_active_row(db):
    from tests.factories import CPDPolicyFactory

    policy = CPDPolicyFactory(
        name="Strict",
        points_target=Decimal("20"),
        other_points_per_hour=Decimal("0"),
        gap_months=2,
    )
    rules = Rules.from_policy(policy)
    assert rules.points_target == Decimal("20")
    assert rules.points_for(Decimal("3"), endorsed=False) == 0
    assert rules.gap_months == 2
    assert Rules.from_policy(None) == Rules()


def test_neuro_hours_count_each_area_an_activity_is_tagged_with():
    summary = score(
        [
            Entry(dt.date(2026, 5, 1), Decimal("2"), True, frozenset({"stroke", "ms"})),
            Entry(dt.date(2026, 6, 1), Decimal("1.5"), False, frozenset({"stroke"})),
        ]
    )
    by_area = {a.area.slug: a.progress for a in summary.neuro}
    assert by_area["stroke"].achieved == Decimal("3.5")
    assert by_area["stroke"].met
    assert by_area["ms"].achieved == Decimal("2")
    assert by_area["ms"].explanation == "MS hours: 2 of 3 hours. 1 hour still to go."
    assert by_area["parkinsons"].achieved == 0


def test_a_zero_target_is_met_and_draws_a_full_bar():
    summary = score([], rules=Rules(points_target=Decimal(0)))
    assert summary.points.met
    assert summary.points.percent == 100
    assert summary.points.bar_max == summary.points.bar_value == 1


# --- Gaps -----------------------------------------------------------------------------------


def gaps_of(dates, *, as_of=TODAY, rules=DEFAULT_RULES, year_start=None):
    batch = [Entry(d, Decimal(1), False, title=f"on {d}") for d in dates]
    return score(batch, rules=rules, as_of=as_of, year_start=year_start).gaps


def test_no_cpd_since_the_year_began_is_an_ongoing_gap():
    (gap,) = gaps_of([])
    assert (gap.start, gap.end) == (dt.date(2026, 4, 1), TODAY)
    assert gap.ongoing
    assert gap.explanation == (
        "No CPD logged from 1 Apr 2026 to 27 Nov 2026 (241 days, still going on)."
    )


def test_a_young_year_without_cpd_has_no_gap_yet():
    assert gaps_of([], as_of=dt.date(2026, 6, 29)) == ()
    # By the end of 30 June, 1 April to 30 June has gone by without CPD: three months.
    (gap,) = gaps_of([], as_of=dt.date(2026, 6, 30))
    assert (gap.start, gap.end, gap.days) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30), 91)
    # CPD logged today ends the run yesterday, short of three months.
    assert gaps_of([dt.date(2026, 6, 30)], as_of=dt.date(2026, 6, 30)) == ()


def test_a_gap_needs_the_full_three_months():
    # CPD on 1 April, then on 1 July: no CPD from 2 April to 30 June, short of 3 months.
    assert gaps_of([dt.date(2026, 4, 1), dt.date(2026, 7, 1), dt.date(2026, 9, 30)]) == ()
    # Next on 2 July: 2 April to 1 July is 3 months.
    gaps = gaps_of([dt.date(2026, 4, 1), dt.date(2026, 7, 2), dt.date(2026, 9, 30)])
    assert [(g.start, g.end, g.days) for g in gaps] == [
        (dt.date(2026, 4, 2), dt.date(2026, 7, 1), 91)
    ]
    assert gaps[0].after == "on 2026-04-01" and gaps[0].before == "on 2026-07-02"
    assert not gaps[0].ongoing


def test_every_gap_is_flagged_with_its_dates():
    gaps = gaps_of([dt.date(2026, 7, 15), dt.date(2026, 7, 20)])
    assert [(g.start, g.end, g.ongoing) for g in gaps] == [
        (dt.date(2026, 4, 1), dt.date(2026, 7, 14), False),  # from the start of the year
        (dt.date(2026, 7, 21), TODAY, True),  # from the last activity to today
    ]


def test_a_past_year_is_judged_to_its_end_and_nothing_is_ongoing():
    (gap,) = gaps_of([dt.date(2025, 4, 10)], year_start=dt.date(2025, 4, 1))
    assert (gap.start, gap.end) == (dt.date(2025, 4, 11), dt.date(2026, 3, 31))
    assert not gap.ongoing


def test_the_policy_sets_the_gap_length():
    dates = [
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 5),
        dt.date(2026, 8, 1),
        dt.date(2026, 10, 15),
        TODAY,
    ]
    assert gaps_of(dates) == ()
    two_months = gaps_of(dates, rules=Rules(gap_months=2))
    assert [(g.start, g.end) for g in two_months] == [
        (dt.date(2026, 4, 2), dt.date(2026, 6, 4)),
        (dt.date(2026, 8, 2), dt.date(2026, 10, 14)),
    ]


@settings(max_examples=200)
@given(
    dates=st.lists(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 6, 30))),
    gap_months=st.integers(min_value=1, max_value=6),
)
def test_gaps_are_exactly_the_long_runs_without_cpd(dates, gap_months):
    start, end = dt.date(2026, 4, 1), TODAY
    batch = [Entry(d, Decimal(1), True) for d in dates]
    gaps = find_gaps(batch, start=start, end=end, gap_months=gap_months, today=TODAY)
    cpd_days = {d for d in dates if start <= d <= end}
    for gap in gaps:
        assert start <= gap.start <= gap.end <= end
        assert gap.start + relativedelta(months=gap_months) <= gap.end + dt.timedelta(days=1)
        assert not any(gap.start <= d <= gap.end for d in cpd_days)
        # Bounded by CPD or by the period's edges.
        assert gap.start == start or gap.start - dt.timedelta(days=1) in cpd_days
        assert gap.end == end or gap.end + dt.timedelta(days=1) in cpd_days
    # Complete: every run without CPD long enough is one of them.
    edges = [start - dt.timedelta(days=1), *sorted(cpd_days), end + dt.timedelta(days=1)]
    long_runs = [
        (a + dt.timedelta(days=1), b - dt.timedelta(days=1))
        for a, b in zip(edges, edges[1:], strict=False)
        if a + dt.timedelta(days=1) + relativedelta(months=gap_months) <= b
    ]
    assert [(g.start, g.end) for g in gaps] == long_runs


# --- Loading -------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 15])
def test_cpd_summary_for_runs_four_queries(db, rows, django_assert_num_queries):
    from qualifications.selectors import cpd_summary_for
    from tests import factories

    profile = factories.TrainerProfileFactory()
    area = factories.ConditionAreaFactory()
    for i in range(rows):
        activity = factories.CPDActivityFactory(
            trainer=profile, date=dt.date(2026, 4, 2) + dt.timedelta(days=i)
        )
        activity.condition_areas.add(area)
    with django_assert_num_queries(4):  # policy, activities, their areas, condition areas
        summary = cpd_summary_for(profile, today=TODAY)
    assert summary.activity_count == rows
    assert {a.area.slug: a.progress.achieved for a in summary.neuro}[area.slug] == 3 * rows
