"""The verifiable-record framework: every kind of record staff verify, seen as one.

Views, services and the verification queue work over `RecordKind` so that each rule is
written once: how to load a kind's rows, where its pages live, what it is called in the audit
log and which facts a trainer or a verifier reads. This module names no kind: each app
registers its own in its AppConfig.ready() (trainers: insurance and DBS checks in
trainers/kinds.py; qualifications: qualifications in qualifications/kinds.py), the way pretix's
core finds its ticket outputs, so the trainers base never imports the apps built on it.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.urls import reverse
from django.utils import timezone

from rehabpath.audit import register_audit_action
from rehabpath.errors import DomainError
from rehabpath.formats import day_label
from trainers.models import VerifiableRecord

if TYPE_CHECKING:
    from trainers.forms import RecordForm

# Warnings for some records of one kind (keyed by primary key), given optionally everything of
# that kind the trainers concerned hold; None when the caller has not loaded it.
WarningsFor = Callable[[list[Any], list[Any] | None], dict[int, list[str]]]


def _no_warnings(records: list[Any], held: list[Any] | None) -> dict[int, list[str]]:
    return {}


@dataclass(frozen=True)
class RecordKind:
    slug: str  # in URLs: /verification/<slug>/<public_id>/
    label: str  # on its own: "DBS check"
    plural: str
    # Inside a sentence, as written there: "your DBS check", "your insurance". Never derived
    # with .lower(), which turns "DBS" into "dbs".
    in_sentence: str
    noun: str  # "Add <noun>"
    audit_name: str  # audit actions read "<audit_name>.<verb>"
    # A concrete VerifiableRecord subclass. Typed Any: each declares its own `trainer`, which
    # the abstract base (what mypy would check lookups against) does not have as a field.
    model: type[Any]
    form_class: type["RecordForm[Any]"]
    url_namespace: str
    url_prefix: str
    facts: Callable[[Any], list[tuple[str, str]]]
    related: tuple[str, ...] = field(default=())
    warnings: WarningsFor = _no_warnings
    order: int = 100  # position on the trainer's records page and in the queue's filters

    def queryset(self) -> models.QuerySet[Any]:
        """Rows with what their status, title and evidence need, in a fixed number of queries."""
        rows: models.QuerySet[Any] = (
            self.model._default_manager.select_related("trainer__user", *self.related)
            .prefetch_related("evidence")
            .order_by("submitted_at", "id")
        )
        return rows

    def url(self, action: str, record: VerifiableRecord | None = None) -> str:
        kwargs = {"public_id": record.public_id} if record is not None else None
        return reverse(f"{self.url_namespace}:{self.url_prefix}_{action}", kwargs=kwargs)

    def url_for_review(self, record: VerifiableRecord) -> str:
        return reverse(
            "trainers:verification_review",
            kwargs={"kind": self.slug, "public_id": record.public_id},
        )


_KINDS: dict[str, RecordKind] = {}


def register_record_kind(kind: RecordKind) -> None:
    """Make `kind` known to the records page, the verification queue and every service."""
    existing = _KINDS.get(kind.slug)
    if existing is not None and existing != kind:
        raise ValueError(f"Another record kind is already registered as {kind.slug!r}")
    _KINDS[kind.slug] = kind
    for verb, label in RECORD_AUDIT_VERBS.items():
        register_audit_action(
            f"{kind.audit_name}.{verb}", f"{kind.label} {label}", target=kind.model
        )


# The audit actions every record kind writes (trainers.services), as the audit log names them.
RECORD_AUDIT_VERBS = {
    "create": "added",
    "update": "changed",
    "evidence_add": "evidence added",
    "evidence_remove": "evidence removed",
    "verify": "verified",
    "reject": "rejected",
}


def record_kinds() -> list[RecordKind]:
    """The registered kinds in page order."""
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.slug))


def record_kind(slug: str) -> RecordKind:
    return _KINDS[slug]


def kind_of(record: VerifiableRecord) -> RecordKind:
    for kind in _KINDS.values():
        if isinstance(record, kind.model):
            return kind
    raise LookupError(f"{type(record).__name__} is not a registered record kind")


class RecordKindConverter:
    """<recordkind:kind> in a URL: a registered kind; anything else does not resolve."""

    def __init__(self) -> None:
        # Made when the URLconf registers it, after every app has registered its kinds.
        self.regex = "|".join(sorted(_KINDS)) or "(?!)"

    # Django reads a ValueError from either method as "this URL does not match".
    def to_python(self, value: str) -> RecordKind:
        try:
            return _KINDS[value]
        except KeyError:
            raise ValueError(value) from None

    def to_url(self, value: RecordKind | str) -> str:
        slug = value.slug if isinstance(value, RecordKind) else value
        if slug not in _KINDS:
            raise ValueError(slug)
        return slug


def warnings_for(records: Iterable[VerifiableRecord]) -> dict[tuple[str, int], list[str]]:
    """Every kind's warnings for `records` (of any kinds), keyed by (kind slug, pk)."""
    by_kind: dict[str, list[VerifiableRecord]] = {}
    for record in records:
        by_kind.setdefault(kind_of(record).slug, []).append(record)
    found: dict[tuple[str, int], list[str]] = {}
    for slug, rows in by_kind.items():
        for pk, warnings in _KINDS[slug].warnings(rows, None).items():
            found[(slug, pk)] = warnings
    return found


