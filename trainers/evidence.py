"""Evidence files: checked by content, stored under random names, counted per record.

The one way to accept an upload is `evidence_attach`; forms call `validate_upload` so that a
bad file is reported on the form before anything is saved. Services write records and their
files inside `atomic_with_evidence()`, so that a failure anywhere leaves neither a row nor a
file behind.
"""

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction

from rehabpath.models import User
from trainers.filetypes import extension_for
from trainers.models import EvidenceFile, TrainerProfile

logger = logging.getLogger(__name__)

ALLOWED_TYPES = "PDF, PNG or JPEG"
# What the browser's file picker offers; a hint only, the content decides.
ACCEPT = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
HEAD_BYTES = 4096
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
    upload: UploadedFile[bytes]
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


def _display_name(upload: UploadedFile[bytes]) -> str:
    return PurePath(upload.name or "file").name[:80] or "file"


def validate_upload(upload: UploadedFile[bytes]) -> CheckedUpload:
    """Refuse anything that is not a genuine PDF, PNG or JPEG within the size limit."""
    name = _display_name(upload)
    if upload.size == 0:
        raise ValidationError(f"“{name}” is empty. Choose the file again.", code="empty")
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            f"“{name}” is larger than {size_limit_label()}. Upload a smaller scan or photo.",
            code="too_large",
        )
    digest = hashlib.sha256()
    head = b""
    upload.seek(0)
    for chunk in upload.chunks():
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
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
        upload=upload, mime_type=mime_type, sha256=digest.hexdigest(), size=upload.size or 0
    )


def validate_uploads(uploads: list[UploadedFile[bytes]]) -> list[CheckedUpload]:
    """Check every file and report every bad one at once, not just the first."""
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(validate_upload(upload))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return checked


def validate_file_count(*, existing: int, adding: int) -> None:
    limit = settings.EVIDENCE_MAX_FILES
    if existing + adding > limit:
        if existing:
            detail = (
                f"it has {existing} and you added {adding}. Remove a file first or upload fewer."
            )
        else:
            detail = f"you chose {adding}. Upload the most relevant {limit}."
        raise ValidationError(
            f"A record can hold at most {limit} evidence files; {detail}", code="too_many"
        )


def size_limit_label() -> str:
    limit = settings.EVIDENCE_MAX_BYTES
    if limit >= 1024 * 1024:
        return f"{limit // (1024 * 1024)} MB"
    return f"{max(limit // 1024, 1)} KB"


@contextmanager
def atomic_with_evidence() -> Iterator[list[str]]:
    """`transaction.atomic()` that also deletes the files written inside it if it fails.

    Yields the list that `evidence_attach(written=...)` appends stored names to. A failed
    storage write raises inside the block, so the record and its rows roll back with it.
    """
    written: list[str] = []
    try:
        with transaction.atomic():
            yield written
    except BaseException:
        for name in written:
            _delete_quietly(name)
        raise


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:  # pragma: no cover - logged for the operator, nothing the user can do
        logger.exception("Could not delete evidence file %s", name)


def evidence_attach(
    *,
    record: models.Model,
    trainer: TrainerProfile,
    files: list[CheckedUpload],
    uploaded_by: User | None,
    written: list[str] | None = None,
) -> list[EvidenceFile]:
    """Store checked uploads against a record. Call inside the caller's transaction.

    The caller should hold a lock on the record (select_for_update) so that two uploads at
    once cannot together exceed the per-record limit.
    """
    content_type = ContentType.objects.get_for_model(record)
    existing = EvidenceFile.objects.filter(content_type=content_type, object_id=record.pk).count()
    validate_file_count(existing=existing, adding=len(files))
    stored = []
    for checked in files:
        evidence = EvidenceFile(
            trainer=trainer,
            content_type=content_type,
            object_id=record.pk,
            original_name=_display_name(checked.upload)[:255],
            mime_type=checked.mime_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=uploaded_by,
        )
        evidence.file.save("upload", checked.upload, save=False)
        if written is not None and evidence.file.name:
            written.append(evidence.file.name)
        evidence.save()
        stored.append(evidence)
    return stored


def evidence_detach(evidence: EvidenceFile) -> None:
    """Delete the row now and the stored file once the transaction commits."""
    name = evidence.file.name
    evidence.delete()
    if name:
        transaction.on_commit(lambda: _delete_quietly(name))


def download_name(evidence: EvidenceFile) -> str:
    """A safe ASCII file name for Content-Disposition; the extension follows the content.

    "Zertifikat Über.PDF.html" uploaded as a PDF downloads as "Zertifikat_Uber.PDF.pdf".
    """
    stem = PurePath(evidence.original_name or "evidence").stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_stem).strip("._-")[:80] or "evidence"
    return f"{safe}.{extension_for(evidence.mime_type)}"
