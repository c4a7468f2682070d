"""Reads across a trainer's verifiable records, whatever kinds the apps registered."""

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from rehabpath.models import User
from trainers.models import EvidenceFile, TrainerProfile, VerifiableRecord, VerificationStatus
from trainers.records import RecordKind, record_kind, record_kinds


def trainer_records(profile: TrainerProfile) -> list[VerifiableRecord]:
    """Every verifiable record of one trainer: one query per registered kind."""
    records: list[VerifiableRecord] = []
    for kind in record_kinds():
        rows = kind.model._default_manager.filter(trainer=profile)
        records += rows.select_related(*kind.related) if kind.related else rows
    return records


def trainer_records_by_kind(profile: TrainerProfile) -> dict[str, Any]:
    """One trainer's records grouped by kind, each with its evidence and warnings.

    Two queries per kind (rows, evidence) plus what each kind's warnings need, however many
    records the trainer holds.
    """
    grouped: dict[str, list[VerifiableRecord]] = {}
    warnings: dict[tuple[str, int], list[str]] = {}  # keyed by (kind slug, pk)
    for kind in record_kinds():
        rows = list(
            kind.queryset().filter(trainer=profile).order_by(*kind.model._meta.ordering, "id")
        )
        grouped[kind.slug] = rows
        if rows:
            warnings |= {(kind.slug, pk): w for pk, w in kind.warnings(rows, rows).items()}
    return {"records": grouped, "warnings": warnings}


# --- The verification queue ---------------------------------------------------------------

QUEUE_PER_PAGE = 25


class QueueSort(models.TextChoices):
    OLDEST = "oldest", "Oldest first"
    NEWEST = "newest", "Newest first"
    KIND = "kind", "By kind, oldest first"


# The order of each sort as (component, ...) over a row's key (submitted_at, kind rank, id):
# every component runs the same way, ascending unless the sort is newest first.
SORT_KEYS: dict[QueueSort, tuple[str, ...]] = {
    QueueSort.OLDEST: ("submitted_at", "rank", "id"),
    QueueSort.NEWEST: ("submitted_at", "rank", "id"),
    QueueSort.KIND: ("rank", "submitted_at", "id"),
}


@dataclass(frozen=True)
class QueueFilters:
    kind: str = ""  # a registered kind's slug; "" for every kind
    older_than_days: int | None = None
    has_evidence: bool | None = None
    sort: QueueSort = QueueSort.OLDEST


@dataclass(frozen=True)
class QueueEvidence:
    name: str
    type_label: str
    url: str


@dataclass(frozen=True)
class QueueRow:
    """Everything the queue shows of one record, worked out before the template runs."""

    kind: RecordKind
    record: VerifiableRecord
    trainer_name: str
    trainer_email: str
    submitted_at: dt.datetime
    waiting: str  # "3 days"
    evidence: list[QueueEvidence]
    warnings: list[str]
    review_url: str
    own: bool
    cursor: str  # "<kind slug>:<public id>", for ?after= / ?before=


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int  # pending records matching the filters (of every page)
    next_cursor: str | None
    previous_cursor: str | None


def _url_maker(name: str, **kwargs: Any) -> Callable[[uuid.UUID], str]:
    """reverse() once per page, not once per row: the URL with the public id swapped in."""
    url = reverse(name, kwargs={**kwargs, "public_id": _PLACEHOLDER})
    return lambda public_id: url.replace(str(_PLACEHOLDER), str(public_id))


_PLACEHOLDER = uuid.UUID(int=0)


def _waiting(since: dt.datetime, now: dt.datetime) -> str:
    days = (now - since).days
    if days < 1:
        return "today"
    return f"{days} day{'s' if days != 1 else ''}"


def _after(key: tuple[str, ...], cursor: dict[str, Any], rank: int, desc: bool) -> Q | None:
    """Rows of a kind of this `rank` that come after `cursor` in `key` order (None: none)."""
    matches: list[Q] = []
    same = Q()  # the rows equal to the cursor on every component so far
    for name in key:
        value = cursor[name]
        if name == "rank":  # constant within a kind: decided here, not in SQL
            if rank == value:
                continue
            if (rank > value) != desc:
                matches.append(same)
            break
        matches.append(same & Q(**{f"{name}__{'lt' if desc else 'gt'}": value}))
        same &= Q(**{name: value})
    if not matches:
        return None
    found = matches[0]
    for q in matches[1:]:
        found |= q
    return found


def _cursor_values(cursor: str | None, ranks: dict[str, int]) -> dict[str, Any] | None:
    """The sort key of the record a cursor names ("<kind>:<public id>"): one query."""
    if not cursor or ":" not in cursor:
        return None
    slug, _, public_id = cursor.partition(":")
    if slug not in ranks:
        return None
    try:
        found = (
            record_kind(slug)
            .model._default_manager.filter(public_id=uuid.UUID(public_id))
            .values("submitted_at", "id")
            .first()
        )
    except ValueError:
        return None
    return None if found is None else {**found, "rank": ranks[slug]}


