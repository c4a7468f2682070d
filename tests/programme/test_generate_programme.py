"""manage.py generate_programme: the benchmark's data, in the proportions of issue 6."""

import io

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.db import connection

from mentorship.models import MentorProfile
from programme.generate import PERSONA_CPD_ACTIVITIES, PERSONA_PASSWORD, PERSONAS
from qualifications.models import CPDActivity, TrainerQualification
from rehabpath.models import AuditEvent, User
from rehabpath.roles import Role, roles_of
from trainers.models import (
    ClinicMembership,
    DBSCheck,
    EvidenceFile,
    Insurance,
    TrainerProfile,
    VerificationStatus,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the generator writes with PostgreSQL's COPY"
)


def _generate(*args):
    out = io.StringIO()
    call_command("generate_programme", *args, stdout=out)
    return out.getvalue()


def _pending():
    return sum(
        model.objects.filter(status=VerificationStatus.PENDING).count()
        for model in (TrainerQualification, Insurance, DBSCheck)
    )


@pytest.mark.django_db
def test_a_small_run_makes_every_kind_of_row_in_proportion():
    output = _generate("--trainers", "20")

    assert TrainerProfile.objects.count() == 20
    # 50 to 150 activities a trainer, 100 on average; the persona has exactly 100.
    assert 20 * 50 <= CPDActivity.objects.count() <= 20 * 150
    assert 20 <= TrainerQualification.objects.count() <= 20 * 4
    assert 20 <= Insurance.objects.count() <= 20 * 2
    assert DBSCheck.objects.count() == 20
    assert _pending() == 4  # one record for every 5 trainers waits for staff
    assert AuditEvent.objects.count() == 20 * 50
    assert MentorProfile.objects.count() == 1
    assert ClinicMembership.objects.count() == 1
    assert User.objects.filter(is_staff=True).count() == 1
    # Every pending record has its evidence, pointing at a stored file.
    assert EvidenceFile.objects.count() >= 4
    # Everyone can sign in with a verified primary address.
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == User.objects.count()
    assert "Generated 20 trainers" in output
    assert " s\n" in output  # each step's time


@pytest.mark.django_db
def test_the_personas_can_sign_in_and_hold_their_roles():
    _generate("--trainers", "20")

    trainer = User.objects.get(email=PERSONAS["trainer"])
    assert trainer.check_password(PERSONA_PASSWORD)
    assert trainer.trainer_profile.cpd_activities.count() == PERSONA_CPD_ACTIVITIES
    assert roles_of(trainer) == {Role.TRAINER}
    for role, expected in (
        ("staff", Role.STAFF),
        ("mentor", Role.MENTOR),
        ("clinic", Role.CLINIC_ADMIN),
    ):
        user = User.objects.get(email=PERSONAS[role])
        assert user.check_password(PERSONA_PASSWORD)
        assert expected in roles_of(user)
        # Their roles need a second factor: they have an authenticator app.
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # Bulk accounts share one hash of a password nobody knows.
    bulk = User.objects.exclude(email__in=PERSONAS.values()).first()
    assert not bulk.check_password(PERSONA_PASSWORD)


@pytest.mark.django_db
def test_ids_continue_after_a_run_so_the_app_can_add_rows():
    _generate("--trainers", "5")

    profile = TrainerProfile.objects.first()
    activity = CPDActivity.objects.create(
        trainer=profile,
        date=CPDActivity.objects.first().date,
        title="Added after the run",
        activity_type="course",
        hours=1,
        what_i_did="x",
        what_i_learnt="y",
        how_it_benefits="z",
    )
    assert activity.pk > CPDActivity.objects.exclude(pk=activity.pk).latest("pk").pk


# Outside a test transaction: TRUNCATE refuses tables with pending deferred FK checks.
@pytest.mark.django_db(transaction=True)
def test_a_database_with_data_is_refused_unless_forced(trainer_user):
    with pytest.raises(CommandError, match="already has accounts"):
        _generate("--trainers", "5")
    assert TrainerProfile.objects.count() == 1

    _generate("--trainers", "5", "--force")

    assert TrainerProfile.objects.count() == 5
    assert not User.objects.filter(email=trainer_user.email).exists()
