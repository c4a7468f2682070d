"""Reads for the mentor's workspace: the sign-off queue, the mentee page, the dashboard panel.

A session waits for a mentor when it is submitted, its trainer is a current mentee of theirs
(mentorship.access.current_assignments) and it is dated within that assignment: exactly the
sessions the mentor may decide on. Every read here costs a fixed number of queries, whatever
the number of mentees or sessions.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from mentorship.access import current_assignments
from mentorship.models import (
    MentorAssignment,
    SessionRound,
    SessionStatus,
    SupervisedSession,
    SupervisionMeeting,
)
from mentorship.selectors_meetings import MonthSupervision
from rehabpath.models import User
from rehabpath.paging import cursor_of, parse_cursor
from trainers.models import TrainerProfile

QUEUE_PER_PAGE = 25
# DESIGN.md's reminders: sessions waiting for a mentor more than 7 days are overdue.
OVERDUE_AFTER_DAYS = 7
# An assignment ending within this many days is flagged on the mentee page.
ENDING_SOON_DAYS = 30
RECENT_SIGNED_OFF = 10


def _dated_within(assignments: QuerySet[MentorAssignment]) -> Exists:
    """A session's trainer has one of `assignments`, and the session is dated within it."""
    return Exists(
        assignments.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("session_date")),
            trainer_id=OuterRef("trainer_id"),
            starts_on__lte=OuterRef("session_date"),
        )
    )


def waiting_for(user: User) -> QuerySet[SupervisedSession]:
    """Submitted sessions the mentor `user` may decide on now (no order, nothing joined)."""
    mine = current_assignments().filter(mentor__user_id=user.pk)
    # The IN on the trainers lets PostgreSQL read each mentee's waiting sessions from the
    # partial index (trainer, submitted_at) instead of joining every waiting session in the
    # programme to the mentor's assignments: the cost follows the mentor's queue, not the
    # programme's (docs/PERFORMANCE.md). The Exists keeps the dates rule.
    return SupervisedSession.objects.filter(
        _dated_within(mine),
        trainer_id__in=mine.values("trainer_id"),
        status=SessionStatus.SUBMITTED,
    )


def _with_round(rows: QuerySet[SupervisedSession]) -> QuerySet[SupervisedSession]:
    """Annotate `round_number`: the latest round (1 until a resubmission)."""
    latest = SessionRound.objects.filter(session=OuterRef("pk")).order_by("-number")
    return rows.annotate(round_number=Coalesce(Subquery(latest.values("number")[:1]), 1))


def overdue_since(now: dt.datetime | None = None) -> dt.datetime:
    """Sessions submitted before this have waited more than OVERDUE_AFTER_DAYS days, counted
    in calendar days as the rows show them ("waiting 8 days")."""
    today = timezone.localdate(now or timezone.now())
    first_day_not_overdue = today - dt.timedelta(days=OVERDUE_AFTER_DAYS)
    return timezone.make_aware(dt.datetime.combine(first_day_not_overdue, dt.time.min))


def session_url(session: SupervisedSession) -> str:
    """The session's page, where the mentor reads it and decides in one step."""
    return reverse("mentorship:session", args=[session.public_id])


def mentees_of(user: User) -> list[MentorAssignment]:
    """The mentor's current assignments with their trainers, by name; one query."""
    return list(
        current_assignments()
        .filter(mentor__user_id=user.pk)
        .select_related("trainer__user")
        .order_by("trainer__user__name", "pk")
    )


@dataclass(frozen=True)
class QueueRow:
    session: SupervisedSession
    waiting_days: int
    round_number: int

    @property
    def overdue(self) -> bool:
        return self.waiting_days > OVERDUE_AFTER_DAYS

    @property
    def resubmitted(self) -> bool:
        return self.round_number > 1

    @property
    def url(self) -> str:
        return session_url(self.session)

    @property
    def waiting_label(self) -> str:
        if self.waiting_days == 0:
            return "waiting since today"
        return f"waiting {self.waiting_days} day{'s' if self.waiting_days != 1 else ''}"


def _row(session: SupervisedSession, now: dt.datetime) -> QueueRow:
    submitted = session.submitted_at or now
    days = (timezone.localdate(now) - timezone.localdate(submitted)).days
    return QueueRow(session, max(0, days), int(getattr(session, "round_number", 1)))


@dataclass(frozen=True)
class WaitingCounts:
    total: int
    overdue: int

    @classmethod
    def summed(cls, parts: Iterable["WaitingCounts"]) -> "WaitingCounts":
        rows = list(parts)
        return cls(sum(row.total for row in rows), sum(row.overdue for row in rows))


def waiting_counts(user: User, *, now: dt.datetime | None = None) -> WaitingCounts:
    """How many sessions wait for `user`, and how many of them for over a week; one query."""
    counts = waiting_for(user).aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(submitted_at__lt=overdue_since(now)))
    )
    return WaitingCounts(counts["total"], counts["overdue"])


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None
    is_first: bool


