"""The demo trainer's history and supervision, created through the real services so the audit
log shows it.

Dates are relative to today so the demo always has something current, something expiring
soon and something waiting for staff.
"""

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from mentorship.access import current_mentor_of
from mentorship.models import MentorProfile, SupervisionStatement
from mentorship.services.assignments import assignment_create
from mentorship.services.sessions import (
    SessionData,
    session_create,
    session_return,
    session_sign_off,
    session_submit,
    session_update,
)
from qualifications.kinds import QUALIFICATION
from qualifications.models import ConditionArea, QualificationType
from qualifications.services.cpd import CPDActivityData, cpd_activity_create
from rehabpath.audit import Actor
from rehabpath.models import User
from trainers.kinds import DBS, INSURANCE
from trainers.services import record_create, record_verify


def load_demo_records(*, trainer: User, staff: User) -> None:
    profile = trainer.trainer_profile
    if profile.qualifications.exists() or profile.cpd_activities.exists():
        return  # idempotent: the history is created once
    today = timezone.localdate()
    profile.cpd_year_start = today - relativedelta(months=8)
    profile.practice_summary = (
        "Level 3 personal trainer working with adults after stroke in a community gym, "
        "taking referrals from the local stroke rehabilitation team."
    )
    profile.save(update_fields=["cpd_year_start", "practice_summary"])

    def qualification(slug: str, awarded: dt.date, certificate: str, verify: bool) -> None:
        qtype = QualificationType.objects.get(slug=slug)
        record = record_create(
            kind=QUALIFICATION,
            trainer=profile,
            actor=Actor.for_user(trainer),
            fields={
                "qualification_type": qtype,
                "awarding_body": qtype.awarding_bodies.first(),
                "certificate_number": certificate,
                "awarded_on": awarded,
                "expires_on": None,
            },
            files=[],
        )
        if verify:
            record_verify(
                record=record,
                actor=Actor.for_user(staff),
                method="register",
                note="Matches the awarding body's register.",
                verified_on=today,
            )

    qualification("l3-personal-training", today - relativedelta(years=4), "AIQ-301122", True)
    qualification("l3-exercise-referral", today - relativedelta(years=2), "AIQ-552310", True)
    qualification("emergency-first-aid-at-work", today - relativedelta(months=34), "QS-88231", True)
    qualification("l4-stroke", today - relativedelta(months=2), "YMCA-778812", False)

    insurance = record_create(
        kind=INSURANCE,
        trainer=profile,
        actor=Actor.for_user(trainer),
        fields={
            "insurer": "Insure4Sport",
            "policy_number": "I4S-2041187",
            "public_liability_cover": Decimal("5000000"),
            "professional_indemnity_cover": Decimal("1500000"),
            "starts_on": today - relativedelta(months=5),
            "expires_on": today + relativedelta(months=7),
        },
        files=[],
    )
    record_verify(
        record=insurance,
        actor=Actor.for_user(staff),
        method="document",
        note="Schedule seen.",
        verified_on=today,
    )
    dbs = record_create(
        kind=DBS,
        trainer=profile,
        actor=Actor.for_user(trainer),
        fields={
            "level": "enhanced",
            "certificate_number": "001234567890",
            "issued_on": today - relativedelta(months=14),
            "update_service_subscribed": True,
            "update_service_consent": True,
        },
        files=[],
    )
    # Verified, so that with the mentor assignment the demo clinic reads the demo trainer as
    # "supervised only" for stroke (the Level 4 qualification still waits for staff).
    record_verify(
        record=dbs,
        actor=Actor.for_user(staff),
        method="register",
        note="Status checked on the DBS Update Service.",
        verified_on=today,
    )

    stroke = ConditionArea.objects.get(slug="stroke")
    parkinsons = ConditionArea.objects.get(slug="parkinsons")
    activities = [
        (
            7,
            "Gait retraining after stroke",
            "Neuro Fitness Academy",
            "workshop",
            "3",
            True,
            [stroke],
        ),
        (
            6,
            "Parkinson's: LSVT BIG principles",
            "Parkinson's UK",
            "webinar",
            "1.5",
            False,
            [parkinsons],
        ),
        (
            2,
            "Case discussion: post-stroke fatigue",
            "Riverside Neuro Rehab",
            "case_discussion",
            "1",
            False,
            [stroke],
        ),
        (
            1,
            "Falls prevention refresher",
            "Later Life Training",
            "course",
            "2",
            True,
            [stroke, parkinsons],
        ),
    ]
    for months_ago, title, provider, kind, hours, endorsed, areas in activities:
        cpd_activity_create(
            actor=Actor.for_user(trainer),
            trainer=profile,
            data=CPDActivityData(
                date=today - relativedelta(months=months_ago),
                title=title,
                provider=provider,
                activity_type=kind,
                hours=Decimal(hours),
                endorsed=endorsed,
                condition_areas=tuple(areas),
                what_i_did=f"Took part in “{title}”.",
                what_i_learnt="How to grade the activity to the client's fatigue and balance.",
                how_it_benefits="Sessions are safer and better matched to each client's goals.",
            ),
        )


