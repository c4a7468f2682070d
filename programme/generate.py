"""A realistic programme in bulk, for the load benchmark (`manage.py generate_programme`).

Rows go in through PostgreSQL's COPY (psycopg 3's `cursor.copy`), table by table, with the
ids assigned here so that foreign keys can be written without reading anything back. Every
bulk account shares one precomputed password hash (hashing is ~0.5 s a password on purpose).

The proportions are those of issue 6 at 10,000 trainers and scale with the number of
trainers: 100 CPD activities a trainer (50 to 150), about 3 qualifications, 1.5 insurance
policies, 1 DBS check, 0.2 records a trainer pending verification, 50 audit events a
trainer, a clinic (with one admin) for every 100 trainers and a member of programme staff for
every 1,000; and (issue 7) 3 mentors for every 100 trainers, with their assignments and 20
supervised sessions a trainer: see programme/generate_mentoring.py; and (issue 8) the clinics'
rosters (the bench clinic shares 1,000 trainers), a published scope statement with trainers'
declarations, and the bench clinic's API token: see programme/generate_clinics.py.

The personas the benchmark signs in as (`PERSONAS`, password `PERSONA_PASSWORD`) are made
with them: a trainer with exactly 100 CPD activities, a member of staff, a mentor (whose four
mentees, the trainer persona among them, have 10 sessions waiting) and a clinic admin; the
last three have an authenticator app whose secret is `PERSONA_TOTP_SECRET`. The clinic
persona is the admin of the bench clinic, whose API token is
`programme.generate_clinics.PERSONA_API_TOKEN`.
"""

import datetime as dt
import hashlib
import json
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from mentorship.models import (
    MentorAssignment,
    MentorProfile,
    ScopeDeclaration,
    ScopeStatement,
    SessionRound,
    SupervisedSession,
)
from programme.bulk import Copier
from programme.generate_certificates import write_certificates
from programme.generate_clinics import Clinics
from programme.generate_mentoring import MENTORS_PER_TRAINER, SESSIONS_PER_TRAINER, Mentoring
from programme.models import (
    ApiToken,
    Certificate,
    ComplianceSnapshot,
    EligibilityAnswer,
    EligibilityCheck,
)
from qualifications.catalogue import load_catalogue
from qualifications.models import (
    AwardingBody,
    ConditionArea,
    CPDActivity,
    QualificationType,
    TrainerQualification,
)
from rehabpath.models import ActorKind, AuditEvent, User
from trainers.models import (
    Clinic,
    ClinicMembership,
    ClinicShare,
    DBSCheck,
    EvidenceFile,
    Insurance,
    TrainerProfile,
)

PERSONA_PASSWORD = "rehabpath-bench"  # noqa: S105 - a generated benchmark database only
# Base32, as allauth's authenticator app secrets are; the bench computes its codes from it.
PERSONA_TOTP_SECRET = "BENCHBENCHBENCHBENCHBENCHBENCH23"  # noqa: S105
PERSONAS = {
    "trainer": "bench-trainer@example.com",
    "staff": "bench-staff@example.com",
    "mentor": "bench-mentor@example.com",
    "clinic": "bench-clinic@example.com",
}
PERSONA_CPD_ACTIVITIES = 100

# Per trainer, at any size (issue 6: 10,000 trainers, 1,000,000 CPD activities, 2,000 pending
# records, 500,000 audit events).
CPD_PER_TRAINER = (50, 150)
PENDING_PER_TRAINER = 0.2
AUDIT_PER_TRAINER = 50
TRAINERS_PER_CLINIC = 100
TRAINERS_PER_STAFF = 1000
HISTORY_YEARS = 5

