"""The reminder sources of qualifications: a qualification about to expire, and a first aid
certificate about to expire (its own kind).

First aid is its own kind (expiry.first_aid) because it is a distinct QualificationType kind
that eligibility checks on its own (DESIGN.md lists it apart), it lapses every few years for
everyone while most qualifications never expire, and what to do differs (book a
requalification course): its own row on the preferences page and its own advice in the mail.

A qualification's expiry is the date its certificate states, else the award date plus its
type's validity (qualifications.rules.qualification_expiry). So each source reads two indexed
ranges: stated expiry dates, and, for each validity the types have, award dates (a few days
wider than the window, adding months clamping at a month's end). A record is superseded by a
newer verified one of the same type for the same trainer that expires later (a renewed
certificate): one query per batch finds those. The rest of the rules are trainers.reminders'.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ExtractDay, ExtractMonth
from django.urls import reverse

from qualifications.models import CPDActivity, QualificationType, TrainerQualification
from qualifications.rules import qualification_expiry
from qualifications.scoring import CPDYear, Rules, cpd_year_containing, fmt_number
from qualifications.selectors import active_rules
from rehabpath.formats import day_label
from rehabpath.notifications import Item
from rehabpath.reminders import SweepDay, milestone_for, milestone_label, reminder_source
from trainers.models import TrainerProfile, VerificationStatus
from trainers.reminders import (
    MONTH_END_SLACK,
    REMINDED,
    ExpiryNotice,
    Row,
    expiry_items,
    expiry_window,
    keyset_pages,
    months_before,
    path_template,
    practising,
)

QUALIFICATION_ADVICE = (
    "An expired qualification no longer counts towards your pathway or your eligibility."
    " Renew it as your awarding body asks, and add the new certificate so that programme staff"
    " can verify it in time."
)
FIRST_AID_ADVICE = (
    "Without a current first aid certificate you cannot be eligible for referrals. Book a"
    " requalification course, and add the new certificate so that programme staff can verify"
    " it in time."
)
FIELDS = (
    "id",
    "public_id",
    "trainer_id",
    "qualification_type_id",
    "awarded_on",
    "expires_on",
    "trainer__user_id",
)


def _drop_superseded(page: list[Row], validity: dict[int, int | None]) -> list[Row]:
    """The rows of `page` no newer verified record of the same type outlasts (one query)."""
    held = TrainerQualification.objects.filter(
        status=VerificationStatus.VERIFIED,
        trainer_id__in={row["trainer_id"] for row in page},
        qualification_type_id__in={row["qualification_type_id"] for row in page},
    ).values_list("id", "trainer_id", "qualification_type_id", "awarded_on", "expires_on")
    latest: dict[tuple[int, int], list[tuple[int, dt.date | None]]] = defaultdict(list)
    for pk, trainer_id, type_id, awarded_on, expires_on in held:
        expiry = qualification_expiry(awarded_on, expires_on, validity.get(type_id))
        latest[trainer_id, type_id].append((pk, expiry))

    def outlasted(row: Row) -> bool:
        mine = qualification_expiry(
            row["awarded_on"], row["expires_on"], validity.get(row["qualification_type_id"])
        )
        if mine is None:  # never: the queries find only records that expire
            return True
        return any(
            pk != row["id"] and (expiry is None or expiry > mine)
            for pk, expiry in latest[row["trainer_id"], row["qualification_type_id"]]
        )

    return [row for row in page if not outlasted(row)]


def _expiring(day: SweepDay, *, kind: str, first_aid: bool) -> Iterator[list[Item]]:
    milestones = settings.REMINDER_EXPIRY_DAYS
    first, last = expiry_window(day, milestones)
    types = {
        t.pk: t
        for t in QualificationType.objects.all()
        if (t.kind == QualificationType.Kind.FIRST_AID) == first_aid
    }
    if not types:
        return
    validity = {pk: t.validity_months for pk, t in types.items()}
    reminded = TrainerQualification.objects.filter(practising(), status__in=REMINDED).values(
        *FIELDS
    )
    path = path_template("qualifications:qualification_detail")
    advice = FIRST_AID_ADVICE if first_aid else QUALIFICATION_ADVICE

    notice = ExpiryNotice(
        kind=kind,
        subject="qualification",
        what="your first aid certificate" if first_aid else "your qualification",
        verb="expires",
        advice=advice,
        label=lambda row: str(types[row["qualification_type_id"]]),
        path=lambda row: path(row["public_id"]),
    )

    def due(row: Row) -> dt.date | None:
        return qualification_expiry(
            row["awarded_on"], row["expires_on"], validity[row["qualification_type_id"]]
        )

    def current(pages: Iterator[list[Row]]) -> Iterator[list[Row]]:
        for page in pages:
            yield _drop_superseded(page, validity)

    # The certificates that state their expiry.
    stated = reminded.filter(
        qualification_type_id__in=list(types), expires_on__gte=first, expires_on__lte=last
    )
    pages = keyset_pages(stated, date_field="expires_on", batch_size=day.batch_size)
    yield from expiry_items(current(pages), day=day, milestones=milestones, due=due, notice=notice)
    # Those that expire a type's validity after the award: one range of award dates each.
    by_validity: dict[int, list[int]] = defaultdict(list)
    for pk, months in validity.items():
        if months:
            by_validity[months].append(pk)
    for months, type_ids in sorted(by_validity.items()):
        derived = reminded.filter(
            qualification_type_id__in=type_ids,
            expires_on__isnull=True,
            awarded_on__gte=months_before(first, months) - MONTH_END_SLACK,
            awarded_on__lte=months_before(last, months) + MONTH_END_SLACK,
        )
        pages = keyset_pages(derived, date_field="awarded_on", batch_size=day.batch_size)
        yield from expiry_items(
            current(pages), day=day, milestones=milestones, due=due, notice=notice
        )


@reminder_source("expiry.qualification")
def qualification_expiring(day: SweepDay) -> Iterator[list[Item]]:
    """Qualifications (first aid apart) expiring within REMINDER_EXPIRY_DAYS, to the trainer."""
    yield from _expiring(day, kind="expiry.qualification", first_aid=False)


@reminder_source("expiry.first_aid")
def first_aid_expiring(day: SweepDay) -> Iterator[list[Item]]:
    """First aid certificates expiring within REMINDER_EXPIRY_DAYS, to the trainer."""
    yield from _expiring(day, kind="expiry.first_aid", first_aid=True)


# --- cpd.behind_target ----------------------------------------------------------------------


def anniversary_key() -> CombinedExpression:
    """A date's month and day as one number (31 May: 531): what the CPD year index holds."""
    return ExtractMonth("cpd_year_start") * 100 + ExtractDay("cpd_year_start")


