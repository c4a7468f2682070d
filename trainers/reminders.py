"""The reminder sources of trainers (insurance about to expire, DBS recheck due), and the
helpers every expiry source shares (qualifications and mentorship use them too).

A source reads one indexed range of dates, a keyset page of `day.batch_size` rows at a time,
so a sweep's queries grow with its batches, never with its trainers. "Due" is a range of days
(rehabpath.reminders.milestone_for): every record whose date falls within the first milestone
is found on every sweep, and the ledger's unique key drops the milestones already recorded. A
sweep that missed days still sends the milestone reached, once; an earlier one is never sent
late. The milestone key holds the date it counts to, so a renewed or corrected date gets its
own reminders.

What is skipped, and why:
- rejected records: they count for nothing. Pending ones are reminded like verified ones (see
  REMINDED): a trainer who corrects an expiry date sends the record back to staff, and the
  date is still theirs to act on; staff hear of the wait from evidence.waiting;
- records superseded by a newer verified record of the same kind (a renewed policy): the
  trainer has done what the reminder would ask. A pending renewal does not supersede: until
  staff verify it the trainer is not covered, and the reminder is still true;
- suspended trainers and deactivated accounts: they cannot practise on the programme, and a
  reminder would read as an invitation to. Reinstated, they get the milestone reached by then
  (the catch-up rule), not the ones missed.
"""

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse

from rehabpath.formats import day_label
from rehabpath.models import User
from rehabpath.notifications import Item
from rehabpath.reminders import (
    SweepDay,
    batched,
    milestone_for,
    milestone_label,
    reminder_source,
)
from trainers.models import DBSCheck, Insurance, TrainerProfile, VerificationStatus

Row = dict[str, Any]


def keyset_pages(
    rows: models.QuerySet[Any], *, date_field: str, batch_size: int
) -> Iterator[list[Row]]:
    """`rows` (a .values() queryset) a page at a time in (date_field, id) order.

    One query per page, each an index range scan starting where the last page ended (no
    OFFSET); a page shorter than `batch_size` is the last.
    """
    ordered = rows.order_by(date_field, "id")
    after: tuple[dt.date, int] | None = None
    while True:
        page = ordered
        if after is not None:
            last_date, last_id = after
            page = page.filter(
                Q(**{f"{date_field}__gt": last_date})
                | Q(**{date_field: last_date, "id__gt": last_id})
            )
        batch = list(page[:batch_size])
        if batch:
            yield batch
        if len(batch) < batch_size:
            return
        after = (batch[-1][date_field], batch[-1]["id"])


def expiry_window(day: SweepDay, milestones: Sequence[int]) -> tuple[dt.date, dt.date]:
    """The dates due on `day`: from today (the day itself) to the first milestone ahead."""
    return day.today, day.today + dt.timedelta(days=max(milestones))


@dataclass(frozen=True)
class ExpiryNotice:
    """How one expiry source words its reminder; every source builds its items alike.

    The rows a source reads carry `public_id` and `trainer__user_id`; `label` and `path` read
    what else the mail names (a policy number, a certificate's type) and the page concerned.
    """

    kind: str  # "expiry.insurance"
    subject: str  # the subject key's prefix: "insurance" gives "insurance:<public id>"
    what: str  # "your insurance"
    verb: str  # "expires", "is due for a recheck"
    advice: str  # what to do, one or two sentences
    label: Callable[[Row], str]
    path: Callable[[Row], str]

    def item(self, row: Row, *, due_on: dt.date, milestone: int, today: dt.date) -> Item:
        return Item(
            kind=self.kind,
            subject_key=f"{self.subject}:{row['public_id']}",
            milestone=expiry_milestone(due_on, milestone),
            recipient_id=row["trainer__user_id"],
            context=expiry_context(
                what=self.what,
                verb=self.verb,
                label=self.label(row),
                advice=self.advice,
                due_on=due_on,
                today=today,
                milestone=milestone,
            ),
            path=self.path(row),
        )


