"""A trainer's records (qualifications, insurance, DBS), their evidence, and verification.

The owner reads and writes; programme staff read (to verify) but never write; anyone else is
a 404 on a record or a file, so its existence is not revealed. The mentor and clinic-admin
personas hold no trainer profile: trainer-only pages are a 403 for them. Verification is for
programme staff only.
"""

from typing import Any

from factory.django import DjangoModelFactory

from tests.access_matrix import LOGIN, STAFF_ONLY, AccessCase

KIND_PAGES = {
    "qualification": ("qualifications:qualification_add", "qualifications:qualification"),
    "insurance": ("trainers:insurance_add", "trainers:insurance"),
    "dbs": ("trainers:dbs_add", "trainers:dbs"),
}

# Every trainer has their own records page and may add to it.
OWN_PAGE = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 200,
    "mentor": 403,
    "unassigned_mentor": 403,
    "clinic_admin": 403,
    "other_clinic_admin": 403,
    "staff": 403,
}
READ = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 404,
    "mentor": 404,
    "unassigned_mentor": 404,
    "clinic_admin": 404,
    "other_clinic_admin": 404,
    "staff": 200,
}
WRITE = {**READ, "staff": 403}


def _record_of_trainer(kind: str):
    def build(users: dict) -> dict:
        from tests import factories

        by_kind: dict[str, type[DjangoModelFactory[Any]]] = {
            "qualification": factories.TrainerQualificationFactory,
            "insurance": factories.InsuranceFactory,
            "dbs": factories.DBSCheckFactory,
        }
        factory = by_kind[kind]
        return {"public_id": factory.create(trainer=users["trainer"].trainer_profile).public_id}

    return build


def _kind_and_record(kind: str):
    build = _record_of_trainer(kind)
    return lambda users: {"kind": kind, **build(users)}


def _evidence_of_trainer(users: dict) -> dict:
    from tests import factories
    from tests.trainers.uploads import good_pdf
    from trainers.evidence import evidence_attach, validate_upload

    profile = users["trainer"].trainer_profile
    insurance = factories.InsuranceFactory.create(trainer=profile)
    (evidence,) = evidence_attach(
        record=insurance,
        trainer=profile,
        files=[validate_upload(good_pdf())],
        uploaded_by=profile.user,
    )
    return {"public_id": evidence.public_id}


VERIFY_DATA = {"verify-method": "document", "verify-verified_on": "2026-01-05"}
REJECT_DATA = {"reject-reason": "The scan is unreadable."}

CASES = [
    AccessCase("trainers:records", OWN_PAGE),
    AccessCase("trainers:verification_queue", STAFF_ONLY),
    AccessCase("trainers:evidence_download", READ, kwargs=_evidence_of_trainer),
    # A preview has exactly the rights of a download (the file is a PDF, so it has one).
    AccessCase("trainers:evidence_preview", READ, kwargs=_evidence_of_trainer),
    # The owner's removal redirects to the record (302); staff may not remove (403).
    AccessCase(
        "trainers:evidence_remove",
        {**WRITE, "trainer": 302},
        kwargs=_evidence_of_trainer,
        method="post",
    ),
    # The page that asks before a file leaves a verified record: the owner's only.
    AccessCase("trainers:evidence_remove", WRITE, kwargs=_evidence_of_trainer),
]

for kind, (add_name, prefix) in KIND_PAGES.items():
    CASES += [
        AccessCase(add_name, OWN_PAGE),
        # An empty form comes back with its errors (200), nothing is saved.
        AccessCase(add_name, OWN_PAGE, method="post"),
        AccessCase(f"{prefix}_detail", READ, kwargs=_record_of_trainer(kind)),
        AccessCase(f"{prefix}_edit", WRITE, kwargs=_record_of_trainer(kind)),
        AccessCase(f"{prefix}_edit", WRITE, kwargs=_record_of_trainer(kind), method="post"),
        # No file chosen: the record page comes back with the error (200).
        AccessCase(
            "trainers:record_evidence_add", WRITE, kwargs=_kind_and_record(kind), method="post"
        ),
        AccessCase("trainers:verification_review", STAFF_ONLY, kwargs=_kind_and_record(kind)),
        # Staff get in, but a decision needs the fingerprint of the record the review page
        # showed (which this static data cannot carry): the form comes back (200).
        AccessCase(
            "trainers:record_verify",
            STAFF_ONLY,
            kwargs=_kind_and_record(kind),
            method="post",
            data=VERIFY_DATA,
        ),
        AccessCase(
            "trainers:record_reject",
            STAFF_ONLY,
            kwargs=_kind_and_record(kind),
            method="post",
            data=REJECT_DATA,
        ),
    ]
