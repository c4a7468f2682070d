"""Bulk import of trainers and qualifications: programme staff only."""

from tests.access_matrix import LOGIN, AccessCase

STAFF_ONLY = {
    "anonymous": LOGIN,
    "trainer": 403,
    "other_trainer": 403,
    "mentor": 403,
    "unassigned_mentor": 403,
    "clinic_admin": 403,
    "other_clinic_admin": 403,
}

CASES = [
    AccessCase("programme:bulk_import", {**STAFF_ONLY, "staff": 200}),
    AccessCase("programme:bulk_import_template", {**STAFF_ONLY, "staff": 200}),
    # Without a pending preview in the session, staff are sent back to the upload page.
    AccessCase("programme:bulk_import_confirm", {**STAFF_ONLY, "staff": 302}, method="post"),
]
