"""The pathway: the trainer's own page; the rules and their versions are programme staff's.

The rules pages are staff-only whatever the other personas hold: mentors and clinic admins
are refused by role (403). Version numbers are not secrets (every check names its version),
so the version page takes the number, not a random id.
"""

from tests.access_matrix import LOGIN, STAFF_ONLY, AccessCase

# Each trainer's own pathway: no object in the URL, so "other_trainer" sees their own (200).
# Mentors, clinic admins and staff hold no trainer profile here: refused by role.
OWN_PAGE = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 200,
    "mentor": 403,
    "unassigned_mentor": 403,
    "ended_mentor": 403,
    "clinic_admin": 403,
    "other_clinic_admin": 403,
    "staff": 403,
}


def _version_one(users: dict) -> dict:
    return {"version": 1}  # seeded by programme's migration 0003


CASES = [
    AccessCase("programme:pathway", OWN_PAGE),
    AccessCase("programme:pathway_rules", STAFF_ONLY),
    AccessCase("programme:pathway_rules_edit", STAFF_ONLY),
    # An empty form comes back with its errors (200); no version is saved.
    AccessCase("programme:pathway_rules_edit", STAFF_ONLY, method="post"),
    AccessCase("programme:pathway_rules_version", STAFF_ONLY, kwargs=_version_one),
]