def expiry_items(
    pages: Iterator[list[Row]],
    *,
    day: SweepDay,
    milestones: Sequence[int],
    due: Callable[[Row], dt.date | None],
    notice: ExpiryNotice,
) -> Iterator[list[Item]]:
    """The items of each page: one per record at the milestone its due date reached today.

    `due` gives a row's date (a stored expiry, or one derived from an issue date: the range
    queried may then be a few days wider than the window, and rows outside it are dropped).
    """
    for page in pages:
        items = []
        for row in page:
            due_on = due(row)
            if due_on is None:
                continue
            milestone = milestone_for((due_on - day.today).days, milestones)
            if milestone is not None:
                items.append(notice.item(row, due_on=due_on, milestone=milestone, today=day.today))
        if items:
            yield items


def months_before(day: dt.date, months: int) -> dt.date:
    return day - relativedelta(months=months)


# Dates derived by adding months clamp at a month's end (31 Jan + 1 month = 28 Feb), so the
# issue dates that give an expiry in a window are found in a range a few days wider.
MONTH_END_SLACK = dt.timedelta(days=4)


def expiry_milestone(due_on: dt.date, milestone: int) -> str:
    """The ledger's milestone: the date counted to and the milestone ("2027-05-31:30d")."""
    return f"{due_on.isoformat()}:{milestone_label(milestone)}"


def expiry_context(
    *,
    what: str,
    verb: str,
    label: str,
    advice: str,
    due_on: dt.date,
    today: dt.date,
    milestone: int,
) -> dict[str, Any]:
    """What the shared expiry mail (templates/emails/expiry_*) reads: plain values only."""
    return {
        "what": what,  # "your insurance"
        "verb": verb,  # "expires", "is due for a recheck"
        "record_label": label,
        "advice": advice,  # what to do, one or two sentences
        "due_on": day_label(due_on),
        "due_on_iso": due_on.isoformat(),
        "days_left": (due_on - today).days,
        "milestone": milestone,
    }


def path_template(viewname: str) -> Callable[[Any], str]:
    """A fast reverse() for one detail URL: reversed once, the public id substituted."""
    marker = "00000000-0000-0000-0000-000000000000"
    pattern = reverse(viewname, kwargs={"public_id": marker})
    return lambda public_id: pattern.replace(marker, str(public_id))


# The records whose dates are reminded: verified ones, and pending ones (an edited expiry
# date sends a record back to staff, and the date is no less real for it). Each source's
# partial index has the same condition.
REMINDED = (VerificationStatus.VERIFIED, VerificationStatus.PENDING)


def practising() -> Q:
    """Trainers reminders are for: not suspended, their account active (see the docstring)."""
    return Q(trainer__status=TrainerProfile.Status.ACTIVE, trainer__user__is_active=True)


# --- expiry.insurance ---------------------------------------------------------------------


INSURANCE_ADVICE = (
    "Without current insurance you cannot be eligible for referrals. Add your renewed policy,"
    " with its schedule as evidence, so that programme staff can verify it in time."
)


@reminder_source("expiry.insurance")
def insurance_expiring(day: SweepDay) -> Iterator[list[Item]]:
    """Insurance policies ending within REMINDER_EXPIRY_DAYS, to their trainer."""
    milestones = settings.REMINDER_EXPIRY_DAYS
    first, last = expiry_window(day, milestones)
    renewed = Insurance.objects.filter(
        trainer_id=OuterRef("trainer_id"),
        status=VerificationStatus.VERIFIED,
        expires_on__gt=OuterRef("expires_on"),
    )
    rows = (
        Insurance.objects.filter(
            practising(),
            status__in=REMINDED,
            expires_on__gte=first,
            expires_on__lte=last,
        )
        .filter(~Exists(renewed))
        .values("id", "public_id", "expires_on", "insurer", "policy_number", "trainer__user_id")
    )
    path = path_template("trainers:insurance_detail")
    notice = ExpiryNotice(
        kind="expiry.insurance",
        subject="insurance",
        what="your insurance",
        verb="expires",
        advice=INSURANCE_ADVICE,
        label=lambda row: f"{row['insurer']} {row['policy_number']}",
        path=lambda row: path(row["public_id"]),
    )

    pages = keyset_pages(rows, date_field="expires_on", batch_size=day.batch_size)
    yield from expiry_items(
        pages, day=day, milestones=milestones, due=lambda row: row["expires_on"], notice=notice
    )


# --- expiry.dbs -----------------------------------------------------------------------------

DBS_ADVICE = (
    "The programme asks for a new DBS check every few years, unless you are on the DBS Update"
    " Service and consent to status checks. Add your new certificate, or your Update Service"
    " details, so that programme staff can verify it in time."
)


