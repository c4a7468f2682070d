"""Reads for the staff mentoring screen: each runs a fixed number of queries.

Trainers without a mentor are keyset-paged in name order (the cursor is the last row's
public id); mentors are few (hundreds) and listed with their open assignments counted in the
same query.
"""

import uuid
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from mentorship.models import MentorAssignment, MentorProfile
from rehabpath.search import people_matching
from trainers.models import TrainerProfile

PER_PAGE = 25
MENTORS_SHOWN = 50


def _not_lapsed(rows: QuerySet[MentorAssignment]) -> QuerySet[MentorAssignment]:
    """Leave out assignments past their end date: they no longer count (the service closes
    them when it next assigns that mentor or trainer)."""
    return rows.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate()))


@dataclass(frozen=True)
class TrainerPage:
    rows: list[TrainerProfile]
    next_cursor: str | None


def trainers_without_mentor(
    *, query: str = "", after: str | None = None, per_page: int = PER_PAGE
) -> TrainerPage:
    """Active trainers with no open assignment, by name; two queries with a cursor, else one."""
    open_ = _not_lapsed(MentorAssignment.objects.filter(ended_at__isnull=True)).values("trainer_id")
    profiles = (
        TrainerProfile.objects.filter(status=TrainerProfile.Status.ACTIVE)
        .exclude(id__in=open_)
        .select_related("user")
    )
    if query:
        profiles = profiles.filter(user_id__in=people_matching(query).values("id"))
    try:
        cursor_id = uuid.UUID(after) if after else None
    except ValueError:
        cursor_id = None
    if cursor_id is not None:
        cursor = (
            TrainerProfile.objects.filter(public_id=cursor_id)
            .values_list("user__name", "user_id")
            .first()
        )
        if cursor is not None:
            name, user_id = cursor
            profiles = profiles.filter(
                Q(user__name__gt=name) | Q(user__name=name, user_id__gt=user_id)
            )
    rows = list(profiles.order_by("user__name", "user_id")[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    return TrainerPage(rows, str(rows[-1].public_id) if more and rows else None)


def mentors_with_room(*, query: str = "", limit: int = MENTORS_SHOWN) -> list[MentorProfile]:
    """Accepting mentors below capacity, by name, each with `open_count`; one query."""
    mentors = (
        MentorProfile.objects.filter(is_accepting=True)
        .annotate(
            open_count=Count(
                "assignments",
                filter=Q(assignments__ended_at__isnull=True)
                & (
                    Q(assignments__ends_on__isnull=True)
                    | Q(assignments__ends_on__gte=timezone.localdate())
                ),
            )
        )
        .filter(open_count__lt=F("capacity"))
        .select_related("user")
    )
    if query:
        mentors = mentors.filter(user_id__in=people_matching(query).values("id"))
    return list(mentors.order_by("user__name", "pk")[:limit])


@dataclass(frozen=True)
class AssignmentPage:
    rows: list[MentorAssignment]
    next_cursor: int | None


def open_assignments(*, after: int | None = None, per_page: int = PER_PAGE) -> AssignmentPage:
    """Open assignments, newest first (by id); two queries (the page, its focus areas)."""
    rows_qs = (
        _not_lapsed(MentorAssignment.objects.filter(ended_at__isnull=True))
        .select_related("mentor__user", "trainer__user")
        .prefetch_related("focus_areas")
        .order_by("-pk")
    )
    if after is not None:
        rows_qs = rows_qs.filter(pk__lt=after)
    rows = list(rows_qs[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    return AssignmentPage(rows, rows[-1].pk if more and rows else None)
