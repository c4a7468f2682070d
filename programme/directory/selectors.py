"""Reads for the trainer directory: a keyset-paged search and one trainer's page.

Every function runs a fixed number of queries whatever the number of trainers, records or
audit events. Pages are found by keyset (the last row's sort key), never by OFFSET, and no
query counts the whole table: at 10,000 trainers and 500,000 audit events both would cost a
scan per request.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from qualifications.models import (
    CPDActivity,
    CPDGapExplanation,
    PortfolioExport,
    TrainerQualification,
)
from rehabpath.models import AuditEvent
from rehabpath.paging import keyset_page
from rehabpath.search import normalise_query, people_matching
from trainers.models import TrainerProfile, VerificationStatus
from trainers.records import record_kinds

PER_PAGE = 25
HISTORY_PER_PAGE = 20


@dataclass(frozen=True)
class KeysetPage[T]:
    """One page of a keyset-paged list; the cursors are public ids of the edge rows."""

    rows: list[T]
    next_cursor: str | None  # ?after=<it> for the next page; None on the last page
    previous_cursor: str | None  # ?before=<it> for the page before; None on the first


def _page[T](
    rows: Sequence[T], *, backwards: bool, cursor_given: bool, per_page: int, key: Any
) -> KeysetPage[T]:
    """Turn per_page + 1 fetched rows into a page. Going backwards they came newest-first."""
    more = len(rows) > per_page
    page = list(rows[:per_page])
    if backwards:
        page.reverse()
    if not page:
        return KeysetPage([], None, None)
    first, last = str(key(page[0])), str(key(page[-1]))
    if backwards:
        # There is a page after: the cursor row we came back from.
        return KeysetPage(page, last, first if more else None)
    return KeysetPage(page, last if more else None, first if cursor_given else None)


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def search_trainers(query: str) -> QuerySet[TrainerProfile]:
    """Trainers whose name or e-mail address contains `query`, or who hold a qualification
    whose certificate number does.

    `icontains` reads UPPER(column::text) LIKE UPPER('%query%') on PostgreSQL: the trigram GIN
    indexes of programme/migrations/0001 are built on exactly those expressions, so each part
    is an index scan there. SQLite (`make run`) answers the same lookup with a scan.
    """
    profiles = TrainerProfile.objects.all()
    if not query:
        return profiles
    people = people_matching(query)
    holders = TrainerQualification.objects.filter(certificate_number__icontains=query)
    return profiles.filter(
        Q(user_id__in=people.values("id")) | Q(id__in=holders.values("trainer_id"))
    )


@dataclass(frozen=True)
class DirectoryRow:
    profile: TrainerProfile
    pending: int  # records of any kind waiting for verification


def trainer_directory(
    *,
    query: str = "",
    status: str = "",
    after: str | None = None,
    before: str | None = None,
    per_page: int = PER_PAGE,
) -> KeysetPage[DirectoryRow]:
    """One page of the directory in name order (ties by account), with pending counts.

    Queries: the cursor row (when paging), the page, one count per record kind over the
    page's trainers only.
    """
    profiles = search_trainers(normalise_query(query)).select_related("user")
    if status in TrainerProfile.Status.values:
        profiles = profiles.filter(status=status)
    backwards = before is not None and after is None
    cursor_id = _uuid(before if backwards else after)
    cursor = None
    if cursor_id is not None:
        cursor = (
            TrainerProfile.objects.filter(public_id=cursor_id)
            .values_list("user__name", "user_id")
            .first()
        )
    # user_id breaks ties between equal names: it is unique per profile and, being equal to
    # rehabpath_user.id through the join, lets PostgreSQL walk the user (name, id) index.
    if cursor is not None:
        name, user_id = cursor
        if backwards:
            profiles = profiles.filter(
                Q(user__name__lt=name) | Q(user__name=name, user_id__lt=user_id)
            ).order_by("-user__name", "-user_id")
        else:
            profiles = profiles.filter(
                Q(user__name__gt=name) | Q(user__name=name, user_id__gt=user_id)
            ).order_by("user__name", "user_id")
    else:
        backwards = False
        profiles = profiles.order_by("user__name", "user_id")
    fetched = list(profiles[: per_page + 1])
    page = _page(
        fetched,
        backwards=backwards,
        cursor_given=cursor is not None,
        per_page=per_page,
        key=lambda p: p.public_id,
    )
    pending = pending_counts([p.pk for p in page.rows])
    return KeysetPage(
        [DirectoryRow(p, pending.get(p.pk, 0)) for p in page.rows],
        page.next_cursor,
        page.previous_cursor,
    )


def pending_counts(profile_ids: list[int]) -> dict[int, int]:
    """Pending records per trainer, for these trainers only: one query per record kind."""
    counts: dict[int, int] = {}
    if not profile_ids:
        return counts
    for kind in record_kinds():
        rows = (
            kind.model._default_manager.filter(
                trainer_id__in=profile_ids, status=VerificationStatus.PENDING
            )
            .order_by()
            .values("trainer_id")
            .annotate(n=Count("id"))
        )
        for row in rows:
            counts[row["trainer_id"]] = counts.get(row["trainer_id"], 0) + row["n"]
    return counts


def trainer_audit_targets(profile: TrainerProfile, record_ids: list[uuid.UUID]) -> list[str]:
    """The audit target ids that concern one trainer: their account and profile, their
    records, CPD activities, gap explanations and portfolio exports (three queries)."""
    ids = [profile.user.public_id, profile.public_id, *record_ids]
    for model in (CPDActivity, CPDGapExplanation, PortfolioExport):
        ids += model.objects.filter(trainer=profile).values_list("public_id", flat=True)
    return [str(i) for i in ids]


def trainer_history(
    targets: list[str],
    *,
    after: str | None = None,
    before: str | None = None,
    per_page: int = HISTORY_PER_PAGE,
) -> KeysetPage[AuditEvent]:
    """The audit events about one trainer, newest first, in the audit log's own keyset pages
    by (time, id): `after` goes to older events, `before` to newer ones.

    Served by the target_id index: the trainer's own events, never the whole log.
    """
    page = keyset_page(
        AuditEvent.objects.filter(target_id__in=targets),
        field="occurred_at",
        size=per_page,
        older_than=after,
        newer_than=before,
    )
    return KeysetPage(page.object_list, page.older, page.newer)


@dataclass(frozen=True)
class RecordLine:
    kind_label: str
    record: Any
    status: Any  # trainers.models.DisplayStatus
    evidence_count: int
    warnings: list[str]
    review_url: str


def trainer_records_overview(profile: TrainerProfile) -> list[tuple[Any, list[RecordLine]]]:
    """Every record of one trainer, grouped by kind, with its verification state (two
    queries per kind, plus what each kind's warnings need)."""
    from trainers.selectors import trainer_records_by_kind

    found = trainer_records_by_kind(profile)
    sections = []
    for kind in record_kinds():
        lines = [
            RecordLine(
                kind_label=kind.label,
                record=record,
                status=record.display_status(),
                evidence_count=len(record.evidence.all()),
                warnings=found["warnings"].get((kind.slug, record.pk), []),
                review_url=kind.url_for_review(record),
            )
            for record in found["records"][kind.slug]
        ]
        sections.append((kind, lines))
    return sections
