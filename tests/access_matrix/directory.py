"""The trainer directory and each trainer's page: programme staff only.

Anyone else is refused by role (403) before a trainer is looked up, so the pages say nothing
about who is on the programme. An unknown trainer is a 404 for staff (tests/programme).
"""

from tests.access_matrix import STAFF_ONLY, AccessCase


def _trainer(users: dict) -> dict:
    return {"public_id": users["trainer"].trainer_profile.public_id}


CASES = [
    AccessCase("programme:trainer_directory", STAFF_ONLY),
    AccessCase("programme:trainer_detail", STAFF_ONLY, kwargs=_trainer),
    # Without a reason the page comes back with the error (200); nothing changes.
    AccessCase("programme:trainer_suspend", STAFF_ONLY, kwargs=_trainer, method="post"),
    AccessCase("programme:trainer_reinstate", STAFF_ONLY, kwargs=_trainer, method="post"),
]
