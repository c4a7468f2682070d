"""The monthly supervision count: confirmed meetings only, by calendar month, in one query."""

import datetime as dt

import pytest
import time_machine

from mentorship.models import MeetingStatus
from mentorship.selectors_meetings import supervision_by_month, supervision_by_month_for
from tests import factories


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


def _meeting(assignment, day, *, confirmed=True):
    extra = {}
    if confirmed:
        extra = {
            "status": MeetingStatus.CONFIRMED,
            "confirmed_by": assignment.trainer.user,
            "confirmed_at": dt.datetime.combine(day, dt.time(18), tzinfo=dt.UTC),
        }
    return factories.SupervisionMeetingFactory(assignment=assignment, meeting_date=day, **extra)


def _met(months):
    return [(m.month, m.met) for m in months]


def test_each_of_the_last_months_says_whether_a_confirmed_meeting_took_place(
    db, django_assert_num_queries
):
    assignment = factories.MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))
    _meeting(assignment, dt.date(2026, 4, 1))
    _meeting(assignment, dt.date(2026, 4, 30))
    _meeting(assignment, dt.date(2026, 5, 20), confirmed=False)  # waiting: does not count
    _meeting(assignment, dt.date(2026, 6, 15))
    _meeting(assignment, dt.date(2026, 3, 31))  # before the window

    with django_assert_num_queries(1):
        months = supervision_by_month(assignment.trainer, months=3)

    assert _met(months) == [
        (dt.date(2026, 4, 1), True),
        (dt.date(2026, 5, 1), False),
        (dt.date(2026, 6, 1), True),
    ]
    assert [m.confirmed for m in months] == [2, 0, 1]
    assert months[0].label == "April 2026"


def test_disputed_meetings_do_not_count(db):
    assignment = factories.MentorAssignmentFactory()
    factories.SupervisionMeetingFactory(
        assignment=assignment,
        meeting_date=dt.date(2026, 6, 2),
        status=MeetingStatus.DISPUTED,
        disputed_at=dt.datetime(2026, 6, 3, tzinfo=dt.UTC),
        dispute_reason="It did not happen.",
    )
    assert not supervision_by_month(assignment.trainer, months=1)[0].met


def test_meetings_with_an_earlier_mentor_count_too(db):
    trainer = factories.TrainerProfileFactory()
    earlier = factories.MentorAssignmentFactory(
        trainer=trainer,
        starts_on=dt.date(2026, 1, 1),
        ended_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
        end_reason="Moved on.",
    )
    current = factories.MentorAssignmentFactory(trainer=trainer, starts_on=dt.date(2026, 5, 1))
    _meeting(earlier, dt.date(2026, 4, 10))
    _meeting(current, dt.date(2026, 5, 10))

    assert [m.met for m in supervision_by_month(trainer, months=3)] == [True, True, False]


def test_the_months_run_across_the_turn_of_the_year(db):
    assignment = factories.MentorAssignmentFactory(starts_on=dt.date(2025, 1, 1))
    _meeting(assignment, dt.date(2025, 12, 24))
    with time_machine.travel(dt.datetime(2026, 1, 20, 12, tzinfo=dt.UTC), tick=False):
        months = supervision_by_month(assignment.trainer, months=3)
    assert _met(months) == [
        (dt.date(2025, 11, 1), False),
        (dt.date(2025, 12, 1), True),
        (dt.date(2026, 1, 1), False),
    ]


def test_a_meeting_dated_later_than_today_is_not_counted_yet(db):
    assignment = factories.MentorAssignmentFactory()
    _meeting(assignment, dt.date(2026, 6, 20))  # only the factory can write this
    assert not supervision_by_month(assignment.trainer, months=1)[0].met


@pytest.mark.parametrize("n", [2, 20])
def test_many_trainers_are_counted_in_one_query(db, n, django_assert_num_queries):
    assignments = [factories.MentorAssignmentFactory() for _ in range(n)]
    for assignment in assignments[::2]:
        _meeting(assignment, dt.date(2026, 6, 1))
    lonely = factories.TrainerProfileFactory()

    with django_assert_num_queries(1):
        by_trainer = supervision_by_month_for(
            [a.trainer for a in assignments] + [lonely.pk], months=2
        )

    assert len(by_trainer) == n + 1
    for i, assignment in enumerate(assignments):
        assert [m.met for m in by_trainer[assignment.trainer.pk]] == [False, i % 2 == 0]
    assert [m.met for m in by_trainer[lonely.pk]] == [False, False]


def test_no_trainers_ask_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert supervision_by_month_for([], months=3) == {}


def test_at_least_one_month_is_asked_for(db):
    with pytest.raises(ValueError, match="at least 1"):
        supervision_by_month(factories.TrainerProfileFactory(), months=0)
