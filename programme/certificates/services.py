"""Issuing, revoking and re-issuing competency certificates, and what suspending and
reinstating a trainer does to them.

- `certificate_issue`: programme staff (never to themselves) issue a certificate to a trainer
  Recognised in an area (programme.certificates.issuing says what is missing otherwise). The
  row is made with its code, its status list entry and its signed credential in one
  transaction; the PDF is rendered by `tasks.certificate_render` after commit, which then
  tells the trainer.
- `certificate_revoke`: permanent, with a reason; the trainer is told and the clinics the
  trainer shares with get the `certificate.revoked` webhook.
- `certificate_reissue`: a new certificate (a new code) replaces a valid or expired one; the old
  reads "replaced" with a link to the new, the clinics get `certificate.replaced`.
- Suspension ("trainer.suspended", published inside the suspending transaction) revokes every
  certificate of the trainer still unrevoked at once, so no verifier reads one as valid.
  Reinstatement ("trainer.reinstated") issues a fresh certificate for each one that the latest
  suspension revoked and that had not expired, where the trainer is still recognised; where
  not, it records why (an audit event staff read on the trainer's page) and issues nothing.

Who acts: the member of staff who suspended or reinstated the trainer (the events carry their
id); the system ("trainer suspension") only when an event carries none.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from programme.certificates import codes, credential, statuslist
from programme.certificates.issuing import IssueCheck, issue_checks
from programme.certificates.notifications import (
    notify_certificate_issued,
    notify_certificate_revoked,
)
from programme.certificates.payloads import certificate_payload
from programme.models import Certificate
from programme.webhooks.events import CERTIFICATE_REPLACED, CERTIFICATE_REVOKED
from programme.webhooks.services import webhook_emit
from qualifications.models import ConditionArea
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.events import subscribe
from rehabpath.models import AuditEvent, User
from trainers.access import is_owner
from trainers.models import ClinicShare, TrainerProfile

# How many times a new code (or status entry) is drawn again after a unique collision: with
# 140 random bits a second draw is already never needed; the status index can collide.
ATTEMPTS = 5
SUSPENSION_REASON = "The trainer's registration was suspended by programme staff."
SYSTEM_JOB = "trainer suspension"


def _require_staff(actor: Actor, trainer: TrainerProfile, verb: str) -> User:
    person = actor.person()
    if not person.is_staff:
        raise DomainError(f"Only programme staff can {verb} a certificate.")
    if is_owner(person, trainer):
        raise DomainError(
            f"You cannot {verb} your own certificate. Another member of programme staff must."
        )
    return person


def _locked_trainer(trainer_id: int) -> TrainerProfile:
    # Under the trainer's row lock: two members of staff issuing at once cannot both issue
    # one, and a suspension cannot slip between the check and the new row.
    return (
        TrainerProfile.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=trainer_id)
    )


def _locked_certificate(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("trainer__user", "condition_area")
        .get(pk=certificate.pk)
    )


def _state(certificate: Certificate) -> dict[str, object]:
    return {
        "code": certificate.code,
        "trainer": certificate.trainer_name,
        "area": certificate.area_name,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "revocation": certificate.revocation,
    }


def _new_certificate(
    *,
    trainer: TrainerProfile,
    area: ConditionArea,
    check: IssueCheck,
    issued_by: User | None,
    on: dt.date,
) -> Certificate:
    """The new row with its code, status entry and signed credential; saved."""
    declaration = check.scope_declaration
    if declaration is None or check.expires_on is None:  # pragma: no cover - checked by callers
        raise DomainError("A certificate needs a current scope of practice declaration.")
    for attempt in range(ATTEMPTS):
        number, index = statuslist.allocate_entry()
        certificate = Certificate(
            code=codes.new_code(),
            trainer=trainer,
            condition_area=area,
            scope_declaration=declaration,
            trainer_name=trainer.user.name or trainer.user.email,
            area_name=area.name,
            scope_title=declaration.statement.title,
            scope_version=declaration.statement.version or 0,
            issuer_name=settings.SITE_NAME,
            issued_by=issued_by,
            issued_by_name=(issued_by.name or issued_by.email)
            if issued_by is not None
            else f"{settings.SITE_NAME} programme staff",
            issued_at=timezone.now(),
            issued_on=on,
            expires_on=check.expires_on,
            status_list=number,
            status_index=index,
        )
        certificate.credential = credential.credential_for(certificate)
        try:
            # A savepoint: a collision of the code or of the status entry (drawn at random,
            # unique in the database) is drawn again without losing the transaction.
            with transaction.atomic():
                certificate.save(force_insert=True)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
            continue
        break
    _render_after_commit(certificate)
    return certificate


def _render_after_commit(certificate: Certificate) -> None:
    from programme.certificates.tasks import render_on_commit

    render_on_commit(certificate.pk)


def _clinics_of(trainer_id: int) -> list[int]:
    return list(
        ClinicShare.objects.filter(trainer_id=trainer_id, ended_at__isnull=True).values_list(
            "clinic_id", flat=True
        )
    )


def _emit_revoked(certificate: Certificate) -> None:
    webhook_emit(
        clinic_ids=_clinics_of(certificate.trainer_id),
        event=CERTIFICATE_REVOKED,
        subject_key=f"certificate:{certificate.public_id}",
        milestone="revoked",
        payload=certificate_payload(certificate),
    )


def _emit_replaced(old: Certificate) -> None:
    """`old.replaced_by` is set: the payload carries the new one too."""
    webhook_emit(
        clinic_ids=_clinics_of(old.trainer_id),
        event=CERTIFICATE_REPLACED,
        subject_key=f"certificate:{old.public_id}",
        milestone="replaced",
        payload=certificate_payload(old),
    )


def _audit_issue(
    actor: Actor, certificate: Certificate, *, action: str, reason: str = "", **after: object
) -> None:
    record_event(
        actor=actor,
        action=action,
        target=certificate,
        after={**_state(certificate), **after},
        reason=reason,
    )


# --- Issue --------------------------------------------------------------------------------


def certificate_issue(
    *,
    trainer: TrainerProfile,
    condition_area: ConditionArea,
    actor: Actor,
    on: dt.date | None = None,
) -> Certificate:
    """Issue a certificate for `condition_area` to `trainer` on `on` (today)."""
    person = _require_staff(actor, trainer, "issue")
    day = on or timezone.localdate()
    with transaction.atomic():
        locked = _locked_trainer(trainer.pk)
        check = issue_checks(locked, on=day)[condition_area.pk]
        if not check.can_issue:
            raise DomainError(
                f"A {condition_area.name} certificate cannot be issued to "
                f"{locked.user.name or locked.user.email}: " + " ".join(check.missing)
            )
        certificate = _new_certificate(
            trainer=locked, area=condition_area, check=check, issued_by=person, on=day
        )
        _audit_issue(actor, certificate, action="certificate.issue")
    return certificate


# --- Revoke -------------------------------------------------------------------------------


def _revoke(
    certificate: Certificate,
    *,
    revocation: str,
    reason: str,
    by: User | None,
    replaced_by: Certificate | None = None,
) -> None:
    certificate.revoked_at = timezone.now()
    certificate.revocation = revocation
    certificate.revocation_reason = reason
    certificate.revoked_by = by
    certificate.replaced_by = replaced_by
    certificate.save(
        update_fields=[
            "revoked_at",
            "revocation",
            "revocation_reason",
            "revoked_by",
            "replaced_by",
        ]
    )


def _revoke_and_tell(
    certificate: Certificate,
    *,
    actor: Actor,
    action: str,
    revocation: str,
    reason: str,
    by: User | None,
) -> None:
    """Revoke a locked certificate for good (by hand or by a suspension), record it, tell the
    trainer and send the clinics the trainer shares with `certificate.revoked`."""
    before = _state(certificate)
    _revoke(certificate, revocation=revocation, reason=reason, by=by)
    record_event(
        actor=actor,
        action=action,
        target=certificate,
        before=before,
        after=_state(certificate),
        reason=reason,
    )
    notify_certificate_revoked(certificate)
    _emit_revoked(certificate)


def certificate_revoke(*, certificate: Certificate, actor: Actor, reason: str) -> Certificate:
    """Revoke a certificate for good, with the reason verifiers and the trainer read."""
    reason = reason.strip()
    person = _require_staff(actor, certificate.trainer, "revoke")
    if not reason:
        raise DomainError("Give the reason for revoking it: the trainer and verifiers read it.")
    with transaction.atomic():
        locked = _locked_certificate(certificate)
        if locked.revoked_at is not None:
            raise DomainError(
                f"Certificate {locked.code} was revoked on {locked.revoked_at:%-d %B %Y} "
                "already: a revocation is permanent."
            )
        _revoke_and_tell(
            locked,
            actor=actor,
            action="certificate.revoke",
            revocation=Certificate.Revocation.REVOKED,
            reason=reason,
            by=person,
        )
    return locked


# --- Re-issue -----------------------------------------------------------------------------


def certificate_reissue(*, certificate: Certificate, actor: Actor, reason: str) -> Certificate:
    """Replace a valid or expired certificate with a new one (a new code, dates from today);
    the trainer must be recognised in the area today. Returns the new certificate."""
    reason = reason.strip()
    person = _require_staff(actor, certificate.trainer, "re-issue")
    if not reason:
        raise DomainError("Give the reason for re-issuing it: it is kept in the audit log.")
    day = timezone.localdate()
    with transaction.atomic():
        trainer = _locked_trainer(certificate.trainer_id)
        old = _locked_certificate(certificate)
        if old.revoked_at is not None:
            raise DomainError(
                f"Certificate {old.code} is revoked, and a revocation is permanent: issue a new "
                "certificate from the trainer's page instead."
            )
        check = issue_checks(trainer, on=day)[old.condition_area_id]
        if check.held is not None and check.held.pk != old.pk:
            raise DomainError(
                f"{old.trainer_name} holds a newer valid {old.area_name} certificate "
                f"({check.held.code}): re-issue that one if it needs replacing."
            )
        if check.requirements_missing or check.scope_declaration is None:
            raise DomainError(
                f"It cannot be re-issued: {trainer.user.name or trainer.user.email} is not "
                f"recognised in {old.area_name} today. " + " ".join(check.requirements_missing)
            )
        before = _state(old)
        new = _new_certificate(
            trainer=trainer, area=old.condition_area, check=check, issued_by=person, on=day
        )
        _revoke(
            old,
            revocation=Certificate.Revocation.REPLACED,
            reason=f"Replaced by certificate {new.code}: {reason}",
            by=person,
            replaced_by=new,
        )
        record_event(
            actor=actor,
            action="certificate.reissue",
            target=old,
            before=before,
            after={**_state(old), "replaced_by": new.code},
            reason=reason,
        )
        _audit_issue(actor, new, action="certificate.issue", reason=reason, replaces=old.code)
        _emit_replaced(old)
    return new


# --- Suspension and reinstatement ---------------------------------------------------------


def _event_actor(actor_id: int | None) -> tuple[Actor, User | None]:
    user = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    if user is None:
        return Actor.system(SYSTEM_JOB), None
    return Actor.for_user(user), user


@subscribe("trainer.suspended")
def certificates_revoke_for_suspension(*, trainer_id: int, actor_id: int | None = None) -> None:
    """Revoke every unrevoked certificate of a trainer being suspended (expired ones too: none
    may ever read valid again); how many. Runs inside the suspending transaction."""
    actor, user = _event_actor(actor_id)
    certificates = list(
        Certificate.objects.select_for_update(of=("self",))
        .select_related("trainer__user", "condition_area")
        .filter(trainer_id=trainer_id, revoked_at__isnull=True)
        .order_by("pk")
    )
    for certificate in certificates:
        _revoke_and_tell(
            certificate,
            actor=actor,
            action="certificate.suspend_revoke",
            revocation=Certificate.Revocation.SUSPENDED,
            reason=SUSPENSION_REASON,
            by=user,
        )


def _latest_suspension(trainer: TrainerProfile) -> dt.datetime | None:
    event = (
        AuditEvent.objects.filter(
            action="trainer.suspend",
            target_type=TrainerProfile._meta.label_lower,
            target_id=str(trainer.public_id),
        )
        .order_by("-occurred_at", "-id")
        .first()
    )
    return event.occurred_at if event is not None else None


@subscribe("trainer.reinstated")
def certificates_reissue_for_reinstatement(*, trainer_id: int, actor_id: int | None = None) -> None:
    """Issue a fresh certificate for each one the latest suspension revoked that had not
    expired, where the trainer is still recognised in its area.

    Only the latest suspension's: its certificates were revoked after its audit event was
    written (in the same transaction), so those of an earlier suspension, or any revoked by
    hand, are left as they are. Runs inside the reinstating transaction.
    """
    actor, user = _event_actor(actor_id)
    trainer = _locked_trainer(trainer_id)
    suspended_at = _latest_suspension(trainer)
    if suspended_at is None:
        return
    day = timezone.localdate()
    revoked = list(
        Certificate.objects.select_for_update(of=("self",))
        .select_related("trainer__user", "condition_area")
        .filter(
            trainer=trainer,
            revocation=Certificate.Revocation.SUSPENDED,
            revoked_at__gte=suspended_at,
            replaced_by__isnull=True,
            expires_on__gte=day,
        )
        .order_by("pk")
    )
    if not revoked:
        return
    checks = issue_checks(trainer, on=day)
    for old in revoked:
        check = checks[old.condition_area_id]
        if check.requirements_missing or check.scope_declaration is None:
            record_event(
                actor=actor,
                action="certificate.reinstate_skip",
                target=old,
                after=_state(old),
                reason=(
                    f"No new certificate on reinstatement: {old.trainer_name} is no longer "
                    f"recognised in {old.area_name}. " + " ".join(check.requirements_missing)
                ).strip(),
            )
            continue
        if check.held is not None:
            continue  # issued again by hand in the meantime: nothing to replace it with
        new = _new_certificate(
            trainer=trainer, area=old.condition_area, check=check, issued_by=user, on=day
        )
        old.replaced_by = new
        old.save(update_fields=["replaced_by"])
        _audit_issue(
            actor,
            new,
            action="certificate.reinstate_issue",
            reason="The trainer was reinstated: a new certificate replaces the one their "
            "suspension revoked.",
            replaces=old.code,
        )
        _emit_replaced(old)


# --- The PDF (tasks.certificate_render) ---------------------------------------------------


def certificate_store_pdf(*, certificate_id: int) -> bool:
    """Render and store the certificate's PDF once, then tell the trainer; False when it was
    stored already (a second run, a duplicate delivery of the task) or the row is gone."""
    from programme.certificates.pdf import render_certificate_pdf

    certificate = (
        Certificate.objects.select_related("trainer__user", "condition_area", "replaced_by")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or certificate.pdf_rendered_at is not None:
        return False
    # Rendered outside the transaction: WeasyPrint takes a while and holds no lock.
    document = render_certificate_pdf(certificate)
    # The file is written before its row is committed: when the row is not (an error, a
    # failed commit), the file is removed again rather than left with nothing pointing to it.
    written: str | None = None
    try:
        with transaction.atomic():
            locked = (
                Certificate.objects.select_for_update(of=("self",))
                .select_related("trainer__user", "condition_area")
                .get(pk=certificate_id)
            )
            if locked.pdf_rendered_at is not None:
                return False  # another worker stored it meanwhile
            # A random name: the file is served only by the permission-checked view.
            locked.pdf.save(f"{secrets.token_urlsafe(24)}.pdf", ContentFile(document), save=False)
            written = locked.pdf.name
            locked.pdf_rendered_at = timezone.now()
            locked.save(update_fields=["pdf", "pdf_rendered_at"])
            if locked.revoked_at is None:
                notify_certificate_issued(locked)
    except BaseException:
        if written:
            certificate.pdf.storage.delete(written)
        raise
    return True