FIRST = (
    "Aisha Ben Chloe Daniel Ella Farah George Hannah Isaac Jess Kiran Laura Mo Nadia Owen Priya "
    "Quinn Rosa Sam Tom Uma Vik Will Yara Zoe Amir Beth Cal Dev Erin Finn Gina Harry Ivy Jo"
).split()
LAST = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Wright Robinson Thompson "
    "Evans Walker White Roberts Green Hall Wood Jackson Clarke Khan Lewis Hughes Edwards Ali"
).split()
CITIES = "Bristol Leeds Manchester Bath York Cardiff Glasgow Leicester Norwich Exeter".split()
CPD_TITLES = (
    "Gait retraining after stroke",
    "Parkinson's: LSVT BIG principles",
    "Case discussion: post-stroke fatigue",
    "Falls prevention refresher",
    "Spasticity and strength training",
    "Multiple sclerosis and heat sensitivity",
    "Motivational interviewing basics",
    "Seated exercise for spinal cord injury",
    "Cognitive load in brain injury rehab",
    "Reading: balance outcome measures",
    "Webinar: dual-task training",
    "Supervised session review",
)
PROVIDERS = (
    "Neuro Fitness Academy",
    "Parkinson's UK",
    "Riverside Neuro Rehab",
    "Later Life Training",
    "MS Society",
    "Stroke Association",
    "",
)
REFLECTIONS = (
    "Practised the progressions with a colleague and filmed them for feedback.",
    "Fatigue shapes a session more than strength does; plan rests in advance.",
    "I now screen for fatigue before every session and adapt the plan.",
    "Read the guidance and wrote up three changes to my assessments.",
    "Cueing works better with fewer words and a demonstration first.",
    "My clients get shorter, safer sessions with clearer goals.",
)
INSURERS = ("Insure4Sport", "Markel Direct", "Balens", "Hiscox")
# A one-page PDF: every bulk evidence row points at the same stored file.
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind a run makes, from the number of trainers."""

    trainers: int
    cpd_per_trainer: tuple[int, int] = CPD_PER_TRAINER
    pending: int = 0
    audit_events: int = 0
    mentors: int = 0
    sessions: int = 0
    clinics: int = 0
    staff: int = 0

    @classmethod
    def for_trainers(cls, trainers: int) -> "Sizes":
        return cls(
            trainers=trainers,
            pending=round(trainers * PENDING_PER_TRAINER),
            audit_events=trainers * AUDIT_PER_TRAINER,
            mentors=max(1, round(trainers * MENTORS_PER_TRAINER)),
            sessions=trainers * SESSIONS_PER_TRAINER,
            clinics=max(1, trainers // TRAINERS_PER_CLINIC),
            staff=max(1, trainers // TRAINERS_PER_STAFF),
        )


@dataclass
class Report:
    """Rows written and seconds spent, by step; the command prints it."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, step: str, run: Callable[[], int | None]) -> None:
        started = time.perf_counter()
        written = run()
        self.seconds[step] = time.perf_counter() - started
        if written is not None:
            self.rows[step] = written


def generated_tables() -> list[str]:
    """The tables a run writes (or `--force` empties), leaves first."""
    m2m = CPDActivity.condition_areas.through
    return [
        model._meta.db_table
        for model in (
            Certificate,
            AuditEvent,
            ComplianceSnapshot,
            EligibilityAnswer,
            EligibilityCheck,
            ApiToken,
            ClinicShare,
            ScopeDeclaration.areas.through,
            ScopeDeclaration,
            ScopeStatement.condition_areas.through,
            ScopeStatement,
            EvidenceFile,
            m2m,
            CPDActivity,
            TrainerQualification,
            Insurance,
            DBSCheck,
            ClinicMembership,
            Clinic,
            SessionRound,
            SupervisedSession,
            MentorAssignment.focus_areas.through,
            MentorAssignment,
            MentorProfile.condition_areas.through,
            MentorProfile,
            TrainerProfile,
            EmailAddress,
            User,
        )
    ] + ["mfa_authenticator", "django_session", "usersessions_usersession"]


def is_empty() -> bool:
    return not (
        User.objects.exists() or CPDActivity.objects.exists() or AuditEvent.objects.exists()
    )


def empty_tables() -> None:
    # TRUNCATE is allowed on the audit log (its trigger refuses row updates and deletes only).
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(generated_tables())} RESTART IDENTITY CASCADE")


