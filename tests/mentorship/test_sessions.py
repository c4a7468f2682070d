"""Supervised sessions: the cycle, who may decide, immutability, races and what is stored."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import Http404

from mentorship.access import get_session_for_user
from mentorship.models import (
    RoundDecision,
    SessionRound,
    SessionStatus,
    SupervisedSession,
    SupervisionStatement,
)
from mentorship.services.sessions import (
    SessionData,
    content_hash,
    session_create,
    session_delete,
    session_fingerprint,
    session_return,
    session_sign_off,
    session_submit,
    session_update,
    signed_content,
)
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.ledger import deliver
from rehabpath.models import AuditEvent, Delivery
from tests import factories
from tests.concurrency import postgres_only, race

NOW = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)
DAY = dt.date(2026, 6, 1)
OBSERVED = SupervisionStatement.OBSERVED_DIRECTLY


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def trainer(db):
    return factories.TrainerProfileFactory()


@pytest.fixture
def mentor(db, trainer):
    profile = factories.MentorProfileFactory()
    factories.MentorAssignmentFactory(
        mentor=profile, trainer=trainer, starts_on=dt.date(2026, 1, 1)
    )
    return profile.user


@pytest.fixture
def area(db):
    return factories.ConditionAreaFactory(slug="stroke", name="Stroke")


def data(area, **changes):
    values = dict(
        session_date=DAY,
        duration_minutes=45,
        condition_area=area,
        complexity=2,
        mode="direct_observation",
        client_reference="C-014",
        delivered="Seated balance work, shorter sets when fatigue rose.",
        adapted=True,
        paused=False,
        escalated=False,
        escalated_to="",
        escalation_reason="",
        reflection="I should have started the rest breaks earlier.",
    )
    values.update(changes)
    return SessionData(**values)


def _audit_text():
    fields = ("before", "after", "reason", "target_label")
    return json.dumps(list(AuditEvent.objects.values(*fields)))


def actor(user):
    return Actor.for_user(user)


def draft(trainer, area, **changes):
    return session_create(actor=actor(trainer.user), trainer=trainer, data=data(area, **changes))


def submitted(trainer, area, **changes):
    session = draft(trainer, area, **changes)
    session_submit(actor=actor(trainer.user), session=session)
    return session


def sign(mentor, session, statement=OBSERVED, feedback="Well paced."):
    return session_sign_off(
        actor=actor(mentor), session=session, feedback=feedback, statement=statement
    )


# --- The cycle ----------------------------------------------------------------------------


def test_a_session_goes_round_by_round_to_sign_off_and_keeps_every_round(trainer, mentor, area):
    session = submitted(trainer, area)
    session_return(actor=actor(mentor), session=session, feedback="Say how you graded the sets.")
    assert session.status == SessionStatus.RETURNED
    session_update(
        actor=actor(trainer.user),
        session=session,
        data=data(area, delivered="Seated balance, 3 sets of 5, graded by RPE."),
    )
    session_submit(actor=actor(trainer.user), session=session)
    sign(mentor, session)

    session.refresh_from_db()
    assert session.status == SessionStatus.SIGNED_OFF
    assert session.signed_off_by == mentor and session.signed_off_at == NOW
    assert session.sign_off_statement == OBSERVED
    rounds = list(session.rounds.all())
    assert [(r.number, r.decision) for r in rounds] == [
        (1, RoundDecision.RETURNED),
        (2, RoundDecision.SIGNED_OFF),
    ]
    assert rounds[0].content["delivered"].startswith("Seated balance work")
    assert rounds[0].feedback == "Say how you graded the sets."
    assert rounds[1].content["delivered"] == "Seated balance, 3 sets of 5, graded by RPE."
    actions = list(
        AuditEvent.objects.filter(target_id=str(session.public_id))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "supervised_session.create",
        "supervised_session.submit",
        "supervised_session.return",
        "supervised_session.update",
        "supervised_session.resubmit",
        "supervised_session.sign_off",
    ]


def test_the_signed_hash_is_sha256_of_the_canonical_content_trainer_and_round(
    trainer, mentor, area
):
    session = submitted(trainer, area)
    sign(mentor, session)
    session.refresh_from_db()
    expected = content_hash(
        content=signed_content(session), trainer_public_id=str(trainer.public_id), round_number=1
    )
    assert session.signed_hash == expected and len(expected) == 64
    # The canonical JSON: sorted keys, no spaces; any change of content changes the hash.
    other = content_hash(
        content={**signed_content(session), "duration_minutes": 46},
        trainer_public_id=str(trainer.public_id),
        round_number=1,
    )
    assert other != expected


def test_mails_go_to_the_mentor_per_round_and_to_the_trainer_per_decision(
    trainer, mentor, area, mailoutbox
):
    session = submitted(trainer, area)
    session_return(actor=actor(mentor), session=session, feedback="Add the RPE you used.")
    session_submit(actor=actor(trainer.user), session=session)
    sign(mentor, session)

    deliveries = Delivery.objects.order_by("pk")
    assert [(d.recipient_id, d.template, d.milestone) for d in deliveries] == [
        (mentor.pk, "supervised_session_submitted", "round-1"),
        (trainer.user.pk, "supervised_session_decided", "round-1"),
        (mentor.pk, "supervised_session_submitted", "round-2"),
        (trainer.user.pk, "supervised_session_decided", "round-2"),
        (mentor.pk, "supervised_session_signed_copy", ""),
    ]
    for delivery in deliveries:
        deliver([delivery.pk])
    returned = mailoutbox[1]
    assert "Add the RPE you used." in returned.body
    copy = mailoutbox[4]
    session.refresh_from_db()
    assert session.signed_hash in copy.body
    assert "Seated balance work" in copy.body and "C-014" in copy.body
    assert "I observed this session directly" in copy.body
    # The ledger keeps no text of the session: it is read when the mail is sent.
    ledger = json.dumps([d.context for d in deliveries])
    assert "Seated balance" not in ledger and "RPE" not in ledger


# --- Who may decide -----------------------------------------------------------------------


def test_nobody_signs_off_their_own_session(trainer, mentor, area):
    session = submitted(trainer, area)
    with pytest.raises(DomainError, match="their own session"):
        sign(trainer.user, session)


def test_a_mentor_who_is_mentored_by_the_trainer_cannot_decide(trainer, mentor, area):
    # The data holds a pairing assignment_create would refuse: the decision refuses it too.
    mentor_as_trainer = factories.TrainerProfileFactory(user=mentor)
    trainer_as_mentor = factories.MentorProfileFactory(user=trainer.user)
    factories.MentorAssignmentFactory(mentor=trainer_as_mentor, trainer=mentor_as_trainer)
    session = submitted(trainer, area)
    with pytest.raises(DomainError, match="cannot sign off each other"):
        sign(mentor, session)


def test_a_mentor_not_assigned_to_the_trainer_cannot_decide(trainer, mentor, area):
    session = submitted(trainer, area)
    stranger = factories.MentorProfileFactory().user
    with pytest.raises(DomainError, match="current mentor"):
        sign(stranger, session)
    with pytest.raises(DomainError, match="current mentor"):
        session_return(actor=actor(stranger), session=session, feedback="No.")


def test_a_mentor_whose_assignment_ended_cannot_decide(trainer, mentor, area):
    session = submitted(trainer, area)
    trainer.mentor_assignments.update(ended_at=NOW, end_reason="Ended.")
    with pytest.raises(DomainError, match="current mentor"):
        sign(mentor, session)


def test_a_mentor_cannot_decide_a_session_dated_outside_the_assignment(trainer, area):
    earlier = factories.MentorProfileFactory()
    factories.MentorAssignmentFactory(
        mentor=earlier, trainer=trainer, starts_on=dt.date(2026, 1, 1), ended_at=NOW, end_reason="x"
    )
    later = factories.MentorProfileFactory()
    factories.MentorAssignmentFactory(mentor=later, trainer=trainer, starts_on=dt.date(2026, 6, 10))
    session = draft(trainer, area)  # dated 1 June, before the current assignment
    SupervisedSession.objects.filter(pk=session.pk).update(status=SessionStatus.SUBMITTED)
    SessionRound.objects.create(session=session, number=1, content={}, submitted_at=NOW)
    session.refresh_from_db()
    with pytest.raises(DomainError, match="outside your assignment"):
        sign(later.user, session)


def test_submitting_a_session_dated_outside_the_current_assignment_is_refused(trainer, area):
    factories.MentorAssignmentFactory(trainer=trainer, starts_on=dt.date(2026, 6, 10))
    session = draft(trainer, area)
    with pytest.raises(DomainError, match="outside your current mentor assignment"):
        session_submit(actor=actor(trainer.user), session=session)


def test_submitting_without_a_mentor_is_refused_and_the_draft_stays(trainer, area):
    session = draft(trainer, area)
    with pytest.raises(DomainError, match="no mentor"):
        session_submit(actor=actor(trainer.user), session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT


def test_only_a_submitted_session_can_be_decided(trainer, mentor, area):
    session = draft(trainer, area)
    with pytest.raises(DomainError, match="no longer waiting"):
        sign(mentor, session)
    session_submit(actor=actor(trainer.user), session=session)
    sign(mentor, session)
    with pytest.raises(DomainError, match="no longer waiting"):
        session_return(actor=actor(mentor), session=session, feedback="Too late.")


def test_the_statement_must_match_the_mode(trainer, mentor, area):
    session = submitted(trainer, area)
    with pytest.raises(DomainError, match="observed this session directly") as refused:
        sign(mentor, session, statement=SupervisionStatement.REVIEWED_REMOTELY)
    assert refused.value.field == "statement"
    remote = submitted(trainer, area, mode="remote_review")
    with pytest.raises(DomainError, match="reviewed this session remotely"):
        sign(mentor, remote, statement=OBSERVED)
    sign(mentor, remote, statement=SupervisionStatement.REVIEWED_REMOTELY)


def test_returning_needs_feedback(trainer, mentor, area):
    session = submitted(trainer, area)
    with pytest.raises(DomainError, match="Write your feedback") as refused:
        session_return(actor=actor(mentor), session=session, feedback="  ")
    assert refused.value.field == "feedback"
    session.refresh_from_db()
    assert session.status == SessionStatus.SUBMITTED


def test_other_trainers_cannot_change_submit_or_delete(trainer, mentor, area):
    session = draft(trainer, area)
    other = factories.TrainerProfileFactory().user
    with pytest.raises(DomainError, match="Only the trainer"):
        session_update(actor=actor(other), session=session, data=data(area))
    with pytest.raises(DomainError, match="Only the trainer"):
        session_submit(actor=actor(other), session=session)
    with pytest.raises(DomainError, match="Only the trainer"):
        session_delete(actor=actor(other), session=session)


# --- What the trainer enters ----------------------------------------------------------------


@pytest.mark.parametrize(
    "reference",
    ["943 476 5919", "Mrs Patel", "john.smith@example.org", "BS1 4DJ", "03/04/1947", "Jones"],
)
def test_an_identifying_client_reference_is_refused_and_nothing_of_it_is_stored(
    trainer, area, reference
):
    with pytest.raises(DomainError) as refused:
        draft(trainer, area, client_reference=reference)
    assert refused.value.field == "client_reference"
    assert reference not in refused.value.message
    assert not SupervisedSession.objects.exists()
    stored = _audit_text()
    assert reference not in stored


def test_an_identifying_reference_is_refused_on_update_and_the_session_keeps_its_own(trainer, area):
    session = draft(trainer, area)
    with pytest.raises(DomainError):
        session_update(
            actor=actor(trainer.user), session=session, data=data(area, client_reference="Mr Lee")
        )
    session.refresh_from_db()
    assert session.client_reference == "C-014"
    assert "Mr Lee" not in json.dumps(list(AuditEvent.objects.values("before", "after")))


def test_audit_events_hold_no_text_of_the_session(trainer, mentor, area):
    session = submitted(trainer, area, reflection="Reflection words XYZZY.")
    session_return(actor=actor(mentor), session=session, feedback="Feedback words PLUGH.")
    session_update(
        actor=actor(trainer.user), session=session, data=data(area, delivered="Delivered QUUX.")
    )
    stored = _audit_text()
    for text in ("XYZZY", "PLUGH", "QUUX", "C-014", "Seated balance"):
        assert text not in stored


def test_free_text_that_looks_identifying_needs_the_trainers_confirmation(trainer, area):
    note = "Walked to the shop on Mill Lane, BS1 4DJ, with her daughter."
    with pytest.raises(DomainError, match="tick the box") as refused:
        draft(trainer, area, delivered=note)
    assert refused.value.field == "confirm_no_identifiers"
    assert not SupervisedSession.objects.exists()
    session = draft(trainer, area, delivered=note, identifiers_checked=True)
    assert session.delivered == note


def test_escalation_names_whom_and_why(trainer, area):
    with pytest.raises(DomainError, match="to whom") as refused:
        draft(trainer, area, escalated=True)
    assert refused.value.field == "escalated_to"
    with pytest.raises(DomainError, match="why"):
        draft(trainer, area, escalated=True, escalated_to="Referring physiotherapist")
    session = draft(
        trainer,
        area,
        escalated=True,
        escalated_to="Referring physiotherapist",
        escalation_reason="New dizziness on standing.",
    )
    assert session.escalated_to == "Referring physiotherapist"
    # Unticked, whatever was typed in the hidden fields is not kept.
    plain = draft(trainer, area, escalated_to="Someone", escalation_reason="Something")
    assert plain.escalated_to == "" and plain.escalation_reason == ""


def test_a_session_cannot_be_dated_in_the_future(trainer, area):
    with pytest.raises(DomainError) as refused:
        draft(trainer, area, session_date=dt.date(2026, 6, 16))
    assert refused.value.field == "session_date"


def test_a_stale_edit_is_refused(trainer, area):
    session = draft(trainer, area)
    seen = session_fingerprint(session)
    session_update(actor=actor(trainer.user), session=session, data=data(area, duration_minutes=50))
    with pytest.raises(DomainError) as refused:
        session_update(
            actor=actor(trainer.user),
            session=session,
            data=data(area, duration_minutes=55),
            expected_fingerprint=seen,
        )
    assert refused.value.field == "fingerprint"


def test_an_unchanged_save_writes_nothing(trainer, area):
    session = draft(trainer, area)
    assert session_update(actor=actor(trainer.user), session=session, data=data(area)) is False
    assert AuditEvent.objects.filter(action="supervised_session.update").count() == 0


def test_only_drafts_can_be_deleted(trainer, mentor, area):
    session = draft(trainer, area)
    session_delete(actor=actor(trainer.user), session=session)
    assert not SupervisedSession.objects.exists()
    assert AuditEvent.objects.filter(action="supervised_session.delete").count() == 1
    sent = submitted(trainer, area)
    with pytest.raises(DomainError, match="Only a draft"):
        session_delete(actor=actor(trainer.user), session=sent)


def test_a_submitted_session_cannot_be_changed_until_returned(trainer, mentor, area):
    session = submitted(trainer, area)
    with pytest.raises(DomainError, match="until your mentor returns it"):
        session_update(actor=actor(trainer.user), session=session, data=data(area))


# --- Immutability -------------------------------------------------------------------------


def test_the_services_refuse_to_change_or_delete_a_signed_off_session(trainer, mentor, area):
    session = submitted(trainer, area)
    sign(mentor, session)
    with pytest.raises(DomainError, match="signed off: it can never be changed"):
        session_update(actor=actor(trainer.user), session=session, data=data(area))
    with pytest.raises(DomainError, match="signed off: it can never be deleted"):
        session_delete(actor=actor(trainer.user), session=session)
    with pytest.raises(DomainError, match="signed off"):
        session_submit(actor=actor(trainer.user), session=session)


@postgres_only
@pytest.mark.parametrize(
    "change",
    [
        {"reflection": "Rewritten later."},
        {"client_reference": "C-999"},
        {"signed_hash": "0" * 64},
        {"status": SessionStatus.RETURNED},
        {"sign_off_feedback": "Edited feedback."},
    ],
)
def test_the_database_refuses_to_change_a_signed_off_session(trainer, mentor, area, change):
    session = submitted(trainer, area)
    sign(mentor, session)
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        SupervisedSession.objects.filter(pk=session.pk).update(**change)


@postgres_only
def test_the_database_refuses_to_delete_a_signed_off_session_or_change_its_rounds(
    trainer, mentor, area
):
    session = submitted(trainer, area)
    sign(mentor, session)
    # The ORM's delete() stops at the rounds' PROTECT first; the trigger holds underneath it.
    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic():
        SupervisedSession.objects.filter(pk=session.pk)._raw_delete("default")
    with pytest.raises(DatabaseError, match="round cannot be changed"), transaction.atomic():
        SessionRound.objects.filter(session=session).update(feedback="Rewritten.")
    with pytest.raises(DatabaseError, match="round cannot be changed"), transaction.atomic():
        SessionRound.objects.filter(session=session).delete()
    # Columns nobody signed may still move (the ORM's auto_now), so a plain save works.
    SupervisedSession.objects.filter(pk=session.pk).update(updated_at=NOW)


@postgres_only
def test_the_database_lets_a_draft_and_a_returned_round_change_as_before(trainer, mentor, area):
    session = submitted(trainer, area)
    SessionRound.objects.filter(session=session).update(feedback="Still open, may change.")
    SupervisedSession.objects.filter(pk=session.pk).update(reflection="Still editable text.")


# --- Races (real concurrent transactions, PostgreSQL) -------------------------------------


def race_at_now(*calls):
    """`race` with every thread's clock frozen at NOW, as the rest of this module's is."""
    return race(*calls, around=lambda: time_machine.travel(NOW, tick=False))


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sign_offs_racing_leave_exactly_one():
    trainer = factories.TrainerProfileFactory()
    mentor = factories.MentorProfileFactory()
    factories.MentorAssignmentFactory(mentor=mentor, trainer=trainer)
    area = factories.ConditionAreaFactory(slug="stroke", name="Stroke")
    session = submitted(trainer, area)

    outcomes = race_at_now(
        lambda: sign(mentor.user, SupervisedSession.objects.get(pk=session.pk), feedback="A"),
        lambda: sign(mentor.user, SupervisedSession.objects.get(pk=session.pk), feedback="B"),
    )

    errors = [o for o in outcomes if o is not None]
    assert len(errors) == 1 and "no longer waiting" in str(errors[0]), outcomes
    assert AuditEvent.objects.filter(action="supervised_session.sign_off").count() == 1
    assert SessionRound.objects.filter(session=session).exclude(decision="").count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_return_racing_a_sign_off_leaves_one_decision():
    trainer = factories.TrainerProfileFactory()
    mentor = factories.MentorProfileFactory()
    factories.MentorAssignmentFactory(mentor=mentor, trainer=trainer)
    area = factories.ConditionAreaFactory(slug="stroke", name="Stroke")
    session = submitted(trainer, area)

    outcomes = race_at_now(
        lambda: sign(mentor.user, SupervisedSession.objects.get(pk=session.pk)),
        lambda: session_return(
            actor=actor(mentor.user),
            session=SupervisedSession.objects.get(pk=session.pk),
            feedback="Needs more detail.",
        ),
    )

    errors = [o for o in outcomes if o is not None]
    assert len(errors) == 1 and "no longer waiting" in str(errors[0]), outcomes
    session.refresh_from_db()
    decided = list(SessionRound.objects.filter(session=session).exclude(decision=""))
    assert len(decided) == 1
    assert session.status == decided[0].decision
    decisions = AuditEvent.objects.filter(
        action__in=["supervised_session.sign_off", "supervised_session.return"]
    )
    assert decisions.count() == 1


# --- get_session_for_user -----------------------------------------------------------------


def test_the_owner_writes_a_draft_and_only_reads_a_submitted_session(trainer, mentor, area):
    session = draft(trainer, area)
    access = get_session_for_user(trainer.user, session.public_id, write=True)
    assert access.is_owner and access.can_write and access.can_delete
    session_submit(actor=actor(trainer.user), session=session)
    assert not get_session_for_user(trainer.user, session.public_id).can_write
    with pytest.raises(PermissionDenied):
        get_session_for_user(trainer.user, session.public_id, write=True)


def test_the_current_mentor_reads_sent_sessions_and_decides_submitted_ones(trainer, mentor, area):
    session = draft(trainer, area)
    with pytest.raises(Http404):  # a draft is the trainer's own until sent
        get_session_for_user(mentor, session.public_id)
    session_submit(actor=actor(trainer.user), session=session)
    access = get_session_for_user(mentor, session.public_id)
    assert access.is_mentor and access.can_decide and not access.can_write
    with pytest.raises(PermissionDenied):
        get_session_for_user(mentor, session.public_id, write=True)


def test_outsiders_get_404_and_staff_read(trainer, mentor, area):
    session = submitted(trainer, area)
    for outsider in (
        factories.TrainerProfileFactory().user,
        factories.MentorProfileFactory().user,
        factories.ClinicMembershipFactory().user,
    ):
        with pytest.raises(Http404):
            get_session_for_user(outsider, session.public_id)
    staff = factories.UserFactory(is_staff=True)
    access = get_session_for_user(staff, session.public_id)
    assert access.is_staff and not access.can_decide and not access.can_write
    trainer.mentor_assignments.update(ended_at=NOW, end_reason="Ended.")
    with pytest.raises(Http404):
        get_session_for_user(mentor, session.public_id)
    with pytest.raises(Http404):
        get_session_for_user(staff, "not-a-uuid")
