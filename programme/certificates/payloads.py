"""What a clinic's webhook endpoint receives about a certificate: the `data` of the events
certificate.revoked, certificate.replaced and certificate.expired (README, "Clinic webhooks").

One builder for the three, so that a receiver parses one shape whatever happened. It holds
what the public verification page shows (the code, the page's URL, the area, the dates, the
status) and the trainer's public id, which the clinic's other webhooks and the API use for
the same trainer: nothing a clinic sharing with the trainer could not read already.
"""

import datetime as dt
from typing import Any

from programme.certificates.links import verification_url
from programme.models import Certificate
from rehabpath.reminders import local_today


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def certificate_part(certificate: Certificate, *, today: dt.date) -> dict[str, Any]:
    """One certificate as the payloads describe it (also `replaced_by`'s shape)."""
    revoked = certificate.revoked_at is not None
    return {
        "code": certificate.code,
        "verification_url": verification_url(certificate.code),
        "condition_area": {
            "slug": certificate.condition_area.slug,
            # As printed: the area may have been renamed since.
            "name": certificate.area_name,
        },
        "issued_on": _date(certificate.issued_on),
        "expires_on": _date(certificate.expires_on),
        "status": certificate.status_on(today).value,
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        # "revoked" (by staff), "suspended" (the trainer was) or "replaced"; null while not.
        "revocation": certificate.revocation if revoked else None,
        "revocation_reason": certificate.revocation_reason if revoked else None,
    }


def certificate_payload(
    certificate: Certificate, *, today: dt.date | None = None
) -> dict[str, Any]:
    """The webhook `data` of an event about `certificate`, its status as of `today` (London).

    Reads `certificate.trainer`, `.condition_area` and `.replaced_by` (select_related them
    for a batch). `replaced_by` is present only when a newer certificate replaces this one.
    """
    today = today or local_today()
    payload: dict[str, Any] = {
        "certificate": certificate_part(certificate, today=today),
        "trainer": {
            "public_id": str(certificate.trainer.public_id),
            "name": certificate.trainer_name,
        },
    }
    if certificate.replaced_by_id is not None:
        replacement = certificate.replaced_by
        assert replacement is not None  # noqa: S101 - replaced_by_id is set
        payload["replaced_by"] = certificate_part(replacement, today=today)
    return payload
