"""The weekly digest: one e-mail a week for whoever has something to read in it.

From REMINDER_DIGEST_WEEKDAY (0: Monday) of each ISO week, the sweep's source "digest.weekly"
records one ledger row per person (milestone: the ISO week, "2026-W23"), so a week's digest is
sent once however many sweeps run that week. Who gets one:

- a mentor with current mentees: their sign-off queue and each mentee's progress;
- a clinic admin whose roster changed over the seven days before the digest's day: trainers
  who started or stopped sharing, and the eligibility changes of those sharing
  (EligibilityState: the latest change of each trainer and area);
- anyone who moved kinds of notification to the digest and has rows waiting (status digest).

Nobody else: no digest says "nothing happened". What the digest lists is built when it is
sent (the context builder), in a fixed number of queries per digest. The rows waiting for the
digest are marked `digested` by the builder, the first time it renders, and their ids kept in
the digest row's context: a retried send lists the same rows again. The trade-off: a digest
that then fails for good has marked rows it never mailed; they stay in the notification list,
which is where a person reads them anyway.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from mentorship.access import current_assignments
from mentorship.progress import progress_for_trainers
from mentorship.workspace import mentees_of, waiting_for
from programme.models import EligibilityState, EligibilityStatus
from rehabpath.formats import day_label
from rehabpath.mail import context_builder
from rehabpath.models import Delivery
from rehabpath.notifications import Item, Kind, kind_for, register_kind
from rehabpath.reminders import SweepDay, batched, reminder_source
from rehabpath.roles import Role
from trainers.models import ClinicMembership, ClinicShare

KIND = "digest.weekly"
TEMPLATE = "digest_weekly"
QUEUE_SHOWN = 20  # sessions listed; the count says how many more

register_kind(
    Kind(
        KIND,
        "Weekly digest",
        "Once a week: your sign-off queue and mentees' progress, your clinic roster's "
        "changes, and the notifications you moved to the digest.",
        frozenset({Role.TRAINER, Role.MENTOR, Role.CLINIC_ADMIN}),
        template=TEMPLATE,
    )
)


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_day(day: dt.date) -> dt.date:
    """The day of `day`'s ISO week from which its digest is due."""
    return (
        day - dt.timedelta(days=day.weekday()) + dt.timedelta(days=settings.REMINDER_DIGEST_WEEKDAY)
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.REMINDER_TIME_ZONE))


