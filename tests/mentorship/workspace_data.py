"""Supervised sessions made straight with the ORM, in any state, for the workspace tests."""

import datetime as dt

from django.utils import timezone

from mentorship.models import SessionStatus, SupervisedSession
from tests import factories


def make_session(
    trainer,
    *,
    area=None,
    status=SessionStatus.SUBMITTED,
    complexity=1,
    session_date=dt.date(2026, 3, 2),
    submitted_at=None,
):
    signed = status == SessionStatus.SIGNED_OFF
    signer = factories.UserFactory() if signed else None
    return SupervisedSession.objects.create(
        trainer=trainer,
        session_date=session_date,
        duration_minutes=45,
        condition_area=area or factories.ConditionAreaFactory(),
        complexity=complexity,
        mode="direct_observation",
        client_reference="S-14",
        delivered="Seated balance work, progressed to standing.",
        reflection="Pacing worked better than last time.",
        status=status,
        submitted_at=(
            None
            if status == SessionStatus.DRAFT
            else submitted_at or dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC)
        ),
        signed_off_by=signer,
        signed_off_at=timezone.now() if signed else None,
        sign_off_statement="observed_directly" if signed else "",
        signed_hash="0" * 64 if signed else "",
    )


def mentee_of(mentor_user, **kwargs):
    """A current assignment of a new trainer to `mentor_user` (from 1 January 2026)."""
    return factories.MentorAssignmentFactory(mentor=mentor_user.mentor_profile, **kwargs)
