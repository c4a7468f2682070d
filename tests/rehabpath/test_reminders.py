"""The reminder sweep's date arithmetic: milestones as ranges, today in Europe/London, and each
milestone firing once on the right London day across both British Summer Time changes and
either side of midnight (hypothesis over dates)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rehabpath.models import Delivery
from rehabpath.reminders import local_today, milestone_for, milestone_label, sweep
from tests.factories import InsuranceFactory
from trainers.models import VerificationStatus

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
MILESTONES = [90, 30, 7, 0]


def last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


# The days the clocks change (last Sunday of March and of October), 2026-2030.
CLOCK_CHANGES = [last_sunday(year, month) for year in range(2026, 2031) for month in (3, 10)]


def test_the_clock_change_days_are_right():
    assert last_sunday(2026, 3) == dt.date(2026, 3, 29)
    assert last_sunday(2026, 10) == dt.date(2026, 10, 25)
    assert dt.datetime(2026, 3, 29, 12, tzinfo=LONDON).utcoffset() == dt.timedelta(hours=1)
    assert dt.datetime(2026, 3, 28, 12, tzinfo=LONDON).utcoffset() == dt.timedelta(0)


@given(days_left=st.integers(-400, 400))
def test_the_milestone_is_the_smallest_not_below_the_days_left(days_left):
    reached = milestone_for(days_left, MILESTONES)
    if days_left < 0 or days_left > max(MILESTONES):
        assert reached is None
    else:
        assert reached is not None and reached >= days_left
        assert not [m for m in MILESTONES if days_left <= m < reached]


@given(days_left=st.integers(0, 90))
def test_a_milestone_once_reached_stays_until_the_next(days_left):
    # Counting down one day never moves back to an earlier (larger) milestone: a sweep that
    # missed days sends the milestone reached, never an earlier one late.
    today, tomorrow = milestone_for(days_left, MILESTONES), milestone_for(days_left - 1, MILESTONES)
    assert tomorrow is None or today is None or tomorrow <= today


def test_milestone_labels():
    assert [milestone_label(m) for m in MILESTONES] == ["90d", "30d", "7d", "0d"]


@given(
    day=st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31)),
    minute=st.sampled_from([dt.time(23, 59), dt.time(0, 1), dt.time(0, 0), dt.time(23, 0)]),
)
def test_today_is_the_london_date_whatever_the_utc_date(day, minute):
    local = dt.datetime.combine(day, minute, tzinfo=LONDON)
    assert local_today(local.astimezone(UTC)) == day


def test_just_after_midnight_in_summer_is_still_yesterday_in_utc():
    # 00:01 on 1 July in London is 23:01 UTC on 30 June: the sweep's day is 1 July.
    now = dt.datetime(2026, 6, 30, 23, 1, tzinfo=UTC)
    assert local_today(now) == dt.date(2026, 7, 1)
    assert local_today(dt.datetime(2026, 1, 1, 0, 1, tzinfo=UTC)) == dt.date(2026, 1, 1)


def sweep_instants(day: dt.date) -> list[dt.datetime]:
    """Either side of midnight in London and in UTC, around the start of `day` (London)."""
    london_midnight = dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)
    utc_midnight = dt.datetime.combine(day, dt.time(0), tzinfo=UTC)
    minute = dt.timedelta(minutes=1)
    return sorted(
        {
            london_midnight - minute,
            london_midnight + minute,
            utc_midnight - minute,
            utc_midnight + minute,
        }
    )


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    change=st.sampled_from(CLOCK_CHANGES),
    offset=st.integers(-5, 95),
)
def test_each_milestone_fires_once_on_its_london_day_across_the_clock_changes(
    settings, change, offset
):
    """An expiry `offset` days after a clock change (so a milestone's day is the change day,
    or either side of it): sweeping at every minute either side of midnight, London's and
    UTC's, every milestone is recorded once, by the first sweep of its London day."""
    settings.REMINDER_EXPIRY_DAYS = MILESTONES
    expires_on = change + dt.timedelta(days=offset)
    first_day = expires_on - dt.timedelta(days=max(MILESTONES) + 2)
    fired: list[tuple[str, dt.date, dt.datetime]] = []
    with transaction.atomic():
        InsuranceFactory(
            status=VerificationStatus.VERIFIED,
            starts_on=expires_on - dt.timedelta(days=365),
            expires_on=expires_on,
        )
        # Every minute either side of midnight near a milestone's day, noon on the others.
        near = {
            expires_on - dt.timedelta(days=m + shift) for m in MILESTONES for shift in (-1, 0, 1)
        }
        seen: set[str] = set()
        day = first_day
        while day <= expires_on + dt.timedelta(days=2):
            instants = (
                sweep_instants(day)
                if day in near
                else [dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)]
            )
            for now in instants:
                sweep(now=now, only=["expiry.insurance"])
                milestones = set(
                    Delivery.objects.filter(kind="expiry.insurance").values_list(
                        "milestone", flat=True
                    )
                )
                fired += [(m, local_today(now), now) for m in sorted(milestones - seen)]
                seen = milestones
            day += dt.timedelta(days=1)
        transaction.set_rollback(True)
    expected = [
        (f"{expires_on.isoformat()}:{m}d", expires_on - dt.timedelta(days=m)) for m in MILESTONES
    ]
    assert sorted((m, d) for m, d, _ in fired) == sorted(expected)
    for _milestone, london_day, now in fired:
        # The first sweep of that London day: 00:01 there (23:01 UTC the day before in summer).
        assert now.astimezone(LONDON).date() == london_day
        assert now.astimezone(LONDON).time() == dt.time(0, 1)
