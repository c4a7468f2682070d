"""The compliance dashboard's live reads: records expiring soon and verifications waiting.

Both are aggregates over the record tables, computed on every request in a fixed number of
queries (one or two per kind of record, whatever the programme's size). The counts that need
the pathway evaluation come from the stored snapshot (programme.compliance.snapshot).

Expiring records are verified records of active trainers whose expiry (a qualification's
stated or derived one, an insurance policy's end, a DBS check's recheck date, a scope
declaration's end) falls within the next 90 days, unless the trainer already holds a
newer record of the same kind (a renewal): that one is what counts from now on.
"""

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from mentorship.models import ScopeDeclaration
from qualifications.models import QualificationType, TrainerQualification
from trainers.models import DBSCheck, Insurance, TrainerProfile, VerificationStatus
from trainers.records import record_kinds

WINDOWS = (30, 90)  # days ahead
LIST_LIMIT = 15  # expiring records listed on the page (the CSV has every one)


@dataclass(frozen=True)
class ExpiringCount:
    key: str
    label: str
    within_30: int
    within_90: int


@dataclass(frozen=True)
class ExpiringRecord:
    kind: str  # the ExpiringCount's label
    record: str  # "Emergency First Aid at Work", "Hiscox P-1234"
    trainer_public_id: uuid.UUID
    trainer_name: str
    trainer_email: str
    expires_on: dt.date
    days: int  # from today


@dataclass(frozen=True)
class Expiring:
    counts: list[ExpiringCount]
    soonest: list[ExpiringRecord]  # within 90 days, soonest first, at most `limit`
    total: int  # records within 90 days


@dataclass(frozen=True)
class WaitingCount:
    slug: str  # the record kind's, for the verification queue's filter
    label: str
    under_2: int
    from_2_to_5: int
    over_5: int
    oldest: dt.datetime | None

    @property
    def total(self) -> int:
        return self.under_2 + self.from_2_to_5 + self.over_5


