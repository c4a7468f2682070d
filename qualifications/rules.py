"""Rules about qualifications that the records and the bulk import share: the same
certificate twice, when a qualification expires, which prerequisites are unmet, and how text
is compared.

The models and the record pages call these; the bulk import runs the same pure functions over
rows it has already loaded. Nothing here queries the database.
"""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models

from trainers.models import VerificationStatus

ALREADY_RECORDED_CERTIFICATE = (
    "You have already recorded this certificate. Open it from My records to change it or add "
    "evidence."
)
ALREADY_RECORDED_AWARD = (
    "You have already recorded this qualification with this date awarded and no certificate "
    "number. Open it from My records to change it or add evidence."
)


def comparable_text(value: str) -> str:
    """Text as a person compares it: case, spacing and curly quotes do not matter (names,
    catalogue entries, certificate numbers)."""
    return " ".join(value.replace("’", "'").replace("‘", "'").split()).casefold()


def qualification_expiry(
    awarded_on: dt.date | None, expires_on: dt.date | None, validity_months: int | None
) -> dt.date | None:
    """When a qualification expires: the date the certificate states, else the award date
    plus the type's validity (None: it does not expire, or there is no award date yet)."""
    if expires_on:
        return expires_on
    if awarded_on is None or not validity_months:
        return None
    return awarded_on + relativedelta(months=validity_months)


def unmet_prerequisites[Q: models.Model](
    required: Iterable[Q], held: Mapping[int, Collection[str]]
) -> list[tuple[Q, str]]:
    """The prerequisites (qualification types) not held *verified*, each with the status it is
    held in instead: "pending", "rejected", or "" when none is held.

    `held` maps a qualification type's id to the statuses of the trainer's records of it. One
    rule for the record pages and the bulk import: an unverified prerequisite is not evidence.
    """
    unmet = []
    for qtype in required:
        statuses = held.get(qtype.pk, ())
        if VerificationStatus.VERIFIED in statuses:
            continue
        if VerificationStatus.PENDING in statuses:
            unmet.append((qtype, str(VerificationStatus.PENDING)))
        elif VerificationStatus.REJECTED in statuses:
            unmet.append((qtype, str(VerificationStatus.REJECTED)))
        else:
            unmet.append((qtype, ""))
    return unmet


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
        return (qualification_type_id, "cert", comparable_text(certificate_number))
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
