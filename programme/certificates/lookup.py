"""Finding a certificate by the code someone typed, scanned or put in a URL."""

from programme.certificates import codes
from programme.models import Certificate


def certificate_by_code(typed: str) -> Certificate | None:
    """The certificate with this code in any form people type it, or None.

    A malformed code is answered like an unknown one (None) without asking the database. One
    query: `replaced_by` comes with it, since the public page links to the replacement.
    """
    code = codes.normalise(typed)
    if code is None:
        return None
    return Certificate.objects.select_related("replaced_by").filter(code=code).first()


# What the public page shows of a certificate and of the one that replaces it: not the signed
# credential (kilobytes of JSON a row, parsed for nothing) nor anything about the trainer.
PAGE_FIELDS = (
    "code",
    "trainer_name",
    "area_name",
    "scope_title",
    "issuer_name",
    "issued_on",
    "expires_on",
    "revoked_at",
    "revocation",
    "revocation_reason",
    "replaced_by__code",
)


def certificate_for_page(code: str) -> Certificate | None:
    """The certificate with this canonical code, with only what the public page shows."""
    return (
        Certificate.objects.select_related("replaced_by")
        .only(*PAGE_FIELDS)
        .filter(code=code)
        .first()
    )
