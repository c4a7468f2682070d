"""The import services: preview (nothing saved) and apply (all or nothing)."""

import csv
import hashlib
import io

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from programme.imports.checks import validate
from programme.imports.reading import (
    COLUMN_NAMES,
    MAX_BYTES,
    ImportPreview,
    ImportResult,
    decode,
    too_large,
)
from qualifications.models import QualificationType, TrainerQualification
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.models import User
from trainers.mails import mail_account_claim
from trainers.models import TrainerProfile, VerificationStatus


def trainers_import_preview(*, upload: UploadedFile[bytes]) -> ImportPreview:
    """Check an uploaded file without saving anything; the preview lists every problem."""
    filename = (upload.name or "upload.csv")[:255]
    if upload.size is not None and upload.size > MAX_BYTES:
        preview = ImportPreview(filename=filename, sha256="")
        preview.file_errors.append(too_large(upload.size))
        return preview
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)  # never more than the limit, whatever size claimed
    preview = ImportPreview(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    text = decode(data, preview)
    if text is None:
        return preview
    return validate(text=text, filename=filename, sha256=preview.sha256)


def trainers_import_apply(
    *,
    actor: Actor,
    text: str,
    sha256: str,
    filename: str,
) -> ImportResult:
    """Import a previewed file: everything or nothing, after checking it all again."""
    try:
        with transaction.atomic():
            preview = validate(text=text, filename=filename, sha256=sha256, lock=True)
            if not preview.is_valid:
                raise DomainError(
                    "Nothing was imported: the file is no longer valid (the catalogue or the "
                    "trainers' records changed since the preview). The problems are listed below.",
                    details=preview,
                )
            return _create_all(actor=actor, preview=preview)
    except IntegrityError:
        raise DomainError(
            "Nothing was imported: an account or record in this file was created by someone "
            "else while importing. Upload the file again to see what changed."
        ) from None


def _create_all(*, actor: Actor, preview: ImportPreview) -> ImportResult:
    new_trainers = preview.new_trainers
    users = []
    for email, name in new_trainers:
        user = User(email=email, name=name)
        user.set_unusable_password()  # claimed through "Forgot your password?"
        users.append(user)
    User.objects.bulk_create(users)
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    profiles = TrainerProfile.objects.bulk_create(TrainerProfile(user=user) for user in users)
    profile_by_email = {profile.user.email: profile for profile in profiles}

    now = timezone.now()
    records = TrainerQualification.objects.bulk_create(
        TrainerQualification(
            trainer=row.trainer or profile_by_email[row.email],
            qualification_type=row.checked_values()[0],
            awarding_body=row.awarding_body,
            certificate_number=row.certificate_number,
            awarded_on=row.checked_values()[1],
            expires_on=row.expires_on,
            status=VerificationStatus.PENDING,
            submitted_at=now,
        )
        for row in preview.rows
    )

    summary = {
        "filename": preview.filename,
        "sha256": preview.sha256,
        "rows": len(preview.rows),
        "trainers_created": len(profiles),
        "existing_trainers": preview.existing_trainer_count,
        "qualifications_created": len(records),
    }
    record_event(
        actor=actor,
        action="trainers.import",
        target_type="trainers.import",
        target_id=preview.sha256,
        target_label=preview.filename[:255] or "CSV import",
        after=summary,
        reason="Bulk import of trainers and qualifications",
    )
    reason = f"Bulk import {preview.sha256[:12]}"
    for profile in profiles:
        record_event(
            actor=actor,
            action="trainer.create",
            target=profile,
            after={"email": profile.user.email, "name": profile.user.name, "source": "import"},
            reason=reason,
        )
    for row, record in zip(preview.rows, records, strict=True):
        qualification, awarded_on = row.checked_values()
        record_event(
            actor=actor,
            action="qualification.create",
            target=record,
            after={
                "trainer": row.email,
                "qualification": qualification.slug,
                "awarding_body": row.awarding_body.name if row.awarding_body else "",
                "certificate_number": row.certificate_number,
                "awarded_on": awarded_on.isoformat(),
                "expires_on": row.expires_on.isoformat() if row.expires_on else None,
                "status": VerificationStatus.PENDING,
                "source": "import",
                "row": row.number,
            },
            reason=reason,
        )
    for user in users:
        mail_account_claim(user=user, invited_by=actor.person())
    return ImportResult(
        sha256=preview.sha256,
        filename=preview.filename,
        rows=len(preview.rows),
        trainers_created=new_trainers,
        qualifications_created=len(records),
        existing_trainers=preview.existing_trainer_count,
    )


def template_csv(*, example: bool = False) -> str:
    """The header row (and, for the example, a few rows built from the live catalogue)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    if example:
        for values in example_rows():
            writer.writerow(values)
    return out.getvalue()


def example_rows() -> list[list[str]]:
    """Three illustrative rows (two for one trainer) using qualifications in the catalogue."""
    kinds = [
        QualificationType.Kind.PERSONAL_TRAINING,
        QualificationType.Kind.EXERCISE_REFERRAL,
        QualificationType.Kind.FIRST_AID,
    ]
    active = list(
        QualificationType.objects.filter(is_active=True)
        .prefetch_related("awarding_bodies")
        .order_by("level", "name")
    )
    first_of_kind = (next((t for t in active if t.kind == kind), None) for kind in kinds)
    chosen = [t for t in first_of_kind if t is not None]
    chosen += [t for t in active if t not in chosen][: 3 - len(chosen)]
    people = [
        ("alex.morgan@example.org", "Alex Morgan"),
        ("alex.morgan@example.org", "Alex Morgan"),
        ("priya.shah@example.org", "Priya Shah"),
    ]
    dates = [("2019-07-12", ""), ("14/03/2021", ""), ("2024-11-02", "2027-11-01")]
    rows = []
    for index, qtype in enumerate(chosen):
        email, name = people[index]
        bodies = list(qtype.awarding_bodies.all())
        awarded, expires = dates[index]
        rows.append(
            [
                email,
                name,
                qtype.name if index == 1 else qtype.slug,
                bodies[0].name if bodies else "",
                f"CERT-{1001 + index}",
                awarded,
                expires,
            ]
        )
    return rows
