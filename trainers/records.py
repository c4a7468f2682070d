"""The three kinds of verifiable record (qualification, insurance, DBS check) seen as one.

Views, services and the verification queue work over `RecordKind` so that each rule is
written once: how to load a kind's rows, where its pages live, what it is called in the audit
log and which facts a trainer or a verifier reads.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string

from trainers.models import VerifiableRecord


@dataclass(frozen=True)
class RecordKind:
    slug: str  # in URLs: /verification/<slug>/<public_id>/
    label: str
    plural: str
    noun: str  # "Add <noun>"
    audit_name: str  # audit actions read "<audit_name>.<verb>"
    model_label: str  # app_label.ModelName, resolved lazily
    form_path: str
    url_namespace: str
    url_prefix: str
    related: tuple[str, ...] = field(default=())

    @property
    def model(self) -> Any:  # one of the concrete VerifiableRecord subclasses
        return apps.get_model(self.model_label)

    @property
    def form_class(self):
        return import_string(self.form_path)

    def queryset(self) -> models.QuerySet:
        """Rows with what their status, title and evidence need, in a fixed number of queries."""
        return (
            self.model._default_manager.select_related("trainer__user", *self.related)
            .prefetch_related("evidence")
            .order_by("submitted_at", "id")
        )

    def url(self, action: str, record: VerifiableRecord | None = None) -> str:
        kwargs = {"public_id": record.public_id} if record is not None else None
        return reverse(f"{self.url_namespace}:{self.url_prefix}_{action}", kwargs=kwargs)

    def url_for_review(self, record: VerifiableRecord) -> str:
        return reverse(
            "trainers:verification_review",
            kwargs={"kind": self.slug, "public_id": record.public_id},
        )


QUALIFICATION = RecordKind(
    slug="qualification",
    label="Qualification",
    plural="Qualifications",
    noun="a qualification",
    audit_name="qualification",
    model_label="qualifications.TrainerQualification",
    form_path="qualifications.forms.records.TrainerQualificationForm",
    url_namespace="qualifications",
    url_prefix="qualification",
    related=("qualification_type", "awarding_body"),
)
INSURANCE = RecordKind(
    slug="insurance",
    label="Insurance",
    plural="Insurance",
    noun="insurance",
    audit_name="insurance",
    model_label="trainers.Insurance",
    form_path="trainers.forms.InsuranceForm",
    url_namespace="trainers",
    url_prefix="insurance",
)
DBS = RecordKind(
    slug="dbs",
    label="DBS check",
    plural="DBS checks",
    noun="a DBS check",
    audit_name="dbs_check",
    model_label="trainers.DBSCheck",
    form_path="trainers.forms.DBSCheckForm",
    url_namespace="trainers",
    url_prefix="dbs",
)
KINDS: dict[str, RecordKind] = {kind.slug: kind for kind in (QUALIFICATION, INSURANCE, DBS)}


def kind_of(record: VerifiableRecord) -> RecordKind:
    for kind in KINDS.values():
        if isinstance(record, kind.model):
            return kind
    raise LookupError(f"{type(record).__name__} is not a verifiable record kind")


class RecordKindConverter:
    """<recordkind:kind> in a URL: one of the kinds above, anything else does not resolve."""

    regex = "|".join(KINDS)

    def to_python(self, value: str) -> RecordKind:
        return KINDS[value]

    def to_url(self, value: RecordKind | str) -> str:
        return value.slug if isinstance(value, RecordKind) else KINDS[value].slug


# --- What a reader sees -------------------------------------------------------------------


def _date(value: dt.date | None) -> str:
    return date_format(value, "j M Y") if value else ""


def _money(value: Decimal) -> str:
    return f"£{value:,.0f}"


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _qualification_facts(record) -> list[tuple[str, str]]:
    qtype = record.qualification_type
    if record.expires_on:
        expiry = f"{_date(record.expires_on)} (stated on the certificate)"
    elif qtype.validity_months:
        expiry = f"{_date(record.expiry_date())} ({qtype.validity_months} months after the award)"
    else:
        expiry = "Does not expire"
    facts = [("Qualification", str(qtype))]
    if qtype.regulated_number:
        facts.append(("Regulated qualification number", qtype.regulated_number))
    facts += [
        ("Awarding body", str(record.awarding_body or "—")),
        ("Certificate number", record.certificate_number or "—"),
        ("Awarded on", _date(record.awarded_on)),
        ("Expiry", expiry),
    ]
    return facts


def _insurance_facts(record) -> list[tuple[str, str]]:
    return [
        ("Insurer", record.insurer),
        ("Policy number", record.policy_number),
        ("Public liability cover", _money(record.public_liability_cover)),
        ("Professional indemnity cover", _money(record.professional_indemnity_cover)),
        ("Cover starts", _date(record.starts_on)),
        ("Cover ends", _date(record.expires_on)),
    ]


def _dbs_facts(record) -> list[tuple[str, str]]:
    expiry = record.expiry_date()
    return [
        ("Level", record.get_level_display()),
        ("Certificate number", record.certificate_number),
        ("Issued on", _date(record.issued_on)),
        ("Subscribed to the Update Service", _yes_no(record.update_service_subscribed)),
        ("Consents to Update Service checks", _yes_no(record.update_service_consent)),
        (
            "Recheck due",
            _date(expiry) if expiry else "Not needed: followed through the Update Service",
        ),
    ]


FACTS: dict[str, Callable[[VerifiableRecord], list[tuple[str, str]]]] = {
    QUALIFICATION.slug: _qualification_facts,
    INSURANCE.slug: _insurance_facts,
    DBS.slug: _dbs_facts,
}


def record_facts(record: VerifiableRecord) -> list[tuple[str, str]]:
    return FACTS[kind_of(record).slug](record)


# The decision about a record, not its content: a fingerprint ignores them.
VERIFICATION_FIELDS = frozenset(
    {
        "status",
        "submitted_at",
        "verified_by",
        "verification_method",
        "verification_note",
        "verified_on",
        "rejection_reason",
    }
)


def record_fingerprint(record: VerifiableRecord) -> str:
    """A digest of what a verifier reviews: the record's own fields and its evidence files.

    The review page carries it in the verify and reject forms; the services refuse a decision
    when the record no longer has it, so staff never decide on content they have not seen.
    Uses the prefetched evidence when there is some, else one query.
    """
    fields = {
        f.attname: _canonical(getattr(record, f.attname))
        for f in record._meta.concrete_fields
        if f.name not in VERIFICATION_FIELDS
    }
    evidence = sorted(e.sha256 for e in record.evidence.all())
    payload = json.dumps(
        {"kind": kind_of(record).slug, "fields": fields, "evidence": evidence}, sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):  # 5000000 and 5000000.00 are the same cover
        return format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)  # UUIDs


def verification_summary(record: VerifiableRecord) -> str:
    """One line saying who decided what, for the record page ("" while pending)."""
    who = record.verified_by.name if record.verified_by else "programme staff"
    if record.status == "verified":
        method = record.get_verification_method_display().lower() or "a check"
        return f"Verified by {who} on {_date(record.verified_on)} ({method})."
    if record.status == "rejected":
        return f"Rejected by {who}."
    return ""


def today() -> dt.date:
    return timezone.localdate()
