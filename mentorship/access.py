"""Who is a trainer's mentor today: the one question every mentor-only page asks.

An assignment counts while staff have not ended it and today lies within its dates. Ending
it (`assignment_end`) stamps `ended_at`, so access ends with that transaction: nothing is
cached.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mentorship.models import MentorAssignment, MentorProfile
from rehabpath.models import User
from rehabpath.roles import Role, has_role
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


# --- The mentee page (helper `workspace`) ---------------------------------------------------


@dataclass(frozen=True)
class MenteeAccess:
    """A trainer asked for as a mentee, with their current assignment (if any)."""

    trainer: TrainerProfile
    assignment: MentorAssignment | None
    is_their_mentor: bool  # False: programme staff reading


def get_mentee_for_user(user: User, public_id: uuid.UUID) -> MenteeAccess:
    """The trainer whose profile is `public_id`, for their current mentor or programme staff.

    Other roles get 403; a mentor who does not mentor them today (never did, or their
    assignment ended) gets 404, like anyone with no relation to them.
    """
    is_staff = has_role(user, Role.STAFF)
    if not (is_staff or has_role(user, Role.MENTOR)):
        raise PermissionDenied("Only mentors and programme staff see mentees.")
    trainer = TrainerProfile.objects.select_related("user").filter(public_id=public_id).first()
    if trainer is None:
        raise Http404
    assignment = (
        current_assignments()
        .filter(trainer=trainer)
        .select_related("mentor__user")
        .prefetch_related("focus_areas")
        .first()
    )
    mine = assignment is not None and assignment.mentor.user_id == user.pk
    if not (mine or is_staff):
        raise Http404
    return MenteeAccess(trainer, assignment, is_their_mentor=mine)
