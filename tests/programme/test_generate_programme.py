"""manage.py generate_programme: the benchmark's data, in the proportions of issue 6."""

import datetime as dt
import hashlib
import io
import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.utils import timezone

from mentorship.access import current_mentees_of
from mentorship.identifiers import check_client_reference, free_text_warning
from mentorship.models import (
    MentorAssignment,
    MentorProfile,
    ScopeDeclaration,
    ScopeStatement,
    SessionRound,
    SessionStatus,
    SupervisedSession,
    SupervisionStatement,
)
from mentorship.selectors_scope import valid_declarations
from mentorship.services.sessions import content_hash
from programme import generate_clinics, generate_mentoring
from programme.eligibility.selectors import eligibility_for
from programme.generate import PERSONA_CPD_ACTIVITIES, PERSONA_PASSWORD, PERSONAS
from programme.generate_clinics import PERSONA_API_TOKEN
from programme.generate_mentoring import PERSONA_WAITING
from programme.models import ApiToken
from qualifications.models import ConditionArea, CPDActivity, TrainerQualification
from rehabpath.models import AuditEvent, User
from rehabpath.roles import Role, roles_of
from trainers.models import (
    Clinic,
    ClinicMembership,
    ClinicShare,
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
    assert MentorProfile.objects.count() == 1  # 3 for every 100 trainers, at least one
    assert 20 * 15 <= SupervisedSession.objects.count() <= 20 * 25  # 20 a trainer
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
    assert trainer.trainer_profile.supervised_sessions.count() >= 10
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


@pytest.mark.django_db
def test_the_mentor_persona_has_four_current_mentees_and_a_queue():
    _generate("--trainers", "20")

    mentor = User.objects.get(email=PERSONAS["mentor"]).mentor_profile
    assert mentor.background == MentorProfile.Background.PHYSIOTHERAPIST
    assert mentor.hcpc_number.startswith("PH") and len(mentor.hcpc_number) == 8
    mentees = [a.trainer for a in current_mentees_of(mentor)]
    assert len(mentees) == 4
    assert User.objects.get(email=PERSONAS["trainer"]).trainer_profile in mentees
    waiting = SupervisedSession.objects.filter(trainer__in=mentees, status="submitted")
    assert waiting.count() == PERSONA_WAITING == 10
    # Each mentee also has a draft or a returned session, and a history signed off by them.
    for trainer in mentees:
        states = set(trainer.supervised_sessions.values_list("status", flat=True))
        assert {"signed_off", "submitted"} <= states
        assert states & {"draft", "returned"}


@pytest.mark.django_db
def test_mentoring_at_300_trainers_is_in_proportion_and_within_the_rules():
    _generate("--trainers", "300")

    mentors = list(MentorProfile.objects.all())
    assert len(mentors) == 9  # 300 at 10,000 trainers
    sessions = SupervisedSession.objects.count()
    assert 300 * 17 <= sessions <= 300 * 23  # 200,000 at 10,000
    by_status = dict(SupervisedSession.objects.values_list("status").annotate(n=models.Count("id")))
    assert set(by_status) == set(SessionStatus)
    assert by_status["signed_off"] > 0.85 * sessions
    for mentor in mentors:
        if mentor.background in ("physiotherapist", "occupational_therapist"):
            assert mentor.hcpc_number[:2] == {"physiotherapist": "PH"}.get(mentor.background, "OT")
            assert len(mentor.hcpc_number) == 8 and mentor.hcpc_number[2:].isdigit()
        assert mentor.condition_areas.exists()
        open_ = MentorAssignment.objects.filter(mentor=mentor, ended_at__isnull=True).count()
        assert 1 <= open_ <= mentor.capacity
        # Mentors are never mentored: nobody mentors themselves or a mentor of theirs.
        assert not MentorAssignment.objects.filter(trainer__user=mentor.user_id).exists()
    assert MentorAssignment.objects.filter(ended_at__isnull=False).exists()
    ended = MentorAssignment.objects.filter(ended_at__isnull=False)
    assert not ended.filter(end_reason="").exists()

    # Every session lies within an assignment of its trainer, decided by that mentor while the
    # assignment was in force; rounds are in order; the hash is the signed content's.
    assignments: dict[int, list[MentorAssignment]] = {}
    for a in MentorAssignment.objects.select_related("mentor"):
        assignments.setdefault(a.trainer_id, []).append(a)
    rounds: dict[int, list[SessionRound]] = {}
    for r in SessionRound.objects.order_by("session", "number"):
        rounds.setdefault(r.session_id, []).append(r)
    trainers = dict(TrainerProfile.objects.values_list("pk", "public_id"))
    for session in SupervisedSession.objects.all().iterator():
        within = [
            a
            for a in assignments[session.trainer_id]
            if a.starts_on <= session.session_date
            and session.session_date <= (a.ended_at.date() if a.ended_at else session.session_date)
        ]
        assert within, session.pk
        mentor_users = {a.mentor.user_id for a in within}
        its = rounds.get(session.pk, [])
        assert [r.number for r in its] == list(range(1, len(its) + 1))
        times = [t for r in its for t in (r.submitted_at, r.decided_at) if t is not None]
        assert times == sorted(times)
        assert check_client_reference(session.client_reference) is None
        if session.status == SessionStatus.DRAFT:
            assert not its and session.submitted_at is None
            continue
        assert its[-1].submitted_at == session.submitted_at
        assert all(r.decision == "returned" and r.feedback for r in its[:-1])
        assert {r.decided_by_id for r in its if r.decided_by_id} <= mentor_users
        if session.status == SessionStatus.SUBMITTED:
            assert its[-1].decision == ""
        elif session.status == SessionStatus.RETURNED:
            assert its[-1].decision == "returned"
        else:
            assert its[-1].decision == "signed_off"
            assert session.signed_off_by_id in mentor_users
            assert session.signed_off_at == its[-1].decided_at
            assert session.signed_hash == content_hash(
                content=its[-1].content,
                trainer_public_id=str(trainers[session.trainer_id]),
                round_number=its[-1].number,
            )
            assert session.sign_off_feedback == its[-1].feedback != ""
            assert session.sign_off_statement == SupervisionStatement.for_mode(session.mode)
            assert its[-1].content["reflection"] == session.reflection


def test_the_generated_notes_raise_no_identifier_warning():
    texts = [
        *generate_mentoring.DELIVERED,
        *generate_mentoring.REFLECTIONS,
        *generate_mentoring.FIRST_REFLECTIONS,
        *(text for pair in generate_mentoring.ESCALATIONS for text in pair),
    ]
    assert [text for text in texts if free_text_warning(text)] == []


@pytest.mark.django_db
def test_the_bench_clinic_shares_its_roster_and_has_a_token_the_bench_knows(monkeypatch):
    # The roster is 1,000 at any size from 1,000 trainers up: here 50 of 300, to keep it fast.
    monkeypatch.setattr(generate_clinics, "BENCH_ROSTER", 50)
    _generate("--trainers", "300")

    clinic_admin = User.objects.get(email=PERSONAS["clinic"])
    bench = ClinicMembership.objects.get(user=clinic_admin).clinic
    open_shares = ClinicShare.objects.filter(clinic=bench, ended_at__isnull=True)
    assert open_shares.count() == 50
    assert open_shares.filter(trainer__user__email=PERSONAS["trainer"]).exists()
    # Trainers who stopped sharing are in its history, never on the roster.
    ended = ClinicShare.objects.filter(clinic=bench, ended_at__isnull=False)
    assert ended.count() == generate_clinics.ENDED_SHARES
    assert not ended.filter(trainer__in=open_shares.values("trainer")).exists()
    assert not ended.filter(ended_at__lt=models.F("started_at")).exists()
    # The other clinics have smaller rosters.
    for clinic in Clinic.objects.exclude(pk=bench.pk):
        low, high = generate_clinics.OTHER_ROSTER
        assert low <= clinic.shares.count() <= high

    token = ApiToken.objects.get(clinic=bench)
    assert token.is_active and token.created_by == clinic_admin
    assert token.token_sha256 == hashlib.sha256(PERSONA_API_TOKEN.encode()).hexdigest()
    assert PERSONA_API_TOKEN.startswith(f"rp_{token.prefix}_")


@pytest.mark.django_db
def test_trainers_declare_their_scope_under_one_published_statement():
    _generate("--trainers", "300")

    statement = ScopeStatement.objects.get()
    assert statement.is_published and statement.version == 1
    assert set(statement.condition_areas.all()) == set(ConditionArea.objects.all())
    declarations = list(ScopeDeclaration.objects.prefetch_related("areas"))
    # 70 % of the trainers who have had a mentor (about half), a tenth of the others.
    assert 0.2 * 300 <= len(declarations) <= 0.6 * 300
    today = timezone.localdate()
    for declaration in declarations:
        assert declaration.hash_matches()
        assert declaration.areas.exists()
        assert declaration.signed_on <= today < declaration.expires_on
    assert valid_declarations().count() == len(declarations)
    # Some lapse within 90 days: the compliance dashboard and the roster see them coming.
    soon = today + dt.timedelta(days=90)
    assert any(d.expires_on <= soon for d in declarations)


@pytest.mark.django_db
def test_time_roster_times_the_bench_clinics_roster():
    _generate("--trainers", "20")
    out = io.StringIO()

    call_command("time_roster", "--runs", "1", "--json", stdout=out)

    result = json.loads(out.getvalue().removeprefix("TIME_ROSTER "))
    assert result["trainers"] == 20  # every trainer, below 1,000
    assert result["median_ms"] > 0 and result["queries"] > 0
    assert sum(result["answers"].values()) == 20 * ConditionArea.objects.count()


@pytest.mark.django_db
def test_the_bench_clinics_roster_has_every_answer():
    _generate("--trainers", "300")
    clinic = ClinicMembership.objects.get(user__email=PERSONAS["clinic"]).clinic
    ids = list(
        ClinicShare.objects.filter(clinic=clinic, ended_at__isnull=True).values_list(
            "trainer", flat=True
        )
    )

    answers = eligibility_for(ids)

    statuses = {a.status for by_area in answers.values() for a in by_area.values()}
    assert statuses == {"eligible", "supervised_only", "not_eligible"}
