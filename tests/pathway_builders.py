"""Trainers in each eligibility state for a condition area on a day, made with the factories.

For the tests of every page, the API and the compliance dashboard built on the pathway:

    trainer = recognised_trainer(stroke, today=day)       # eligible for stroke on `day`
    trainer = supervised_trainer(stroke, today=day)       # supervised_only (under a mentor)
    trainer = not_eligible_trainer(stroke, today=day)     # not_eligible: no first aid

Every record is verified (by a staff user the builders make) and current on `today` with more
than 90 days to run, so nothing reads "expiring" unless a test makes it so. `today` defaults
to the local date (freeze the clock with time-machine first); `area` defaults to the condition
area "stroke" (created when missing). The scope of practice statement is the latest published
one (created, or given the area, when needed), so builders called several times in a test do
not publish versions that would retire each other's declarations.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from mentorship.models import (
    MentorAssignment,
    ScopeDeclaration,
    ScopeStatement,
    SessionStatus,
    SupervisedSession,
)
from qualifications.models import (
    ConditionArea,
    CPDActivity,
    QualificationType,
    TrainerQualification,
)
from rehabpath.models import User
from tests import factories
from trainers.models import DBSCheck, Insurance, TrainerProfile, VerificationStatus

Kind = QualificationType.Kind

# The names the catalogue gives each kind (as the demo's and the generator's catalogues do).
TYPE_NAMES = {
    Kind.PERSONAL_TRAINING: "Diploma in Personal Training",
    Kind.EXERCISE_REFERRAL: "Diploma in Exercise Referral",
    Kind.LONG_TERM_CONDITIONS: "Certificate in Long-Term Conditions",
    Kind.NEURO_SPECIALIST: "Certificate in Neurological Conditions",
    Kind.FIRST_AID: "First Aid at Work",
    Kind.CPD_COURSE: "CPD course",
}


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _verifier() -> User:
    user = User.objects.filter(email="pathway-verifier@example.org").first()
    return user or factories.UserFactory.create(email="pathway-verifier@example.org")


def stroke() -> ConditionArea:
    """The condition area "stroke" (created when the catalogue lacks it)."""
    area, _ = ConditionArea.objects.get_or_create(
        slug="stroke", defaults={"name": "Stroke", "position": 1}
    )
    return area


def _verified(today: dt.date) -> dict[str, object]:
    return {
        "status": VerificationStatus.VERIFIED,
        "verified_by": _verifier(),
        "verification_method": "document",
        "verified_on": today,
    }


def give_qualification(
    trainer: TrainerProfile,
    kind: str,
    *,
    areas: Iterable[ConditionArea] = (),
    level: int | None = 3,
    today: dt.date | None = None,
    awarded_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    status: str = VerificationStatus.VERIFIED,
) -> TrainerQualification:
    """A qualification of `kind` (QualificationType.Kind) at `level`, its type covering `areas`
    (the type is shared: one per kind and level, areas added to it). Verified by default,
    awarded a year before `today`; it does not expire unless `expires_on` says so (first aid
    certificates: give one)."""
    day = _today(today)
    name = TYPE_NAMES.get(kind, kind)  # type: ignore[call-overload]
    slug = f"pathway-{kind}-{level or 0}".replace("_", "-")
    qtype = QualificationType.objects.filter(slug=slug).first()
    if qtype is None:
        name = name if level in (None, 3) else f"{name} (level {level})"
        if QualificationType.objects.filter(name=name).exists():  # the catalogue's own
            name = f"{name} ({slug})"
        qtype = QualificationType.objects.create(slug=slug, name=name, kind=kind, level=level)
    if areas:
        qtype.condition_areas.add(*areas)
    fields = _verified(day) if status == VerificationStatus.VERIFIED else {"status": status}
    if status == VerificationStatus.REJECTED:
        fields["rejection_reason"] = "The certificate is not legible."
    return factories.TrainerQualificationFactory.create(
        trainer=trainer,
        qualification_type=qtype,
        awarded_on=awarded_on or day - relativedelta(years=1),
        expires_on=expires_on,
        **fields,
    )


def give_insurance(trainer: TrainerProfile, *, today: dt.date | None = None, **fields) -> Insurance:
    """Verified cover from a month before `today` to 11 months after."""
    day = _today(today)
    values = {
        "starts_on": day - relativedelta(months=1),
        "expires_on": day + relativedelta(months=11),
        **_verified(day),
        **fields,
    }
    return factories.InsuranceFactory.create(trainer=trainer, **values)


def give_dbs(trainer: TrainerProfile, *, today: dt.date | None = None, **fields) -> DBSCheck:
    """A verified enhanced DBS check issued six months before `today` (recheck not due)."""
    day = _today(today)
    values = {"issued_on": day - relativedelta(months=6), **_verified(day), **fields}
    return factories.DBSCheckFactory.create(trainer=trainer, **values)


def give_cpd(
    trainer: TrainerProfile,
    *,
    areas: Iterable[ConditionArea] = (),
    today: dt.date | None = None,
) -> list[CPDActivity]:
    """CPD meeting the default policy (10 points, 5 endorsed) in the trainer's last complete
    CPD year, dated two months before `today` so it also counts as 3 hours (endorsed) in each
    of `areas` within the last 12 months. Give the trainer a `cpd_year_start` whose current
    year started more than two months ago (the builders below do)."""
    day = _today(today) - relativedelta(months=2)
    endorsed = factories.CPDActivityFactory.create(
        trainer=trainer, date=day, hours=Decimal("6"), endorsed=True
    )
    endorsed.condition_areas.set(list(areas))
    other = factories.CPDActivityFactory.create(
        trainer=trainer,
        date=day,
        hours=Decimal("8"),
        endorsed=False,
        title="Reading: falls prevention",
        activity_type=CPDActivity.Type.READING,
    )
    return [endorsed, other]


def _anchor(today: dt.date) -> dt.date:
    """A CPD anniversary making [today - 14 months, today - 1 month) the last complete CPD year
    (today - 2 months lies in it) and the trainer's first CPD year long over."""
    return today - relativedelta(years=3, months=1)


