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