def load_demo_mentoring(*, mentor: User, trainer: User, staff: User) -> None:
    """The demo mentor mentors the demo trainer in stroke (through the real service)."""
    profile = mentor.mentor_profile
    if profile.assignments.exists():
        return  # idempotent: created once, even if staff ended it while trying the demo
    areas = list(ConditionArea.objects.filter(slug__in=["stroke", "acquired-brain-injury"]))
    profile.background = MentorProfile.Background.PHYSIOTHERAPIST
    profile.hcpc_number = "PH123456"
    profile.background_detail = "Neurological physiotherapist, community stroke team."
    profile.save(update_fields=["background", "hcpc_number", "background_detail"])
    profile.condition_areas.set(areas)
    assignment_create(
        actor=Actor.for_user(staff),
        mentor=profile,
        trainer=trainer.trainer_profile,
        starts_on=timezone.localdate() - relativedelta(months=2),
        areas=areas[:1],
    )


DEMO_SCOPE_TEXT = """\
This statement sets out what a RehabPath trainer may do with clients who live with a
neurological condition, and when they hand over to a health professional.

## You may

- Deliver exercise programmes within the referral and the condition areas you declare.
- Adapt, pause or stop a session when the client's presentation changes.
- Use the outcome measures you were trained in, and share them with the referring team.

## You must not

- Diagnose, or change a treatment plan set by a health professional.
- Advise on medication, or work with a client outside the areas you declare.

## Escalate

1. Stop the session if the client shows new neurological symptoms, chest pain or a fall with injury.
2. Call emergency services when needed, then tell your escalation contact the same day.
3. Record what happened and whom you told, without anything that identifies the client.

Read more in the [National Occupational Standards](https://www.skillsforhealth.org.uk/).
"""


def load_demo_scope(*, trainer: User, staff: User) -> None:
    """A published scope statement, and the demo trainer's declaration of it (real services)."""
    from mentorship.models import ScopeStatement
    from mentorship.services.scope import (
        StatementData,
        declaration_sign,
        statement_draft_create,
        statement_publish,
    )

    if ScopeStatement.objects.exists():
        return  # idempotent: staff may have published more since
    areas = tuple(ConditionArea.objects.filter(slug__in=["stroke", "acquired-brain-injury"]))
    draft = statement_draft_create(
        actor=Actor.for_user(staff),
        data=StatementData(
            title="Scope of practice for neurological rehabilitation trainers",
            text=DEMO_SCOPE_TEXT,
            areas=tuple(ConditionArea.objects.all()),
            effective_on=timezone.localdate(),
            grace_days=30,
            validity_months=12,
        ),
    )
    statement = statement_publish(actor=Actor.for_user(staff), statement=draft)
    declaration_sign(
        actor=Actor.for_user(trainer),
        trainer=trainer.trainer_profile,
        statement=statement,
        areas=areas[:1],
        escalation_role="Referring physiotherapist",
        escalation_organisation="North Bristol NHS Trust",
        signed_name=trainer.name,
        confirmed=True,
    )