def new_trainer(*, today: dt.date | None = None, **fields) -> TrainerProfile:
    """A trainer whose CPD year suits `give_cpd` (see `_anchor`)."""
    fields.setdefault("cpd_year_start", _anchor(_today(today)))
    return factories.TrainerProfileFactory.create(**fields)


def give_compliance(
    trainer: TrainerProfile,
    *,
    today: dt.date | None = None,
    areas: Iterable[ConditionArea] = (),
    insurance: bool = True,
    first_aid: bool = True,
    dbs: bool = True,
    cpd: bool = True,
) -> None:
    """Current insurance, first aid (expiring two years after `today`), an enhanced DBS check,
    and CPD meeting the target last CPD year (tagged with `areas`); leave any out with False."""
    day = _today(today)
    if insurance:
        give_insurance(trainer, today=day)
    if first_aid:
        give_qualification(
            trainer, Kind.FIRST_AID, level=None, today=day, expires_on=day + relativedelta(years=2)
        )
    if dbs:
        give_dbs(trainer, today=day)
    if cpd:
        give_cpd(trainer, areas=areas, today=day)


def give_sessions(
    trainer: TrainerProfile,
    area: ConditionArea,
    *,
    per_level: tuple[int, ...] = (6, 4, 2),
    today: dt.date | None = None,
    status: str = SessionStatus.SIGNED_OFF,
) -> list[SupervisedSession]:
    """`per_level[i]` sessions at complexity level i + 1 in `area`, signed off by default."""
    day = _today(today)
    signed = status == SessionStatus.SIGNED_OFF
    signer = factories.UserFactory.create() if signed else None
    sessions = [
        SupervisedSession(
            trainer=trainer,
            session_date=day - dt.timedelta(days=30 + n),
            duration_minutes=60,
            condition_area=area,
            complexity=level,
            mode="direct_observation",
            client_reference=f"C-{level}{n:02d}",
            delivered="Sit to stand practice, graded by fatigue.",
            reflection="Pacing worked better with rest breaks.",
            status=status,
            submitted_at=timezone.now(),
            signed_off_by=signer,
            signed_off_at=timezone.now() if signed else None,
            sign_off_statement="observed_directly" if signed else "",
            signed_hash="0" * 64 if signed else "",
        )
        for level, count in enumerate(per_level, start=1)
        for n in range(count)
    ]
    return SupervisedSession.objects.bulk_create(sessions)


