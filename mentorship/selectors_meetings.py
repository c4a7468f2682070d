"""Reads of supervision meetings: the lists, what waits for someone, and the monthly count.

The pathway asks for "at least one supervision meeting a month": `supervision_by_month` (one
trainer) and `supervision_by_month_for` (many, e.g. a mentor's mentees or the benchmark's
thousands) answer for each of the last N calendar months whether a *confirmed* meeting took
place, in one query either way. Meetings with an earlier mentor count too: the supervision
belongs to the trainer, not to the assignment.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from mentorship.access import current_assignments
from mentorship.models import MeetingStatus, SupervisionMeeting
from rehabpath.models import User
from rehabpath.roles import Role, has_role
from trainers.models import TrainerProfile

DEFAULT_MONTHS = 6


@dataclass(frozen=True)
class MonthSupervision:
    month: dt.date  # the first day of the calendar month
    confirmed: int  # confirmed meetings dated in it

    @property
    def met(self) -> bool:
        return self.confirmed > 0

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"


def _month_starts(months: int, today: dt.date) -> list[dt.date]:
    """The first days of the last `months` calendar months, oldest first, this one last."""
    if months < 1:
        raise ValueError("months must be at least 1")
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _counts(
    trainer_ids: list[int], starts: list[dt.date], today: dt.date
) -> dict[tuple[int, dt.date], int]:
    rows = (
        SupervisionMeeting.objects.filter(
            assignment__trainer_id__in=trainer_ids,
            status=MeetingStatus.CONFIRMED,
            meeting_date__gte=starts[0],
            meeting_date__lte=today,
        )
        .annotate(month=TruncMonth("meeting_date"))
        .values_list("assignment__trainer_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[int, dt.date], int] = {}
    for trainer_id, month, n in rows:
        # TruncMonth of a DateField is a date; some backends hand back a datetime.
        day = month.date() if isinstance(month, dt.datetime) else month
        counts[(trainer_id, day)] = n
    return counts


def supervision_by_month_for(
    trainers: Iterable[TrainerProfile | int],
    *,
    months: int = DEFAULT_MONTHS,
    today: dt.date | None = None,
) -> dict[int, list[MonthSupervision]]:
    """{trainer profile id: the last `months` calendar months, oldest first}; one query."""
    today = today or timezone.localdate()
    ids = [t.pk if isinstance(t, TrainerProfile) else t for t in trainers]
    starts = _month_starts(months, today)
    counts = _counts(ids, starts, today) if ids else {}
    return {
        trainer_id: [MonthSupervision(s, counts.get((trainer_id, s), 0)) for s in starts]
        for trainer_id in ids
    }


def supervision_by_month(
    trainer: TrainerProfile, *, months: int = DEFAULT_MONTHS, today: dt.date | None = None
) -> list[MonthSupervision]:
    """The last `months` calendar months of one trainer, oldest first; one query."""
    return supervision_by_month_for([trainer], months=months, today=today)[trainer.pk]


# --- Lists ------------------------------------------------------------------------------------


def _listed(rows: QuerySet[SupervisionMeeting]) -> QuerySet[SupervisionMeeting]:
    return rows.select_related(
        "assignment__trainer__user", "assignment__mentor__user", "recorded_by"
    ).order_by("-meeting_date", "-pk")


def _visible_to(user: User) -> Q:
    """The meetings a user reads in their list: their own as a trainer, and as a mentor every
    meeting of a current mentee (as `get_meeting_for_user` lets them read)."""
    visible = Q(pk__in=[])
    if has_role(user, Role.TRAINER):
        visible |= Q(assignment__trainer__user=user)
    if has_role(user, Role.MENTOR):
        mentees = current_assignments().filter(mentor__user=user).values("trainer_id")
        visible |= Q(assignment__trainer_id__in=mentees)
    return visible


def meetings_for(user: User) -> QuerySet[SupervisionMeeting]:
    """Every meeting in the user's list, newest first (page it)."""
    return _listed(SupervisionMeeting.objects.filter(_visible_to(user)))


def _waiting_for(user: User) -> Q:
    """Meetings waiting for this user: to confirm (recorded by the other person) or, when
    disputed, to correct (recorded by them). A mentor acts only within a current assignment."""
    current = current_assignments().values("pk")
    party = Q(assignment__trainer__user=user) | Q(
        assignment__mentor__user=user, assignment__in=current
    )
    to_confirm = Q(status=MeetingStatus.AWAITING) & ~Q(recorded_by=user)
    to_correct = Q(status=MeetingStatus.DISPUTED, recorded_by=user, assignment__in=current)
    return party & (to_confirm | to_correct)


def meetings_waiting_for(user: User) -> list[SupervisionMeeting]:
    """Oldest first: the longest wait comes first."""
    rows = SupervisionMeeting.objects.filter(_waiting_for(user))
    return list(_listed(rows).order_by("meeting_date", "pk"))


def meetings_waiting_count(user: User) -> int:
    """For the dashboards' attention links; one query."""
    return SupervisionMeeting.objects.filter(_waiting_for(user)).count()


@dataclass(frozen=True)
class SupervisionRow:
    """One trainer's last months, for the list page: the user themself or a mentee."""

    trainer: TrainerProfile
    is_self: bool
    months: list[MonthSupervision]


def supervision_overview(user: User, *, months: int = DEFAULT_MONTHS) -> list[SupervisionRow]:
    """The user's own months as a trainer, then each current mentee's; two queries at most
    (the mentees, the counts)."""
    trainers: list[tuple[TrainerProfile, bool]] = []
    if has_role(user, Role.TRAINER):
        trainers.append((user.trainer_profile, True))
    if has_role(user, Role.MENTOR):
        mentees = (
            current_assignments()
            .filter(mentor__user=user)
            .select_related("trainer__user")
            .order_by("trainer__user__name", "pk")
        )
        trainers += [(assignment.trainer, False) for assignment in mentees]
    by_trainer = supervision_by_month_for([t for t, _ in trainers], months=months)
    return [SupervisionRow(t, is_self, by_trainer[t.pk]) for t, is_self in trainers]
