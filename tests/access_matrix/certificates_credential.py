"""The machine-readable public documents of certificates: public on purpose, for verifiers
anywhere (no login, CORS from any origin). Every persona gets the same answer: a credential for
an existing code, 404 for a code nobody holds; the status list and the DID document always."""

from tests.access_matrix import PERSONAS, AccessCase
from tests.factories import CertificateFactory

PUBLIC = dict.fromkeys(PERSONAS, 200)
NOT_FOUND = dict.fromkeys(PERSONAS, 404)


def _existing_code(users: dict) -> dict:
    certificate = CertificateFactory(trainer=users["trainer"].trainer_profile)
    return {"code": certificate.code}


def _unknown_code(users: dict) -> dict:
    return {"code": "0000-0000-0000-0000-0000-0000-0000"}


CASES = [
    AccessCase("programme:did_document", PUBLIC),
    AccessCase("programme:certificate_status_list", PUBLIC, kwargs=lambda users: {"number": 1}),
    AccessCase("programme:certificate_credential", PUBLIC, kwargs=_existing_code),
    AccessCase("programme:certificate_credential", NOT_FOUND, kwargs=_unknown_code),
]
