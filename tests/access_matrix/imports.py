"""Bulk import of trainers and qualifications: programme staff only."""

from tests.access_matrix import STAFF_ONLY, AccessCase

CASES = [
    AccessCase("programme:bulk_import", STAFF_ONLY),
    AccessCase("programme:bulk_import_template", STAFF_ONLY),
    # Without a pending preview in the session, staff are sent back to the upload page.
    AccessCase("programme:bulk_import_confirm", {**STAFF_ONLY, "staff": 302}, method="post"),
]
