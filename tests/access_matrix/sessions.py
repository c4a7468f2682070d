"""Supervised sessions: the trainer's own, their current mentor's to read and decide, staff's to
read. Everyone else, an unassigned mentor and one whose assignment ended included, gets 404.

A draft is the trainer's alone (their mentor has not been sent it: 404). Asking to change a
session one may only read is 403 (staff, the mentor, the trainer once it is sent).
"""

import datetime as dt

from django.utils import timezone

from mentorship.models import SessionRound, SessionStatus
from mentorship.services.sessions import signed_content
from tests import factories
from tests.access_matrix import LOGIN, AccessCase

TRAINERS_OWN = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 200,  # their own list and form
    "mentor": 403,
    "unassigned_mentor": 403,
    "ended_mentor": 403,
    "clinic_admin": 403,
    "other_clinic_admin": 403,
    "staff": 403,
}


def _session(users: dict, *, status: str) -> dict:
    """A session of "trainer", dated within the open assignment of "mentor" to them."""
    today = timezone.localdate()
    factories.MentorAssignmentFactory(
        mentor=users["mentor"].mentor_profile,
        trainer=users["trainer"].trainer_profile,
        starts_on=today - dt.timedelta(days=60),
    )
    session = factories.SupervisedSessionFactory.create(
        trainer=users["trainer"].trainer_profile,
        session_date=today - dt.timedelta(days=7),
        status=status,
        submitted_at=None if status == SessionStatus.DRAFT else timezone.now(),
    )
    if status != SessionStatus.DRAFT:
        SessionRound.objects.create(
            session=session, number=1, content=signed_content(session), submitted_at=timezone.now()
        )
    return {"public_id": session.public_id}


def _draft(users: dict) -> dict:
    return _session(users, status=SessionStatus.DRAFT)


def _submitted(users: dict) -> dict:
    return _session(users, status=SessionStatus.SUBMITTED)


READ_SENT = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 404,
    "mentor": 200,
    "unassigned_mentor": 404,
    "ended_mentor": 404,
    "clinic_admin": 404,
    "other_clinic_admin": 404,
    "staff": 200,
}
# The trainer's right to change a draft; the mentor has not been sent it.
WRITE_DRAFT = {**READ_SENT, "mentor": 404, "staff": 403}
# Nobody changes a sent session: those who may read it get 403.
WRITE_SENT = {**READ_SENT, "trainer": 403, "mentor": 403, "staff": 403}

CASES = [
    AccessCase("mentorship:sessions", TRAINERS_OWN),
    AccessCase("mentorship:session_new", TRAINERS_OWN),
    # Without the fields the form comes back with its errors (200); nothing is saved.
    AccessCase("mentorship:session_new", TRAINERS_OWN, method="post"),
    AccessCase("mentorship:session", READ_SENT, kwargs=_submitted),
    AccessCase("mentorship:session", {**READ_SENT, "mentor": 404}, kwargs=_draft),
    AccessCase("mentorship:session_edit", WRITE_DRAFT, kwargs=_draft),
    AccessCase("mentorship:session_edit", WRITE_DRAFT, kwargs=_draft, method="post"),
    AccessCase("mentorship:session_edit", WRITE_SENT, kwargs=_submitted),
    # The trainer's submit sends the draft and comes back to the session (302).
    AccessCase(
        "mentorship:session_submit", {**WRITE_DRAFT, "trainer": 302}, kwargs=_draft, method="post"
    ),
    AccessCase("mentorship:session_submit", WRITE_SENT, kwargs=_submitted, method="post"),
    AccessCase("mentorship:session_delete", WRITE_DRAFT, kwargs=_draft),
    AccessCase(
        "mentorship:session_delete", {**WRITE_DRAFT, "trainer": 302}, kwargs=_draft, method="post"
    ),
    AccessCase("mentorship:session_delete", WRITE_SENT, kwargs=_submitted),
    # The mentor's decision without feedback comes back with its errors (200); the trainer
    # and staff read the session but do not decide (403).
    AccessCase(
        "mentorship:session_decide",
        {**READ_SENT, "trainer": 403, "staff": 403},
        kwargs=_submitted,
        method="post",
    ),
]
