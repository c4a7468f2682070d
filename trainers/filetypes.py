"""The evidence file types we accept (detected from the content): the one table of them.

Kept apart from models.py and evidence.py so that both, and the CPD portfolio, can import it
without a cycle.
"""

from typing import NamedTuple


class EvidenceType(NamedTuple):
    extension: str  # of the stored file and of the download name
    label: str  # what a reader sees beside the file


EVIDENCE_TYPES: dict[str, EvidenceType] = {
    "application/pdf": EvidenceType("pdf", "PDF"),
    "image/png": EvidenceType("png", "PNG image"),
    "image/jpeg": EvidenceType("jpg", "JPEG image"),
}


def extension_for(mime_type: str) -> str:
    kind = EVIDENCE_TYPES.get(mime_type)
    return kind.extension if kind else "bin"


def label_for(mime_type: str) -> str:
    kind = EVIDENCE_TYPES.get(mime_type)
    return kind.label if kind else mime_type
