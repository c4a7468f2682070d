"""The evidence file types we accept (detected from the content): the one table of them.

Kept apart from models.py and evidence.py so that both, and the CPD portfolio, can import it
without a cycle.
"""

from typing import NamedTuple


class EvidenceType(NamedTuple):
    extension: str  # of the stored file and of the download name
    label: str  # what a reader sees beside the file
    # How staff see it inline on the review page: "image" (<img>), "document" (a framed PDF)
    # or "" (download only).
    preview: str = ""


EVIDENCE_TYPES: dict[str, EvidenceType] = {
    "application/pdf": EvidenceType("pdf", "PDF", preview="document"),
    "image/png": EvidenceType("png", "PNG image", preview="image"),
    "image/jpeg": EvidenceType("jpg", "JPEG image", preview="image"),
}


def extension_for(mime_type: str) -> str:
    kind = EVIDENCE_TYPES.get(mime_type)
    return kind.extension if kind else "bin"


def label_for(mime_type: str) -> str:
    kind = EVIDENCE_TYPES.get(mime_type)
    return kind.label if kind else mime_type


def preview_for(mime_type: str) -> str:
    """How a file of this (content-checked) type previews inline; "" when it does not."""
    kind = EVIDENCE_TYPES.get(mime_type)
    return kind.preview if kind else ""