def period(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The roster changes a digest reports: the seven London days before its digest day."""
    until = digest_day(day)
    return _midnight(until - dt.timedelta(days=7)), _midnight(until)


def _roster_changes(since: dt.datetime, until: dt.datetime) -> Q:
    """Shares (open or not) whose clinic's roster changed in the period."""
    changed = EligibilityState.objects.filter(
        version__gt=1, changed_at__gte=since, changed_at__lt=until
    ).values("trainer_id")
    return (
        Q(trainer_id__in=changed, ended_at__isnull=True)
        | Q(started_at__gte=since, started_at__lt=until)
        | Q(ended_at__gte=since, ended_at__lt=until)
    )


@reminder_source(KIND)
def weekly_digest(day: SweepDay) -> Iterator[list[Item]]:
    """Everyone with something to read this week who has no digest of this week yet.

    Four queries (mentors, clinic admins with roster changes, people with rows waiting for
    the digest, this week's digests already recorded), then one batch of items at a time.
    """
    if day.today < digest_day(day.today):
        return
    week = iso_week(day.today)
    since, until = period(day.today)
    mentors = current_assignments(day.today).values_list("mentor__user_id", flat=True)
    clinics = ClinicShare.objects.filter(_roster_changes(since, until)).values("clinic_id")
    admins = ClinicMembership.objects.filter(clinic_id__in=clinics).values_list(
        "user_id", flat=True
    )
    waiting = (
        Delivery.objects.filter(status=Delivery.Status.DIGEST, recipient__isnull=False)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    done = set(
        Delivery.objects.filter(kind=KIND, milestone=week, recipient__isnull=False).values_list(
            "recipient_id", flat=True
        )
    )
    people = (set(mentors) | set(admins) | set(waiting)) - done
    context = {
        "week": week,
        "week_label": f"week of {day_label(digest_day(day.today))}",
        "since": since.isoformat(),
        "until": until.isoformat(),
    }
    path = reverse("notifications")  # the notification list: the digest's entry opens it
    items = (
        Item(
            kind=KIND,
            subject_key="digest",
            milestone=week,
            recipient_id=user_id,
            context=context,
            path=path,
        )
        for user_id in sorted(people)
    )
    yield from batched(items, day.batch_size)


# --- At send time ----------------------------------------------------------------------------


def _claim_waiting_rows(delivery: Delivery) -> list[int]:
    """The rows this digest lists: taken once (marked digested), then read from its context."""
    listed = delivery.context.get("listed")
    if listed is not None:
        return [int(pk) for pk in listed]
    with transaction.atomic():
        row = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if "listed" in row.context:  # another attempt took them meanwhile
            return [int(pk) for pk in row.context["listed"]]
        ids = list(
            Delivery.objects.filter(recipient_id=row.recipient_id, status=Delivery.Status.DIGEST)
            .exclude(kind=KIND)  # a digest "moved to the digest" is simply not e-mailed
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.DIGESTED)
        row.context = {**row.context, "listed": ids}
        row.save(update_fields=["context"])
    delivery.context = row.context
    return ids


def _title(row: Delivery) -> str:
    text = render_to_string(f"emails/{row.template}_subject.txt", row.context, using="text")
    return " ".join(text.split())


def _waiting_rows(delivery: Delivery) -> list[dict[str, str]]:
    ids = _claim_waiting_rows(delivery)
    rows = Delivery.objects.filter(pk__in=ids).order_by("created_at", "pk")
    return [
        {
            "title": _title(row),
            "kind": kind_for(row.kind).label,
            "link": settings.SITE_URL + row.path if row.path else "",
        }
        for row in rows
    ]


def _mentor_part(delivery: Delivery) -> dict[str, Any]:
    user = delivery.recipient
    assert user is not None  # noqa: S101 - a digest always has a recipient
    waiting = waiting_for(user)
    queue = list(
        waiting.select_related("trainer__user", "condition_area").order_by("submitted_at", "pk")[
            :QUEUE_SHOWN
        ]
    )
    total = waiting.count() if len(queue) == QUEUE_SHOWN else len(queue)
    assignments = mentees_of(user)
    progress = progress_for_trainers([a.trainer for a in assignments])
    mentees = [
        {
            "name": a.trainer.user.name or a.trainer.user.email,
            "link": settings.SITE_URL
            + reverse("mentorship:mentee", kwargs={"public_id": a.trainer.public_id}),
            "areas": [
                {
                    "name": p.area.name,
                    "signed_off": p.signed_off,
                    "required": p.required,
                    "met": p.met,
                }
                for p in progress.get(a.trainer.pk, [])
            ],
        }
        for a in assignments
    ]
    return {
        "queue": [
            {
                "trainer": s.trainer.user.name or s.trainer.user.email,
                "day": day_label(s.session_date),
                "area": s.condition_area.name,
                "link": settings.SITE_URL
                + reverse("mentorship:session", kwargs={"public_id": s.public_id}),
            }
            for s in queue
        ],
        "queue_total": total,
        "queue_link": settings.SITE_URL + reverse("mentorship:queue"),
        "mentees": mentees,
    }


def _roster_part(delivery: Delivery) -> list[dict[str, Any]]:
    """Per clinic of the admin: who started or stopped sharing, whose eligibility changed."""
    if delivery.recipient_id is None:
        return []
    since = dt.datetime.fromisoformat(delivery.context["since"])
    until = dt.datetime.fromisoformat(delivery.context["until"])
    clinics = {
        pk: (public_id, name)
        for pk, public_id, name in ClinicMembership.objects.filter(
            user_id=delivery.recipient_id
        ).values_list("clinic_id", "clinic__public_id", "clinic__name")
    }
    if not clinics:
        return []
    shares = list(
        ClinicShare.objects.filter(_roster_changes(since, until), clinic_id__in=clinics)
        .select_related("trainer__user")
        .order_by("trainer__user__name", "pk")
    )
    open_trainers = {s.trainer_id for s in shares if s.ended_at is None}
    states = list(
        EligibilityState.objects.filter(
            trainer_id__in=open_trainers,
            version__gt=1,
            changed_at__gte=since,
            changed_at__lt=until,
        )
        .select_related("condition_area")
        .order_by("condition_area__name")
    )
    labels = dict(EligibilityStatus.choices)
    by_trainer: dict[int, list[EligibilityState]] = {}
    for state in states:
        by_trainer.setdefault(state.trainer_id, []).append(state)
    parts = []
    for clinic_id, (public_id, name) in sorted(clinics.items(), key=lambda c: c[1][1]):
        lines = []
        for share in (s for s in shares if s.clinic_id == clinic_id):
            who = share.trainer.user.name or share.trainer.user.email
            if share.started_at >= since:
                lines.append(f"{who} started sharing their record")
            if share.ended_at is not None and share.ended_at < until:
                lines.append(f"{who} stopped sharing their record")
            elif share.ended_at is None:
                for state in by_trainer.get(share.trainer_id, []):
                    lines.append(
                        f"{who}: {labels[state.status].lower()} for {state.condition_area.name}"
                        f" (was {labels.get(state.previous_status, '?').lower()})"
                    )
        if lines:
            roster = reverse("programme:roster", kwargs={"clinic_id": public_id})
            parts.append({"name": name, "lines": lines, "link": settings.SITE_URL + roster})
    return parts


@context_builder(TEMPLATE)
def _digest_context(delivery: Delivery) -> dict[str, Any]:
    return {
        **_mentor_part(delivery),
        "clinics": _roster_part(delivery),
        "waiting": _waiting_rows(delivery),
    }