def record_warnings(record: VerifiableRecord) -> list[str]:
    """What the record's kind warns about for this one record (a missing prerequisite...)."""
    return kind_of(record).warnings([record], None).get(record.pk, [])


# --- What a reader sees -------------------------------------------------------------------


def money_label(value: Decimal) -> str:
    return f"£{value:,.0f}"


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def record_facts(record: VerifiableRecord) -> list[tuple[str, str]]:
    return kind_of(record).facts(record)


# The decision about a record, not its content: a fingerprint ignores them.
VERIFICATION_FIELDS = frozenset(
    {
        "status",
        "submitted_at",
        "verified_by",
        "verification_method",
        "verification_note",
        "verified_on",
        "rejection_reason",
    }
)


def record_fingerprint(record: VerifiableRecord) -> str:
    """A digest of what a verifier reviews: the record's own fields and its evidence files.

    The review page carries it in the verify and reject forms; the services refuse a decision
    when the record no longer has it, so staff never decide on content they have not seen.
    Uses the prefetched evidence when there is some, else one query.
    """
    return content_fingerprint(record, kind=kind_of(record).slug, exclude=VERIFICATION_FIELDS)


STALE_EDIT = (
    "This record was changed in another window since you opened it: nothing was saved, so "
    "that change is not undone. Your changes are still below. Open the record in a new tab to "
    "see what it holds now, then save again to keep what is on this screen."
)


def check_not_stale(current: str, expected: str | None) -> None:
    """Refuse a save from a page that showed an older state of the row (`content_fingerprint`
    then and now). `expected` None: the caller showed nobody the row (a script, the demo)."""
    if expected is not None and expected != current:
        raise DomainError(STALE_EDIT, field="fingerprint")


def content_fingerprint(
    obj: models.Model, *, kind: str, exclude: frozenset[str] = frozenset()
) -> str:
    """A digest of a trainer's row as a page showed it: its fields, its many-to-many choices
    (prefetched or one query each) and its evidence files.

    The edit forms carry it too (records, CPD activities): a save from a page that showed an
    older state is refused instead of silently undoing the change made since.
    """
    fields = {
        f.attname: _canonical(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.name not in exclude
    }
    content: dict[str, Any] = {"kind": kind, "fields": fields}
    many = {
        f.name: sorted(related.pk for related in getattr(obj, f.name).all())
        for f in obj._meta.many_to_many
        if f.name not in exclude
    }
    if many:
        content["many"] = many
    evidence = getattr(obj, "evidence", None)
    content["evidence"] = sorted(e.sha256 for e in evidence.all()) if evidence is not None else []
    payload = json.dumps(content, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):  # 5000000 and 5000000.00 are the same cover
        return format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)  # UUIDs


def verification_summary(record: VerifiableRecord) -> str:
    """One line saying who decided what, for the record page ("" while pending)."""
    who = record.verified_by.name if record.verified_by else "programme staff"
    if record.status == "verified":
        method = record.get_verification_method_display().lower() or "a check"
        return f"Verified by {who} on {day_label(record.verified_on)} ({method})."
    if record.status == "rejected":
        return f"Rejected by {who}."
    return ""


def today() -> dt.date:
    return timezone.localdate()
