"""What certificates tell the trainer (rehabpath.notifications): a new certificate, once its
PDF is ready to download ("certificate.issued"), and a revoked one ("certificate.revocation").
programme.notifications imports this module."""

from django.urls import reverse

from programme.certificates.links import verification_url
from programme.models import Certificate
from rehabpath.notifications import Kind, notify, register_kind
from rehabpath.roles import Role

ISSUED = register_kind(
    Kind(
        "certificate.issued",
        "A competency certificate issued",
        "When programme staff issue you a certificate, once its PDF is ready to download.",
        frozenset({Role.TRAINER}),
    )
)
# Critical: a trainer must know that the certificate they show clinics no longer holds. Not
# "certificate.revoked": that key is the clinics' webhook event (programme.webhooks.events).
REVOKED = register_kind(
    Kind(
        "certificate.revocation",
        "A competency certificate revoked",
        "When one of your certificates is revoked, with the reason.",
        frozenset({Role.TRAINER}),
        critical=True,
        template="certificate_revoked",
    )
)


def _context(certificate: Certificate) -> dict[str, str]:
    return {
        "area": certificate.area_name,
        "code": certificate.code,
        "issued_on": f"{certificate.issued_on:%-d %B %Y}",
        "expires_on": f"{certificate.expires_on:%-d %B %Y}",
        "verify_url": verification_url(certificate.code),
        "certificates_path": reverse("programme:my_certificates"),
    }


def notify_certificate_issued(certificate: Certificate) -> None:
    """Once per certificate (the ledger's unique key), whoever renders its PDF."""
    notify(
        recipient=certificate.trainer.user,
        kind=ISSUED.key,
        subject_key=f"certificate:{certificate.public_id}",
        milestone="issued",
        context=_context(certificate),
        path=reverse("programme:my_certificates"),
    )


def notify_certificate_revoked(certificate: Certificate) -> None:
    notify(
        recipient=certificate.trainer.user,
        kind=REVOKED.key,
        subject_key=f"certificate:{certificate.public_id}",
        milestone="revoked",
        context={
            **_context(certificate),
            "reason": certificate.revocation_reason,
            "suspended": "yes"
            if certificate.revocation == Certificate.Revocation.SUSPENDED
            else "",
        },
        path=reverse("programme:my_certificates"),
    )
