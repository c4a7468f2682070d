"""Programme staff assign a mentor to a trainer for a period, and end it.

The checks that span rows (capacity, reciprocal mentoring) run under row locks on both people's
mentor profiles, so two members of staff assigning at once cannot overfill a mentor or pair
two trainers both ways; the database's unique constraints back up the one-open-assignment
rules whatever the caller.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mentorship.mails import mail_assignment
from mentorship.models import MentorAssignment, MentorProfile
from qualifications.models import ConditionArea
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from rehabpath.events import publish_on_commit
from rehabpath.formats import day_label
from trainers.models import TrainerProfile

LAPSED_REASON = "The assignment period ended."


def _name(profile: MentorProfile | TrainerProfile) -> str:
    return profile.user.name or profile.user.email


def _require_staff(actor: Actor, verb: str) -> None:
    if not actor.person().is_staff:
        raise DomainError(f"Only programme staff can {verb} mentor assignments.")


def _close_lapsed(today: dt.date, *, mentor: MentorProfile, trainer: TrainerProfile) -> None:
    """Open assignments whose end date has passed no longer count: mark them ended.

    Without this an assignment that simply ran out would block the pair (and the trainer)
    from a new one until someone ended it by hand.
    """
    lapsed = MentorAssignment.objects.filter(
        Q(mentor=mentor) | Q(trainer=trainer), ended_at__isnull=True, ends_on__lt=today
    )
    for assignment in lapsed.select_for_update():
        assignment.ended_at = timezone.now()
        assignment.end_reason = LAPSED_REASON
        assignment.save(update_fields=["ended_at", "end_reason", "updated_at"])
        record_event(
            actor=Actor.system("mentor assignment lapsed"),
            action="mentor_assignment.end",
            target=assignment,
            after={"ends_on": assignment.ends_on.isoformat() if assignment.ends_on else None},
            reason=LAPSED_REASON,
        )


def assignment_create(
    *,
    actor: Actor,
    mentor: MentorProfile,
    trainer: TrainerProfile,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    areas: Iterable[ConditionArea] = (),
) -> MentorAssignment:
    _require_staff(actor, "make")
    areas = list(areas)
    today = timezone.localdate()
    if mentor.user_id == trainer.user_id:
        raise DomainError("A mentor cannot be assigned to themselves.", field="trainer")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("The assignment cannot end before it starts.", field="ends_on")
    if ends_on is not None and ends_on < today:
        raise DomainError("The end date has passed: choose a later one.", field="ends_on")
    with transaction.atomic():
        # Lock both people's mentor profiles (the trainer may mentor too) in one order, so
        # racing assignments of A to B and B to A wait for each other instead of deadlocking.
        locked = {
            profile.pk: profile
            for profile in MentorProfile.objects.select_for_update()
            .filter(Q(pk=mentor.pk) | Q(user_id=trainer.user_id))
            .select_related("user")
            .order_by("pk")
        }
        mentor = locked[mentor.pk]
        trainer = TrainerProfile.objects.select_related("user").get(pk=trainer.pk)
        _close_lapsed(today, mentor=mentor, trainer=trainer)
        open_ = MentorAssignment.objects.filter(ended_at__isnull=True)
        if open_.filter(mentor__user_id=trainer.user_id, trainer__user_id=mentor.user_id).exists():
            raise DomainError(
                f"{_name(trainer)} is mentoring {_name(mentor)}: two trainers cannot mentor "
                "each other.",
                field="mentor",
            )
        current = open_.filter(trainer=trainer).select_related("mentor__user").first()
        if current is not None:
            raise DomainError(
                f"{_name(trainer)} already has a mentor ({_name(current.mentor)}). End that "
                "assignment first.",
                field="trainer",
            )
        if not mentor.is_accepting:
            raise DomainError(f"{_name(mentor)} is not accepting new mentees.", field="mentor")
        taken = open_.filter(mentor=mentor).count()
        if taken >= mentor.capacity:
            raise DomainError(
                f"{_name(mentor)} is at capacity ({taken} of {mentor.capacity} mentees).",
                field="mentor",
            )
        mentor_areas = set(mentor.condition_areas.values_list("pk", flat=True))
        outside = [area.name for area in areas if area.pk not in mentor_areas]
        if outside:
            raise DomainError(
                f"{_name(mentor)} does not mentor in: {', '.join(outside)}.", field="areas"
            )
        try:
            with transaction.atomic():
                assignment = MentorAssignment.objects.create(
                    mentor=mentor,
                    trainer=trainer,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    created_by=actor.user,
                )
        except IntegrityError as exc:  # a caller that skipped the locks above
            raise DomainError(f"{_name(trainer)} already has a mentor.") from exc
        assignment.focus_areas.set(areas)
        record_event(
            actor=actor,
            action="mentor_assignment.create",
            target=assignment,
            after={
                "mentor": mentor.user.email,
                "trainer": trainer.user.email,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat() if ends_on else None,
                "areas": sorted(area.slug for area in areas),
            },
        )
        mail_assignment(assignment=assignment, event="start")
        # A mentor makes a trainer in supervised practice "supervised only" (rehabpath.events).
        publish_on_commit("trainer.changed", trainer_ids=[trainer.pk])
    return assignment


def assignment_end(*, actor: Actor, assignment: MentorAssignment, reason: str) -> MentorAssignment:
    """End an assignment at once: the mentor's access to the trainer ends with this commit."""
    _require_staff(actor, "end")
    reason = reason.strip()
    if not reason:
        raise DomainError("Give the reason for ending it: both people read it.", field="reason")
    with transaction.atomic():
        locked = (
            MentorAssignment.objects.select_for_update(of=("self",))
            .select_related("mentor__user", "trainer__user")
            .get(pk=assignment.pk)
        )
        if locked.ended_at is not None:
            raise DomainError(f"This assignment ended on {day_label(locked.ended_at)}.")
        locked.ended_at = timezone.now()
        locked.ended_by = actor.user
        locked.end_reason = reason
        locked.save(update_fields=["ended_at", "ended_by", "end_reason", "updated_at"])
        record_event(
            actor=actor,
            action="mentor_assignment.end",
            target=locked,
            after={"mentor": locked.mentor.user.email, "trainer": locked.trainer.user.email},
            reason=reason,
        )
        mail_assignment(assignment=locked, event="end")
        publish_on_commit("trainer.changed", trainer_ids=[locked.trainer_id])
    return locked
