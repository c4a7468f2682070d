"""Supervision meetings: the services' cycle and refusals, mail, audit, the database guards."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from mentorship.access import get_meeting_for_user
from mentorship.models import MeetingStatus, SupervisionMeeting
from mentorship.services.meetings import (
    MeetingData,
    meeting_confirm,
    meeting_dispute,
    meeting_fingerprint,
    meeting_record,
    meeting_update,
    meeting_withdraw,
)
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.models import AuditEvent, Delivery
from tests import factories
from tests.concurrency import postgres_only, race

NHS_NUMBER = "943 476 5919"  # passes the modulus-11 check


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def assignment(db):
    return factories.MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))


@pytest.fixture
def mentor(assignment):
    return assignment.mentor.user


@pytest.fixture
def trainer(assignment):
    return assignment.trainer.user


def _data(**overrides):
    values = {
        "meeting_date": dt.date(2026, 6, 10),
        "mode": "video",
        "kind": "supervision",
        "topics": "Pacing for a client with MS; heat sensitivity in the studio.",
        "agreed_actions": "Trainer to try seated intervals.",
    }
    values.update(overrides)
    return MeetingData(**values)


def _record(user, assignment, **overrides) -> SupervisionMeeting:
    return meeting_record(
        actor=Actor.for_user(user), assignment=assignment, data=_data(**overrides)
    )


def test_a_mentor_records_a_meeting_that_waits_for_the_trainer(assignment, mentor, trainer):
    area = factories.ConditionAreaFactory()
    meeting = _record(mentor, assignment, condition_areas=[area], mentor_notes="Good insight.")

    assert meeting.status == MeetingStatus.AWAITING
    assert meeting.recorded_by == mentor and meeting.mentor_notes == "Good insight."
    assert list(meeting.condition_areas.all()) == [area]
    event = AuditEvent.objects.get(action="supervision_meeting.record")
    assert event.actor == mentor and event.after["recorded_as"] == "mentor"
    assert event.after["areas"] == [area.slug]
    mail = Delivery.objects.get(template="supervision_meeting")
    assert mail.recipient == trainer and mail.milestone == "recorded:1"


def test_the_trainer_confirms_and_the_meeting_counts(assignment, mentor, trainer):
    meeting = _record(mentor, assignment)

    confirmed = meeting_confirm(actor=Actor.for_user(trainer), meeting=meeting)

    assert confirmed.status == MeetingStatus.CONFIRMED
    assert confirmed.confirmed_by == trainer and confirmed.confirmed_at is not None
    assert AuditEvent.objects.filter(action="supervision_meeting.confirm").count() == 1
    told = Delivery.objects.get(template="supervision_meeting", milestone="confirmed:1")
    assert told.recipient == mentor


def test_a_trainer_records_and_the_mentor_confirms_adding_their_notes(assignment, mentor, trainer):
    meeting = _record(trainer, assignment, kind="case_discussion", mode="phone")
    assert Delivery.objects.get(template="supervision_meeting").recipient == mentor

    meeting_confirm(actor=Actor.for_user(mentor), meeting=meeting, mentor_notes="Well argued.")

    meeting.refresh_from_db()
    assert meeting.is_confirmed and meeting.mentor_notes == "Well argued."


def test_a_trainer_cannot_write_the_mentors_notes(assignment, mentor, trainer):
    with pytest.raises(DomainError, match="Only the mentor") as error:
        _record(trainer, assignment, mentor_notes="My own view.")
    assert error.value.field == "mentor_notes"
    meeting = _record(mentor, assignment)
    with pytest.raises(DomainError, match="Only the mentor"):
        meeting_confirm(actor=Actor.for_user(trainer), meeting=meeting, mentor_notes="x")


def test_nobody_confirms_their_own_record(assignment, mentor):
    meeting = _record(mentor, assignment)
    with pytest.raises(DomainError, match="You recorded this meeting"):
        meeting_confirm(actor=Actor.for_user(mentor), meeting=meeting)
    with pytest.raises(DomainError, match="You recorded this meeting"):
        meeting_dispute(actor=Actor.for_user(mentor), meeting=meeting, reason="No.")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AWAITING


def test_the_database_refuses_a_confirmation_by_the_recorder(assignment, mentor):
    meeting = _record(mentor, assignment)
    meeting.status = MeetingStatus.CONFIRMED
    meeting.confirmed_by = mentor
    meeting.confirmed_at = meeting.recorded_at
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()


def test_the_database_refuses_a_confirmation_without_its_confirmer(assignment, mentor):
    meeting = _record(mentor, assignment)
    meeting.status = MeetingStatus.CONFIRMED
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()


@pytest.mark.parametrize("who", ["unassigned_mentor", "other_trainer", "staff"])
def test_outsiders_cannot_record_a_meeting_of_the_pair(assignment, who):
    outsider = {
        "unassigned_mentor": lambda: factories.MentorProfileFactory().user,
        "other_trainer": lambda: factories.TrainerProfileFactory().user,
        "staff": lambda: factories.UserFactory(is_staff=True),
    }[who]()
    with pytest.raises(DomainError, match="Only the trainer and their mentor"):
        _record(outsider, assignment)
    assert not SupervisionMeeting.objects.exists()


def test_outsiders_cannot_confirm_or_dispute(assignment, mentor):
    meeting = _record(mentor, assignment)
    outsider = factories.MentorProfileFactory().user
    with pytest.raises(DomainError, match="Only the trainer and their mentor"):
        meeting_confirm(actor=Actor.for_user(outsider), meeting=meeting)
    with pytest.raises(DomainError, match="Only the trainer and their mentor"):
        meeting_dispute(actor=Actor.for_user(outsider), meeting=meeting, reason="No.")


def _end(assignment):
    assignment.ended_at = dt.datetime(2026, 6, 12, tzinfo=dt.UTC)
    assignment.end_reason = "Moved on."
    assignment.save()


def test_a_mentor_whose_assignment_ended_can_neither_record_nor_confirm(
    assignment, mentor, trainer
):
    waiting = _record(trainer, assignment)
    _end(assignment)

    with pytest.raises(DomainError, match="has ended"):
        _record(mentor, assignment)
    with pytest.raises(DomainError, match="has ended"):
        meeting_confirm(actor=Actor.for_user(mentor), meeting=waiting)


def test_the_trainer_still_confirms_what_their_former_mentor_recorded(assignment, mentor, trainer):
    meeting = _record(mentor, assignment)
    _end(assignment)

    with pytest.raises(DomainError, match="has ended"):
        _record(trainer, assignment)
    meeting_confirm(actor=Actor.for_user(trainer), meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.is_confirmed


def test_an_assignment_past_its_end_date_counts_as_ended(assignment, mentor):
    assignment.ends_on = dt.date(2026, 6, 1)
    assignment.save()
    with pytest.raises(DomainError, match="has ended"):
        _record(mentor, assignment, meeting_date=dt.date(2026, 5, 20))


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(2026, 6, 16), "in the future"),
        (dt.date(2025, 12, 31), "began on 1 Jan 2026"),
    ],
)
def test_the_meeting_date_must_lie_within_the_assignment(assignment, mentor, day, message):
    with pytest.raises(DomainError, match=message) as error:
        _record(mentor, assignment, meeting_date=day)
    assert error.value.field == "meeting_date"


def test_a_meeting_needs_its_topics(assignment, mentor):
    with pytest.raises(DomainError, match="Say what you discussed") as error:
        _record(mentor, assignment, topics="  ")
    assert error.value.field == "topics"


def test_a_dispute_needs_a_reason_and_goes_back_to_the_recorder(assignment, mentor, trainer):
    meeting = _record(mentor, assignment)
    with pytest.raises(DomainError, match="Say what is wrong") as error:
        meeting_dispute(actor=Actor.for_user(trainer), meeting=meeting, reason="  ")
    assert error.value.field == "reason"

    meeting_dispute(actor=Actor.for_user(trainer), meeting=meeting, reason="It was a phone call.")

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DISPUTED
    assert meeting.dispute_reason == "It was a phone call."
    told = Delivery.objects.get(template="supervision_meeting", milestone="disputed:1")
    assert told.recipient == mentor and told.context["reason"] == "It was a phone call."
    with pytest.raises(DomainError, match="You disputed this meeting"):
        meeting_confirm(actor=Actor.for_user(trainer), meeting=meeting)


def test_the_recorder_corrects_a_disputed_meeting_and_it_waits_again(assignment, mentor, trainer):
    meeting = _record(mentor, assignment)
    meeting_dispute(actor=Actor.for_user(trainer), meeting=meeting, reason="It was a phone call.")

    changed = meeting_update(
        actor=Actor.for_user(mentor),
        meeting=meeting,
        data=_data(mode="phone"),
        expected_fingerprint=meeting_fingerprint(SupervisionMeeting.objects.get(pk=meeting.pk)),
    )

    meeting.refresh_from_db()
    assert changed and meeting.status == MeetingStatus.AWAITING
    assert meeting.mode == "phone" and meeting.revision == 2
    told = Delivery.objects.get(template="supervision_meeting", milestone="corrected:2")
    assert told.recipient == trainer
    event = AuditEvent.objects.get(action="supervision_meeting.update")
    assert event.after["changed"] == ["mode"] and event.before["status"] == "disputed"
    meeting_confirm(actor=Actor.for_user(trainer), meeting=meeting)


def test_only_the_recorder_corrects_a_meeting(assignment, mentor, trainer):
    meeting = _record(mentor, assignment)
    with pytest.raises(DomainError, match="only they can change it"):
        meeting_update(actor=Actor.for_user(trainer), meeting=meeting, data=_data(mode="phone"))


def test_a_trainers_correction_keeps_the_mentors_notes(assignment, mentor, trainer):
    meeting = _record(trainer, assignment)
    SupervisionMeeting.objects.filter(pk=meeting.pk).update(mentor_notes="Mentor's view.")
    meeting.refresh_from_db()
    meeting_update(actor=Actor.for_user(trainer), meeting=meeting, data=_data(mode="phone"))
    meeting.refresh_from_db()
    assert meeting.mentor_notes == "Mentor's view." and meeting.mode == "phone"


def test_an_unchanged_save_changes_nothing(assignment, mentor):
    meeting = _record(mentor, assignment)
    assert not meeting_update(actor=Actor.for_user(mentor), meeting=meeting, data=_data())
    assert not AuditEvent.objects.filter(action="supervision_meeting.update").exists()


def test_a_confirmed_meeting_never_changes(assignment, mentor, trainer):
    meeting = _record(mentor, assignment)
    meeting_confirm(actor=Actor.for_user(trainer), meeting=meeting)

    with pytest.raises(DomainError, match="confirmed"):
        meeting_update(actor=Actor.for_user(mentor), meeting=meeting, data=_data(mode="phone"))
    with pytest.raises(DomainError, match="already confirmed"):
        meeting_dispute(actor=Actor.for_user(trainer), meeting=meeting, reason="Changed mind.")
    with pytest.raises(DomainError, match="stays on the record"):
        meeting_withdraw(actor=Actor.for_user(mentor), meeting=meeting)


@postgres_only
def test_the_database_refuses_any_change_to_a_confirmed_meeting(assignment, mentor, trainer):
    meeting = _record(mentor, assignment)
    meeting_confirm(actor=Actor.for_user(trainer), meeting=meeting)
    rows = SupervisionMeeting.objects.filter(pk=meeting.pk)

    with pytest.raises(IntegrityError, match="confirmed supervision meeting"), transaction.atomic():
        rows.update(topics="Rewritten later.")
    with pytest.raises(IntegrityError, match="confirmed supervision meeting"), transaction.atomic():
        rows.delete()
    with pytest.raises(IntegrityError, match="confirmed supervision meeting"), transaction.atomic():
        meeting.condition_areas.add(factories.ConditionAreaFactory())


def test_a_confirmation_from_a_stale_page_is_refused(assignment, mentor, trainer):
    meeting = _record(mentor, assignment)
    seen = meeting_fingerprint(meeting)
    meeting_update(actor=Actor.for_user(mentor), meeting=meeting, data=_data(mode="in_person"))

    with pytest.raises(DomainError) as error:
        meeting_confirm(actor=Actor.for_user(trainer), meeting=meeting, expected_fingerprint=seen)
    assert error.value.field == "fingerprint"
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AWAITING


def test_text_that_could_identify_a_client_needs_an_acknowledgement(assignment, mentor):
    topics = f"Reviewed the client with NHS number {NHS_NUMBER}."
    with pytest.raises(DomainError, match="NHS number") as error:
        _record(mentor, assignment, topics=topics)
    assert error.value.field == "topics" and "topics" in error.value.details
    assert not SupervisionMeeting.objects.exists()
    assert not AuditEvent.objects.exists()

    meeting = meeting_record(
        actor=Actor.for_user(mentor),
        assignment=assignment,
        data=_data(topics=topics),
        identifiers_acknowledged=True,
    )

    assert meeting.topics == topics
    event = AuditEvent.objects.get(action="supervision_meeting.record")
    assert NHS_NUMBER not in str(event.after) and NHS_NUMBER not in event.reason


def test_the_recorder_withdraws_a_meeting_nobody_confirmed(assignment, mentor, trainer):
    meeting = _record(mentor, assignment)
    with pytest.raises(DomainError, match="only they can withdraw"):
        meeting_withdraw(actor=Actor.for_user(trainer), meeting=meeting)

    meeting_withdraw(actor=Actor.for_user(mentor), meeting=meeting)

    assert not SupervisionMeeting.objects.exists()
    assert AuditEvent.objects.filter(action="supervision_meeting.withdraw").count() == 1


def test_the_mails_render(assignment, mentor, trainer, mailoutbox):
    from rehabpath.ledger import deliver

    meeting = _record(mentor, assignment)
    meeting_dispute(actor=Actor.for_user(trainer), meeting=meeting, reason="Wrong date.")
    meeting_update(actor=Actor.for_user(mentor), meeting=meeting, data=_data(mode="phone"))
    meeting_confirm(actor=Actor.for_user(trainer), meeting=meeting)
    for delivery in Delivery.objects.filter(template="supervision_meeting"):
        deliver([delivery.pk])

    assert len(mailoutbox) == 4
    subjects = " | ".join(m.subject for m in mailoutbox)
    assert "recorded a supervision meeting" in subjects and "disputed your" in subjects
    assert "corrected a supervision meeting" in subjects and "confirmed your" in subjects
    disputed = next(m for m in mailoutbox if "disputed" in m.subject)
    assert "Wrong date." in disputed.body and f"/meetings/{meeting.public_id}/" in disputed.body


def test_access_follows_the_current_assignment(assignment, mentor, trainer):
    meeting = _record(mentor, assignment)
    assert get_meeting_for_user(mentor, meeting.public_id, act=True).can_edit
    assert get_meeting_for_user(trainer, meeting.public_id, act=True).can_confirm
    _end(assignment)
    newer = factories.MentorAssignmentFactory(trainer=assignment.trainer).mentor.user

    from django.http import Http404

    with pytest.raises(Http404):
        get_meeting_for_user(mentor, meeting.public_id)
    seen = get_meeting_for_user(newer, meeting.public_id)  # the trainer's whole record
    assert not seen.is_party and not seen.can_confirm


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_confirmation_racing_a_dispute_leaves_one_decision():
    assignment = factories.MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))
    meeting = _record(assignment.mentor.user, assignment)
    seen = meeting_fingerprint(meeting)
    trainer = Actor.for_user(assignment.trainer.user)

    outcomes = race(
        lambda: meeting_confirm(actor=trainer, meeting=meeting, expected_fingerprint=seen),
        lambda: meeting_dispute(
            actor=trainer, meeting=meeting, reason="Wrong day.", expected_fingerprint=seen
        ),
    )

    errors = [o for o in outcomes if o is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), outcomes
    meeting.refresh_from_db()
    assert meeting.status in (MeetingStatus.CONFIRMED, MeetingStatus.DISPUTED)
    decided = AuditEvent.objects.filter(
        action__in=["supervision_meeting.confirm", "supervision_meeting.dispute"]
    )
    assert decided.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_confirmation_racing_a_correction_never_confirms_unseen_content():
    assignment = factories.MentorAssignmentFactory(starts_on=dt.date(2026, 1, 1))
    mentor = Actor.for_user(assignment.mentor.user)
    meeting = _record(assignment.mentor.user, assignment)
    seen = meeting_fingerprint(meeting)

    outcomes = race(
        lambda: meeting_confirm(
            actor=Actor.for_user(assignment.trainer.user),
            meeting=meeting,
            expected_fingerprint=seen,
        ),
        lambda: meeting_update(
            actor=mentor, meeting=meeting, data=_data(mode="phone"), expected_fingerprint=seen
        ),
    )

    errors = [o for o in outcomes if o is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), outcomes
    meeting.refresh_from_db()
    # Either the trainer confirmed what they saw (and the correction was refused), or the
    # correction came first and the confirmation, from a now stale page, was refused.
    assert (meeting.is_confirmed and meeting.mode == "video") or (
        meeting.status == MeetingStatus.AWAITING and meeting.mode == "phone"
    )
