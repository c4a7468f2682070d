"""Public certificate verification: the form and a certificate's page, for everyone.

Anyone, signed in or not and whatever their role, reads the same public page (200); an unknown
or malformed code is the same 404 for all (tests/programme/test_certificate_verify.py).
"""

from tests.access_matrix import PERSONAS, AccessCase
from tests.factories import CertificateFactory

EVERYONE = dict.fromkeys(PERSONAS, 200)


def _certificate(users: dict) -> dict:
    certificate = CertificateFactory(trainer=users["trainer"].trainer_profile)
    return {"code": certificate.code}


CASES = [
    AccessCase("programme:certificate_verify_form", EVERYONE),
    AccessCase("programme:certificate_verify", EVERYONE, kwargs=_certificate),
]
