import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import timezone

from mentorship.models import (
    MentorAssignment,
    MentorProfile,
    ScopeDeclaration,
    ScopeStatement,
    SupervisionMeeting,
)
from mentorship.models import SupervisedSession as _SupervisedSession
from programme.certificates.codes import new_code
from programme.certificates.credential import credential_for
from programme.models import Certificate
from qualifications.models import (
    AwardingBody,
    ConditionArea,
    CPDActivity,
    CPDPolicy,
    QualificationType,
    TrainerQualification,
)
from rehabpath.models import User
from trainers.models import (
    Clinic,
    ClinicInvitation,
    ClinicMembership,
    ClinicShare,
    DBSCheck,
    Insurance,
    TrainerProfile,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class TrainerProfileFactory(factory.django.DjangoModelFactory[TrainerProfile]):
    class Meta:
        model = TrainerProfile

    user = factory.SubFactory(UserFactory)
    cpd_year_start = dt.date(2026, 4, 1)


class MentorProfileFactory(factory.django.DjangoModelFactory[MentorProfile]):
    class Meta:
        model = MentorProfile

    user = factory.SubFactory(UserFactory)


class MentorAssignmentFactory(factory.django.DjangoModelFactory[MentorAssignment]):
    class Meta:
        model = MentorAssignment

    mentor = factory.SubFactory(MentorProfileFactory)
    trainer = factory.SubFactory(TrainerProfileFactory)
    starts_on = dt.date(2026, 1, 1)


class SupervisionMeetingFactory(factory.django.DjangoModelFactory[SupervisionMeeting]):
    """A meeting the mentor recorded, waiting for the trainer (pass status and confirmed_*
    for a confirmed one)."""

    class Meta:
        model = SupervisionMeeting

    assignment = factory.SubFactory(MentorAssignmentFactory)
    meeting_date = dt.date(2026, 3, 10)
    mode = "video"
    kind = "supervision"
    topics = "Progressions for a client with post-stroke fatigue; pacing and rest breaks."
    recorded_by = factory.LazyAttribute(lambda o: o.assignment.mentor.user)
    recorded_at = factory.LazyFunction(lambda: dt.datetime(2026, 3, 10, 17, tzinfo=dt.UTC))


class ClinicFactory(factory.django.DjangoModelFactory[Clinic]):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    city = "Bristol"


class ClinicMembershipFactory(factory.django.DjangoModelFactory[ClinicMembership]):
    class Meta:
        model = ClinicMembership

    clinic = factory.SubFactory(ClinicFactory)
    user = factory.SubFactory(UserFactory)


class ConditionAreaFactory(factory.django.DjangoModelFactory[ConditionArea]):
    class Meta:
        model = ConditionArea
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Area {n}")


class AwardingBodyFactory(factory.django.DjangoModelFactory[AwardingBody]):
    class Meta:
        model = AwardingBody
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Awarding body {n}")


class QualificationTypeFactory(factory.django.DjangoModelFactory[QualificationType]):
    class Meta:
        model = QualificationType
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"qualification-{n}")
    name = factory.Sequence(lambda n: f"Qualification {n}")
    level = 3
    kind = QualificationType.Kind.PERSONAL_TRAINING


class TrainerQualificationFactory(factory.django.DjangoModelFactory[TrainerQualification]):
    class Meta:
        model = TrainerQualification

    trainer = factory.SubFactory(TrainerProfileFactory)
    qualification_type = factory.SubFactory(QualificationTypeFactory)
    awarding_body = factory.SubFactory(AwardingBodyFactory)
    certificate_number = factory.Sequence(lambda n: f"CERT-{n:05d}")
    awarded_on = dt.date(2024, 6, 1)


class InsuranceFactory(factory.django.DjangoModelFactory[Insurance]):
    class Meta:
        model = Insurance

    trainer = factory.SubFactory(TrainerProfileFactory)
    insurer = "Insure4Sport"
    policy_number = factory.Sequence(lambda n: f"POL-{n:06d}")
    public_liability_cover = Decimal("5000000")
    professional_indemnity_cover = Decimal("1500000")
    starts_on = dt.date(2026, 6, 1)
    expires_on = dt.date(2027, 5, 31)


class DBSCheckFactory(factory.django.DjangoModelFactory[DBSCheck]):
    class Meta:
        model = DBSCheck

    trainer = factory.SubFactory(TrainerProfileFactory)
    level = DBSCheck.Level.ENHANCED
    certificate_number = factory.Sequence(lambda n: f"{n:012d}")
    issued_on = dt.date(2025, 9, 1)


class CPDPolicyFactory(factory.django.DjangoModelFactory[CPDPolicy]):
    class Meta:
        model = CPDPolicy
        django_get_or_create = ["name"]

    name = "CIMSPA default"
    is_active = True


class CPDActivityFactory(factory.django.DjangoModelFactory[CPDActivity]):
    class Meta:
        model = CPDActivity

    trainer = factory.SubFactory(TrainerProfileFactory)
    date = dt.date(2026, 9, 15)
    title = "Gait retraining after stroke"
    provider = "Neuro Fitness Academy"
    activity_type = CPDActivity.Type.WORKSHOP
    hours = Decimal("3")
    endorsed = True
    what_i_did = "A half-day practical workshop on gait retraining."
    what_i_learnt = "How to progress treadmill walking with partial body-weight support."
    how_it_benefits = "Safer, better graded walking practice for clients after stroke."


# --- Supervised sessions (helper "sessions") ---


