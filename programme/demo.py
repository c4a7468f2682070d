"""The demo trainer's history, created through the real services so the audit log shows it.

Dates are relative to today so the demo always has something current, something expiring
soon and something waiting for staff.
"""

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from mentorship.models import MentorProfile
from mentorship.services.assignments import assignment_create
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
    record_create(
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