# The demo trainer's supervised sessions, oldest first: (days ago, level, mode, client, what
# happens). "signed_off" sessions give the mentee page progress at every level; the others
# leave one session in every other state: waiting (a first submission, and a resubmission
# after feedback), returned to the trainer, and a draft.
DEMO_SESSIONS = [
    (52, 1, "direct_observation", "C-014", "signed_off"),
    (45, 1, "remote_review", "C-014", "signed_off"),
    (38, 1, "direct_observation", "C-022", "signed_off"),
    (31, 1, "direct_observation", "C-022", "signed_off"),
    (24, 2, "remote_review", "C-014", "signed_off"),
    (20, 2, "direct_observation", "C-031", "signed_off"),
    (16, 3, "direct_observation", "C-031", "signed_off"),
    (12, 3, "remote_review", "C-022", "resubmitted"),
    (9, 1, "direct_observation", "C-040", "returned"),
    (6, 2, "remote_review", "C-014", "submitted"),
    (2, 2, "direct_observation", "C-040", "draft"),
]
DEMO_DELIVERED = {
    1: "Seated warm-up, sit-to-stand practice in three sets, then step-ups with rail support.",
    2: "Gait practice with rests planned after each lap; fatigue rated after every set.",
    3: "Reaching and turning in standing with short instructions and a demonstration first.",
}
DEMO_REFLECTION = "Shorter sets with planned rests gave better quality of movement."
DEMO_RETURN_FEEDBACK = "Please add what you checked before the standing work, and why."
DEMO_SIGN_OFF_FEEDBACK = "Safe, well-paced session with a sensible response to the fatigue."


def load_demo_sessions(*, mentor: User, trainer: User) -> None:
    """Supervised sessions of the demo trainer in every state, through the real services."""
    profile = trainer.trainer_profile
    if profile.supervised_sessions.exists():
        return  # idempotent: created once, whatever the demo user did with them since
    current = current_mentor_of(profile)
    if current is None or current.user_id != mentor.pk:
        return  # staff ended the demo assignment: the sessions would have nobody to decide
    today = timezone.localdate()
    stroke = ConditionArea.objects.get(slug="stroke")
    as_trainer, as_mentor = Actor.for_user(trainer), Actor.for_user(mentor)

    def data(days_ago: int, level: int, mode: str, client: str, reflection: str) -> SessionData:
        return SessionData(
            session_date=today - dt.timedelta(days=days_ago),
            duration_minutes=60 if level < 3 else 45,
            condition_area=stroke,
            complexity=level,
            mode=mode,
            client_reference=client,
            delivered=DEMO_DELIVERED[level],
            adapted=level > 1,
            paused=False,
            escalated=False,
            escalated_to="",
            escalation_reason="",
            reflection=reflection,
        )

    for days_ago, level, mode, client, outcome in DEMO_SESSIONS:
        first = "Good session." if outcome in {"returned", "resubmitted"} else DEMO_REFLECTION
        session = session_create(
            actor=as_trainer, trainer=profile, data=data(days_ago, level, mode, client, first)
        )
        if outcome == "draft":
            continue
        session_submit(actor=as_trainer, session=session)
        if outcome == "signed_off":
            statement = SupervisionStatement.for_mode(mode)
            session_sign_off(
                actor=as_mentor,
                session=session,
                feedback=DEMO_SIGN_OFF_FEEDBACK,
                statement=statement,
            )
        elif outcome in {"returned", "resubmitted"}:
            session_return(actor=as_mentor, session=session, feedback=DEMO_RETURN_FEEDBACK)
        if outcome == "resubmitted":
            fixed = data(days_ago, level, mode, client, DEMO_REFLECTION)
            session_update(actor=as_trainer, session=session, data=fixed)
            session_submit(actor=as_trainer, session=session)
