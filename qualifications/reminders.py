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

from django.conf import settings

from qualifications.models import QualificationType, TrainerQualification
from qualifications.rules import qualification_expiry
from rehabpath.notifications import Item
from rehabpath.reminders import SweepDay, reminder_source
from trainers.models import VerificationStatus
from trainers.reminders import (
    MONTH_END_SLACK,
    Row,
    expiry_context,
    expiry_items,
    expiry_milestone,
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
    verified = TrainerQualification.objects.filter(
        practising(), status=VerificationStatus.VERIFIED
    ).values(*FIELDS)
    path = path_template("qualifications:qualification_detail")
    advice = FIRST_AID_ADVICE if first_aid else QUALIFICATION_ADVICE

    def item(row: Row, due_on: dt.date, milestone: int) -> Item:
        return Item(
            kind=kind,
            subject_key=f"qualification:{row['public_id']}",
            milestone=expiry_milestone(due_on, milestone),
            recipient_id=row["trainer__user_id"],
            context=expiry_context(
                what="your first aid certificate" if first_aid else "your qualification",
                verb="expires",
                label=str(types[row["qualification_type_id"]]),
                advice=advice,
                due_on=due_on,
                today=day.today,
                milestone=milestone,
            ),
            path=path(row["public_id"]),
        )

    def due(row: Row) -> dt.date | None:
        return qualification_expiry(
            row["awarded_on"], row["expires_on"], validity[row["qualification_type_id"]]
        )

    def current(pages: Iterator[list[Row]]) -> Iterator[list[Row]]:
        for page in pages:
            yield _drop_superseded(page, validity)

    # The certificates that state their expiry.
    stated = verified.filter(
        qualification_type_id__in=list(types), expires_on__gte=first, expires_on__lte=last
    )
    pages = keyset_pages(stated, date_field="expires_on", batch_size=day.batch_size)
    yield from expiry_items(current(pages), day=day, milestones=milestones, due=due, item=item)
    # Those that expire a type's validity after the award: one range of award dates each.
    by_validity: dict[int, list[int]] = defaultdict(list)
    for pk, months in validity.items():
        if months:
            by_validity[months].append(pk)
    for months, type_ids in sorted(by_validity.items()):
        derived = verified.filter(
            qualification_type_id__in=type_ids,
            expires_on__isnull=True,
            awarded_on__gte=months_before(first, months) - MONTH_END_SLACK,
            awarded_on__lte=months_before(last, months) + MONTH_END_SLACK,
        )
        pages = keyset_pages(derived, date_field="awarded_on", batch_size=day.batch_size)
        yield from expiry_items(current(pages), day=day, milestones=milestones, due=due, item=item)


@reminder_source("expiry.qualification")
def qualification_expiring(day: SweepDay) -> Iterator[list[Item]]:
    """Qualifications (first aid apart) expiring within REMINDER_EXPIRY_DAYS, to the trainer."""
    yield from _expiring(day, kind="expiry.qualification", first_aid=False)


@reminder_source("expiry.first_aid")
def first_aid_expiring(day: SweepDay) -> Iterator[list[Item]]:
    """First aid certificates expiring within REMINDER_EXPIRY_DAYS, to the trainer."""
    yield from _expiring(day, kind="expiry.first_aid", first_aid=True)
