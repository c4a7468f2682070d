"""Mentor assignments: the database's constraints, the service's refusals, access, mail, audit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentorship.access import current_mentor_of, is_current_mentor
from mentorship.models import MentorAssignment, MentorProfile
from mentorship.services.assignments import assignment_create, assignment_end
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.models import AuditEvent, Delivery
from tests import factories
from tests.concurrency import postgres_only, race

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@pytest.fixture
def staff(db):
    return Actor.for_user(factories.UserFactory(is_staff=True))


@pytest.fixture
def mentor(db):
    return factories.MentorProfileFactory(capacity=2)


@pytest.fixture
def trainer(db):
    return factories.TrainerProfileFactory()


def assign(staff, mentor, trainer, **kwargs):
    kwargs.setdefault("starts_on", TODAY)
    return assignment_create(actor=staff, mentor=mentor, trainer=trainer, **kwargs)


def refused(message, **kwargs):
    return pytest.raises(DomainError, match=message)


# --- The database ---------------------------------------------------------------------------


def test_one_open_assignment_per_mentor_and_trainer_in_the_database(mentor, trainer):
    MentorAssignment.objects.create(mentor=mentor, trainer=trainer, starts_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorAssignment.objects.create(mentor=mentor, trainer=trainer, starts_on=TODAY)


def test_an_ended_assignment_does_not_block_a_new_one(mentor, trainer):
    MentorAssignment.objects.create(
        mentor=mentor, trainer=trainer, starts_on=TODAY, ended_at=timezone.now(), end_reason="x"
    )
    MentorAssignment.objects.create(mentor=mentor, trainer=trainer, starts_on=TODAY)


def test_one_open_mentor_per_trainer_in_the_database(mentor, trainer):
    MentorAssignment.objects.create(mentor=mentor, trainer=trainer, starts_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorAssignment.objects.create(
            mentor=factories.MentorProfileFactory(), trainer=trainer, starts_on=TODAY
        )


def test_an_assignment_cannot_end_before_it_starts_in_the_database(mentor, trainer):
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorAssignment.objects.create(
            mentor=mentor, trainer=trainer, starts_on=TODAY, ends_on=TODAY - dt.timedelta(1)
        )


def test_an_ended_assignment_keeps_its_reason_in_the_database(mentor, trainer):
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorAssignment.objects.create(
            mentor=mentor, trainer=trainer, starts_on=TODAY, ended_at=timezone.now()
        )


def test_hcpc_professions_need_their_number_in_the_database(mentor):
    mentor.background = MentorProfile.Background.PHYSIOTHERAPIST
    with pytest.raises(IntegrityError), transaction.atomic():
        mentor.save()


@pytest.mark.parametrize(
    ("background", "number", "error"),
    [
        ("physiotherapist", "", "Give the HCPC registration number"),
        ("physiotherapist", "PH12", "two letters and 5 or 6 digits"),
        ("physiotherapist", "OT123456", "start with PH"),
        ("occupational_therapist", "PH123456", "start with OT"),
        ("physiotherapist", "ph 123456", None),
        ("occupational_therapist", "OT12345", None),
        ("senior_neuro_trainer", "", None),
        ("other", "", None),
    ],
)
def test_mentor_profile_checks_the_hcpc_number(mentor, background, number, error):
    mentor.background = background
    mentor.hcpc_number = number
    if error is None:
        mentor.full_clean()
        assert mentor.hcpc_number in {"", "PH123456", "OT12345"}
    else:
        with pytest.raises(ValidationError, match=error):
            mentor.full_clean()


# --- The service ----------------------------------------------------------------------------


def test_staff_assign_a_mentor_and_both_are_told(staff, mentor, trainer):
    area = factories.ConditionAreaFactory()
    mentor.condition_areas.add(area)

    assignment = assign(staff, mentor, trainer, ends_on=TODAY + dt.timedelta(90), areas=[area])

    assert list(assignment.focus_areas.all()) == [area]
    assert assignment.created_by == staff.user
    event = AuditEvent.objects.get(action="mentor_assignment.create")
    assert event.target_id == str(assignment.public_id)
    assert event.after["trainer"] == trainer.user.email
    mails = Delivery.objects.filter(template="mentor_assignment")
    assert {m.recipient for m in mails} == {trainer.user, mentor.user}
    assert current_mentor_of(trainer) == mentor
    assert is_current_mentor(mentor.user, trainer)


def test_only_staff_assign(mentor, trainer):
    with refused("Only programme staff"):
        assign(Actor.for_user(factories.UserFactory()), mentor, trainer)


def test_a_mentor_cannot_be_assigned_to_themselves(staff, mentor):
    own = factories.TrainerProfileFactory(user=mentor.user)
    with refused("cannot be assigned to themselves"):
        assign(staff, mentor, own)


def test_reciprocal_mentoring_is_refused(staff, mentor, trainer):
    # The trainer mentors too, and mentors this mentor (who is also a trainer).
    trainer_as_mentor = factories.MentorProfileFactory(user=trainer.user)
    mentor_as_trainer = factories.TrainerProfileFactory(user=mentor.user)
    assign(staff, trainer_as_mentor, mentor_as_trainer)

    with refused("two trainers cannot mentor each other"):
        assign(staff, mentor, trainer)


def test_a_mentor_not_accepting_is_refused(staff, mentor, trainer):
    mentor.is_accepting = False
    mentor.save()
    with refused("is not accepting new mentees"):
        assign(staff, mentor, trainer)


def test_a_mentor_at_capacity_is_refused(staff, mentor):
    for _ in range(mentor.capacity):
        assign(staff, mentor, factories.TrainerProfileFactory())
    with refused(r"at capacity \(2 of 2 mentees\)"):
        assign(staff, mentor, factories.TrainerProfileFactory())


def test_a_trainer_with_a_mentor_is_refused(staff, mentor, trainer):
    assign(staff, factories.MentorProfileFactory(), trainer)
    with refused("already has a mentor"):
        assign(staff, mentor, trainer)


def test_the_end_cannot_come_before_the_start(staff, mentor, trainer):
    with refused("cannot end before it starts"):
        assign(staff, mentor, trainer, ends_on=TODAY - dt.timedelta(1))


def test_an_end_date_in_the_past_is_refused(staff, mentor, trainer):
    with refused("end date has passed"):
        assign(
            staff,
            mentor,
            trainer,
            starts_on=TODAY - dt.timedelta(30),
            ends_on=TODAY - dt.timedelta(1),
        )


def test_focus_areas_outside_the_mentors_areas_are_refused(staff, mentor, trainer):
    area = factories.ConditionAreaFactory(name="Stroke")
    with refused("does not mentor in: Stroke"):
        assign(staff, mentor, trainer, areas=[area])


def test_an_assignment_past_its_end_date_no_longer_counts_and_is_closed(staff, mentor, trainer):
    old = MentorAssignment.objects.create(
        mentor=mentor,
        trainer=trainer,
        starts_on=TODAY - dt.timedelta(100),
        ends_on=TODAY - dt.timedelta(1),
    )
    assert current_mentor_of(trainer) is None

    assign(staff, factories.MentorProfileFactory(), trainer)

    old.refresh_from_db()
    assert old.ended_at is not None and old.end_reason


def test_a_future_assignment_gives_no_access_yet(staff, mentor, trainer):
    assign(staff, mentor, trainer, starts_on=TODAY + dt.timedelta(7))
    assert not is_current_mentor(mentor.user, trainer)
    assert is_current_mentor(mentor.user, trainer, on=TODAY + dt.timedelta(7))


def test_ending_an_assignment_ends_access_at_once(staff, mentor, trainer):
    assignment = assign(staff, mentor, trainer)

    assignment_end(actor=staff, assignment=assignment, reason="Mentor on leave")

    assert not is_current_mentor(mentor.user, trainer)
    assert current_mentor_of(trainer) is None
    assignment.refresh_from_db()
    assert assignment.ended_by == staff.user and assignment.end_reason == "Mentor on leave"
    assert AuditEvent.objects.get(action="mentor_assignment.end").reason == "Mentor on leave"
    assert Delivery.objects.filter(template="mentor_assignment", milestone="end").count() == 2
    # The mentor has room again, and the trainer may have a new mentor.
    assign(staff, factories.MentorProfileFactory(), trainer)


def test_ending_needs_a_reason_staff_and_an_open_assignment(staff, mentor, trainer):
    assignment = assign(staff, mentor, trainer)
    with refused("Give the reason"):
        assignment_end(actor=staff, assignment=assignment, reason="  ")
    with refused("Only programme staff"):
        assignment_end(actor=Actor.for_user(mentor.user), assignment=assignment, reason="x")
    assignment_end(actor=staff, assignment=assignment, reason="Done")
    with refused("This assignment ended on"):
        assignment_end(actor=staff, assignment=assignment, reason="Again")


def test_the_mails_render(staff, mentor, trainer, mailoutbox):
    from rehabpath.ledger import deliver

    assignment = assign(staff, mentor, trainer)
    assignment_end(actor=staff, assignment=assignment, reason="Mentor on <leave>")
    for delivery in Delivery.objects.filter(template="mentor_assignment"):
        deliver([delivery.pk])
    subjects = sorted(m.subject.removeprefix("[RehabPath] ") for m in mailoutbox)
    name_m, name_t = mentor.user.name, trainer.user.name
    assert subjects == sorted(
        [
            f"{name_m} is your mentor",
            f"You are mentoring {name_t}",
            f"{name_m} is no longer your mentor",
            f"You are no longer mentoring {name_t}",
        ]
    )
    ended = [m for m in mailoutbox if "no longer your mentor" in m.subject][0]
    assert "Mentor on <leave>" in ended.body
    assert "Mentor on &lt;leave&gt;" in ended.alternatives[0].content


# --- Two members of staff at once (real transactions, PostgreSQL) ---------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_staff_assigning_at_once_cannot_overfill_a_mentor():
    staff = Actor.for_user(factories.UserFactory(is_staff=True))
    mentor = factories.MentorProfileFactory(capacity=1)
    trainers = [factories.TrainerProfileFactory() for _ in range(2)]

    outcomes = race(*(lambda t=t: assign(staff, mentor, t) for t in trainers))

    assert MentorAssignment.objects.filter(mentor=mentor, ended_at__isnull=True).count() == 1
    errors = [o for o in outcomes if o is not None]
    assert len(errors) == 1 and "at capacity" in str(errors[0]), outcomes


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_staff_pairing_two_trainers_both_ways_at_once_leave_one():
    staff = Actor.for_user(factories.UserFactory(is_staff=True))
    a = factories.MentorProfileFactory()
    b = factories.MentorProfileFactory()
    a_trainer = factories.TrainerProfileFactory(user=a.user)
    b_trainer = factories.TrainerProfileFactory(user=b.user)

    outcomes = race(lambda: assign(staff, a, b_trainer), lambda: assign(staff, b, a_trainer))

    assert MentorAssignment.objects.count() == 1
    errors = [o for o in outcomes if o is not None]
    assert len(errors) == 1 and "cannot mentor each other" in str(errors[0]), outcomes