@dataclass
class Record:
    """What later steps need of a generated verifiable record."""

    kind: str  # qualification | insurance | dbs_check
    id: int
    public_id: uuid.UUID
    trainer: int  # index of the trainer
    submitted_at: dt.datetime
    label: str
    status: str = "verified"


class Generator:
    def __init__(self, sizes: Sizes, *, seed: int = 1, today: dt.date | None = None) -> None:
        self.sizes = sizes
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.report = Report()
        self.user_ids: list[int] = []  # trainers' user ids, by trainer index
        self.profile_ids: list[int] = []
        self.staff_ids: list[int] = []
        self.emails: list[str] = []
        self.user_names: list[str] = []
        self.records: list[Record] = []
        self.cpd_first_id = 0
        self.cpd_counts: list[int] = []
        self.mentoring = Mentoring(
            rng=self.rng,
            today=self.today,
            now=self.now,
            mentors=sizes.mentors,
            sessions=sizes.sessions,
            moment=self.moment,
        )
        self.clinic_plan = Clinics(rng=self.rng, today=self.today, now=self.now)

    # --- helpers -----------------------------------------------------------------------
    def moment(self, day: dt.date) -> dt.datetime:
        seconds = self.rng.randrange(8 * 3600, 20 * 3600)
        at = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)
        return min(at, self.now)  # today's events have happened already

    def day_in_history(self) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randrange(HISTORY_YEARS * 365))

    # --- steps -------------------------------------------------------------------------
    def run(self) -> Report:
        r = self.report
        r.timed("catalogue", self.catalogue)
        r.timed("planning mentors", self.plan_mentors)
        r.timed("users", self.users)
        r.timed("email addresses", self.email_addresses)
        r.timed("trainer profiles", self.trainer_profiles)
        r.timed("mentors", self.mentors)
        r.timed("mentor assignments", self.mentor_assignments)
        r.timed("supervised sessions and rounds", self.supervised_sessions)
        r.timed("clinics and admins", self.clinics)
        r.timed("clinic rosters", self.clinic_shares)
        r.timed("bench clinic's API token", self.api_token)
        r.timed("scope statement and declarations", self.scope)
        r.timed("certificates", self.certificates)
        r.timed("planning records", self.plan_records)
        r.timed("qualifications, insurance, DBS", self.verifiable_records)
        r.timed("CPD activities", self.cpd_activities)
        r.timed("CPD condition areas", self.cpd_condition_areas)
        r.timed("evidence files", self.evidence_files)
        r.timed("audit events", self.audit_events)
        r.timed("personas' second factor", self.persona_authenticators)
        r.timed("sequences", self.reset_sequences)
        r.timed("vacuum analyze", self.analyze)
        return r

    def catalogue(self) -> None:
        load_catalogue()
        self.areas = list(ConditionArea.objects.values_list("id", "slug"))
        self.qtypes = {q.slug: q for q in QualificationType.objects.all()}
        self.bodies = list(AwardingBody.objects.values_list("id", flat=True))

    def users(self) -> int:
        copier = Copier(
            User,
            ["id", "password", "last_login", "is_superuser", "public_id", "email", "name"]
            + ["is_staff", "is_active", "is_demo", "date_joined"],
        )
        # One hash for every bulk account (a password nobody knows), one for the personas.
        bulk_hash = make_password(uuid.uuid4().hex)
        persona_hash = make_password(PERSONA_PASSWORD)
        start = copier.next_id()
        rows: list[tuple[Any, ...]] = []
        n = self.sizes.trainers
        for i in range(n):
            email = PERSONAS["trainer"] if i == 0 else f"trainer{i:06d}@bench.example.com"
            name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
            joined = self.moment(self.day_in_history())
            rows.append(self._user_row(start + i, email, name, joined, bulk_hash, persona_hash))
            self.user_names.append(name)
            self.user_ids.append(start + i)
            self.emails.append(email)
        next_id = start + n
        self.clinic_admin_ids = []
        self.extra_emails: list[tuple[int, str]] = []
        for j in range(self.sizes.clinics):
            email = PERSONAS["clinic"] if j == 0 else f"clinic{j:05d}@bench.example.com"
            rows.append(
                self._user_row(
                    next_id, email, f"Clinic admin {j}", self.now, bulk_hash, persona_hash
                )
            )
            self.clinic_admin_ids.append(next_id)
            self.extra_emails.append((next_id, email))
            next_id += 1
        for j in range(self.sizes.staff):
            email = PERSONAS["staff"] if j == 0 else f"staff{j:04d}@bench.example.com"
            rows.append(
                self._user_row(
                    next_id, email, f"Staff member {j}", self.now, bulk_hash, persona_hash, True
                )
            )
            self.staff_ids.append(next_id)
            self.extra_emails.append((next_id, email))
            next_id += 1
        # Mentors who are not trainers (physiotherapists, ...) have accounts of their own.
        for mentor in self.mentoring.own_accounts():
            rows.append(
                self._user_row(
                    next_id, mentor.email, mentor.name, self.now, bulk_hash, persona_hash
                )
            )
            mentor.user_id = next_id
            self.extra_emails.append((next_id, mentor.email))
            next_id += 1
        return copier.copy(rows)

    def _user_row(
        self,
        pk: int,
        email: str,
        name: str,
        joined: dt.datetime,
        bulk_hash: str,
        persona_hash: str,
        staff: bool = False,
    ) -> tuple[Any, ...]:
        password = persona_hash if email in PERSONAS.values() else bulk_hash
        return (pk, password, None, False, uuid.uuid4(), email, name, staff, True, False, joined)

    def email_addresses(self) -> int:
        copier = Copier(EmailAddress, ["id", "user", "email", "verified", "primary"])
        start = copier.next_id()
        pairs = list(zip(self.user_ids, self.emails, strict=True)) + self.extra_emails
        return copier.copy(
            (start + i, user, email, True, True) for i, (user, email) in enumerate(pairs)
        )

    def trainer_profiles(self) -> int:
        copier = Copier(
            TrainerProfile,
            ["id", "public_id", "user", "status", "cpd_year_start", "practice_summary"]
            + ["created_at"],
        )
        start = copier.next_id()
        self.profile_ids = [start + i for i in range(self.sizes.trainers)]
        self.profile_public_ids: list[uuid.UUID] = []  # the sign-off hash names the trainer
        self.year_starts: list[dt.date] = []

        def rows() -> Iterator[tuple[Any, ...]]:
            for i, pk in enumerate(self.profile_ids):
                # The CPD year starts on the membership anniversary, somewhere in the last year.
                year_start = self.today - dt.timedelta(days=self.rng.randrange(365))
                self.year_starts.append(year_start)
                status = "suspended" if i and self.rng.random() < 0.01 else "active"
                summary = "Level 3 personal trainer working with neuro clients." if i % 3 else ""
                public_id = uuid.uuid4()
                self.profile_public_ids.append(public_id)
                yield (pk, public_id, self.user_ids[i], status, year_start, summary, self.now)

        return copier.copy(rows())

    def plan_mentors(self) -> None:
        def name() -> str:
            return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

        self.mentoring.plan_mentors(self.sizes.trainers, PERSONAS["mentor"], name)

    def mentors(self) -> int:
        return self.mentoring.write_mentors(self.user_ids, self.areas)

    def mentor_assignments(self) -> int:
        self.mentoring.plan_assignments(self.sizes.trainers, self.staff_ids)
        return self.mentoring.write_assignments(self.profile_ids)

    def supervised_sessions(self) -> int:
        return self.mentoring.write_sessions(self.profile_ids, self.profile_public_ids)

    def clinics(self) -> int:
        clinics = Copier(Clinic, ["id", "public_id", "name", "city"])
        start = clinics.next_id()
        self.clinic_ids = [start + j for j in range(self.sizes.clinics)]
        count = clinics.copy(
            (start + j, uuid.uuid4(), f"Bench Neuro Clinic {j:05d}", self.rng.choice(CITIES))
            for j in range(self.sizes.clinics)
        )
        members = Copier(ClinicMembership, ["id", "clinic", "user", "created_at"])
        first = members.next_id()
        return count + members.copy(
            (first + j, start + j, user, self.now) for j, user in enumerate(self.clinic_admin_ids)
        )

    def clinic_shares(self) -> int:
        return self.clinic_plan.write_shares(self.clinic_ids, self.profile_ids)

    def api_token(self) -> int:
        return self.clinic_plan.write_api_token(self.clinic_ids[0], self.clinic_admin_ids[0])

    def scope(self) -> int:
        supervised: dict[int, set[int]] = {}
        for a in self.mentoring.assignments:
            if a.starts_on <= self.today:
                supervised.setdefault(a.trainer, set()).update(a.areas or a.mentor.areas)
        return self.clinic_plan.write_scope(
            staff_id=self.staff_ids[0],
            user_names=self.user_names,
            profile_ids=self.profile_ids,
            supervised_areas=supervised,
        )

    def certificates(self) -> int:
        staff = User.objects.filter(pk=self.staff_ids[0]).values_list("name", flat=True).first()
        return write_certificates(rng=self.rng, staff_id=self.staff_ids[0], staff_name=staff or "")

    def _record_columns(self) -> list[str]:
        return [
            "id",
            "public_id",
            "status",
            "submitted_at",
            "verified_by",
            "verification_method",
            "verification_note",
            "verified_on",
            "rejection_reason",
            "trainer",
        ]

    def _decision(self, record: Record) -> tuple[Any, ...]:
        if record.status == "pending":
            return (None, "", "", None, "")
        staff = self.rng.choice(self.staff_ids)
        day = min(self.today, record.submitted_at.date() + dt.timedelta(self.rng.randrange(1, 6)))
        if record.status == "rejected":
            return (staff, "", "", None, "The certificate is not readable.")
        return (staff, "document", "Certificate seen.", day, "")

    def _new_record(self, kind: str, pk: int, trainer: int, day: dt.date, label: str) -> Record:
        status = "rejected" if self.rng.random() < 0.01 else "verified"
        record = Record(kind, pk, uuid.uuid4(), trainer, self.moment(day), label, status)
        self.records.append(record)
        return record

    def plan_records(self) -> None:
        self.qualifications()
        self.insurance()
        self.dbs_checks()

    def qualifications(self) -> None:
        copier = Copier(
            TrainerQualification,
            self._record_columns()
            + ["qualification_type", "awarding_body", "certificate_number"]
            + ["awarded_on", "expires_on"],
        )
        pk = copier.next_id()
        rows = []
        plan = [
            ("l3-personal-training", 1.0, 3000),
            ("l3-exercise-referral", 0.7, 1500),
            ("emergency-first-aid-at-work", 0.8, 900),
            ("l4-stroke", 0.3, 500),
            # Issue 8: specialist qualifications covering the other areas, so that trainers
            # reach the pathway's third stage there too (the generated catalogue's types).
            ("l4-neurological", 0.25, 900),
            ("l4-falls-prevention", 0.1, 900),
        ]
        for i in range(self.sizes.trainers):
            for slug, share, max_age in plan:
                if i and self.rng.random() >= share:
                    continue
                qtype = self.qtypes.get(slug)
                if qtype is None:
                    continue
                awarded = self.today - dt.timedelta(days=self.rng.randrange(30, max_age))
                record = self._new_record("qualification", pk, i, awarded, str(qtype))
                rows.append(
                    (
                        pk,
                        record.public_id,
                        record.status,
                        record.submitted_at,
                        *self._decision(record),
                        self.profile_ids[i],
                        qtype.pk,
                        self.rng.choice(self.bodies),
                        f"CERT-{pk:07d}",
                        awarded,
                        None,
                    )
                )
                pk += 1
        self.qualification_rows = rows

    def insurance(self) -> None:
        copier = Copier(
            Insurance,
            self._record_columns()
            + ["insurer", "policy_number", "public_liability_cover"]
            + ["professional_indemnity_cover", "starts_on", "expires_on"],
        )
        pk = copier.next_id()
        rows = []
        for i in range(self.sizes.trainers):
            # The current policy, and for half the trainers last year's (expired).
            years = (0, 1) if i == 0 or self.rng.random() < 0.5 else (0,)
            for back in years:
                starts = self.today - dt.timedelta(days=self.rng.randrange(10, 330) + 365 * back)
                insurer = self.rng.choice(INSURERS)
                record = self._new_record("insurance", pk, i, starts, f"{insurer} P-{pk}")
                rows.append(
                    (
                        pk,
                        record.public_id,
                        record.status,
                        record.submitted_at,
                        *self._decision(record),
                        self.profile_ids[i],
                        insurer,
                        f"P-{pk}",
                        Decimal(5_000_000),
                        Decimal(1_500_000),
                        starts,
                        starts + relativedelta(years=1),
                    )
                )
                pk += 1
        self.insurance_rows = rows

    def dbs_checks(self) -> None:
        copier = Copier(
            DBSCheck,
            self._record_columns()
            + ["level", "certificate_number", "issued_on", "update_service_subscribed"]
            + ["update_service_consent"],
        )
        pk = copier.next_id()
        rows = []
        for i in range(self.sizes.trainers):
            issued = self.today - dt.timedelta(days=self.rng.randrange(30, 1400))
            subscribed = self.rng.random() < 0.6
            record = self._new_record("dbs_check", pk, i, issued, f"Enhanced DBS {pk:012d}")
            rows.append(
                (
                    pk,
                    record.public_id,
                    record.status,
                    record.submitted_at,
                    *self._decision(record),
                    self.profile_ids[i],
                    "enhanced",
                    f"{pk:012d}",
                    issued,
                    subscribed,
                    subscribed,
                )
            )
            pk += 1
        self.dbs_rows = rows

    def verifiable_records(self) -> int:
        # All three kinds are planned: choose the pending ones, then write them all.
        self._choose_pending()
        written = 0
        for model, kind_rows, extra in (
            (
                TrainerQualification,
                self.qualification_rows,
                ["qualification_type", "awarding_body", "certificate_number"]
                + ["awarded_on", "expires_on"],
            ),
            (
                Insurance,
                self.insurance_rows,
                ["insurer", "policy_number", "public_liability_cover"]
                + ["professional_indemnity_cover", "starts_on", "expires_on"],
            ),
            (
                DBSCheck,
                self.dbs_rows,
                ["level", "certificate_number", "issued_on", "update_service_subscribed"]
                + ["update_service_consent"],
            ),
        ):
            written += Copier(model, self._record_columns() + extra).copy(kind_rows)
        return written

    def _choose_pending(self) -> None:
        """Exactly `sizes.pending` records wait for staff, newest submissions of each kind."""
        by_kind = {
            "qualification": self.qualification_rows,
            "insurance": self.insurance_rows,
            "dbs_check": self.dbs_rows,
        }
        index = {(r.kind, r.id): r for r in self.records}
        # The persona trainer always has something pending; the rest at random.
        chosen = set()
        persona = [r for r in self.records if r.trainer == 0 and r.kind == "qualification"]
        if persona and self.sizes.pending:
            chosen.add((persona[-1].kind, persona[-1].id))
        candidates = [(r.kind, r.id) for r in self.records if r.trainer != 0]
        self.rng.shuffle(candidates)
        for key in candidates:
            if len(chosen) >= min(self.sizes.pending, len(self.records)):
                break
            chosen.add(key)
        for kind, rows in by_kind.items():
            for n, row in enumerate(rows):
                if (kind, row[0]) not in chosen:
                    continue
                record = index[(kind, row[0])]
                record.status = "pending"
                # Submitted recently: the queue's oldest item waits a few weeks at most.
                record.submitted_at = self.now - dt.timedelta(minutes=self.rng.randrange(40_000))
                rows[n] = (row[0], row[1], "pending", record.submitted_at, None, "", "", None, "")
                rows[n] += tuple(row[9:])

    def cpd_activities(self) -> int:
        copier = Copier(
            CPDActivity,
            ["id", "public_id", "trainer", "date", "title", "provider", "activity_type"]
            + ["hours", "endorsed", "what_i_did", "what_i_learnt", "how_it_benefits"]
            + ["created_at", "updated_at"],
        )
        self.cpd_first_id = copier.next_id()
        types = [choice for choice, _ in CPDActivity.Type.choices]
        hours = [Decimal(h) for h in ("0.5", "1", "1.5", "2", "3", "6")]
        low, high = self.sizes.cpd_per_trainer
        self.cpd_counts = [
            PERSONA_CPD_ACTIVITIES if i == 0 else self.rng.randint(low, high)
            for i in range(self.sizes.trainers)
        ]
        self.cpd_dates: list[dt.date] = []
        rng = self.rng

        def rows() -> Iterator[tuple[Any, ...]]:
            pk = self.cpd_first_id
            for i, count in enumerate(self.cpd_counts):
                profile = self.profile_ids[i]
                for _ in range(count):
                    day = self.day_in_history()
                    at = self.moment(day)
                    self.cpd_dates.append(day)
                    yield (
                        pk,
                        uuid.uuid4(),
                        profile,
                        day,
                        rng.choice(CPD_TITLES),
                        rng.choice(PROVIDERS),
                        rng.choice(types),
                        rng.choice(hours),
                        rng.random() < 0.5,
                        rng.choice(REFLECTIONS),
                        rng.choice(REFLECTIONS),
                        rng.choice(REFLECTIONS),
                        at,
                        at,
                    )
                    pk += 1

        return copier.copy(rows())

    def cpd_condition_areas(self) -> int:
        through = CPDActivity.condition_areas.through
        copier = Copier(through, ["id", "cpdactivity", "conditionarea"])
        start = copier.next_id()
        area_ids = [pk for pk, _ in self.areas]
        if not area_ids:
            return 0
        total = sum(self.cpd_counts)

        def rows() -> Iterator[tuple[int, int, int]]:
            pk = start
            for n in range(total):
                roll = self.rng.random()
                picks = 2 if roll < 0.1 else 1 if roll < 0.5 else 0
                for area in self.rng.sample(area_ids, picks):
                    yield (pk, self.cpd_first_id + n, area)
                    pk += 1

        return copier.copy(rows())

    def evidence_files(self) -> int:
        name = default_storage.save("evidence/bench/certificate.pdf", ContentFile(EVIDENCE_PDF))
        digest = hashlib.sha256(EVIDENCE_PDF).hexdigest()
        copier = Copier(
            EvidenceFile,
            ["id", "public_id", "trainer", "content_type", "object_id", "file", "original_name"]
            + ["mime_type", "size", "sha256", "uploaded_by", "uploaded_at"],
        )
        types = {
            "qualification": ContentType.objects.get_for_model(TrainerQualification).pk,
            "insurance": ContentType.objects.get_for_model(Insurance).pk,
            "dbs_check": ContentType.objects.get_for_model(DBSCheck).pk,
        }
        start = copier.next_id()

        def rows() -> Iterator[tuple[Any, ...]]:
            pk = start
            for record in self.records:
                # Every pending record has its certificate; a third of the others too.
                if record.status != "pending" and self.rng.random() >= 0.33:
                    continue
                yield (
                    pk,
                    uuid.uuid4(),
                    self.profile_ids[record.trainer],
                    types[record.kind],
                    record.id,
                    name,
                    "certificate.pdf",
                    "application/pdf",
                    len(EVIDENCE_PDF),
                    digest,
                    self.user_ids[record.trainer],
                    record.submitted_at,
                )
                pk += 1

        return copier.copy(rows())

    def audit_events(self) -> int:
        copier = Copier(
            AuditEvent,
            ["id", "public_id", "occurred_at", "actor", "actor_kind", "actor_label", "action"]
            + ["target_type", "target_id", "target_label", "before", "after", "reason"]
            + ["ip_address"],
        )
        start = copier.next_id()
        target_types = {
            "qualification": TrainerQualification._meta.label_lower,
            "insurance": Insurance._meta.label_lower,
            "dbs_check": DBSCheck._meta.label_lower,
        }
        cpd_type = CPDActivity._meta.label_lower
        staff_emails = {
            pk: f"staff{j:04d}@bench.example.com" for j, pk in enumerate(self.staff_ids)
        }
        staff_emails[self.staff_ids[0]] = PERSONAS["staff"]
        pending = json.dumps({"status": "pending"})
        total = self.sizes.audit_events
        rng = self.rng

        def rows() -> Iterator[tuple[Any, ...]]:
            pk = start
            written = 0
            # Each record's creation, and its verification or rejection by staff.
            for record in self.records:
                if written >= total:
                    return
                trainer_user = self.user_ids[record.trainer]
                email = self.emails[record.trainer]
                yield (
                    pk,
                    uuid.uuid4(),
                    record.submitted_at,
                    trainer_user,
                    ActorKind.USER,
                    email,
                    f"{record.kind}.create",
                    target_types[record.kind],
                    str(record.public_id),
                    record.label,
                    "{}",
                    pending,
                    "",
                    f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                )
                pk += 1
                written += 1
                if record.status == "pending" or written >= total:
                    continue
                staff = rng.choice(self.staff_ids)
                verified = record.status == "verified"
                yield (
                    pk,
                    uuid.uuid4(),
                    record.submitted_at + dt.timedelta(days=rng.randrange(1, 6)),
                    staff,
                    ActorKind.USER,
                    staff_emails[staff],
                    f"{record.kind}.{'verify' if verified else 'reject'}",
                    target_types[record.kind],
                    str(record.public_id),
                    record.label,
                    pending,
                    json.dumps(
                        {"status": record.status, "method": "document", "trainer": email}
                        if verified
                        else {"status": record.status, "trainer": email}
                    ),
                    "" if verified else "The certificate is not readable.",
                    None,
                )
                pk += 1
                written += 1
            # The rest: trainers logging (and now and then correcting) CPD activities.
            activity = self.cpd_first_id
            owners = [i for i, count in enumerate(self.cpd_counts) for _ in range(count)]
            n_activities = len(owners)
            while written < total and n_activities:
                n = (activity - self.cpd_first_id) % n_activities
                trainer = owners[n]
                day = self.cpd_dates[n]
                update = activity - self.cpd_first_id >= n_activities or rng.random() < 0.05
                after = {"date": day.isoformat(), "title": "CPD activity", "hours": "1"}
                yield (
                    pk,
                    uuid.uuid4(),
                    self.moment(day),
                    self.user_ids[trainer],
                    ActorKind.USER,
                    self.emails[trainer],
                    "cpd_activity.update" if update else "cpd_activity.create",
                    cpd_type,
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    f"{day.isoformat()} CPD activity",
                    json.dumps({"hours": "2"}) if update else "{}",
                    json.dumps(after),
                    "",
                    None,
                )
                pk += 1
                written += 1
                activity += 1

        return copier.copy(rows())

    def persona_authenticators(self) -> int:
        """Staff, mentors and clinic admins need a second factor: the personas have one."""
        count = 0
        for role in ("staff", "mentor", "clinic"):
            user = User.objects.get(email=PERSONAS[role])
            TOTP.activate(user, PERSONA_TOTP_SECRET)
            count += 1
        return count

    def reset_sequences(self) -> None:
        for model in (
            User,
            EmailAddress,
            TrainerProfile,
            *self.mentoring.sequences(),
            *self.clinic_plan.sequences(),
            Clinic,
            ClinicMembership,
            TrainerQualification,
            Insurance,
            DBSCheck,
            CPDActivity,
            CPDActivity.condition_areas.through,
            EvidenceFile,
            AuditEvent,
        ):
            Copier(model, ["id"]).reset_sequence()

    def analyze(self) -> None:
        # Fresh statistics (and a visibility map for index-only scans) before anyone measures.
        # VACUUM cannot run inside a transaction (a test's): statistics alone there.
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for table in generated_tables():
                cursor.execute(f"{verb} {table}")
