"""Reads of certificates for the staff and trainer pages, each in a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from programme.certificates import codes
from programme.certificates.issuing import IssueCheck, issue_checks
from programme.models import Certificate, CertificateStatus
from rehabpath.models import AuditEvent
from rehabpath.paging import KeysetPage, keyset_page
from trainers.models import TrainerProfile

PAGE_SIZE = 25
TARGET_TYPE = Certificate._meta.label_lower


def with_status(status: str, *, on: dt.date) -> Q:
    """The rows that read `status` on `on` (Certificate.status_on, as a filter)."""
    if status == CertificateStatus.VALID:
        return Q(revoked_at__isnull=True, expires_on__gte=on)
    if status == CertificateStatus.EXPIRED:
        return Q(revoked_at__isnull=True, expires_on__lt=on)
    if status == CertificateStatus.REPLACED:
        return Q(revocation=Certificate.Revocation.REPLACED)
    if status == CertificateStatus.REVOKED:
        return Q(revoked_at__isnull=False) & ~Q(revocation=Certificate.Revocation.REPLACED)
    return Q()


def _matching(query: str) -> Q:
    code = codes.normalise(query)
    if code is not None:
        return Q(code=code)
    return Q(trainer_name__icontains=query) | Q(code__icontains=query.strip().upper())


def certificate_page(
    *,
    query: str = "",
    status: str = "",
    on: dt.date | None = None,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage[Certificate]:
    """One page of every certificate, newest first; one query."""
    day = on or timezone.localdate()
    rows: QuerySet[Certificate] = Certificate.objects.select_related("trainer")
    if query:
        rows = rows.filter(_matching(query))
    if status:
        rows = rows.filter(with_status(status, on=day))
    return keyset_page(
        rows.defer("credential"),
        field="issued_at",
        size=PAGE_SIZE,
        older_than=after,
        newer_than=before,
    )


def certificates_of(trainer: TrainerProfile) -> list[Certificate]:
    """A trainer's certificates, newest first, each with the one replacing it; one query."""
    return list(
        Certificate.objects.filter(trainer=trainer)
        .select_related("replaced_by")
        .defer("credential", "replaced_by__credential")
        .order_by("-issued_at", "-id")
    )


def certificate_history(certificate: Certificate) -> list[AuditEvent]:
    """The audit events of a certificate, oldest first; one query."""
    return list(
        AuditEvent.objects.filter(target_type=TARGET_TYPE, target_id=str(certificate.public_id))
        .select_related(None)
        .order_by("occurred_at", "id")
    )


@dataclass(frozen=True)
class TrainerCertificates:
    """The "Certificates" section of the staff trainer page."""

    rows: list[tuple[Certificate, CertificateStatus]]  # newest first, with the status today
    checks: list[IssueCheck]  # one per condition area, in catalogue order
    # Why reinstatement issued no new certificate, where it did not (audit events).
    notes: list[AuditEvent]


def trainer_certificates(
    trainer: TrainerProfile, *, on: dt.date | None = None
) -> TrainerCertificates:
    day = on or timezone.localdate()
    certificates = certificates_of(trainer)
    notes = (
        list(
            AuditEvent.objects.filter(
                action="certificate.reinstate_skip",
                target_type=TARGET_TYPE,
                target_id__in=[str(c.public_id) for c in certificates],
            ).order_by("-occurred_at", "-id")
        )
        if any(c.revocation == Certificate.Revocation.SUSPENDED for c in certificates)
        else []
    )
    return TrainerCertificates(
        rows=[(c, c.status_on(day)) for c in certificates],
        checks=list(issue_checks(trainer, on=day).values()),
        notes=notes,
    )
