"""Writes to a trainer's verifiable records (create, update, evidence, verify, reject), to
the trainer's standing on the programme (suspend, reinstate) and the claim of an account the
bulk import created.

Every service is generic over the registered record kinds (trainers.records), runs in
one transaction with its evidence files, writes an audit event and raises `DomainError` with a
message fit for the user.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.events import publish, publish_on_commit
from rehabpath.models import User
from trainers.access import is_owner
from trainers.evidence import CheckedUpload, atomic_with_evidence, evidence_attach, evidence_detach
from trainers.mails import mail_record_decision, mail_trainer_status
from trainers.models import (
    EvidenceFile,
    TrainerProfile,
    VerifiableRecord,
    VerificationMethod,
    VerificationStatus,
)
from trainers.records import RecordKind, check_not_stale, kind_of, record_fingerprint, today
from trainers.rules import check_date

PENDING = VerificationStatus.PENDING
VERIFIED = VerificationStatus.VERIFIED
REJECTED = VerificationStatus.REJECTED

# Reset whenever a record goes back to staff: a new submission starts a new decision.
DECISION_RESET = {
    "verified_by": None,
    "verification_method": "",
    "verification_note": "",
    "verified_on": None,
    "rejection_reason": "",
}


STALE_REVIEW = "The trainer changed this record while you were reviewing it: review it again."


@dataclass(frozen=True)
class RecordChange:
    """What `record_update` did; the service decides, the view only says so."""

    changed: bool  # False: fields and evidence were as saved, nothing written or audited
    reopened_from: VerificationStatus | None = None  # the decided status it left for pending


UNCHANGED = RecordChange(changed=False)


def _audit_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def _locked[R: VerifiableRecord](record: R) -> R:
    """The record re-read under a row lock: the decision is made on its committed state."""
    return (
        type(record)
        ._default_manager.select_for_update(of=("self",))
        .select_related("trainer__user")
        .get(pk=record.pk)
    )


def _back_to_pending(record: VerifiableRecord) -> VerificationStatus | None:
    """Send a decided record back to staff: the status it left, None if it was pending."""
    if record.status == PENDING:
        return None
    left = VerificationStatus(record.status)
    record.status = PENDING
    record.submitted_at = timezone.now()
    for name, value in DECISION_RESET.items():
        setattr(record, name, value)
    return left


def record_create(
    *,
    kind: RecordKind,
    trainer: TrainerProfile,
    actor: Actor,
    fields: dict[str, Any],
    files: list[CheckedUpload],
) -> VerifiableRecord:
    """A new record, pending verification, with its evidence: all saved or nothing."""
    if not is_owner(actor.user, trainer):
        raise DomainError("Only the trainer can add records to their own profile.")
    with atomic_with_evidence() as written:
        record: VerifiableRecord = kind.model(trainer=trainer, status=PENDING, **fields)
        _check_rules(record)
        record.save()
        stored = _attach(record=record, trainer=trainer, files=files, actor=actor, written=written)
        record_event(
            actor=actor,
            action=f"{kind.audit_name}.create",
            target=record,
            after={
                "status": PENDING,
                **{name: _audit_value(value) for name, value in fields.items()},
                "evidence": [e.original_name for e in stored],
            },
        )
    return record


def record_update(
    *,
    record: VerifiableRecord,
    actor: Actor,
    changes: dict[str, Any],
    add_files: list[CheckedUpload],
    remove_files: list[EvidenceFile],
    expected_fingerprint: str | None = None,
) -> RecordChange:
    """Change a record's fields and evidence in one go.

    `expected_fingerprint` is `record_fingerprint` of the record as the edit form showed it:
    when the record has changed since (another tab, an evidence upload), nothing is saved and
    DomainError(field="fingerprint") says so, instead of silently undoing that change.

    `changes` may hold every field of the form: only those that differ from the saved record
    are written, and when none does and no file is added or removed nothing is saved or
    audited (`changed` is False). A verified (or rejected) record whose fields or evidence
    change goes back to pending: staff verified what was there, not what is there now;
    `reopened_from` is then the status it left.
    """
    kind = kind_of(record)
    with atomic_with_evidence() as written:
        locked = _locked(record)
        if not is_owner(actor.user, locked):
            raise DomainError("Only the trainer can change their own record.")
        # Under the row lock, which a concurrent edit or decision also takes.
        check_not_stale(record_fingerprint(locked), expected_fingerprint)
        before = {name: getattr(locked, name) for name in changes}
        changed = {name: value for name, value in changes.items() if before[name] != value}
        for name, value in changed.items():
            setattr(locked, name, value)
        removing = _own_evidence(locked, remove_files)
        if not changed and not removing and not add_files:
            return UNCHANGED
        if changed:
            _check_rules(locked)
        old_status = locked.status
        reopened = _back_to_pending(locked)
        locked.save()
        for evidence in removing:
            evidence_detach(evidence)
        stored = _attach(
            record=locked, trainer=locked.trainer, files=add_files, actor=actor, written=written
        )
        if changed:
            record_event(
                actor=actor,
                action=f"{kind.audit_name}.update",
                target=locked,
                before={"status": old_status, **_audit_dict(before, changed)},
                after={"status": locked.status, **_audit_dict(changed, changed)},
            )
        if removing:
            record_event(
                actor=actor,
                action=f"{kind.audit_name}.evidence_remove",
                target=locked,
                before={"status": old_status, "evidence": [e.original_name for e in removing]},
                after={"status": locked.status},
            )
        if stored:
            record_event(
                actor=actor,
                action=f"{kind.audit_name}.evidence_add",
                target=locked,
                before={"status": old_status},
                after={"status": locked.status, "evidence": [e.original_name for e in stored]},
            )
        if reopened == VERIFIED:
            # A verified record back to pending no longer counts: eligibility may drop.
            publish_on_commit("trainer.changed", trainer_ids=[locked.trainer_id])
    _refresh(record, locked)
    return RecordChange(changed=True, reopened_from=reopened)


def record_evidence_add(
    *,
    record: VerifiableRecord,
    actor: Actor,
    files: list[CheckedUpload],
) -> RecordChange:
    """Add files to a record; a decided record goes back to pending (see `record_update`)."""
    if not files:
        raise DomainError("Choose at least one file to upload.")
    return record_update(record=record, actor=actor, changes={}, add_files=files, remove_files=[])


def record_evidence_remove(*, evidence: EvidenceFile, actor: Actor) -> RecordChange:
    """Remove one file from its record; a decided record goes back to pending (as above)."""
    record = evidence.record
    if record is None or not isinstance(record, VerifiableRecord):
        raise DomainError("This file does not belong to a record that staff verify.")
    return record_update(
        record=record,
        actor=actor,
        changes={},
        add_files=[],
        remove_files=[evidence],
    )


def record_verify(
    *,
    record: VerifiableRecord,
    actor: Actor,
    method: str,
    note: str,
    verified_on: dt.date,
    expected_fingerprint: str | None = None,
) -> VerifiableRecord:
    """Programme staff confirm a pending record against its evidence or its source.

    `expected_fingerprint` is `record_fingerprint` of the record as the verifier saw it; the
    review page always passes it. Only callers that show nobody the record (the demo data)
    leave it out.
    """
    kind = kind_of(record)
    if method not in VerificationMethod.values:
        raise DomainError("Choose how you verified this record.")
    if verified_on > today():
        raise DomainError("The verification date cannot be in the future.")
    if error := check_date(verified_on, "The verification date"):
        raise DomainError(" ".join(error.messages), field="verified_on")
    with atomic_with_evidence():
        locked = _locked(record)
        _check_decider(locked, actor, expected_fingerprint)
        locked.status = VERIFIED
        locked.verified_by = actor.person()
        locked.verification_method = method
        locked.verification_note = note.strip()
        locked.verified_on = verified_on
        locked.rejection_reason = ""
        locked.save()
        record_event(
            actor=actor,
            action=f"{kind.audit_name}.verify",
            target=locked,
            before={"status": PENDING},
            after={
                "status": VERIFIED,
                "method": method,
                "verified_on": verified_on.isoformat(),
                "note": locked.verification_note,
                "trainer": locked.trainer.user.email,
            },
        )
        mail_record_decision(record=locked)
        # A verified record can make the trainer eligible, a rejected one keep them from it.
        publish_on_commit("trainer.changed", trainer_ids=[locked.trainer_id])
    _refresh(record, locked)
    return record


def record_reject(
    *,
    record: VerifiableRecord,
    actor: Actor,
    reason: str,
    expected_fingerprint: str | None = None,
) -> VerifiableRecord:
    """Programme staff turn a pending record down; the trainer reads the reason.

    `expected_fingerprint` as for `record_verify`.
    """
    kind = kind_of(record)
    reason = reason.strip()
    if not reason:
        raise DomainError("Give the reason for rejecting: the trainer reads it to put it right.")
    with atomic_with_evidence():
        locked = _locked(record)
        _check_decider(locked, actor, expected_fingerprint)
        locked.status = REJECTED
        locked.verified_by = actor.person()
        locked.verification_method = ""
        locked.verification_note = ""
        locked.verified_on = None
        locked.rejection_reason = reason
        locked.save()
        record_event(
            actor=actor,
            action=f"{kind.audit_name}.reject",
            target=locked,
            before={"status": PENDING},
            after={"status": REJECTED, "trainer": locked.trainer.user.email},
            reason=reason,
        )
        mail_record_decision(record=locked)
        # A verified record can make the trainer eligible, a rejected one keep them from it.
        publish_on_commit("trainer.changed", trainer_ids=[locked.trainer_id])
    _refresh(record, locked)
    return record


def _check_decider(
    record: VerifiableRecord, actor: Actor, expected_fingerprint: str | None
) -> None:
    if not actor.person().is_staff:
        raise DomainError("Only programme staff verify records.")
    if is_owner(actor.user, record):
        raise DomainError(
            "You cannot verify or reject your own record. Another member of programme staff "
            "must review it."
        )
    if record.status != PENDING:
        raise DomainError(
            f"This record is no longer waiting for verification: it is "
            f"{record.get_status_display().lower()}."
        )
    # Under the record's lock: record_update takes the same lock before it changes the fields
    # or the evidence, so what is compared here is what gets decided.
    if expected_fingerprint is not None and expected_fingerprint != record_fingerprint(record):
        raise DomainError(STALE_REVIEW)


def _check_rules(record: VerifiableRecord) -> None:
    """The model's rules (`clean()` and its fields), as the forms check them.

    Related rows are not looked up again (the database's foreign keys hold them), nor unique
    values and constraints (the database refuses those on save).
    """
    relations = {f.name for f in record._meta.concrete_fields if f.is_relation}
    try:
        record.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error


def _attach(
    *,
    record: VerifiableRecord,
    trainer: TrainerProfile,
    files: list[CheckedUpload],
    actor: Actor,
    written: list[str],
) -> list[EvidenceFile]:
    try:
        return evidence_attach(
            record=record,
            trainer=trainer,
            files=files,
            uploaded_by=actor.person(),
            written=written,
        )
    except ValidationError as error:  # the file limit, counted again under the record's lock
        raise DomainError(" ".join(error.messages)) from error


def _own_evidence(record: VerifiableRecord, files: list[EvidenceFile]) -> list[EvidenceFile]:
    if not files:
        return []
    ids = {e.pk for e in files}
    own = list(record.evidence.filter(pk__in=ids))
    if len(own) != len(ids):
        raise DomainError("That file is not part of this record (it may have been removed).")
    return own


def _audit_dict(values: dict[str, Any], names: dict[str, Any]) -> dict[str, Any]:
    return {name: _audit_value(values[name]) for name in names}


def _refresh(record: VerifiableRecord, locked: VerifiableRecord) -> None:
    """Copy the saved state onto the caller's instance."""
    for f in record._meta.concrete_fields:
        setattr(record, f.attname, getattr(locked, f.attname))
    record._state.fields_cache.clear()
    if hasattr(record, "_prefetched_objects_cache"):
        record._prefetched_objects_cache.clear()


# --- The trainer's standing on the programme ------------------------------------------------


def trainer_suspend(*, trainer: TrainerProfile, actor: Actor, reason: str) -> TrainerProfile:
    """Programme staff suspend a trainer: clinics then see them as not eligible.

    The reason is required: the trainer reads it on their dashboard and in the mail.
    """
    return _trainer_status_change(
        trainer=trainer, actor=actor, reason=reason, to=TrainerProfile.Status.SUSPENDED
    )


def trainer_reinstate(*, trainer: TrainerProfile, actor: Actor, reason: str) -> TrainerProfile:
    """Programme staff lift a suspension; the reason is required as for `trainer_suspend`."""
    return _trainer_status_change(
        trainer=trainer, actor=actor, reason=reason, to=TrainerProfile.Status.ACTIVE
    )


STATUS_VERBS = {
    TrainerProfile.Status.SUSPENDED: "suspend",
    TrainerProfile.Status.ACTIVE: "reinstate",
}


def _trainer_status_change(
    *, trainer: TrainerProfile, actor: Actor, reason: str, to: TrainerProfile.Status
) -> TrainerProfile:
    verb = STATUS_VERBS[to]
    reason = reason.strip()
    if not actor.person().is_staff:
        raise DomainError(f"Only programme staff can {verb} a trainer.")
    if is_owner(actor.user, trainer):
        raise DomainError(
            f"You cannot {verb} yourself. Another member of programme staff must do it."
        )
    if not reason:
        raise DomainError(f"Give the reason to {verb} this trainer: they read it.")
    with transaction.atomic():
        # Under the row lock: two members of staff acting at once cannot both change it.
        locked = (
            TrainerProfile.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=trainer.pk)
        )
        if locked.status == to:
            state = "suspended" if to == TrainerProfile.Status.SUSPENDED else "active"
            raise DomainError(f"{locked.user.name or locked.user.email} is already {state}.")
        before = locked.status
        locked.status = to
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
        record_event(
            actor=actor,
            action=f"trainer.{verb}",
            target=locked,
            before={"status": before},
            after={"status": to.value, "trainer": locked.user.email},
            reason=reason,
        )
        mail_trainer_status(trainer=locked)
        # Clinics' webhooks are recorded with the change (rehabpath.events); their
        # eligibility answers are recomputed once it commits.
        publish(
            "trainer.suspended" if to == TrainerProfile.Status.SUSPENDED else "trainer.reinstated",
            trainer_id=locked.pk,
            # Who acted, for what follows (the certificates revoked or issued again).
            actor_id=actor.user.pk if actor.user is not None else None,
        )
        publish_on_commit("trainer.changed", trainer_ids=[locked.pk])
    for name in ("status", "status_reason", "status_changed_at"):
        setattr(trainer, name, getattr(locked, name))
    return trainer


# --- Accounts the bulk import created -----------------------------------------------------


def account_claim(*, user: User, password: str, actor: Actor) -> None:
    """An imported trainer chooses their first password, with the link their claim mail gave.

    The link proves they own the address; an account that has a password is claimed already.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.has_usable_password():
            raise DomainError(
                "This account already has a password: sign in with it, or use “Forgot your "
                "password?” on the sign-in page."
            )
        get_adapter().set_password(locked, password)  # validated by the form; saves the user
        record_event(actor=actor, action="account.claim", target=locked)
    user.refresh_from_db()
