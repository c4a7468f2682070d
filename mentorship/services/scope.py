"""Scope of practice: staff draft and publish statement versions; trainers sign declarations.

A published version is never edited (a correction is a new version); a declaration is written
once, with the text the trainer confirmed and its SHA-256. Publishing asks every trainer to
sign again: their earlier declaration holds until the new version's effective date plus the
grace period (mentorship.selectors_scope), so nothing here touches their rows.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from mentorship.identifiers import Kind, find_identifiers
from mentorship.models import ScopeDeclaration, ScopeStatement
from mentorship.models.scope import sha256_of
from mentorship.selectors_scope import latest_statement
from qualifications.models import ConditionArea
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.events import publish_on_commit
from rehabpath.formats import day_label
from rehabpath.markup import markup_to_text
from rehabpath.notifications import notify
from trainers.models import TrainerProfile

MAX_GRACE_DAYS = 365
MAX_VALIDITY_MONTHS = 36


@dataclass(frozen=True)
class StatementData:
    title: str
    text: str
    areas: tuple[ConditionArea, ...]
    effective_on: dt.date
    grace_days: int
    validity_months: int


def _require_staff(actor: Actor, verb: str) -> None:
    if not actor.person().is_staff:
        raise DomainError(f"Only programme staff can {verb} scope of practice statements.")


def _check(data: StatementData) -> None:
    if not data.title.strip():
        raise DomainError("Give the statement a title.", field="title")
    if not data.text.strip():
        raise DomainError("Write the statement's text.", field="text")
    if not 0 <= data.grace_days <= MAX_GRACE_DAYS:
        raise DomainError(f"The grace period is 0 to {MAX_GRACE_DAYS} days.", field="grace_days")
    if not 1 <= data.validity_months <= MAX_VALIDITY_MONTHS:
        raise DomainError(
            f"A declaration lasts 1 to {MAX_VALIDITY_MONTHS} months.", field="validity_months"
        )


def _write(statement: ScopeStatement, data: StatementData) -> None:
    statement.title = data.title.strip()
    statement.text = data.text.strip()
    statement.effective_on = data.effective_on
    statement.grace_days = data.grace_days
    statement.validity_months = data.validity_months
    statement.save()
    statement.condition_areas.set(data.areas)


def _summary(statement: ScopeStatement) -> dict[str, object]:
    return {
        "title": statement.title,
        "effective_on": statement.effective_on.isoformat(),
        "grace_days": statement.grace_days,
        "validity_months": statement.validity_months,
        "areas": sorted(a.slug for a in statement.condition_areas.all()),
        "text_sha256": sha256_of(statement.text),
    }


def statement_draft_create(*, actor: Actor, data: StatementData) -> ScopeStatement:
    _require_staff(actor, "write")
    _check(data)
    with transaction.atomic():
        statement = ScopeStatement(created_by=actor.user)
        _write(statement, data)
        record_event(
            actor=actor, action="scope_statement.draft", target=statement, after=_summary(statement)
        )
    return statement


def statement_draft_update(
    *, actor: Actor, statement: ScopeStatement, data: StatementData
) -> ScopeStatement:
    _require_staff(actor, "edit")
    _check(data)
    with transaction.atomic():
        locked = ScopeStatement.objects.select_for_update().get(pk=statement.pk)
        if locked.is_published:
            raise DomainError(
                f"Version {locked.version} is published and is never edited: start a new "
                "version from it instead."
            )
        before = _summary(locked)
        _write(locked, data)
        record_event(
            actor=actor,
            action="scope_statement.edit",
            target=locked,
            before=before,
            after=_summary(locked),
        )
    return locked


def statement_publish(*, actor: Actor, statement: ScopeStatement) -> ScopeStatement:
    """Give the draft the next version number; from now on trainers sign it."""
    _require_staff(actor, "publish")
    today = timezone.localdate()
    with transaction.atomic():
        locked = ScopeStatement.objects.select_for_update().get(pk=statement.pk)
        if locked.is_published:
            raise DomainError(f"Version {locked.version} is already published.")
        areas = list(locked.condition_areas.all())
        if not areas:
            raise DomainError(
                "Choose the condition areas this statement covers: trainers declare theirs "
                "from them.",
                field="condition_areas",
            )
        if locked.effective_on < today:
            raise DomainError(
                "The effective date has passed: trainers signed the earlier version until now. "
                "Choose today or a later day.",
                field="effective_on",
            )
        previous = latest_statement()
        if previous is not None and locked.effective_on < previous.effective_on:
            raise DomainError(
                f"Version {previous.version} takes effect on {day_label(previous.effective_on)}: "
                "this one cannot take effect before it.",
                field="effective_on",
            )
        number = (ScopeStatement.objects.aggregate(n=Max("version"))["n"] or 0) + 1
        locked.version = number
        locked.published_at = timezone.now()
        locked.published_by = actor.user
        locked.earlier_valid_until = locked.grace_end()
        try:
            with transaction.atomic():
                locked.save(
                    update_fields=[
                        "version",
                        "published_at",
                        "published_by",
                        "earlier_valid_until",
                        "updated_at",
                    ]
                )
        except IntegrityError as exc:  # another draft took this number at the same moment
            raise DomainError(
                "Another version was published at the same moment: look at the list and try again."
            ) from exc
        record_event(
            actor=actor,
            action="scope_statement.publish",
            target=locked,
            after={**_summary(locked), "version": number},
        )
    return locked


# --- Declarations ---------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """Names compared as people type them: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