def give_mentor(
    trainer: TrainerProfile,
    area: ConditionArea | None = None,
    *,
    today: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> MentorAssignment:
    """A current mentor assignment from two months before `today`, focused on `area` (None:
    naming no area, so covering every one)."""
    day = _today(today)
    assignment = factories.MentorAssignmentFactory.create(
        trainer=trainer, starts_on=day - relativedelta(months=2), ends_on=ends_on
    )
    if area is not None:
        assignment.focus_areas.add(area)
    return assignment


def _statement(area: ConditionArea, today: dt.date) -> ScopeStatement:
    statement = (
        ScopeStatement.objects.filter(published_at__isnull=False).order_by("-version").first()
    )
    if statement is None:
        return factories.published_scope_statement(
            areas=[area], effective_on=today - relativedelta(years=1)
        )
    statement.condition_areas.add(area)
    return statement


def give_scope(
    trainer: TrainerProfile,
    areas: Iterable[ConditionArea],
    *,
    today: dt.date | None = None,
) -> ScopeDeclaration:
    """A declaration of the latest published scope statement covering `areas`, signed a month
    before `today` (it holds for 11 more months)."""
    day = _today(today)
    areas = list(areas)
    statement = _statement(areas[0], day)
    for area in areas[1:]:
        statement.condition_areas.add(area)
    return factories.signed_scope_declaration(
        trainer=trainer, statement=statement, areas=areas, signed_on=day - relativedelta(months=1)
    )


def referral_ready(trainer: TrainerProfile, *, today: dt.date | None = None) -> None:
    """Stages 1 and 2: verified Level 3 Personal Training and Exercise Referral."""
    give_qualification(trainer, Kind.PERSONAL_TRAINING, today=today)
    give_qualification(trainer, Kind.EXERCISE_REFERRAL, today=today)


def recognised_trainer(
    area: ConditionArea | None = None, *, today: dt.date | None = None, **fields
) -> TrainerProfile:
    """Eligible for `area` on `today`: every stage (Level 3 PT and Exercise Referral, a neuro
    specialist qualification covering the area, 3 hours of CPD in it, every supervised session
    signed off in it, a scope declaration covering it) and every compliance requirement; no
    mentor (supervised practice is over)."""
    day = _today(today)
    area = area or stroke()
    trainer = new_trainer(today=day, **fields)
    referral_ready(trainer, today=day)
    give_qualification(trainer, Kind.NEURO_SPECIALIST, areas=[area], level=4, today=day)
    give_sessions(trainer, area, today=day)
    give_scope(trainer, [area], today=day)
    give_compliance(trainer, today=day, areas=[area])
    return trainer


def supervised_trainer(
    area: ConditionArea | None = None, *, today: dt.date | None = None, **fields
) -> TrainerProfile:
    """Supervised only for `area` on `today`: referral-ready, a current mentor for the area
    (which stands in for the specialist qualification), 3 hours of CPD in it, half the
    supervised sessions signed off, a confirmed supervision meeting in every month of the
    assignment (which started two months ago) including this one, and current compliance. The
    mentor is `trainer.mentor_assignments.get().mentor`."""
    day = _today(today)
    area = area or stroke()
    trainer = new_trainer(today=day, **fields)
    referral_ready(trainer, today=day)
    assignment = give_mentor(trainer, area, today=day)
    give_sessions(trainer, area, per_level=(3, 2, 0), today=day)
    for month_back in (2, 1, 0):
        first = day.replace(day=1) - relativedelta(months=month_back)
        meeting_day = min(max(assignment.starts_on, first), day)
        factories.SupervisionMeetingFactory.create(
            assignment=assignment,
            meeting_date=meeting_day,
            status="confirmed",
            confirmed_by=trainer.user,
            confirmed_at=timezone.now(),
        )
    give_compliance(trainer, today=day, areas=[area])
    return trainer


def not_eligible_trainer(
    area: ConditionArea | None = None,
    *,
    today: dt.date | None = None,
    missing: str = "first_aid",
    **fields,
) -> TrainerProfile:
    """Not eligible for `area` on `today`: recognised, but without one compliance record
    (`missing`: "first_aid" by default, or "insurance", "dbs"); nor supervised (no mentor)."""
    day = _today(today)
    area = area or stroke()
    trainer = new_trainer(today=day, **fields)
    referral_ready(trainer, today=day)
    give_qualification(trainer, Kind.NEURO_SPECIALIST, areas=[area], level=4, today=day)
    give_sessions(trainer, area, today=day)
    give_scope(trainer, [area], today=day)
    leave_out = {missing: False}
    give_compliance(trainer, today=day, areas=[area], **leave_out)
    return trainer
