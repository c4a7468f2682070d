"""Supervised-practice progress by condition area and complexity level."""

import pytest
import time_machine

from mentorship.models import SessionStatus
from mentorship.progress import (
    Area,
    Requirements,
    SessionCount,
    current_requirements,
    progress_for_trainer,
    progress_for_trainers,
    register_requirements_source,
    supervised_progress,
)
from programme.pathway.supervision import supervised_requirements
from tests import factories
from tests.mentorship.workspace_data import make_session

STROKE = Area(1, "stroke", "Stroke")
MS = Area(2, "ms", "Multiple sclerosis")


@pytest.fixture
def source():
    """Whatever a test registers, the pathway's source is back afterwards."""
    yield register_requirements_source
    register_requirements_source(supervised_requirements)


def test_the_defaults_are_six_four_two():
    assert Requirements().per_level == (6, 4, 2)


def test_the_registered_source_gives_the_counts(source):
    source(lambda: Requirements((3, 2, 1)))
    assert current_requirements().required_at(3) == 1


def test_with_no_source_the_built_in_counts_hold(source):
    source(None)
    assert current_requirements().per_level == (6, 4, 2)


def test_requirements_need_one_count_per_level():
    with pytest.raises(ValueError, match="one per complexity level"):
        Requirements((6, 4))


def test_counts_each_status_at_its_own_level_and_area():
    counts = [
        SessionCount(1, 1, SessionStatus.SIGNED_OFF, 6),
        SessionCount(1, 2, SessionStatus.SIGNED_OFF, 1),
        SessionCount(1, 2, SessionStatus.SUBMITTED, 2),
        SessionCount(1, 3, SessionStatus.RETURNED),
        SessionCount(1, 3, SessionStatus.DRAFT, 5),  # drafts never count
        SessionCount(2, 3, SessionStatus.SIGNED_OFF, 2),
        SessionCount(9, 1, SessionStatus.SIGNED_OFF, 9),  # an area not shown
    ]
    stroke, ms = supervised_progress([STROKE, MS], counts, Requirements())

    one, two, three = stroke.levels
    assert (one.signed_off, one.required, one.met) == (6, 6, True)
    assert (two.signed_off, two.waiting, two.met, two.remaining) == (1, 2, False, 3)
    assert (three.signed_off, three.returned, three.waiting) == (0, 1, 0)
    assert not stroke.met and stroke.signed_off == 7 and stroke.waiting == 2
    # A level 3 sign-off does not stand in for the missing lower levels.
    assert [level.signed_off for level in ms.levels] == [0, 0, 2] and not ms.met


def test_explanations_say_what_is_still_needed():
    counts = [SessionCount(1, 1, SessionStatus.SIGNED_OFF, 2), SessionCount(1, 1, "submitted")]
    (stroke,) = supervised_progress([STROKE], counts, Requirements())
    assert stroke.levels[0].explanation == (
        "Level 1: 2 of 6 signed off, 4 more needed; 1 waiting for sign-off."
    )
    assert stroke.levels[2].explanation == "Level 3: 0 of 2 signed off, 2 more needed."
    assert stroke.explanation == (
        "Stroke: 4 at level 1, 4 at level 2 and 2 at level 3 still to be signed off."
    )
    (done,) = supervised_progress(
        [STROKE], [SessionCount(1, lv, "signed_off", 6) for lv in (1, 2, 3)], Requirements()
    )
    assert done.met and done.explanation == "Stroke: every level met (18 sessions signed off)."
    assert done.levels[1].explanation == "Level 2: 6 of 4 signed off (met)."


@time_machine.travel("2026-03-10 12:00Z")
@pytest.mark.django_db
def test_shows_focus_areas_and_areas_with_sessions_in_catalogue_order():
    first = factories.ConditionAreaFactory(slug="stroke", name="Stroke", position=1)
    second = factories.ConditionAreaFactory(slug="ms", name="MS", position=2)
    third = factories.ConditionAreaFactory(slug="pd", name="Parkinson's", position=3)
    drafted = factories.ConditionAreaFactory(slug="tbi", name="Brain injury", position=4)
    assignment = factories.MentorAssignmentFactory()
    assignment.focus_areas.add(third)
    trainer = assignment.trainer
    make_session(trainer, area=second, status=SessionStatus.SIGNED_OFF, complexity=2)
    make_session(trainer, area=first, status=SessionStatus.SUBMITTED)
    make_session(trainer, area=drafted, status=SessionStatus.DRAFT)

    progress = progress_for_trainer(trainer)

    assert [row.area.name for row in progress] == ["Stroke", "MS", "Parkinson's"]
    assert progress[0].levels[0].waiting == 1
    assert progress[1].levels[1].signed_off == 1
    assert progress[2].signed_off == 0


@time_machine.travel("2026-03-10 12:00Z")
@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.django_db
def test_loading_many_trainers_costs_three_queries(size, django_assert_num_queries):
    areas = [factories.ConditionAreaFactory() for _ in range(3)]
    trainers = []
    for n in range(size):
        assignment = factories.MentorAssignmentFactory()
        assignment.focus_areas.add(areas[n % 3])
        make_session(assignment.trainer, area=areas[(n + 1) % 3], status="signed_off")
        trainers.append(assignment.trainer)

    with django_assert_num_queries(3):  # the counts asked for are the caller's to read
        progress = progress_for_trainers(trainers, requirements=Requirements())

    assert len(progress) == size
    assert all(len(rows) == 2 for rows in progress.values())
