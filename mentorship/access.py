"""Who is a trainer's mentor today: the one question every mentor-only page asks.

An assignment counts while staff have not ended it and today lies within its dates. Ending
it (`assignment_end`) stamps `ended_at`, so access ends with that transaction: nothing is
cached.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mentorship.models import (
    MeetingStatus,
    MentorAssignment,
    MentorProfile,
    SessionStatus,
    SupervisedSession,
    SupervisionMeeting,
)
from rehabpath.models import User
from rehabpath.roles import Role, has_role
from trainers.access import is_owner
from trainers.models import TrainerProfile


def current_assignments(on: dt.date | None = None) -> QuerySet[MentorAssignment]:
    """Assignments in force on `on` (today): open, started, and not past their end date."""
    day = on or timezone.localdate()
    return MentorAssignment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day), ended_at__isnull=True, starts_on__lte=day
    )


def current_assignment_of(
    trainer: TrainerProfile, on: dt.date | None = None
) -> MentorAssignment | None:
    return current_assignments(on).filter(trainer=trainer).select_related("mentor__user").first()


def current_mentor_of(trainer: TrainerProfile, on: dt.date | None = None) -> MentorProfile | None:
    assignment = current_assignment_of(trainer, on)
    return assignment.mentor if assignment is not None else None


def is_current_mentor(user: User, trainer: TrainerProfile, on: dt.date | None = None) -> bool:
    return current_assignments(on).filter(trainer=trainer, mentor__user=user).exists()


def current_mentees_of(mentor: MentorProfile) -> QuerySet[MentorAssignment]:
    return (
        current_assignments()
        .filter(mentor=mentor)
        .select_related("trainer__user")
        .order_by("trainer__user__name", "pk")
    )


# --- The mentee page (helper `workspace`) ---------------------------------------------------


@dataclass(frozen=True)
class MenteeAccess:
    """A trainer asked for as a mentee, with their current assignment (if any)."""

    trainer: TrainerProfile
    assignment: MentorAssignment | None
    is_their_mentor: bool  # False: programme staff reading


def get_mentee_for_user(user: User, public_id: uuid.UUID) -> MenteeAccess:
    """The trainer whose profile is `public_id`, for their current mentor or programme staff.

    Other roles get 403; a mentor who does not mentor them today (never did, or their
    assignment ended) gets 404, like anyone with no relation to them.
    """
    is_staff = has_role(user, Role.STAFF)
    if not (is_staff or has_role(user, Role.MENTOR)):
        raise PermissionDenied("Only mentors and programme staff see mentees.")
    trainer = TrainerProfile.objects.select_related("user").filter(public_id=public_id).first()
    if trainer is None:
        raise Http404
    assignment = (
        current_assignments()
        .filter(trainer=trainer)
        .select_related("mentor__user")
        .prefetch_related("focus_areas")
        .first()
    )
    mine = assignment is not None and assignment.mentor.user_id == user.pk
    if not (mine or is_staff):
        raise Http404
    return MenteeAccess(trainer, assignment, is_their_mentor=mine)


# --- Supervision meetings (mentorship.models.meetings) ----------------------------------------


@dataclass(frozen=True)
class MeetingAccess:
    """A meeting a user asked for, and what they may do with it.

    Readers are the trainer, the trainer's current mentor (whoever they held the meeting
    with: the meetings are part of the mentee's supervision record) and programme staff.
    A mentor whose assignment ended reads none of them: DESIGN.md gives mentors their
    *current* mentees only. The two parties are the trainer and the meeting's own mentor
    while their assignment is current; only a party may record, correct, confirm or dispute.
    """

    obj: SupervisionMeeting
    user_id: int  # who asked
    is_trainer: bool  # the user is the meeting's trainer
    is_mentor: bool  # the user is the meeting's mentor, and still the trainer's mentor

    @property
    def is_party(self) -> bool:
        return self.is_trainer or self.is_mentor

    @property
    def is_recorder(self) -> bool:
        return self.is_party and self.obj.recorded_by_id == self.user_id

    @property
    def can_edit(self) -> bool:
        """The recorder corrects it while it is not confirmed."""
        return self.is_recorder and not self.obj.is_confirmed

    @property
    def can_confirm(self) -> bool:
        """The other party confirms or disputes it while it waits for them."""
        return self.is_party and not self.is_recorder and self.obj.status == MeetingStatus.AWAITING


def meeting_parties(user: User, meeting: SupervisionMeeting) -> tuple[bool, bool]:
    """(is the meeting's trainer, is its mentor and still current); reads the loaded
    assignment, plus one query for the mentor's currency."""
    assignment = meeting.assignment
    is_trainer = assignment.trainer.user_id == user.pk
    is_mentor = (
        assignment.mentor.user_id == user.pk
        and current_assignments().filter(pk=assignment.pk).exists()
    )
    return is_trainer, is_mentor


def get_meeting_for_user(
    user: User, public_id: uuid.UUID | str, *, act: bool = False
) -> MeetingAccess:
    """One supervision meeting: 404 to anyone who may not read it, and with `act` 403 to a
    reader who is not one of its two parties (staff, a newer mentor of the trainer)."""
    try:
        meeting = SupervisionMeeting.objects.select_related(
            "assignment__trainer__user", "assignment__mentor__user", "recorded_by", "confirmed_by"
        ).get(public_id=public_id)
    except (SupervisionMeeting.DoesNotExist, ValueError, TypeError):
        raise Http404("No such meeting.") from None
    is_trainer, is_mentor = meeting_parties(user, meeting)
    readable = (
        is_trainer
        or is_mentor
        or has_role(user, Role.STAFF)
        or is_current_mentor(user, meeting.assignment.trainer)
    )
    if not readable:
        raise Http404("No such meeting.")
    if act and not (is_trainer or is_mentor):
        raise PermissionDenied("Only the trainer and their mentor act on their meetings.")
    return MeetingAccess(meeting, user.pk, is_trainer=is_trainer, is_mentor=is_mentor)


# --- Supervised sessions ------------------------------------------------------------------


def deciding_assignment(user: User, session: SupervisedSession) -> MentorAssignment | None:
    """The assignment that makes `user` the mentor of this session today, or None.

    The user must be the trainer's current mentor (today) and the session must be dated
    within that assignment's dates: a mentor supervises what happened while they mentored.
    Nobody is their own mentor (assignment_create refuses it); checked again for safety.
    """
    if not user.is_authenticated or session.trainer.user_id == user.pk:
        return None
    day = session.session_date
    return (
        current_assignments()
        .filter(trainer_id=session.trainer_id, mentor__user=user, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .first()
    )


@dataclass(frozen=True)
class SessionAccess:
    """A supervised session and what the user asking for it may do with it."""

    obj: SupervisedSession
    is_owner: bool  # the trainer whose session it is
    can_write: bool  # the owner, while it is a draft or returned to them
    is_mentor: bool  # the trainer's current mentor, for a session dated within the assignment
    can_decide: bool  # the mentor, while the session waits for a decision
    is_staff: bool  # programme staff read every session (and see the sign-off delay)

    @property
    def can_delete(self) -> bool:
        return self.is_owner and self.obj.status == SessionStatus.DRAFT

    @property
    def can_submit(self) -> bool:
        return self.can_write


def get_session_for_user(
    user: User, public_id: uuid.UUID | str, *, write: bool = False
) -> SessionAccess:
    """One supervised session with the user's rights on it.

    The trainer reads their own sessions and writes them while draft or returned; their
    current mentor reads the sessions sent to them (not drafts) dated within the assignment,
    and decides on a submitted one; programme staff read. Anyone else, an unassigned mentor or
    one whose assignment has ended included, gets 404. `write` asks for the trainer's right
    to change it: 403 for anyone who may only read it.
    """
    try:
        session = SupervisedSession.objects.select_related(
            "trainer__user", "condition_area", "signed_off_by"
        ).get(public_id=public_id)
    except (SupervisedSession.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("No such session.") from None
    owner = is_owner(user, session)
    staff = has_role(user, Role.STAFF)
    mentor = (
        not owner
        and session.status != SessionStatus.DRAFT
        and has_role(user, Role.MENTOR)
        and deciding_assignment(user, session) is not None
    )
    if not (owner or mentor or staff):
        raise Http404("No such session.")
    access = SessionAccess(
        obj=session,
        is_owner=owner,
        can_write=owner and session.is_editable,
        is_mentor=mentor,
        can_decide=mentor and session.status == SessionStatus.SUBMITTED,
        is_staff=staff,
    )
    if write and not access.can_write:
        if owner:
            raise PermissionDenied(
                "This session can no longer be changed: "
                f"it is {session.get_status_display().lower()}."
            )
        raise PermissionDenied("Only the trainer can change their own session.")
    return access
