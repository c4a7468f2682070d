"""Certificates' staff and trainer pages (the public /verify/ pages have their own module).

Staff pages: programme staff only, everyone else refused by role (403) before a certificate
is looked up. Issuing to "trainer" (not recognised) comes back with what is missing (400);
revoking or re-issuing without a reason comes back with the error (400): nothing changes.
The trainer's list: trainers only. The PDF: its trainer and staff; anyone else, whatever their
role, gets 404 (a certificate's existence is not revealed; the public page is for others).
"""

from django.core.files.base import ContentFile

from tests.access_matrix import LOGIN, STAFF_ONLY, AccessCase

STAFF_FORM_REFUSED = {**STAFF_ONLY, "staff": 400}
TRAINERS = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 200,
    "mentor": 403,
    "unassigned_mentor": 403,
    "clinic_admin": 403,
    "other_clinic_admin": 403,
    "staff": 403,
}
OWNER_AND_STAFF = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 404,
    "mentor": 404,
    "unassigned_mentor": 404,
    "clinic_admin": 404,
    "other_clinic_admin": 404,
    "staff": 200,
}


def _trainer(users: dict) -> dict:
    return {"public_id": users["trainer"].trainer_profile.public_id}


def _certificate(users: dict) -> dict:
    from tests.factories import CertificateFactory

    certificate = CertificateFactory.create(
        trainer=users["trainer"].trainer_profile,
        pdf=ContentFile(b"%PDF-1.7\n%%EOF\n", name="matrix.pdf"),
    )
    return {"public_id": certificate.public_id}


CASES = [
    AccessCase("programme:staff_certificates", STAFF_ONLY),
    AccessCase("programme:staff_certificate_detail", STAFF_ONLY, kwargs=_certificate),
    AccessCase(
        "programme:certificate_revoke", STAFF_FORM_REFUSED, kwargs=_certificate, method="post"
    ),
    AccessCase(
        "programme:certificate_reissue", STAFF_FORM_REFUSED, kwargs=_certificate, method="post"
    ),
    # The form choosing the area.
    AccessCase("programme:certificate_issue", STAFF_ONLY, kwargs=_trainer),
    AccessCase(
        "programme:certificate_issue",
        STAFF_FORM_REFUSED,
        kwargs=_trainer,
        method="post",
        data={"area": "no-such-area"},
    ),
    AccessCase("programme:my_certificates", TRAINERS),
    AccessCase("programme:certificate_pdf", OWNER_AND_STAFF, kwargs=_certificate),
]
