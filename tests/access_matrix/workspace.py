"""The mentor's workspace: the sign-off queue (any mentor, their own) and the mentee page.

The queue is every mentor's own list, so all three mentor personas get 200 (the unassigned
and ended mentors see an empty one); programme staff are not mentors (403). The mentee page
is for the trainer's current mentor and for programme staff; a mentor who does not mentor
the trainer today gets 404, other roles 403.
"""

from tests import factories
from tests.access_matrix import LOGIN, AccessCase

QUEUE = {
    "anonymous": LOGIN,
    "trainer": 403,
    "other_trainer": 403,
    "mentor": 200,
    "unassigned_mentor": 200,
    "ended_mentor": 200,
    "clinic_admin": 403,
    "other_clinic_admin": 403,
    "staff": 403,
}
MENTEE = {
    "anonymous": LOGIN,
    "trainer": 403,
    "other_trainer": 403,
    "mentor": 200,
    "unassigned_mentor": 404,
    "ended_mentor": 404,
    "clinic_admin": 403,
    "other_clinic_admin": 403,
    "staff": 200,
}


def _mentee(users: dict) -> dict:
    factories.MentorAssignmentFactory(
        mentor=users["mentor"].mentor_profile, trainer=users["trainer"].trainer_profile
    )
    return {"public_id": users["trainer"].trainer_profile.public_id}


CASES = [
    AccessCase("mentorship:queue", QUEUE),
    AccessCase("mentorship:mentee", MENTEE, kwargs=_mentee),
]