def _months_inverse(start: dt.date, end: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The days d with start <= d + `months` months <= end (relativedelta's month-end clamp
    makes a plain subtraction a day out at the ends of months)."""

    def later(d: dt.date) -> dt.date:
        return d + relativedelta(months=months)

    low = start - relativedelta(months=months)
    while later(low) < start:
        low += dt.timedelta(days=1)
    high = end - relativedelta(months=months)
    while later(high + dt.timedelta(days=1)) <= end:
        high += dt.timedelta(days=1)
    return low, high


def _by_months(field: str, start: dt.date, end: dt.date, months: int) -> Q:
    low, high = _months_inverse(start, end, months)
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


@dataclass(frozen=True)
class _Source:
    key: str
    label: str
    rows: Callable[[], QuerySet[Any]]  # the current, verified, not renewed records
    within: Callable[[dt.date, dt.date], Q]  # expiring between two days, inclusive
    values: tuple[str, ...]  # what a listed row needs
    expiry: Callable[[dict[str, Any]], dt.date]
    label_of: Callable[[dict[str, Any]], str]
    order: tuple[str, ...]  # soonest expiry first within this source


_TRAINER = ("trainer__public_id", "trainer__user__name", "trainer__user__email")


def _active(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.filter(trainer__status=TrainerProfile.Status.ACTIVE)


def _qualifications(first_aid: bool) -> QuerySet[TrainerQualification]:
    renewed = TrainerQualification.objects.filter(
        trainer=OuterRef("trainer"),
        qualification_type=OuterRef("qualification_type"),
        status=VerificationStatus.VERIFIED,
        awarded_on__gt=OuterRef("awarded_on"),
    )
    kind = Q(qualification_type__kind=QualificationType.Kind.FIRST_AID)
    rows = _active(TrainerQualification.objects.filter(status=VerificationStatus.VERIFIED))
    return rows.filter(kind if first_aid else ~kind).exclude(Exists(renewed))


def _qualification_within(validities: list[int]) -> Callable[[dt.date, dt.date], Q]:
    def within(start: dt.date, end: dt.date) -> Q:
        found = Q(expires_on__gte=start, expires_on__lte=end)
        for months in validities:
            found |= Q(
                expires_on__isnull=True, qualification_type__validity_months=months
            ) & _by_months("awarded_on", start, end, months)
        return found

    return within


def _qualification_expiry(row: dict[str, Any]) -> dt.date:
    stated: dt.date | None = row["expires_on"]
    if stated:
        return stated
    awarded: dt.date = row["awarded_on"]
    return awarded + relativedelta(months=int(row["qualification_type__validity_months"]))


def _insurance() -> QuerySet[Insurance]:
    renewed = Insurance.objects.filter(
        trainer=OuterRef("trainer"),
        status=VerificationStatus.VERIFIED,
        expires_on__gt=OuterRef("expires_on"),
    )
    rows = _active(Insurance.objects.filter(status=VerificationStatus.VERIFIED))
    return rows.exclude(Exists(renewed))


def _dbs() -> QuerySet[DBSCheck]:
    renewed = DBSCheck.objects.filter(
        trainer=OuterRef("trainer"),
        status=VerificationStatus.VERIFIED,
        issued_on__gt=OuterRef("issued_on"),
    )
    on_update_service = Q(update_service_subscribed=True, update_service_consent=True)
    rows = _active(DBSCheck.objects.filter(status=VerificationStatus.VERIFIED))
    return rows.exclude(on_update_service).exclude(Exists(renewed))


def _scope() -> QuerySet[ScopeDeclaration]:
    renewed = ScopeDeclaration.objects.filter(
        trainer=OuterRef("trainer"), expires_on__gt=OuterRef("expires_on")
    )
    return _active(ScopeDeclaration.objects.all()).exclude(Exists(renewed))


def _sources() -> list[_Source]:
    validities = sorted(
        {
            months
            for months in QualificationType.objects.values_list("validity_months", flat=True)
            if months
        }
    )
    recheck = settings.DBS_RECHECK_MONTHS
    qualification_values = (
        "qualification_type__name",
        "expires_on",
        "awarded_on",
        "qualification_type__validity_months",
    )
    return [
        _Source(
            key,
            label,
            lambda first_aid=first_aid: _qualifications(first_aid),  # type: ignore[misc]
            _qualification_within(validities),
            qualification_values,
            _qualification_expiry,
            lambda row: str(row["qualification_type__name"]),
            ("expires_on", "awarded_on"),
        )
        for key, label, first_aid in (
            ("qualification", "Qualifications", False),
            ("first_aid", "First aid", True),
        )
    ] + [
        _Source(
            "insurance",
            "Insurance",
            _insurance,
            lambda start, end: Q(expires_on__gte=start, expires_on__lte=end),
            ("insurer", "policy_number", "expires_on"),
            lambda row: row["expires_on"],
            lambda row: f"{row['insurer']} {row['policy_number']}",
            ("expires_on",),
        ),
        _Source(
            "dbs",
            "DBS rechecks",
            _dbs,
            lambda start, end: _by_months("issued_on", start, end, recheck),
            ("level", "certificate_number", "issued_on"),
            lambda row: row["issued_on"] + relativedelta(months=recheck),
            lambda row: f"{str(row['level']).capitalize()} DBS {row['certificate_number']}",
            ("issued_on",),
        ),
        _Source(
            "scope",
            "Scope declarations",
            _scope,
            lambda start, end: Q(expires_on__gte=start, expires_on__lte=end),
            ("statement__version", "expires_on"),
            lambda row: row["expires_on"],
            lambda row: f"Scope of practice declaration (version {row['statement__version']})",
            ("expires_on",),
        ),
    ]


def expiring_records(*, today: dt.date | None = None, limit: int | None = LIST_LIMIT) -> Expiring:
    """Counts within 30 and 90 days by kind, and the soonest records (all with limit=None).

    Queries: one for the qualification types' validities, then two per kind (the counts,
    the rows listed)."""
    today = today or timezone.localdate()
    ends = {days: today + dt.timedelta(days=days) for days in WINDOWS}
    counts: list[ExpiringCount] = []
    listed: list[ExpiringRecord] = []
    for source in _sources():
        in_90 = source.within(today, ends[90])
        totals = (
            source.rows()
            .filter(in_90)
            .aggregate(
                within_30=Count("id", filter=source.within(today, ends[30])),
                within_90=Count("id"),
            )
        )
        counts.append(
            ExpiringCount(source.key, source.label, totals["within_30"], totals["within_90"])
        )
        rows = source.rows().filter(in_90).order_by(*source.order, "id")
        # Qualifications mix stated and derived expiries, which SQL cannot order as one:
        # every one in the window is read (a few hundred at 10,000 trainers) and sorted here.
        bounded = limit is not None and source.key not in {"qualification", "first_aid"}
        for row in (rows[:limit] if bounded else rows).values(*source.values, *_TRAINER):
            expiry = source.expiry(row)
            listed.append(
                ExpiringRecord(
                    kind=source.label,
                    record=source.label_of(row),
                    trainer_public_id=row["trainer__public_id"],
                    trainer_name=row["trainer__user__name"] or row["trainer__user__email"],
                    trainer_email=row["trainer__user__email"],
                    expires_on=expiry,
                    days=(expiry - today).days,
                )
            )
    listed.sort(key=lambda r: (r.expires_on, r.trainer_name.lower(), r.kind))
    return Expiring(
        counts=counts,
        soonest=listed[:limit] if limit is not None else listed,
        total=sum(c.within_90 for c in counts),
    )


def waiting_verifications(*, now: dt.datetime | None = None) -> list[WaitingCount]:
    """Records waiting for staff by kind, by how long they have waited: one query a kind."""
    now = now or timezone.now()
    two, five = now - dt.timedelta(days=2), now - dt.timedelta(days=5)
    found = []
    for kind in record_kinds():
        totals = kind.model._default_manager.filter(status=VerificationStatus.PENDING).aggregate(
            under_2=Count("id", filter=Q(submitted_at__gt=two)),
            from_2_to_5=Count("id", filter=Q(submitted_at__lte=two, submitted_at__gt=five)),
            over_5=Count("id", filter=Q(submitted_at__lte=five)),
            oldest=Min("submitted_at"),
        )
        found.append(
            WaitingCount(
                slug=kind.slug,
                label=kind.plural,
                under_2=totals["under_2"],
                from_2_to_5=totals["from_2_to_5"],
                over_5=totals["over_5"],
                oldest=totals["oldest"],
            )
        )
    return found
