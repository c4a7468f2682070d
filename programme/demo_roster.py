"""The demo clinic's roster: a handful of trainers sharing with Riverside Neuro Rehab, one in
each eligibility state for stroke, made through the real services (so the audit log, the
mentor's and staff's pages show their history like anyone's).

They have no login (an unusable password, not `is_demo`): they exist to be looked at. Their
supervised sessions are signed off by a demo mentor of their own, so the demo mentor's queue
and mentees stay as the mentoring demo made them. Idempotent: a trainer who exists already is
left as they are (and shares with the clinic again if they stopped).

For stroke, today:

- Priya Shah: eligible (recognised, every record current);
- Sam Taylor: eligible, but the first aid certificate lapses within a month (the roster puts
  them near the top, "lapses ...");
- Jamie Okafor: supervised only, under Dr Helen Ward;
- Alex Reid: not eligible (no specialist qualification or mentor; insurance has lapsed).

The demo trainer (Tara Trainer) shares with the clinic too: see `share_demo_trainer`.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from mentorship.models import (
    MeetingKind,
    MeetingMode,
    MentorProfile,
    ScopeStatement,
    SupervisionStatement,
)
from mentorship.services.assignments import assignment_create, assignment_end
from mentorship.services.meetings import MeetingData, meeting_confirm, meeting_record
from mentorship.services.scope import declaration_sign
from mentorship.services.sessions import (
    SessionData,
    session_create,
    session_sign_off,
    session_submit,
)
from qualifications.kinds import QUALIFICATION
from qualifications.models import ConditionArea, QualificationType
from qualifications.services.cpd import CPDActivityData, cpd_activity_create
from rehabpath.audit import Actor
from rehabpath.models import User
from trainers.kinds import DBS, INSURANCE
from trainers.models import Clinic, ClinicShare, TrainerProfile
from trainers.services import record_create, record_verify

DEMO_MENTOR = ("helen.ward@example.com", "Dr Helen Ward")
# email, name, state for stroke
DEMO_ROSTER = [
    ("priya.shah@example.com", "Priya Shah", "eligible"),
    ("sam.taylor@example.com", "Sam Taylor", "eligible_lapsing"),
    ("jamie.okafor@example.com", "Jamie Okafor", "supervised"),
    ("alex.reid@example.com", "Alex Reid", "not_eligible"),
]


def _share(trainer: TrainerProfile, clinic: Clinic) -> None:
    if not ClinicShare.objects.filter(trainer=trainer, clinic=clinic, ended_at=None).exists():
        ClinicShare.objects.create(trainer=trainer, clinic=clinic)


def share_demo_trainer(*, trainer: User, clinic: Clinic) -> None:
    """The demo trainer shares their record with the demo clinic (once: if they stop while
    trying the demo, running seed_demo again does not undo it)."""
    profile = trainer.trainer_profile
    if not ClinicShare.objects.filter(trainer=profile, clinic=clinic).exists():
        ClinicShare.objects.create(trainer=profile, clinic=clinic)


def _person(email: str, name: str) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        user.set_unusable_password()  # looked at, never signed in as
        user.save(update_fields=["password"])
    return user, created


def _demo_mentor() -> MentorProfile:
    user, _ = _person(*DEMO_MENTOR)
    TrainerProfile.objects.get_or_create(user=user)
    mentor, created = MentorProfile.objects.get_or_create(
        user=user,
        defaults={
            "capacity": 6,
            "background": MentorProfile.Background.PHYSIOTHERAPIST,
            "hcpc_number": "PH654321",
            "background_detail": "Clinical specialist physiotherapist, neurorehabilitation.",
        },
    )
    if created:
        mentor.condition_areas.set(ConditionArea.objects.filter(slug="stroke"))
    return mentor


class _Builder:
    """One demo trainer's history, through the services, relative to today."""

    def __init__(self, trainer: TrainerProfile, staff: User, mentor: MentorProfile) -> None:
        self.trainer = trainer
        self.me = Actor.for_user(trainer.user)
        self.staff = Actor.for_user(staff)
        self.mentor = mentor
        self.today = timezone.localdate()
        self.stroke = ConditionArea.objects.get(slug="stroke")

    def qualification(self, slug: str, awarded: dt.date, number: str) -> None:
        qtype = QualificationType.objects.get(slug=slug)
        record = record_create(
            kind=QUALIFICATION,
            trainer=self.trainer,
            actor=self.me,
            fields={
                "qualification_type": qtype,
                "awarding_body": qtype.awarding_bodies.first(),
                "certificate_number": number,
                "awarded_on": awarded,
                "expires_on": None,
            },
            files=[],
        )
        self._verify(record, "register")

    def _verify(self, record: object, method: str) -> None:
        record_verify(
            record=record,  # type: ignore[arg-type]  # any record kind
            actor=self.staff,
            method=method,
            note="Checked for the demo.",
            verified_on=self.today,
        )

    def referral_ready(self, number: int) -> None:
        self.qualification(
            "l3-personal-training", self.today - relativedelta(years=5), f"AIQ-4{number}01"
        )
        self.qualification(
            "l3-exercise-referral", self.today - relativedelta(years=3), f"AIQ-4{number}02"
        )

    def compliance(self, number: int, *, first_aid_lapses_in: int, insured: bool = True) -> None:
        """Current insurance (or, not `insured`, a policy that ended last month), an enhanced
        DBS check on the Update Service, and a first aid certificate (valid 36 months) that
        lapses in `first_aid_lapses_in` days."""
        awarded = self.today - relativedelta(months=36) + dt.timedelta(days=first_aid_lapses_in)
        self.qualification("first-aid-at-work", awarded, f"QS-5{number}11")
        starts = self.today - relativedelta(months=4 if insured else 13)
        insurance = record_create(
            kind=INSURANCE,
            trainer=self.trainer,
            actor=self.me,
            fields={
                "insurer": "Insure4Sport",
                "policy_number": f"I4S-30{number}88",
                "public_liability_cover": Decimal("5000000"),
                "professional_indemnity_cover": Decimal("1500000"),
                "starts_on": starts,
                "expires_on": starts + relativedelta(years=1) - dt.timedelta(days=1),
            },
            files=[],
        )
        self._verify(insurance, "document")
        dbs = record_create(
            kind=DBS,
            trainer=self.trainer,
            actor=self.me,
            fields={
                "level": "enhanced",
                "certificate_number": f"00{number}987654321",
                "issued_on": self.today - relativedelta(months=10),
                "update_service_subscribed": True,
                "update_service_consent": True,
            },
            files=[],
        )
        self._verify(dbs, "register")

    def cpd(self) -> None:
        for months_ago, title, hours, endorsed in (
            (3, "Upper-limb rehabilitation after stroke", "4", True),
            (2, "Aphasia-friendly communication in the gym", "2", True),
            (1, "Reading: stroke secondary prevention guideline", "3", False),
        ):
            cpd_activity_create(
                actor=self.me,
                trainer=self.trainer,
                data=CPDActivityData(
                    date=self.today - relativedelta(months=months_ago),
                    title=title,
                    provider="Neuro Fitness Academy",
                    activity_type="course" if endorsed else "reading",
                    hours=Decimal(hours),
                    endorsed=endorsed,
                    condition_areas=(self.stroke,),
                    what_i_did=f"Completed “{title}”.",
                    what_i_learnt="How to grade tasks to fatigue and communication needs.",
                    how_it_benefits="Clients get sessions that suit their goals and energy.",
                ),
            )

    def sessions(self, per_level: tuple[int, int, int], *, start_days_ago: int) -> None:
        """Signed-off stroke sessions, one every few days from `start_days_ago` on."""
        statement = SupervisionStatement.for_mode("direct_observation")
        day = start_days_ago
        for level, count in enumerate(per_level, start=1):
            for _ in range(count):
                session = session_create(
                    actor=self.me,
                    trainer=self.trainer,
                    data=SessionData(
                        session_date=self.today - dt.timedelta(days=day),
                        duration_minutes=60,
                        condition_area=self.stroke,
                        complexity=level,
                        mode="direct_observation",
                        client_reference=f"R-{level}{day:03d}",
                        delivered="Sit-to-stand practice and gait work, graded by fatigue.",
                        adapted=level > 1,
                        paused=False,
                        escalated=False,
                        escalated_to="",
                        escalation_reason="",
                        reflection="Planned rests kept the quality of movement up.",
                    ),
                )
                session_submit(actor=self.me, session=session)
                session_sign_off(
                    actor=Actor.for_user(self.mentor.user),
                    session=session,
                    feedback="Safe and well paced.",
                    statement=statement,
                )
                day -= 3

    def assign(self, starts_on: dt.date) -> object:
        return assignment_create(
            actor=self.staff,
            mentor=self.mentor,
            trainer=self.trainer,
            starts_on=starts_on,
            areas=[self.stroke],
        )

    def meetings(self, assignment: object, starts_on: dt.date) -> None:
        """A confirmed supervision meeting in every month since `starts_on`."""
        month = starts_on.replace(day=1)
        while month <= self.today:
            day = min(max(month + dt.timedelta(days=3), starts_on), self.today)
            meeting = meeting_record(
                actor=Actor.for_user(self.mentor.user),
                assignment=assignment,  # type: ignore[arg-type]
                data=MeetingData(
                    meeting_date=day,
                    mode=MeetingMode.VIDEO,
                    kind=MeetingKind.SUPERVISION,
                    topics="Monthly supervision: progress with the stroke sessions.",
                    condition_areas=[self.stroke],
                ),
            )
            meeting_confirm(actor=self.me, meeting=meeting)
            month += relativedelta(months=1)

    def declare_scope(self) -> None:
        statement = (
            ScopeStatement.objects.filter(published_at__isnull=False).order_by("-version").first()
        )
        if statement is None:
            return
        declaration_sign(
            actor=self.me,
            trainer=self.trainer,
            statement=statement,
            areas=[self.stroke],
            escalation_role="Referring physiotherapist",
            escalation_organisation="North Bristol NHS Trust",
            signed_name=self.trainer.user.name,
            confirmed=True,
        )

    def recognised(self, number: int, *, first_aid_lapses_in: int) -> None:
        self.referral_ready(number)
        self.qualification("l4-stroke", self.today - relativedelta(months=14), f"YMCA-6{number}44")
        self.cpd()
        starts_on = self.today - relativedelta(months=11)
        assignment = self.assign(starts_on)
        self.sessions((6, 4, 2), start_days_ago=300)
        assignment_end(
            actor=self.staff,
            assignment=assignment,  # type: ignore[arg-type]
            reason="Supervised practice for stroke complete.",
        )
        self.declare_scope()
        self.compliance(number, first_aid_lapses_in=first_aid_lapses_in)

    def supervised(self, number: int) -> None:
        self.referral_ready(number)
        self.cpd()
        starts_on = self.today - relativedelta(months=2)
        assignment = self.assign(starts_on)
        self.meetings(assignment, starts_on)
        self.sessions((3, 2, 0), start_days_ago=50)
        self.compliance(number, first_aid_lapses_in=700)

    def not_eligible(self, number: int) -> None:
        self.referral_ready(number)
        self.compliance(number, first_aid_lapses_in=500, insured=False)


def load_demo_roster(*, clinic: Clinic, staff: User) -> None:
    """The clinic's demo trainers, each in their state for stroke, sharing with it."""
    mentor = _demo_mentor()
    build: dict[str, Callable[[_Builder, int], None]] = {
        "eligible": lambda b, n: b.recognised(n, first_aid_lapses_in=800),
        # Within the roster's 30 days of "lapses soon".
        "eligible_lapsing": lambda b, n: b.recognised(n, first_aid_lapses_in=20),
        "supervised": lambda b, n: b.supervised(n),
        "not_eligible": lambda b, n: b.not_eligible(n),
    }
    today = timezone.localdate()
    for number, (email, name, state) in enumerate(DEMO_ROSTER, start=1):
        user, created = _person(email, name)
        profile, _ = TrainerProfile.objects.get_or_create(
            user=user, defaults={"cpd_year_start": today - relativedelta(months=5)}
        )
        if created:
            build[state](_Builder(profile, staff, mentor), number)
        _share(profile, clinic)
