"""Qualifications as a kind of verifiable record, registered with the trainers base."""

from typing import Any

from qualifications.forms.records import TrainerQualificationForm
from qualifications.models import TrainerQualification
from qualifications.prerequisites import warnings_for_qualifications
from rehabpath.formats import day_label
from trainers.records import RecordKind


def _qualification_facts(record: TrainerQualification) -> list[tuple[str, str]]:
    qtype = record.qualification_type
    if record.expires_on:
        expiry = f"{day_label(record.expires_on)} (stated on the certificate)"
    elif qtype.validity_months:
        expiry = (
            f"{day_label(record.expiry_date())} ({qtype.validity_months} months after the award)"
        )
    else:
        expiry = "Does not expire"
    facts = [("Qualification", str(qtype))]
    if qtype.regulated_number:
        facts.append(("Regulated qualification number", qtype.regulated_number))
    facts += [
        ("Awarding body", str(record.awarding_body or "—")),
        ("Certificate number", record.certificate_number or "—"),
        ("Awarded on", day_label(record.awarded_on)),
        ("Expiry", expiry),
    ]
    return facts


def _prerequisite_warnings(records: list[Any], held: list[Any] | None) -> dict[int, list[str]]:
    return warnings_for_qualifications(records, held=held)


QUALIFICATION = RecordKind(
    slug="qualification",
    label="Qualification",
    plural="Qualifications",
    in_sentence="qualification",
    noun="a qualification",
    audit_name="qualification",
    model=TrainerQualification,
    form_class=TrainerQualificationForm,
    url_namespace="qualifications",
    url_prefix="qualification",
    facts=_qualification_facts,
    related=("qualification_type", "awarding_body"),
    warnings=_prerequisite_warnings,
    order=10,
)
