"""Rules about qualifications that more than one row needs: the same certificate twice.

The model's `clean()` calls these; the bulk import runs the same pure functions over rows it
has already loaded. Nothing here imports a model.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

ALREADY_RECORDED_CERTIFICATE = (
    "You have already recorded this certificate. Open it from My records to change it or add "
    "evidence."
)
ALREADY_RECORDED_AWARD = (
    "You have already recorded this qualification with this date awarded and no certificate "
    "number. Open it from My records to change it or add evidence."
)


def certificate_key(number: str) -> str:
    """A certificate number as a person compares it: case, spacing, curly quotes ignored."""
    return " ".join(number.replace("’", "'").replace("‘", "'").split()).casefold()


# (qualification type id, "cert", normalised certificate number) or (id, "date", award date)
type QualificationKey = tuple[int, str, str | dt.date | None]


def qualification_key(
    qualification_type_id: int, certificate_number: str, awarded_on: dt.date | None
) -> QualificationKey:
    """Two records of one trainer are the same certificate when their keys are equal.

    The qualification and the certificate number match or, when there is no number, the
    qualification and the award date do.
    """
    if certificate_number.strip():
        return (qualification_type_id, "cert", certificate_key(certificate_number))
    return (qualification_type_id, "date", awarded_on)


def duplicate_error(key: QualificationKey) -> tuple[str, ValidationError]:
    """The field and the refusal for a record whose `qualification_key` is already on record."""
    if key[1] == "cert":
        return "certificate_number", ValidationError(ALREADY_RECORDED_CERTIFICATE, "duplicate")
    return "awarded_on", ValidationError(ALREADY_RECORDED_AWARD, "duplicate")


def qualification_duplicate(record: Any) -> Any | None:
    """Another record of the trainer with the same `key()` as `record` (one query).

    `record` is a TrainerQualification; the bulk import compares the same keys over rows it
    has already loaded.
    """
    key = record.key()
    if not record.trainer_id or not key[0] or key == (key[0], "date", None):
        return None
    others = type(record)._default_manager.filter(
        trainer_id=record.trainer_id, qualification_type_id=record.qualification_type_id
    )
    if record.pk:
        others = others.exclude(pk=record.pk)
    fields = ("id", "qualification_type", "certificate_number", "awarded_on")
    return next((o for o in others.only(*fields).order_by("id") if o.key() == key), None)
