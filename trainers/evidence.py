"""Evidence files: checked by content, stored under random names, counted per record.

The one way to accept an upload is `evidence_attach`; forms call `validate_upload` so that a
bad file is reported on the form before anything is saved.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models

from trainers.models import EvidenceFile, TrainerProfile

ALLOWED_TYPES = "PDF, PNG or JPEG"
# Markers that must never appear near the start of an image or PDF we accept: they mean the
# file is (also) a web page or script that a browser could be tricked into rendering.
ACTIVE_CONTENT_MARKERS = (
    b"<html",
    b"<script",
    b"<svg",
    b"<!doctype",
    b"<iframe",
    b"<body",
    b"javascript:",
)


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    mime_type: str
    sha256: str
    size: int


def _sniff(head: bytes) -> str | None:
    """The type the bytes say they are, whatever the name says."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def validate_upload(upload: UploadedFile) -> CheckedUpload:
    """Refuse anything that is not a genuine PDF, PNG or JPEG within the size limit."""
    name = upload.name or "file"
    if upload.size == 0:
        raise ValidationError(f"“{name}” is empty. Choose the file again.", code="empty")
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        limit_mb = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        raise ValidationError(
            f"“{name}” is larger than {limit_mb} MB. Upload a smaller scan or photo.",
            code="too_large",
        )
    digest = hashlib.sha256()
    head = b""
    upload.seek(0)
    for chunk in upload.chunks():
        if len(head) < 4096:
            head += chunk[: 4096 - len(head)]
        digest.update(chunk)
    upload.seek(0)
    mime_type = _sniff(head)
    if mime_type is None:
        raise ValidationError(
            f"“{name}” is not a {ALLOWED_TYPES} file (its content was checked, not its name).",
            code="bad_type",
        )
    lowered = head.lower()
    if mime_type != "application/pdf" and any(m in lowered for m in ACTIVE_CONTENT_MARKERS):
        raise ValidationError(
            f"“{name}” contains web content hidden inside the image and was refused.",
            code="polyglot",
        )
    return CheckedUpload(
        upload=upload, mime_type=mime_type, sha256=digest.hexdigest(), size=upload.size
    )


def validate_file_count(*, existing: int, adding: int) -> None:
    limit = settings.EVIDENCE_MAX_FILES
    if existing + adding > limit:
        raise ValidationError(
            f"A record can hold at most {limit} evidence files; it has {existing} and you added "
            f"{adding}. Remove a file first or upload fewer.",
            code="too_many",
        )


def evidence_attach(
    *, record: models.Model, trainer: TrainerProfile, files: list[CheckedUpload], uploaded_by
) -> list[EvidenceFile]:
    """Store checked uploads against a record. Call inside the caller's transaction."""
    content_type = ContentType.objects.get_for_model(record)
    existing = EvidenceFile.objects.filter(content_type=content_type, object_id=record.pk).count()
    validate_file_count(existing=existing, adding=len(files))
    stored = []
    for checked in files:
        evidence = EvidenceFile(
            trainer=trainer,
            content_type=content_type,
            object_id=record.pk,
            original_name=(checked.upload.name or "evidence")[:255],
            mime_type=checked.mime_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=uploaded_by,
        )
        evidence.file.save("upload", checked.upload, save=False)
        evidence.save()
        stored.append(evidence)
    return stored