def queue_page(
    user: User, *, after: str | None = None, per_page: int = QUEUE_PER_PAGE
) -> QueuePage:
    """One page of the queue, oldest submission first, from a cursor; one query.

    The cursor is the last row's (submitted_at, id), as rehabpath.paging writes it; the
    partial index on submitted sessions (trainer, submitted_at) serves each mentee's range.
    """
    now = timezone.now()
    rows = _with_round(waiting_for(user)).select_related("trainer__user", "condition_area")
    position = parse_cursor(after)
    if position is not None:
        when, pk = position
        rows = rows.filter(Q(submitted_at__gt=when) | Q(submitted_at=when, pk__gt=pk))
    found = list(rows.order_by("submitted_at", "pk")[: per_page + 1])
    page = found[:per_page]
    cursor = None
    if len(found) > per_page and page[-1].submitted_at is not None:
        cursor = cursor_of(page[-1].submitted_at, page[-1].pk)
    return QueuePage(
        rows=[_row(session, now) for session in page], next_cursor=cursor, is_first=position is None
    )


def waiting_by_trainer(user: User, *, now: dt.datetime | None = None) -> dict[int, WaitingCounts]:
    """Per mentee (trainer id): sessions waiting for `user`, and overdue ones; one query."""
    rows = (
        waiting_for(user)
        .values("trainer_id")
        .annotate(
            total=Count("pk"), overdue=Count("pk", filter=Q(submitted_at__lt=overdue_since(now)))
        )
        .order_by()
    )
    return {row["trainer_id"]: WaitingCounts(row["total"], row["overdue"]) for row in rows}


# --- The mentee page ------------------------------------------------------------------------


@dataclass(frozen=True)
class MenteeSessions:
    waiting: list[QueueRow]
    returned: list[QueueRow]
    signed_off: list[QueueRow]  # the most recent RECENT_SIGNED_OFF


def mentee_sessions(trainer: TrainerProfile, assignment: MentorAssignment | None) -> MenteeSessions:
    """The trainer's waiting and returned sessions and their latest sign-offs; two queries.

    With an assignment, only sessions dated within it: the supervision this mentor answers
    for (the progress table counts every sign-off, whoever gave it).
    """
    now = timezone.now()
    rows = SupervisedSession.objects.filter(trainer=trainer).select_related("condition_area")
    if assignment is not None:
        rows = rows.filter(session_date__gte=assignment.starts_on)
        if assignment.ends_on is not None:
            rows = rows.filter(session_date__lte=assignment.ends_on)
    open_ = list(
        _with_round(
            rows.filter(status__in=[SessionStatus.SUBMITTED, SessionStatus.RETURNED])
        ).order_by("submitted_at", "pk")
    )
    signed = list(
        rows.filter(status=SessionStatus.SIGNED_OFF).order_by("-signed_off_at", "-pk")[
            :RECENT_SIGNED_OFF
        ]
    )
    return MenteeSessions(
        waiting=[_row(s, now) for s in open_ if s.status == SessionStatus.SUBMITTED],
        returned=[_row(s, now) for s in open_ if s.status == SessionStatus.RETURNED],
        signed_off=[_row(s, now) for s in signed],
    )


def ending_soon(assignment: MentorAssignment | None, *, today: dt.date | None = None) -> int | None:
    """Days left when the assignment ends within ENDING_SOON_DAYS, else None."""
    if assignment is None or assignment.ends_on is None:
        return None
    left = (assignment.ends_on - (today or timezone.localdate())).days
    return left if 0 <= left <= ENDING_SOON_DAYS else None


RECENT_MEETINGS = 5


def mentee_meetings(trainer: TrainerProfile) -> list[SupervisionMeeting]:
    """The trainer's latest meetings with any mentor, newest first; one query."""
    return list(
        SupervisionMeeting.objects.filter(assignment__trainer=trainer)
        .select_related("assignment__trainer__user", "assignment__mentor__user", "recorded_by")
        .order_by("-meeting_date", "-pk")[:RECENT_MEETINGS]
    )


def month_missed(
    months: list[MonthSupervision], assignment: MentorAssignment | None
) -> MonthSupervision | None:
    """Last calendar month, when it had no confirmed meeting and the assignment already ran
    then ("one supervision a month"); the month under way is not overdue yet."""
    if assignment is None or len(months) < 2:
        return None
    last = months[-2]
    if last.met or assignment.starts_on > last.month:
        return None
    return last


@dataclass(frozen=True)
class MonthState:
    month: MonthSupervision
    state: str  # "met", "missed", "current" (under way, none yet) or "before" (no assignment yet)


def month_states(
    months: list[MonthSupervision], assignment: MentorAssignment | None
) -> list[MonthState]:
    """Each month of the strip with how to show it: a month before the assignment began, or
    without one, is not a missed month."""
    states = []
    for position, month in enumerate(months):
        if month.met:
            state = "met"
        elif position == len(months) - 1:
            state = "current"
        elif assignment is None or assignment.starts_on > month.month:
            state = "before"
        else:
            state = "missed"
        states.append(MonthState(month, state))
    return states
