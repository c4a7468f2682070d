"""The staff mentoring screen (assign and end mentor assignments): programme staff only.

The assigned mentor and the trainer get 403 like everyone else: an assignment is staff's to
make and end, whoever it concerns.
"""

import datetime as dt

from mentorship.models import MentorAssignment
from tests.access_matrix import STAFF_ONLY, AccessCase


def _trainer(users: dict) -> dict:
    return {"public_id": users["trainer"].trainer_profile.public_id}


def _assignment(users: dict) -> dict:
    assignment = MentorAssignment.objects.create(
        mentor=users["mentor"].mentor_profile,
        trainer=users["trainer"].trainer_profile,
        starts_on=dt.date(2026, 1, 1),
    )
    return {"public_id": assignment.public_id}


CASES = [
    AccessCase("mentorship:mentoring", STAFF_ONLY),
    AccessCase("mentorship:assign", STAFF_ONLY, kwargs=_trainer),
    # Without a mentor (or a reason) the form comes back with its errors (200); nothing changes.
    AccessCase("mentorship:assign", STAFF_ONLY, kwargs=_trainer, method="post"),
    AccessCase("mentorship:end", STAFF_ONLY, kwargs=_assignment),
    AccessCase("mentorship:end", STAFF_ONLY, kwargs=_assignment, method="post"),
]
