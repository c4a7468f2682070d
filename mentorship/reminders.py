"""The reminder sources of mentorship: a scope declaration to renew, supervision overdue, and
a supervised session waiting for its mentor.

- expiry.scope: a declaration's `expires_on` (12 months after signing by default), at
  REMINDER_EXPIRY_DAYS, to the trainer; superseded by any newer declaration of theirs. The
  earlier end a newly published version's grace period may bring is not reminded here (the
  publication itself asks trainers to sign again).
- supervision.overdue: a current assignment (supervised practice) with no supervision meeting
  recorded (awaiting confirmation or confirmed; a disputed one does not count) in the last
  REMINDER_SUPERVISION_OVERDUE_DAYS days, counting from the assignment's start when there was
  none: to the trainer and to their mentor. The milestone is the period: the date counted from
  and how many whole overdue periods have passed since, so it fires once when the supervision
  becomes overdue and once more per further period while it stays so, never daily; a new
  meeting starts a new count.
- session.waiting: a submitted (or resubmitted) session whose latest round has waited more
  than REMINDER_SESSION_WAITING_DAYS whole London days: to the trainer's current mentor, once
  per round.
"""

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.urls import reverse

from mentorship.models import (
    MeetingStatus,
    MentorAssignment,
    ScopeDeclaration,
    SessionRound,
    SessionStatus,
    SupervisedSession,
    SupervisionMeeting,
)
from rehabpath.formats import day_label
from rehabpath.notifications import Item
from rehabpath.reminders import SweepDay, reminder_source
from trainers.models import TrainerProfile
from trainers.reminders import (
    ExpiryNotice,
    expiry_items,
    expiry_window,
    keyset_pages,
    path_template,
    practising,
)

SCOPE_ADVICE = (
    "Without a current scope of practice declaration you cannot be eligible for referrals."
    " Read the current statement and sign it again: it takes a few minutes."
)


@reminder_source("expiry.scope")
def scope_declaration_expiring(day: SweepDay) -> Iterator[list[Item]]:
    """Scope declarations ending within REMINDER_EXPIRY_DAYS, to their trainer."""
    milestones = settings.REMINDER_EXPIRY_DAYS
    first, last = expiry_window(day, milestones)
    newer = ScopeDeclaration.objects.filter(
        trainer_id=OuterRef("trainer_id"), signed_at__gt=OuterRef("signed_at")
    )
    rows = (
        ScopeDeclaration.objects.filter(practising(), expires_on__gte=first, expires_on__lte=last)
        .filter(~Exists(newer))
        .values("id", "public_id", "expires_on", "signed_on", "trainer__user_id")
    )

    scope_path = reverse("mentorship:scope")
    notice = ExpiryNotice(
        kind="expiry.scope",
        subject="scope",
        what="your scope of practice declaration",
        verb="expires",
        advice=SCOPE_ADVICE,
        label=lambda row: f"signed {day_label(row['signed_on'])}",
        path=lambda row: scope_path,
    )

    pages = keyset_pages(rows, date_field="expires_on", batch_size=day.batch_size)
    yield from expiry_items(
        pages, day=day, milestones=milestones, due=lambda row: row["expires_on"], notice=notice
    )


def _name(name: str, email: str) -> str:
    return name or email


