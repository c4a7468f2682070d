"""Reads of scope of practice: which version to sign, which declaration holds on a day.

For the pathway and eligibility (issue 8): `current_declaration_of(trainer, on=day)` is the
declaration valid on that day, with its areas prefetched (`declaration.areas.all()`) and its
`valid_until`; `valid_declarations(on=day)` is the same rule as a queryset over every trainer,
for readers that load many trainers in a fixed number of queries.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from mentorship.models import ScopeDeclaration, ScopeStatement
from rehabpath.formats import day_label
from trainers.models import TrainerProfile

# The trainer is asked to sign again this many days before their declaration stops holding.
RENEW_WITHIN_DAYS = 30


def published_statements() -> QuerySet[ScopeStatement]:
    return ScopeStatement.objects.filter(published_at__isnull=False)


def latest_statement() -> ScopeStatement | None:
    """The version trainers sign: the highest published one, even before it takes effect."""
    return published_statements().order_by("-version").first()


def _later_versions() -> QuerySet[ScopeStatement]:
    return published_statements().filter(version__gt=OuterRef("statement__version"))


def with_validity(declarations: QuerySet[ScopeDeclaration]) -> QuerySet[ScopeDeclaration]:
    """Annotate `superseded_until`: the earliest `earlier_valid_until` of the versions published
    after the signed one (None while there is none); `valid_until` reads it."""
    first_later = _later_versions().order_by("earlier_valid_until").values("earlier_valid_until")
    return declarations.annotate(superseded_until=Subquery(first_later[:1]))


def valid_declarations(on: dt.date | None = None) -> QuerySet[ScopeDeclaration]:
    """Declarations that hold on `on` (today): signed by then, not expired, and not past the
    grace period of a later version."""
    day = on or timezone.localdate()
    lapsed = _later_versions().filter(earlier_valid_until__lt=day)
    return with_validity(
        ScopeDeclaration.objects.filter(signed_on__lte=day, expires_on__gte=day).exclude(
            Exists(lapsed)
        )
    )


def current_declaration_of(
    trainer: TrainerProfile, on: dt.date | None = None
) -> ScopeDeclaration | None:
    """The trainer's newest declaration valid on `on` (today), areas prefetched; two queries."""
    return (
        valid_declarations(on)
        .filter(trainer=trainer)
        .select_related("statement")
        .prefetch_related("areas")
        .order_by("-signed_at", "-pk")
        .first()
    )


def declaration_history(trainer: TrainerProfile) -> list[ScopeDeclaration]:
    """Every declaration the trainer signed, newest first, with validity; two queries."""
    return list(
        with_validity(ScopeDeclaration.objects.filter(trainer=trainer))
        .select_related("statement")
        .prefetch_related("areas")
        .order_by("-signed_at", "-pk")
    )


@dataclass(frozen=True)
class HistoryRow:
    declaration: ScopeDeclaration
    label: str  # how its state reads today
    badge: str  # the badge style of that state


def labelled_history(trainer: TrainerProfile, on: dt.date | None = None) -> list[HistoryRow]:
    """`declaration_history` with each one's state on `on` (today): the newest one that holds
    is current (as in current_declaration_of); two queries, one without declarations."""
    day = on or timezone.localdate()
    rows = []
    current_found = False
    for declaration in declaration_history(trainer):
        holds = declaration.signed_on <= day <= declaration.valid_until
        if holds and not current_found:
            current_found = True
            rows.append(HistoryRow(declaration, "Current", "ok"))
        elif declaration.valid_until < day:
            rows.append(HistoryRow(declaration, "Ended", "expired"))
        else:
            rows.append(HistoryRow(declaration, "Replaced by a later declaration", "info"))
    return rows


class ScopeState(StrEnum):
    NO_STATEMENT = "no_statement"  # staff have published nothing: nothing to sign
    NOT_SIGNED = "not_signed"  # no declaration holds today
    NEW_VERSION = "new_version"  # it holds, of an older version: sign the new one
    EXPIRING = "expiring"  # it holds for RENEW_WITHIN_DAYS days or fewer
    CURRENT = "current"


@dataclass(frozen=True)
class ScopeStatus:
    state: ScopeState
    statement: ScopeStatement | None  # the version to read and sign
    declaration: ScopeDeclaration | None  # the one that holds today
    ever_signed: bool

    @property
    def must_sign(self) -> bool:
        return self.state in (ScopeState.NOT_SIGNED, ScopeState.NEW_VERSION, ScopeState.EXPIRING)

    @property
    def message(self) -> str:
        """One sentence for the dashboard and the scope page."""
        d = self.declaration
        if self.state == ScopeState.NO_STATEMENT:
            return "Programme staff have not published a scope of practice statement yet."
        if self.state == ScopeState.NOT_SIGNED:
            if self.ever_signed:
                return "Your scope of practice declaration has lapsed: read and sign it again."
            return "Sign the scope of practice statement: clinics need a current declaration."
        assert d is not None and self.statement is not None  # noqa: S101 - states above
        until = day_label(d.valid_until)
        if self.state == ScopeState.NEW_VERSION:
            return (
                f"Version {self.statement.version} of the scope of practice statement is out: "
                f"sign it by {until}, when your declaration stops holding."
            )
        if self.state == ScopeState.EXPIRING:
            return f"Your scope of practice declaration holds until {until}: sign it again."
        return f"Your scope of practice declaration holds until {until}."


def scope_status_for(trainer: TrainerProfile, on: dt.date | None = None) -> ScopeStatus:
    day = on or timezone.localdate()
    statement = latest_statement()
    declaration = current_declaration_of(trainer, day)
    ever = declaration is not None or trainer.scope_declarations.exists()
    if statement is None:
        state = ScopeState.NO_STATEMENT
    elif declaration is None:
        state = ScopeState.NOT_SIGNED
    elif declaration.statement_id != statement.pk:
        state = ScopeState.NEW_VERSION
    elif (declaration.valid_until - day).days <= RENEW_WITHIN_DAYS:
        state = ScopeState.EXPIRING
    else:
        state = ScopeState.CURRENT
    return ScopeStatus(state, statement, declaration, ever)


@dataclass(frozen=True)
class VersionRow:
    statement: ScopeStatement
    declarations: int  # signed, ever
    holding: int  # distinct trainers whose declaration of it holds today


def statement_rows() -> list[VersionRow]:
    """Every version (drafts first, then newest) with its signature counts; two queries."""
    today = timezone.localdate()
    statements = list(
        ScopeStatement.objects.annotate(signed=Count("declarations"))
        .prefetch_related("condition_areas")
        .order_by(*ScopeStatement._meta.ordering)  # type: ignore[misc]
    )
    holding = dict(
        valid_declarations(today)
        .values("statement_id")
        .annotate(n=Count("trainer_id", distinct=True))
        .values_list("statement_id", "n")
    )
    return [VersionRow(s, getattr(s, "signed", 0), holding.get(s.pk, 0)) for s in statements]


def trainers_to_sign() -> tuple[int, int]:
    """(active trainers, those of them whose valid declaration is of the latest version)."""
    latest = published_statements().order_by("-version").values("pk")[:1]
    active = TrainerProfile.objects.filter(status=TrainerProfile.Status.ACTIVE)
    signed = active.filter(
        Exists(valid_declarations().filter(trainer=OuterRef("pk"), statement_id=Subquery(latest)))
    )
    return active.count(), signed.count()