class SupervisedSessionFactory(factory.django.DjangoModelFactory[_SupervisedSession]):
    """A draft session; pass status and the sign-off fields for other states."""

    class Meta:
        model = _SupervisedSession

    trainer = factory.SubFactory(TrainerProfileFactory)
    session_date = dt.date(2026, 6, 1)
    duration_minutes = 60
    condition_area = factory.SubFactory(ConditionAreaFactory, slug="stroke", name="Stroke")
    complexity = 1
    mode = "direct_observation"
    client_reference = "C-014"
    delivered = "Sit to stand practice, graded by fatigue; shorter sets after the break."
    reflection = "Pacing worked better with a rating of perceived exertion after each set."


def add_totp(user: User) -> Authenticator:
    """Give a user a TOTP authenticator so the MFA requirement is met."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    return TOTP.activate(user, generate_totp_secret()).instance


# --- Scope of practice (mentorship.models.scope): rows as the services leave them ---------


def published_scope_statement(
    *,
    areas: list[ConditionArea] | None = None,
    effective_on: dt.date = dt.date(2026, 1, 1),
    grace_days: int = 30,
    **fields: Any,
) -> ScopeStatement:
    from django.db.models import Max
    from django.utils import timezone

    number = (ScopeStatement.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    fields.setdefault("title", f"Scope of practice {number}")
    fields.setdefault("text", "Work **within** your training.\n\n- Escalate when unsure.")
    statement = ScopeStatement.objects.create(
        version=number,
        effective_on=effective_on,
        grace_days=grace_days,
        earlier_valid_until=effective_on + dt.timedelta(days=grace_days),
        published_at=timezone.now(),
        **fields,
    )
    statement.condition_areas.set(areas if areas is not None else [ConditionAreaFactory.create()])
    return statement


def signed_scope_declaration(
    *,
    trainer: TrainerProfile,
    statement: ScopeStatement,
    areas: list[ConditionArea] | None = None,
    signed_on: dt.date = dt.date(2026, 1, 10),
) -> ScopeDeclaration:
    from dateutil.relativedelta import relativedelta

    from mentorship.models.scope import sha256_of
    from mentorship.services.scope import declaration_text

    areas = areas if areas is not None else list(statement.condition_areas.all())
    signed_at = dt.datetime.combine(signed_on, dt.time(10), tzinfo=dt.UTC)
    text = declaration_text(
        statement=statement,
        areas=areas,
        escalation_role="Referring physiotherapist",
        escalation_organisation="North Bristol NHS Trust",
        signed_name=trainer.user.name,
        signed_at=signed_at,
    )
    declaration = ScopeDeclaration.objects.create(
        trainer=trainer,
        statement=statement,
        escalation_role="Referring physiotherapist",
        escalation_organisation="North Bristol NHS Trust",
        signed_name=trainer.user.name,
        signed_at=signed_at,
        signed_on=signed_on,
        expires_on=signed_on + relativedelta(months=statement.validity_months),
        signed_text=text,
        signed_sha256=sha256_of(text),
    )
    declaration.areas.set(areas)
    return declaration


# --- Clinics: sharing and invitations (trainers.clinics) -----------------------------------


class ClinicShareFactory(factory.django.DjangoModelFactory[ClinicShare]):
    class Meta:
        model = ClinicShare

    trainer = factory.SubFactory(TrainerProfileFactory)
    clinic = factory.SubFactory(ClinicFactory)


class ClinicInvitationFactory(factory.django.DjangoModelFactory[ClinicInvitation]):
    """An open invitation, as trainers.clinics.invitation_create leaves it (no mail)."""

    class Meta:
        model = ClinicInvitation

    clinic = factory.SubFactory(ClinicFactory)
    email = factory.Sequence(lambda n: f"invited{n}@clinic.example.org")
    token_sha256 = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))


def invitation_with_token(**fields: Any) -> tuple[ClinicInvitation, str]:
    """An open invitation and the token of its link (what the mail carries)."""
    import uuid

    from trainers.clinics import invitation_token, token_sha256

    public_id = uuid.uuid4()
    token = invitation_token(public_id)
    invitation = ClinicInvitationFactory.create(
        public_id=public_id, token_sha256=token_sha256(token), **fields
    )
    return invitation, token


class CertificateFactory(factory.django.DjangoModelFactory[Certificate]):
    """A certificate row as issuing leaves it, without the checks or the PDF: for the tests of
    what reads certificates. `credential` is signed for the row (programme.certificates
    .credential) once it is saved; tests of issuing itself use certificate_issue."""

    class Meta:
        model = Certificate
        skip_postgeneration_save = True

    code = factory.LazyFunction(new_code)
    trainer = factory.SubFactory(TrainerProfileFactory)
    condition_area = factory.SubFactory(ConditionAreaFactory)
    trainer_name = factory.LazyAttribute(lambda o: o.trainer.user.name or o.trainer.user.email)
    area_name = factory.LazyAttribute(lambda o: o.condition_area.name)
    scope_title = "Scope of practice in neurological rehabilitation"
    scope_version = 1
    issuer_name = "RehabPath"
    issued_by_name = "Sam Staff"
    issued_at = factory.LazyFunction(timezone.now)
    issued_on = factory.LazyFunction(timezone.localdate)
    expires_on = factory.LazyAttribute(lambda o: o.issued_on + dt.timedelta(days=3 * 365))
    # Spread over the list like the random indexes issuing allocates.
    status_index = factory.Sequence(lambda n: (n * 7919 + 13) % 131_072)
    credential = factory.LazyFunction(dict)

    @factory.post_generation
    def signed(obj, create, extracted, **kwargs):
        """Sign the row as issuing does (one UPDATE); `signed=False` leaves it unsigned."""
        if create and extracted is not False:
            obj.credential = credential_for(obj)
            obj.save(update_fields=["credential"])
