"""Supervision meetings: the trainer and their current mentor, and staff reading one.

The lists and the record form belong to anyone who mentors or trains (each sees their own);
clinic admins and staff have no list of their own (403). A meeting is read by its trainer,
the trainer's current mentor and staff; everyone else, the mentor whose assignment ended
included, gets 404. Acting on it is for the two who met: staff get 403. The meeting below is
recorded by the mentor, so the trainer confirms or disputes (302 to the meeting) and the
mentor's own confirmation is refused with a message (302 as well); only the recorder corrects
or withdraws it (the trainer: 403).
"""

from tests.access_matrix import LOGIN, AccessCase

OWN_LIST = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 200,
    "mentor": 200,
    "unassigned_mentor": 200,
    "ended_mentor": 200,
    "clinic_admin": 403,
    "other_clinic_admin": 403,
    "staff": 403,
}
OUTSIDERS = {
    "anonymous": LOGIN,
    "other_trainer": 404,
    "unassigned_mentor": 404,
    "ended_mentor": 404,
    "clinic_admin": 404,
    "other_clinic_admin": 404,
}
READ = {**OUTSIDERS, "trainer": 200, "mentor": 200, "staff": 200}
CORRECT = {**OUTSIDERS, "trainer": 403, "mentor": 200, "staff": 403}
DECIDE = {**OUTSIDERS, "trainer": 302, "mentor": 302, "staff": 403}
WITHDRAW = {**OUTSIDERS, "trainer": 403, "mentor": 302, "staff": 403}


def _meeting(users: dict) -> dict:
    from tests.factories import MentorAssignmentFactory, SupervisionMeetingFactory

    assignment = MentorAssignmentFactory(
        mentor=users["mentor"].mentor_profile, trainer=users["trainer"].trainer_profile
    )
    return {"public_id": SupervisionMeetingFactory.create(assignment=assignment).public_id}


CASES = [
    AccessCase("mentorship:meetings", OWN_LIST),
    AccessCase("mentorship:meeting_new", OWN_LIST),
    # Nothing chosen: the form comes back with its errors (200), nothing is saved.
    AccessCase("mentorship:meeting_new", OWN_LIST, method="post"),
    AccessCase("mentorship:meeting", READ, kwargs=_meeting),
    AccessCase("mentorship:meeting_edit", CORRECT, kwargs=_meeting),
    AccessCase("mentorship:meeting_edit", CORRECT, kwargs=_meeting, method="post"),
    AccessCase("mentorship:meeting_confirm", DECIDE, kwargs=_meeting, method="post"),
    AccessCase(
        "mentorship:meeting_dispute",
        DECIDE,
        kwargs=_meeting,
        method="post",
        data={"dispute-reason": "We met on the 11th, not the 10th."},
    ),
    AccessCase("mentorship:meeting_withdraw", WITHDRAW, kwargs=_meeting, method="post"),
]
