"""Who is a trainer's mentor today: the one question every mentor-only page asks.

An assignment counts while staff have not ended it and today lies within its dates. Ending
it (`assignment_end`) stamps `ended_at`, so access ends with that transaction: nothing is
cached.
"""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from mentorship.models import MentorAssignment, MentorProfile
from rehabpath.models import User
from trainers.models import TrainerProfile


def current_assignments(on: dt.date | None = None) -> QuerySet[MentorAssignment]:
    """Assignments in force on `on` (today): open, started, and not past their end date."""
    day = on or timezone.localdate()
    return MentorAssignment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day), ended_at__isnull=True, starts_on__lte=day
    )


def current_assignment_of(
    trainer: TrainerProfile, on: dt.date | None = None
) -> MentorAssignment | None:
    return current_assignments(on).filter(trainer=trainer).select_related("mentor__user").first()


def current_mentor_of(trainer: TrainerProfile, on: dt.date | None = None) -> MentorProfile | None:
    assignment = current_assignment_of(trainer, on)
    return assignment.mentor if assignment is not None else None


def is_current_mentor(user: User, trainer: TrainerProfile, on: dt.date | None = None) -> bool:
    return current_assignments(on).filter(trainer=trainer, mentor__user=user).exists()


def current_mentees_of(mentor: MentorProfile) -> QuerySet[MentorAssignment]:
    return (
        current_assignments()
        .filter(mentor=mentor)
        .select_related("trainer__user")
        .order_by("trainer__user__name", "pk")
    )
