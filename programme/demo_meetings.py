"""The demo's supervision meetings, through the real services (so mails and audit show them).

One meeting of each state between the demo mentor and the demo trainer: two confirmed (one
recorded by each), one waiting for the trainer to confirm and one the mentor disputed, which
waits for the trainer to correct it. Dates are relative to today, within the assignment.
"""

import datetime as dt

from django.utils import timezone

from mentorship.access import current_assignment_of
from mentorship.models import MeetingKind, MeetingMode
from mentorship.services.meetings import (
    MeetingData,
    meeting_confirm,
    meeting_dispute,
    meeting_record,
)
from qualifications.models import ConditionArea
from rehabpath.audit import Actor
from rehabpath.models import User


def load_demo_meetings(*, mentor: User, trainer: User) -> None:
    assignment = current_assignment_of(trainer.trainer_profile)
    if assignment is None or assignment.mentor.user_id != mentor.pk or assignment.meetings.exists():
        return  # idempotent, and nothing to do once staff have ended the demo assignment
    today = timezone.localdate()
    stroke = list(ConditionArea.objects.filter(slug="stroke"))
    as_mentor, as_trainer = Actor.for_user(mentor), Actor.for_user(trainer)

    def day(days_ago: int) -> dt.date:
        return max(assignment.starts_on, today - dt.timedelta(days=days_ago))

    first = meeting_record(
        actor=as_mentor,
        assignment=assignment,
        data=MeetingData(
            meeting_date=day(40),
            mode=MeetingMode.IN_PERSON,
            kind=MeetingKind.SUPERVISION,
            topics="Getting started: scope of practice, when to escalate, and how we will "
            "run supervised sessions for stroke clients.",
            condition_areas=stroke,
            agreed_actions="Trainer to log the first two supervised sessions by direct "
            "observation. Mentor to share the escalation flowchart.",
            mentor_notes="Clear about the limits of their role; keen to build confidence "
            "with clients who have aphasia.",
        ),
    )
    meeting_confirm(actor=as_trainer, meeting=first)
    second = meeting_record(
        actor=as_trainer,
        assignment=assignment,
        data=MeetingData(
            meeting_date=day(18),
            mode=MeetingMode.VIDEO,
            kind=MeetingKind.CASE_DISCUSSION,
            topics="Client S-14: fatigue after the second circuit. Pacing, rest breaks and "
            "using the Borg scale instead of heart rate.",
            condition_areas=stroke,
            agreed_actions="Shorter circuits with seated recovery; review in two weeks.",
        ),
    )
    meeting_confirm(
        actor=as_mentor,
        meeting=second,
        mentor_notes="Good judgement in stopping early. Next: plan the progression in writing.",
    )
    disputed = meeting_record(
        actor=as_trainer,
        assignment=assignment,
        data=MeetingData(
            meeting_date=day(9),
            mode=MeetingMode.PHONE,
            kind=MeetingKind.SUPERVISION,
            topics="Monthly check-in: progress towards the level 2 sessions.",
            condition_areas=stroke,
        ),
    )
    meeting_dispute(
        actor=as_mentor,
        meeting=disputed,
        reason="We spoke by video, not by phone, and we also agreed the level 2 plan: please "
        "add it to the agreed actions.",
    )
    meeting_record(
        actor=as_mentor,
        assignment=assignment,
        data=MeetingData(
            meeting_date=day(2),
            mode=MeetingMode.VIDEO,
            kind=MeetingKind.CASE_DISCUSSION,
            topics="Client S-21: a fall at home last week; balance work and when to refer "
            "back to the physiotherapist.",
            condition_areas=stroke,
            agreed_actions="Pause standing balance work until the physiotherapist has seen "
            "the client.",
            mentor_notes="Appropriate escalation. Keep the referral note in the session log.",
        ),
    )