def declaration_text(
    *,
    statement: ScopeStatement,
    areas: Iterable[ConditionArea],
    escalation_role: str,
    escalation_organisation: str,
    signed_name: str,
    signed_at: dt.datetime,
) -> str:
    """The document a declaration's hash covers: the version as the trainer read it (plain
    text), then what they declared. Changing this format changes future hashes only."""
    local = timezone.localtime(signed_at)
    return "\n".join(
        [
            f"Scope of practice statement, version {statement.version}: {statement.title}",
            f"Takes effect on {statement.effective_on.isoformat()}",
            "",
            markup_to_text(statement.text),
            "",
            "Declaration",
            "I have read this statement and work within it.",
            "I am competent to work with clients in: "
            + ", ".join(sorted(a.name for a in areas))
            + ".",
            f"When a client's needs go beyond my scope I escalate to: {escalation_role}, "
            f"{escalation_organisation}.",
            f"Signed by {signed_name} at {local.isoformat(timespec='seconds')}.",
        ]
    )


def _check_contact(value: str, field: str, what: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise DomainError(f"Give the {what} of your escalation contact.", field=field)
    kinds = {finding.kind for finding in find_identifiers(value)}
    if kinds & {Kind.PHONE, Kind.EMAIL, Kind.NHS_NUMBER}:
        raise DomainError(
            "Give a role and an organisation only, no phone numbers or e-mail addresses: "
            "the contact is reached through the organisation.",
            field=field,
        )
    return value


def declaration_sign(
    *,
    actor: Actor,
    trainer: TrainerProfile,
    statement: ScopeStatement,
    areas: Iterable[ConditionArea],
    escalation_role: str,
    escalation_organisation: str,
    signed_name: str,
    confirmed: bool,
) -> ScopeDeclaration:
    """Sign `statement` (the version the trainer read) for `areas`."""
    user = actor.person()
    if user.pk != trainer.user_id:
        raise DomainError("Only the trainer can sign their own scope of practice declaration.")
    areas = list(areas)
    if not areas:
        raise DomainError("Choose at least one condition area you are competent in.", field="areas")
    role = _check_contact(escalation_role, "escalation_role", "role")
    organisation = _check_contact(
        escalation_organisation, "escalation_organisation", "organisation"
    )
    if not trainer.user.name.strip():
        raise DomainError(
            "Your account has no name to sign with: add your full name in your account first."
        )
    if normalise_name(signed_name) != normalise_name(trainer.user.name):
        raise DomainError(
            f"Type your full name as your account has it: {trainer.user.name}.",
            field="signed_name",
        )
    if not confirmed:
        raise DomainError(
            "Tick the box to confirm that you have read the statement and work within it.",
            field="confirmed",
        )
    with transaction.atomic():
        # The trainer's row serialises their own signatures (a double-click signs once more,
        # never half). A version published while this runs leaves a declaration of the one the
        # trainer read, which holds through the new version's grace period like any other.
        TrainerProfile.objects.select_for_update().get(pk=trainer.pk)
        latest = latest_statement()
        if latest is None or latest.pk != statement.pk:
            raise DomainError(
                "A new version of the statement was published while you were reading: read it "
                "and sign that one."
            )
        allowed = {area.pk for area in latest.condition_areas.all()}
        outside = sorted(area.name for area in areas if area.pk not in allowed)
        if outside:
            raise DomainError(
                f"This statement does not cover: {', '.join(outside)}.", field="areas"
            )
        signed_at = timezone.now()
        signed_on = timezone.localdate(signed_at)
        text = declaration_text(
            statement=latest,
            areas=areas,
            escalation_role=role,
            escalation_organisation=organisation,
            signed_name=trainer.user.name,
            signed_at=signed_at,
        )
        declaration = ScopeDeclaration.objects.create(
            trainer=trainer,
            statement=latest,
            escalation_role=role,
            escalation_organisation=organisation,
            signed_name=trainer.user.name,
            signed_at=signed_at,
            signed_on=signed_on,
            expires_on=signed_on + relativedelta(months=latest.validity_months),
            signed_text=text,
            signed_sha256=sha256_of(text),
        )
        declaration.areas.set(areas)
        record_event(
            actor=actor,
            action="scope_declaration.sign",
            target=declaration,
            after={
                "version": latest.version,
                "areas": sorted(a.slug for a in areas),
                "expires_on": declaration.expires_on.isoformat(),
                "signed_sha256": declaration.signed_sha256,
            },
        )
        notify(
            recipient=trainer.user,
            subject_key=f"scope_declaration:{declaration.public_id}",
            kind="scope.declared",
            context={
                "version": latest.version,
                "title": latest.title,
                "expires_on": day_label(declaration.expires_on),
                "signed_text": text,
                "signed_sha256": declaration.signed_sha256,
            },
            path=reverse("mentorship:scope"),
        )
        # A current declaration is the last step to Recognised, and a compliance record.
        publish_on_commit("trainer.changed", trainer_ids=[trainer.pk])
    return declaration