def verification_queue(
    *,
    user: User,
    filters: QueueFilters = QueueFilters(),  # noqa: B008 - frozen, so safe to share
    after: str | None = None,
    before: str | None = None,
    per_page: int = QUEUE_PER_PAGE,
    now: dt.datetime | None = None,
) -> QueuePage:
    """One page of the pending records of every kind, in one of the queue's orders.

    Keyset-paged across kinds: each kind fetches at most a page (plus one) beyond the cursor,
    the rows are merged and cut to a page. Queries: the cursor row when paging; per kind the
    rows, their evidence and what the kind's warnings need; one count of every kind's
    matching rows; never a query per row.
    """
    now = now or timezone.now()
    kinds = [k for k in record_kinds() if not filters.kind or k.slug == filters.kind]
    ranks = {kind.slug: rank for rank, kind in enumerate(record_kinds())}
    key = SORT_KEYS[filters.sort]
    backwards = before is not None and after is None
    desc = (filters.sort == QueueSort.NEWEST) != backwards
    cursor = _cursor_values(before if backwards else after, ranks)
    if cursor is None:
        backwards, desc = False, filters.sort == QueueSort.NEWEST

    fetched: list[tuple[tuple[Any, ...], RecordKind, VerifiableRecord]] = []
    # Every kind's matching rows counted in one query (a UNION ALL of the kinds' ids), over
    # pending records only: the (status, submitted_at) indexes serve it.
    counted = [_pending(kind, filters, now).order_by().values("id") for kind in kinds]
    total = counted[0].union(*counted[1:], all=True).count() if counted else 0
    for kind in kinds:
        pending = _pending(kind, filters, now)
        rank = ranks[kind.slug]
        if cursor is not None:
            beyond = _after(key, cursor, rank, desc)
            if beyond is None:
                continue
            pending = pending.filter(beyond)
        order = [("-" if desc else "") + name for name in key if name != "rank"]
        for record in pending.order_by(*order)[: per_page + 1]:
            values = {"submitted_at": record.submitted_at, "rank": rank, "id": record.pk}
            fetched.append((tuple(values[name] for name in key), kind, record))
    fetched.sort(key=lambda item: item[0], reverse=desc)
    more = len(fetched) > per_page
    chosen = fetched[:per_page]
    if backwards:
        chosen.reverse()

    rows = _queue_rows(user, [(kind, record) for _, kind, record in chosen], now)
    first, last = (rows[0].cursor, rows[-1].cursor) if rows else (None, None)
    if backwards:
        return QueuePage(rows, total, last, first if more else None)
    return QueuePage(rows, total, last if more else None, first if cursor is not None else None)


def _pending(kind: RecordKind, filters: QueueFilters, now: dt.datetime) -> models.QuerySet[Any]:
    rows: models.QuerySet[Any] = (
        kind.model._default_manager.filter(status=VerificationStatus.PENDING)
        .select_related("trainer__user", *kind.related)
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=EvidenceFile.objects.order_by("uploaded_at", "id"),
                # A plain list: reading it makes no related manager per row.
                to_attr="queue_evidence",
            )
        )
    )
    if filters.older_than_days is not None:
        rows = rows.filter(submitted_at__lt=now - dt.timedelta(days=filters.older_than_days))
    if filters.has_evidence is not None:
        files = EvidenceFile.objects.filter(
            content_type=ContentType.objects.get_for_model(kind.model), object_id=OuterRef("pk")
        )
        rows = rows.filter(Exists(files)) if filters.has_evidence else rows.exclude(Exists(files))
    return rows


def _queue_rows(
    user: User, chosen: list[tuple[RecordKind, VerifiableRecord]], now: dt.datetime
) -> list[QueueRow]:
    by_kind: dict[str, list[VerifiableRecord]] = {}
    for kind, record in chosen:
        by_kind.setdefault(kind.slug, []).append(record)
    warnings = {
        (slug, pk): found
        for slug, records in by_kind.items()
        for pk, found in record_kind(slug).warnings(records, None).items()
    }
    download = _url_maker("trainers:evidence_download")
    review = {slug: _url_maker("trainers:verification_review", kind=slug) for slug in by_kind}
    rows = []
    for kind, record in chosen:
        person = record.trainer.user
        files: list[EvidenceFile] = getattr(record, "queue_evidence", [])
        rows.append(
            QueueRow(
                kind=kind,
                record=record,
                trainer_name=person.name or person.email,
                trainer_email=person.email,
                submitted_at=record.submitted_at,
                waiting=_waiting(record.submitted_at, now),
                evidence=[
                    QueueEvidence(f.original_name, f.type_label, download(f.public_id))
                    for f in files
                ],
                warnings=warnings.get((kind.slug, record.pk), []),
                review_url=review[kind.slug](record.public_id),
                own=person.pk == user.pk,
                cursor=f"{kind.slug}:{record.public_id}",
            )
        )
    return rows
