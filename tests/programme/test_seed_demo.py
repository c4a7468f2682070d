"""manage.py seed_demo: the documented demo accounts and catalogue, idempotent, DEBUG only."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from mentorship.models import MentorProfile, SessionRound, SupervisedSession
from programme.management.commands.seed_demo import DEMO_PASSWORD
from qualifications.models import AwardingBody, ConditionArea, QualificationType
from rehabpath.models import User
from rehabpath.roles import Role, roles_of
from trainers.models import Clinic, ClinicMembership, ClinicShare, TrainerProfile

COUNTED = [
    User,
    EmailAddress,
    TrainerProfile,
    MentorProfile,
    SupervisedSession,
    SessionRound,
    Clinic,
    ClinicMembership,
    ClinicShare,
    ConditionArea,
    AwardingBody,
    QualificationType,
]


def _seed(**options):
    call_command("seed_demo", stdout=io.StringIO(), **options)


def _counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_creates_the_four_demo_accounts_with_their_roles(db, settings):
    settings.DEBUG = True

    _seed()

    expected = {
        "trainer@example.com": {Role.TRAINER},
        "mentor@example.com": {Role.TRAINER, Role.MENTOR},
        "clinic@example.com": {Role.CLINIC_ADMIN},
        "staff@example.com": {Role.STAFF},
    }
    for email, roles in expected.items():
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert user.is_demo
        assert set(roles_of(user)) == roles
        assert EmailAddress.objects.get(user=user, email=email).verified
    assert Clinic.objects.count() == 2
    assert set(ConditionArea.objects.values_list("name", flat=True)) >= {
        "Stroke",
        "Acquired brain injury",
        "Spinal cord injury",
        "Parkinson's",
        "Multiple sclerosis",
    }


def test_seed_demo_twice_changes_nothing(db, settings):
    settings.DEBUG = True
    _seed()
    first = _counts()

    _seed()

    assert _counts() == first
    assert all(first.values()), first


def test_seed_demo_does_not_reset_a_changed_demo_password(db, settings):
    settings.DEBUG = True
    _seed()
    user = User.objects.get(email="trainer@example.com")
    user.set_password("changed-by-the-user-123")
    user.save()

    _seed()

    user.refresh_from_db()
    assert user.check_password("changed-by-the-user-123")


def test_seed_demo_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        _seed()

    assert not User.objects.exists()


def test_seed_demo_runs_with_debug_off_when_forced(db, settings):
    settings.DEBUG = False

    _seed(force=True)

    assert User.objects.filter(is_demo=True).count() == 4


def test_seed_demo_gives_the_demo_mentor_the_demo_trainer(db, settings):
    from mentorship.access import current_mentor_of

    settings.DEBUG = True
    _seed()
    _seed()

    trainer = TrainerProfile.objects.get(user__email="trainer@example.com")
    mentor = current_mentor_of(trainer)
    assert mentor is not None and mentor.user.email == "mentor@example.com"
    assert mentor.hcpc_number == "PH123456"


def test_seed_demo_gives_the_demo_mentor_a_mentee_with_sessions_in_every_state(db, settings):
    from mentorship.workspace import queue_page

    settings.DEBUG = True
    _seed()

    mentor = User.objects.get(email="mentor@example.com")
    trainer = TrainerProfile.objects.get(user__email="trainer@example.com")
    sessions = trainer.supervised_sessions.all()
    assert set(sessions.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "signed_off",
    }
    signed = sessions.filter(status="signed_off")
    # Progress shows at every level: 4 / 2 / 1 of the pathway's 6 / 4 / 2 in stroke.
    assert sorted(signed.values_list("complexity", flat=True)) == [1, 1, 1, 1, 2, 2, 3]
    assert all(s.signed_off_by == mentor and len(s.signed_hash) == 64 for s in signed)
    # One waits after a first submission, one after feedback and a resubmission (2 rounds).
    waiting = sessions.filter(status="submitted")
    assert sorted(s.rounds.count() for s in waiting) == [1, 2]
    resubmitted = next(s for s in waiting if s.rounds.count() == 2)
    first, second = resubmitted.rounds.order_by("number")
    assert first.decision == "returned" and first.feedback
    assert first.content["reflection"] != second.content["reflection"]
    returned = sessions.get(status="returned")
    assert returned.rounds.get().feedback
    # The mentor's queue lists both waiting sessions.
    assert len(queue_page(mentor).rows) == 2


def test_seed_demo_leaves_the_sessions_alone_the_second_time(db, settings):
    settings.DEBUG = True
    _seed()
    draft = SupervisedSession.objects.get(status="draft")
    draft.delete()  # the demo user deleted their draft

    _seed()

    assert not SupervisedSession.objects.filter(status="draft").exists()
    demo_trainer = TrainerProfile.objects.get(user__email="trainer@example.com")
    assert SupervisedSession.objects.filter(trainer=demo_trainer).count() == 10


def test_seed_demo_gives_the_demo_clinic_a_roster_in_each_state_for_stroke(db, settings):
    from programme.eligibility.selectors import eligibility_for
    from programme.pathway.results import Status

    settings.DEBUG = True
    _seed()
    _seed()

    clinic = Clinic.objects.get(name="Riverside Neuro Rehab")
    shared = TrainerProfile.objects.filter(
        clinic_shares__clinic=clinic, clinic_shares__ended_at__isnull=True
    ).select_related("user")
    stroke = ConditionArea.objects.get(slug="stroke")
    answers = eligibility_for([t.pk for t in shared], area_ids=[stroke.pk])
    by_name = {t.user.name: answers[t.pk][stroke.pk] for t in shared}
    assert {e.status for e in by_name.values()} == set(Status)
    # The demo trainer: supervised only, under the demo mentor, for the journey of the README.
    tara = by_name["Tara Trainer"]
    assert tara.status == Status.SUPERVISED_ONLY
    assert tara.mentor_name == "Morgan Mentor"
    # The extra trainers cannot sign in, and are not demo accounts (no MFA waiver).
    extra = [t.user for t in shared if t.user.email != "trainer@example.com"]
    assert len(extra) >= 3
    assert not any(u.has_usable_password() or u.is_demo for u in extra)
    # The demo clinic's other half is untouched: the other clinic has no roster.
    assert not ClinicShare.objects.exclude(clinic=clinic).exists()


def test_seed_demo_certifies_one_recognised_trainer_and_leaves_one_for_staff(db, settings):
    from programme.certificates.issuing import issue_check
    from programme.models import Certificate

    settings.DEBUG = True
    _seed()
    _seed()

    stroke = ConditionArea.objects.get(slug="stroke")
    certificate = Certificate.objects.get()
    assert certificate.trainer.user.email == "priya.shah@example.com"
    assert certificate.condition_area == stroke
    assert certificate.issued_by.email == "staff@example.com"
    sam = TrainerProfile.objects.get(user__email="sam.taylor@example.com")
    assert issue_check(sam, stroke, on=certificate.issued_on).can_issue