@reminder_source("supervision.overdue")
def supervision_overdue(day: SweepDay) -> Iterator[list[Item]]:
    """Current assignments with no meeting in the last REMINDER_SUPERVISION_OVERDUE_DAYS days.

    Keyset pages of open assignments by id (there are as many as trainers in supervised
    practice, each mentor's few); each row's last meeting date comes from the
    (assignment, meeting_date) index in the same query.
    """
    period = settings.REMINDER_SUPERVISION_OVERDUE_DAYS
    today = day.today
    last_meeting = (
        SupervisionMeeting.objects.filter(
            assignment_id=OuterRef("pk"),
            status__in=[MeetingStatus.AWAITING, MeetingStatus.CONFIRMED],
            meeting_date__lte=today,
        )
        .order_by()
        .values("assignment_id")
        .annotate(last=Max("meeting_date"))
        .values("last")
    )
    rows = (
        MentorAssignment.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            ended_at__isnull=True,
            starts_on__lte=today - dt.timedelta(days=period),
            trainer__status=TrainerProfile.Status.ACTIVE,
            trainer__user__is_active=True,
        )
        .annotate(last_meeting=Subquery(last_meeting))
        .values(
            "id",
            "public_id",
            "starts_on",
            "last_meeting",
            "trainer__user_id",
            "trainer__user__name",
            "trainer__user__email",
            "mentor__user_id",
            "mentor__user__name",
            "mentor__user__email",
        )
        .order_by("id")
    )
    after = 0
    while True:
        page = list(rows.filter(id__gt=after)[: day.batch_size])
        items: list[Item] = []
        for row in page:
            since: dt.date = row["last_meeting"] or row["starts_on"]
            overdue_for = (today - since).days
            if overdue_for <= period:
                continue
            periods = overdue_for // period  # 1 when it first becomes overdue
            context = {
                "since": day_label(since),
                "since_iso": since.isoformat(),
                "had_meeting": row["last_meeting"] is not None,
                "days": overdue_for,
                "period_days": period,
                "trainer_name": _name(row["trainer__user__name"], row["trainer__user__email"]),
                "mentor_name": _name(row["mentor__user__name"], row["mentor__user__email"]),
            }
            common = {
                "kind": "supervision.overdue",
                "subject_key": f"supervision:{row['public_id']}",
                "milestone": f"since:{since.isoformat()}:{periods}",
            }
            items.append(
                Item(
                    **common,
                    recipient_id=row["trainer__user_id"],
                    context={**context, "audience": "trainer"},
                    path=reverse("mentorship:meetings"),
                )
            )
            items.append(
                Item(
                    **common,
                    recipient_id=row["mentor__user_id"],
                    context={**context, "audience": "mentor"},
                    path=reverse("mentorship:meeting_new"),
                )
            )
        if items:
            yield items
        if len(page) < day.batch_size:
            return
        after = page[-1]["id"]


@reminder_source("session.waiting")
def session_waiting(day: SweepDay) -> Iterator[list[Item]]:
    """Sessions submitted more than REMINDER_SESSION_WAITING_DAYS whole London days ago and
    still waiting, to the trainer's current mentor: a range of submission times (indexed)."""
    waiting_days = settings.REMINDER_SESSION_WAITING_DAYS
    zone = ZoneInfo(settings.REMINDER_TIME_ZONE)
    # Submitted before the London day `waiting_days` ago began: more than that many days.
    cutoff = dt.datetime.combine(day.today - dt.timedelta(days=waiting_days), dt.time(), zone)
    open_round = SessionRound.objects.filter(session_id=OuterRef("pk"), decision="").values(
        "number"
    )[:1]
    mentor = MentorAssignment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day.today),
        trainer_id=OuterRef("trainer_id"),
        ended_at__isnull=True,
        starts_on__lte=day.today,
    ).values("mentor__user_id")[:1]
    rows = (
        SupervisedSession.objects.filter(
            status=SessionStatus.SUBMITTED, submitted_at__lt=cutoff, trainer__user__is_active=True
        )
        .annotate(round_number=Subquery(open_round), mentor_user_id=Subquery(mentor))
        .values(
            "id",
            "public_id",
            "submitted_at",
            "session_date",
            "round_number",
            "mentor_user_id",
            "condition_area__name",
            "trainer__user__name",
            "trainer__user__email",
        )
    )
    session_path = path_template("mentorship:session")
    for page in keyset_pages(rows, date_field="submitted_at", batch_size=day.batch_size):
        items = [
            Item(
                kind="session.waiting",
                subject_key=f"session_waiting:{row['public_id']}",
                milestone=f"round-{row['round_number'] or 1}",
                recipient_id=row["mentor_user_id"],
                context={
                    "trainer_name": _name(row["trainer__user__name"], row["trainer__user__email"]),
                    "session_day": day_label(row["session_date"]),
                    "area": row["condition_area__name"],
                    "round": row["round_number"] or 1,
                    "submitted_on": day_label(row["submitted_at"].astimezone(zone).date()),
                    "days": (day.today - row["submitted_at"].astimezone(zone).date()).days,
                },
                path=session_path(row["public_id"]),
            )
            for row in page
            if row["mentor_user_id"] is not None
        ]
        if items:
            yield items