@reminder_source("expiry.dbs")
def dbs_recheck_due(day: SweepDay) -> Iterator[list[Item]]:
    """DBS checks due for a recheck (issued DBS_RECHECK_MONTHS ago) within REMINDER_EXPIRY_DAYS.

    A check on the Update Service with consent never needs one (DBSCheck.expiry_date). The
    query is a range of issue dates, the recheck being a fixed number of months after.
    """
    milestones = settings.REMINDER_EXPIRY_DAYS
    first, last = expiry_window(day, milestones)
    months = settings.DBS_RECHECK_MONTHS
    newer = DBSCheck.objects.filter(
        trainer_id=OuterRef("trainer_id"),
        status=VerificationStatus.VERIFIED,
        issued_on__gt=OuterRef("issued_on"),
    )
    rows = (
        DBSCheck.objects.filter(
            practising(),
            status__in=REMINDED,
            issued_on__gte=months_before(first, months) - MONTH_END_SLACK,
            issued_on__lte=months_before(last, months) + MONTH_END_SLACK,
        )
        .exclude(update_service_subscribed=True, update_service_consent=True)
        .filter(~Exists(newer))
        .values("id", "public_id", "issued_on", "level", "certificate_number", "trainer__user_id")
    )
    path = path_template("trainers:dbs_detail")
    levels = dict(DBSCheck.Level.choices)
    notice = ExpiryNotice(
        kind="expiry.dbs",
        subject="dbs",
        what="your DBS check",
        verb="is due for a recheck",
        advice=DBS_ADVICE,
        label=lambda row: (
            f"{levels.get(row['level'], row['level'])} DBS {row['certificate_number']}"
        ),
        path=lambda row: path(row["public_id"]),
    )

    pages = keyset_pages(rows, date_field="issued_on", batch_size=day.batch_size)
    yield from expiry_items(
        pages,
        day=day,
        milestones=milestones,
        due=lambda row: row["issued_on"] + relativedelta(months=months),
        notice=notice,
    )


# --- evidence.waiting -------------------------------------------------------------------------


@reminder_source("evidence.waiting")
def evidence_waiting(day: SweepDay) -> Iterator[list[Item]]:
    """Records waiting more than REMINDER_EVIDENCE_WAITING_DAYS for staff: a daily roll-up.

    One reminder a day to each programme staff member while anything waits that long, with
    how many and since when, never one per record: a backlog of hundreds would otherwise be
    hundreds of mails to every staff member, and the queue, not the mail, is where they work
    (oldest first). The milestone is the London day, so a second sweep that day adds nothing.
    One aggregate query per record kind (the queue's (status, submitted_at, id) index), one
    for the staff.
    """
    from trainers.records import record_kinds  # the registry is filled when apps are ready

    waiting_days = settings.REMINDER_EVIDENCE_WAITING_DAYS
    zone = ZoneInfo(settings.REMINDER_TIME_ZONE)
    cutoff = dt.datetime.combine(day.today - dt.timedelta(days=waiting_days), dt.time(), zone)
    counts: list[dict[str, Any]] = []
    oldest: dt.datetime | None = None
    for kind in record_kinds():
        found = kind.model._default_manager.filter(
            status=VerificationStatus.PENDING, submitted_at__lt=cutoff
        ).aggregate(n=Count("id"), oldest=Min("submitted_at"))
        if found["n"]:
            label = kind.label if found["n"] == 1 else kind.plural
            counts.append({"label": label, "count": found["n"]})
            oldest = found["oldest"] if oldest is None else min(oldest, found["oldest"])
    if oldest is None:
        return
    since = oldest.astimezone(zone).date()
    context = {
        "counts": counts,
        "total": sum(part["count"] for part in counts),
        "oldest": day_label(since),
        "oldest_days": (day.today - since).days,
        "waiting_days": waiting_days,
    }
    staff = User.objects.filter(is_staff=True, is_active=True).values_list("id", flat=True)
    path = reverse("trainers:verification_queue")
    items = (
        Item(
            kind="evidence.waiting",
            subject_key="evidence_waiting",
            milestone=day.today.isoformat(),
            recipient_id=user_id,
            context=context,
            path=path,
        )
        for user_id in staff.order_by("id").iterator(chunk_size=day.batch_size)
    )
    yield from batched(items, day.batch_size)