def _month_day(day: dt.date) -> int:
    return day.month * 100 + day.day


def _anniversaries_between(first: dt.date, last: dt.date) -> list[Q]:
    """Anchors whose anniversary falls in [first, last] (under a year apart), by month-day:
    one range, or two across the new year (each an index range of its own)."""
    if first.year == last.year:
        return [Q(anniversary__gte=_month_day(first), anniversary__lte=_month_day(last))]
    return [Q(anniversary__gte=_month_day(first)), Q(anniversary__lte=_month_day(last))]


@reminder_source("cpd.behind_target")
def cpd_behind_target(day: SweepDay) -> Iterator[list[Item]]:
    """Trainers behind the CPD policy's targets REMINDER_CPD_BEHIND_DAYS before their CPD year
    ends, to the trainer.

    A trainer's CPD year ends the day before the anniversary of `cpd_year_start`, so the
    trainers due are a range of anniversaries (month and day, a functional index on
    TrainerProfile); one day wider than the window at its end, for 29 February anchors whose
    anniversary is 28 February in common years, and the exact year end is computed here. Each
    keyset page's points come from one aggregate query (hours by trainer, date and
    endorsement since the earliest year start of the page), each trainer's own year kept here.
    Behind = the points target or the endorsed minimum not met (qualifications.scoring).
    """
    milestones = settings.REMINDER_CPD_BEHIND_DAYS
    today = day.today
    rules = active_rules()
    window_end = today + dt.timedelta(days=max(milestones))
    # Year ends in [today, window_end] are anniversaries in [today + 1, window_end + 1]; a day
    # more for 29 February anchors.
    trainers = TrainerProfile.objects.annotate(anniversary=anniversary_key()).filter(
        status=TrainerProfile.Status.ACTIVE, user__is_active=True, cpd_year_start__lte=today
    )
    path = reverse("qualifications:cpd_progress")
    for anniversaries in _anniversaries_between(
        today + dt.timedelta(days=1), window_end + dt.timedelta(days=2)
    ):
        profiles = trainers.filter(anniversaries).values(
            "id", "public_id", "cpd_year_start", "user_id", "anniversary"
        )
        for page in keyset_pages(profiles, date_field="anniversary", batch_size=day.batch_size):
            due: list[tuple[Row, CPDYear, int]] = []
            for row in page:
                year = cpd_year_containing(row["cpd_year_start"], today)
                milestone = milestone_for((year.end - today).days, milestones)
                if milestone is not None:
                    due.append((row, year, milestone))
            if due:
                items = _behind(due, rules=rules, today=today, path=path)
                if items:
                    yield items


def _behind(
    due: list[tuple[Row, CPDYear, int]], *, rules: Rules, today: dt.date, path: str
) -> list[Item]:
    hours: dict[tuple[int, bool], list[tuple[dt.date, Decimal]]] = defaultdict(list)
    by_day = (
        CPDActivity.objects.filter(
            trainer_id__in=[row["id"] for row, _, _ in due],
            date__gte=min(year.start for _, year, _ in due),
            date__lte=today,
        )
        .values("trainer_id", "endorsed", "date")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    for found in by_day:
        hours[found["trainer_id"], found["endorsed"]].append((found["date"], found["total"]))
    items = []
    for row, year, milestone in due:

        def in_year(endorsed: bool, row: Row = row, year: CPDYear = year) -> Decimal:
            return sum((h for d, h in hours[row["id"], endorsed] if d in year), Decimal("0"))

        endorsed_points = rules.points_for(in_year(True), True)
        points = endorsed_points + rules.points_for(in_year(False), False)
        if points >= rules.points_target and endorsed_points >= rules.endorsed_points_min:
            continue
        items.append(
            Item(
                kind="cpd.behind_target",
                subject_key=f"cpd:{row['public_id']}",
                milestone=f"{year.end.isoformat()}:{milestone_label(milestone)}",
                recipient_id=row["user_id"],
                context={
                    "year": year.label,
                    "year_end": day_label(year.end),
                    "year_end_iso": year.end.isoformat(),
                    "days_left": (year.end - today).days,
                    "points": fmt_number(points),
                    "points_target": fmt_number(rules.points_target),
                    "points_short": fmt_number(max(Decimal("0"), rules.points_target - points)),
                    "endorsed_points": fmt_number(endorsed_points),
                    "endorsed_min": fmt_number(rules.endorsed_points_min),
                    "endorsed_short": fmt_number(
                        max(Decimal("0"), rules.endorsed_points_min - endorsed_points)
                    ),
                },
                path=path,
            )
        )
    return items
