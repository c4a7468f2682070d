"""The mentoring part of the generated programme: mentors, assignments, supervised sessions.

Proportions at 10,000 trainers (issue 7, item 8), scaled with the number of trainers: 300
mentors (3 for every 100 trainers), about 200,000 supervised sessions (20 a trainer), and the
rounds of each submission. Most mentors are physiotherapists or occupational therapists with
an account of their own (an HCPC number); about a third are senior neuro trainers, i.e.
trainers who mentor too. Mentors are never mentored here, so nobody is assigned to
themselves and no two trainers mentor each other.

Each mentor has open assignments within their capacity (one open mentor per trainer); some
trainers also had an earlier mentor whose assignment has ended. Sessions are dated within the
assignment they belong to and decided by its mentor while it was in force; sessions of the last
weeks of an open assignment are drafts, waiting or returned, older ones mostly signed off, so
every mentor has a realistic queue. A signed-off session carries the SHA-256 of its content as
the sign-off service computes it.

The mentor persona (a physiotherapist) mentors the trainer persona and three others, with 10
sessions waiting for them (`PERSONA_WAITING`).
"""

import datetime as dt
import hashlib
import json
import math
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from mentorship.models import (
    MentorAssignment,
    MentorProfile,
    SessionRound,
    SupervisedSession,
    SupervisionStatement,
)
from mentorship.models.sessions import SIGNED_CONTENT_FIELDS
from programme.bulk import Copier

MENTORS_PER_TRAINER = 0.03
SESSIONS_PER_TRAINER = 20
# The share of trainers with an earlier, ended assignment: among those mentored now, and among
# the rest (who had a mentor once and finished, or left).
EARLIER_MENTOR_SHARE = (0.35, 0.25)
LAPSED_REASON = "The assignment period ended."  # as mentorship.services.assignments says it

# The mentor persona's mentees, the trainer persona first; what each has at the recent end of
# their log, newest first (older sessions are signed off): 3 + 3 + 2 + 2 = 10 waiting.
PERSONA_TAILS: tuple[tuple[str, ...], ...] = (
    ("draft", "submitted", "submitted", "returned", "submitted"),
    ("submitted", "submitted", "returned", "submitted"),
    ("draft", "submitted", "submitted"),
    ("returned", "submitted", "submitted"),
)
PERSONA_WAITING = sum(tail.count("submitted") for tail in PERSONA_TAILS)
PERSONA_CAPACITY = 6
PERSONA_AREAS = ("stroke", "acquired-brain-injury", "parkinsons")

BACKGROUNDS = (
    # background, weight, HCPC prefix, how they describe themselves
    (
        MentorProfile.Background.PHYSIOTHERAPIST,
        45,
        "PH",
        (
            "Neurological physiotherapist, community stroke team.",
            "Specialist physiotherapist on a hyper-acute stroke unit.",
            "Physiotherapist in Parkinson's and movement disorders.",
            "Physiotherapist at an MS therapy centre.",
            "Spinal cord injury physiotherapist at a regional spinal centre.",
        ),
    ),
    (
        MentorProfile.Background.OCCUPATIONAL_THERAPIST,
        15,
        "OT",
        (
            "Occupational therapist in community neuro rehabilitation.",
            "Occupational therapist, brain injury vocational rehabilitation.",
        ),
    ),
    (
        MentorProfile.Background.SENIOR_NEURO_TRAINER,
        35,
        "",
        (
            "Level 4 stroke specialist, 10 years in exercise referral.",
            "Senior trainer running a Parkinson's exercise class for 8 years.",
            "Neuro specialist trainer working alongside an NHS falls service.",
        ),
    ),
    (
        MentorProfile.Background.OTHER,
        5,
        "",
        (
            "Clinical exercise physiologist in a brain injury unit.",
            "Sport and exercise scientist leading a neuro exercise programme.",
        ),
    ),
)
END_REASONS = (
    "The trainer completed their supervised practice.",
    "The mentor's caseload changed.",
    "The trainer moved to another region.",
    "Paused at the trainer's request.",
)
DELIVERED = (
    "Seated warm-up, sit-to-stand practice in three sets, and step-ups with rail support.",
    "Gait practice on the track with a metronome, then reaching tasks in standing.",
    "Circuit of six stations at low intensity with rests after each; balance work last.",
    "Large-amplitude movements for turning and stepping, practised at home height chairs.",
    "Upper-limb strengthening with bands on the affected side, then a walking cool-down.",
    "Pool-side exercises planned; moved to the gym with a fan because of the heat.",
    "Wheelchair-based strength circuit with shoulder protection and transfers practice.",
    "Dual-task walking: counting backwards while stepping over low obstacles.",
)
REFLECTIONS = (
    "Fatigue came earlier than planned; next time I will put the balance work first.",
    "Demonstrating before explaining worked better than long instructions.",
    "I should have checked blood pressure again before the standing work.",
    "The client set their own goal for the next session, which kept them motivated.",
    "Shorter sets with more rests gave better quality of movement.",
    "I need to learn more about managing spasticity before progressing the load.",
)
FIRST_REFLECTIONS = (
    "The session went to plan.",
    "Good session, the client enjoyed it.",
    "Nothing to change.",
)
ESCALATIONS = (
    ("The referring physiotherapist at the stroke unit", "New dizziness on standing."),
    ("The client's GP practice", "Blood pressure above the agreed limit twice."),
    ("The MS specialist nurse", "Reported a relapse starting this week."),
)
RETURN_FEEDBACK = (
    "Please say how you graded the exercise when fatigue set in.",
    "Add what you checked before the standing work, and what you would do next time.",
    "The reflection needs more: what did you learn, and what will you change?",
    "Say whom you told about the dizziness and when.",
)
SIGN_OFF_FEEDBACK = (
    "Good grading of the sit-to-stand progression.",
    "Safe, well-paced session; keep the rests you planned.",
    "Clear cueing and a sensible response to the fatigue.",
)
DURATIONS = (30, 45, 45, 60, 60, 60, 75, 90)


class FastCanonical:
    """The canonical JSON of the sign-off service (mentorship.services.sessions: sorted keys, no
    spaces, UTF-8) for the generator's 400,000 snapshots, by template: json.dumps costs more
    than everything else a session needs. The few strings (texts from the lists above, client
    references, dates) are encoded once each. The tests hold the hashes equal to the
    service's `content_hash`."""

    def __init__(self) -> None:
        self.encoded: dict[str, str] = {}

    def string(self, value: str) -> str:
        found = self.encoded.get(value)
        if found is None:
            found = self.encoded[value] = json.dumps(value, ensure_ascii=False)
        return found

    def head_and_tail(self, values: dict[str, Any]) -> tuple[str, str]:
        """The JSON before and after the reflection (the only field that changes by round)."""
        j = self.string
        yes = {True: "true", False: "false"}
        head = (
            f'{{"adapted":{yes[values["adapted"]]},'
            f'"client_reference":{j(values["client_reference"])},'
            f'"complexity":{values["complexity"]:d},'
            f'"condition_area_id":{values["condition_area_id"]:d},'
            f'"delivered":{j(values["delivered"])},'
            f'"duration_minutes":{values["duration_minutes"]:d},'
            f'"escalated":{yes[values["escalated"]]},'
            f'"escalated_to":{j(values["escalated_to"])},'
            f'"escalation_reason":{j(values["escalation_reason"])},'
            f'"mode":{j(values["mode"])},'
            f'"paused":{yes[values["paused"]]},'
            '"reflection":'
        )
        return head, f',"session_date":{j(values["session_date"].isoformat())}}}'

    def signed_hash(self, content: str, trainer_public_id: str, round_number: int) -> str:
        """content_hash(content=..., trainer_public_id=..., round_number=...) of the service."""
        payload = (
            f'{{"content":{content},"round":{round_number:d},'
            f'"trainer":{self.string(trainer_public_id)}}}'
        )
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class MentorPlan:
    index: int
    background: str
    detail: str
    hcpc_number: str
    capacity: int
    accepting: bool
    areas: list[int]
    trainer: int | None  # the trainer index of a senior neuro trainer, else an own account
    email: str = ""
    name: str = ""
    user_id: int = 0
    profile_id: int = 0


@dataclass
class AssignmentPlan:
    id: int
    mentor: MentorPlan
    trainer: int
    starts_on: dt.date
    ends_on: dt.date | None
    areas: list[int]
    ended_at: dt.datetime | None = None
    end_reason: str = ""
    ended_by: int | None = None
    tail: tuple[str, ...] = ()  # the persona's fixed recent states, newest first

    @property
    def last_day(self) -> dt.date:
        """The last day sessions can be dated and decided in."""
        if self.ended_at is not None:
            return self.ended_at.date()
        return self.ends_on if self.ends_on is not None else dt.date.max


@dataclass
class Mentoring:
    """Plans and writes the mentoring rows; `programme.generate.Generator` calls its steps."""

    rng: random.Random
    today: dt.date
    now: dt.datetime
    mentors: int
    sessions: int
    moment: Callable[[dt.date], dt.datetime]
    plans: list[MentorPlan] = field(default_factory=list)
    canonical: FastCanonical = field(default_factory=FastCanonical)
    assignments: list[AssignmentPlan] = field(default_factory=list)

    # --- mentors ---------------------------------------------------------------------------
    def plan_mentors(self, trainers: int, persona_email: str, name: Callable[[], str]) -> None:
        """Who the mentors are, before the accounts are written (some need their own)."""
        rng = self.rng
        weights = [weight for _b, weight, _p, _d in BACKGROUNDS]
        # Senior trainers who mentor are trainers: never the trainer persona (index 0).
        senior_pool = list(range(1, trainers))
        rng.shuffle(senior_pool)
        numbers = iter(rng.sample(range(10_000, 1_000_000), self.mentors))
        for j in range(self.mentors):
            background, _w, prefix, details = (
                BACKGROUNDS[0] if j == 0 else rng.choices(BACKGROUNDS, weights)[0]
            )
            trainer = None
            if background == MentorProfile.Background.SENIOR_NEURO_TRAINER:
                if len(senior_pool) > trainers // 2:  # keep most trainers to be mentored
                    trainer = senior_pool.pop()
                else:
                    background, _w, prefix, details = BACKGROUNDS[0]
            plan = MentorPlan(
                index=j,
                background=str(background),
                detail=details[0] if j == 0 else rng.choice(details),
                hcpc_number=f"{prefix}{next(numbers):06d}" if prefix else "",
                capacity=PERSONA_CAPACITY if j == 0 else rng.choice((3, 4, 4, 5, 6, 6, 8, 10)),
                accepting=j == 0 or rng.random() < 0.85,
                areas=[],
                trainer=trainer,
            )
            if trainer is None:
                plan.email = persona_email if j == 0 else f"mentor{j:04d}@bench.example.com"
                plan.name = name()
            self.plans.append(plan)

    def own_accounts(self) -> list[MentorPlan]:
        return [plan for plan in self.plans if plan.trainer is None]

    def write_mentors(self, user_ids: Sequence[int], areas: Sequence[tuple[int, str]]) -> int:
        """The profiles and their condition areas; `user_ids` are the trainers' accounts."""
        rng = self.rng
        area_ids = [pk for pk, _slug in areas]
        persona_areas = [pk for pk, slug in areas if slug in PERSONA_AREAS] or area_ids[:1]
        copier = Copier(
            MentorProfile,
            ["id", "public_id", "user", "background", "background_detail", "hcpc_number"]
            + ["capacity", "is_accepting", "created_at"],
        )
        start = copier.next_id()
        for j, plan in enumerate(self.plans):
            plan.profile_id = start + j
            if plan.trainer is not None:
                plan.user_id = user_ids[plan.trainer]
            plan.areas = (
                persona_areas
                if j == 0
                else rng.sample(area_ids, min(len(area_ids), rng.randint(1, 3)))
            )
        written = copier.copy(
            (
                plan.profile_id,
                uuid.uuid4(),
                plan.user_id,
                plan.background,
                plan.detail,
                plan.hcpc_number,
                plan.capacity,
                plan.accepting,
                self.now,
            )
            for plan in self.plans
        )
        through = MentorProfile.condition_areas.through
        m2m = Copier(through, ["id", "mentorprofile", "conditionarea"])
        first = m2m.next_id()
        pairs = [(plan.profile_id, area) for plan in self.plans for area in plan.areas]
        return written + m2m.copy((first + n, *pair) for n, pair in enumerate(pairs))

    # --- assignments ----------------------------------------------------------------------
    def plan_assignments(self, trainers: int, staff_ids: Sequence[int]) -> None:
        rng = self.rng
        mentor_trainers = {plan.trainer for plan in self.plans if plan.trainer is not None}
        pool = [i for i in range(1, trainers) if i not in mentor_trainers]
        rng.shuffle(pool)
        next_id = Copier(MentorAssignment, ["id"]).next_id()
        current: dict[int, AssignmentPlan] = {}

        def add(plan: AssignmentPlan) -> AssignmentPlan:
            nonlocal next_id
            self.assignments.append(plan)
            next_id += 1
            return plan

        for mentor in self.plans:
            if mentor.index == 0:
                mentees = [0] + [pool.pop() for _ in range(min(len(pool), len(PERSONA_TAILS) - 1))]
            else:
                wanted = rng.randint(math.ceil(mentor.capacity / 2), mentor.capacity)
                mentees = [pool.pop() for _ in range(min(len(pool), wanted))]
            for n, trainer in enumerate(mentees):
                persona = mentor.index == 0
                starts = self.today - dt.timedelta(
                    days=rng.randrange(120, 300) if persona else rng.randrange(45, 540)
                )
                ends = None
                if not persona and rng.random() < 0.3:
                    ends = self.today + dt.timedelta(days=rng.randrange(30, 365))
                current[trainer] = add(
                    AssignmentPlan(
                        next_id,
                        mentor,
                        trainer,
                        starts,
                        ends,
                        self._focus(mentor),
                        tail=PERSONA_TAILS[n] if persona else (),
                    )
                )
        # Earlier mentors, whose assignments have ended: for some of those mentored now (before
        # the current one started) and some of the rest.
        now_share, rest_share = EARLIER_MENTOR_SHARE
        for trainer in [*current, *pool]:
            if rng.random() >= (now_share if trainer in current else rest_share):
                continue
            later = current.get(trainer)
            others = [m for m in self.plans if later is None or m is not later.mentor]
            if not others:
                continue
            if later is not None:
                ends = later.starts_on - dt.timedelta(days=rng.randrange(1, 60))
            else:
                ends = self.today - dt.timedelta(days=rng.randrange(30, 3 * 365))
            starts = ends - dt.timedelta(days=rng.randrange(90, 450))
            mentor = rng.choice(others)
            lapsed = rng.random() < 0.6
            ended_at = self.moment(ends)
            add(
                AssignmentPlan(
                    next_id,
                    mentor,
                    trainer,
                    starts,
                    ends if lapsed else None,
                    self._focus(mentor),
                    ended_at=ended_at,
                    end_reason=LAPSED_REASON if lapsed else rng.choice(END_REASONS),
                    ended_by=None if lapsed else rng.choice(staff_ids),
                )
            )
        self.staff_ids = list(staff_ids)

    def _focus(self, mentor: MentorPlan) -> list[int]:
        return self.rng.sample(mentor.areas, min(len(mentor.areas), self.rng.choice((1, 1, 2))))

    def write_assignments(self, profile_ids: Sequence[int]) -> int:
        copier = Copier(
            MentorAssignment,
            ["id", "public_id", "mentor", "trainer", "starts_on", "ends_on", "created_by"]
            + ["ended_at", "ended_by", "end_reason", "created_at", "updated_at"],
        )

        def rows() -> Iterator[tuple[Any, ...]]:
            for a in self.assignments:
                created = min(self.now, self.moment(a.starts_on - dt.timedelta(days=3)))
                yield (
                    a.id,
                    uuid.uuid4(),
                    a.mentor.profile_id,
                    profile_ids[a.trainer],
                    a.starts_on,
                    a.ends_on,
                    self.rng.choice(self.staff_ids),
                    a.ended_at,
                    a.ended_by,
                    a.end_reason,
                    created,
                    a.ended_at or created,
                )

        written = copier.copy(rows())
        through = MentorAssignment.focus_areas.through
        m2m = Copier(through, ["id", "mentorassignment", "conditionarea"])
        first = m2m.next_id()
        pairs = [(a.id, area) for a in self.assignments for area in a.areas]
        return written + m2m.copy((first + n, *pair) for n, pair in enumerate(pairs))

    # --- sessions -------------------------------------------------------------------------
    def write_sessions(
        self, profile_ids: Sequence[int], profile_public_ids: Sequence[uuid.UUID]
    ) -> int:
        """The sessions (COPY as they are made) and then their rounds."""
        spans = {
            a.id: (min(a.last_day, self.today) - a.starts_on).days + 1 for a in self.assignments
        }
        total_days = sum(spans.values()) or 1
        columns = ["id", "public_id", "trainer", *self._content_columns(), "status"]
        columns += ["submitted_at", "signed_off_by", "signed_off_at", "sign_off_feedback"]
        columns += ["sign_off_statement", "signed_hash", "created_at", "updated_at"]
        copier = Copier(SupervisedSession, columns)
        self.next_session = copier.next_id()
        self.rounds: list[tuple[Any, ...]] = []

        def rows() -> Iterator[tuple[Any, ...]]:
            for a in self.assignments:
                share = self.sessions * spans[a.id] / total_days
                count = max(1, round(share * self.rng.uniform(0.7, 1.3)))
                if a.tail:
                    count = max(count, len(a.tail) + 8)
                trainer = (profile_ids[a.trainer], str(profile_public_ids[a.trainer]))
                yield from self._sessions_of(a, trainer, count)

        written = copier.copy(rows())
        rounds = Copier(
            SessionRound,
            ["id", "session", "number", "content", "submitted_at", "decision", "decided_by"]
            + ["decided_at", "feedback"],
        )
        first = rounds.next_id()
        return written + rounds.copy((first + n, *row) for n, row in enumerate(self.rounds))

    @staticmethod
    def _content_columns() -> list[str]:
        return [name.removesuffix("_id") for name in SIGNED_CONTENT_FIELDS]

    def _sessions_of(
        self, a: AssignmentPlan, trainer: tuple[int, str], count: int
    ) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        last = min(a.last_day, self.today)
        span = max(1, (last - a.starts_on).days)
        if a.tail:  # the persona's: older ones before the last 3 weeks, the tail within them
            span = max(1, span - 21)
        days = sorted(a.starts_on + dt.timedelta(days=rng.randrange(span)) for _ in range(count))
        if a.tail:
            recent = sorted(self.today - dt.timedelta(days=rng.randrange(1, 21)) for _ in a.tail)
            days = days[: count - len(a.tail)] + recent
        clients = [f"{rng.choice('CKRS')}-{rng.randrange(1, 10_000):04d}" for _ in range(5)]
        # Decisions happen while the assignment is in force, and before now.
        deadline = min(self.now, a.ended_at or self.now)
        for position, day in enumerate(days):
            newest_first = count - 1 - position
            status = a.tail[newest_first] if newest_first < len(a.tail) else self._status(a, day)
            values = self._content(a, day, position / count, rng.choice(clients))
            yield self._session_row(a, trainer, values, status, deadline)

    def _status(self, a: AssignmentPlan, day: dt.date) -> str:
        """Realistic states: the recent end of an open assignment is still moving."""
        if a.tail:
            return "signed_off"
        age = (self.today - day).days
        table: tuple[tuple[str, float], ...]
        if a.ended_at is not None:
            table = (("draft", 0.015), ("returned", 0.015))
        elif age <= 7:
            table = (("draft", 0.3), ("submitted", 0.6), ("returned", 0.05))
        elif age <= 35:
            table = (("draft", 0.05), ("submitted", 0.3), ("returned", 0.1))
        elif age <= 90:
            table = (("draft", 0.01), ("submitted", 0.03), ("returned", 0.02))
        else:
            table = (("draft", 0.01), ("returned", 0.01))
        roll = self.rng.random()
        for status, share in table:
            if roll < share:
                return status
            roll -= share
        return "signed_off"

    def _content(
        self, a: AssignmentPlan, day: dt.date, progress: float, client: str
    ) -> dict[str, Any]:
        rng = self.rng
        # Complexity grows through the assignment, as the pathway asks (6 / 4 / 2 at 1 / 2 / 3).
        levels = (
            (1, 1, 1, 2) if progress < 0.4 else (1, 2, 2, 3) if progress < 0.75 else (2, 2, 3, 3)
        )
        escalated = rng.random() < 0.03
        escalated_to, reason = rng.choice(ESCALATIONS) if escalated else ("", "")
        return {
            "session_date": day,
            "duration_minutes": rng.choice(DURATIONS),
            "condition_area_id": rng.choice(a.areas or a.mentor.areas),
            "complexity": rng.choice(levels),
            "mode": "direct_observation" if rng.random() < 0.55 else "remote_review",
            "client_reference": client,
            "delivered": rng.choice(DELIVERED),
            "adapted": rng.random() < 0.3,
            "paused": rng.random() < 0.06,
            "escalated": escalated,
            "escalated_to": escalated_to,
            "escalation_reason": reason,
            "reflection": rng.choice(REFLECTIONS),
        }

    def _session_row(
        self,
        a: AssignmentPlan,
        trainer: tuple[int, str],
        values: dict[str, Any],
        status: str,
        deadline: dt.datetime,
    ) -> tuple[Any, ...]:
        rng = self.rng
        profile, public_id = trainer
        pk = self.next_session
        self.next_session += 1
        created = min(self.moment(values["session_date"]), deadline)
        roll = rng.random()
        n_rounds = 0 if status == "draft" else 3 if roll < 0.04 else 2 if roll < 0.2 else 1
        decisions = n_rounds - (status == "submitted")
        # Each submission and each decision takes a step, all before the deadline.
        room = (deadline - created).total_seconds()
        step = min(4 * 86_400.0, room / (n_rounds + decisions + 1))
        at = created
        head, tail = self.canonical.head_and_tail(values)
        final = head + self.canonical.string(values["reflection"]) + tail
        first = head + self.canonical.string(rng.choice(FIRST_REFLECTIONS)) + tail
        submitted_at = None
        last_decision_at = created
        round_: tuple[str, int | None, dt.datetime | None, str]
        for number in range(1, n_rounds + 1):
            at += dt.timedelta(seconds=step * rng.uniform(0.3, 1))
            submitted_at = at
            content = final if number == n_rounds else first
            if number < n_rounds or status == "returned":
                at += dt.timedelta(seconds=step * rng.uniform(0.3, 1))
                round_ = ("returned", a.mentor.user_id, at, rng.choice(RETURN_FEEDBACK))
                last_decision_at = at
            elif status == "signed_off":
                at += dt.timedelta(seconds=step * rng.uniform(0.3, 1))
                round_ = ("signed_off", a.mentor.user_id, at, rng.choice(SIGN_OFF_FEEDBACK))
                last_decision_at = at
            else:  # waiting for the mentor
                round_ = ("", None, None, "")
            self.rounds.append((pk, number, content, submitted_at, *round_))
        signed = status == "signed_off"
        feedback = self.rounds[-1][-1] if signed else ""
        return (
            pk,
            uuid.uuid4(),
            profile,
            *(values[name] for name in SIGNED_CONTENT_FIELDS),
            status,
            submitted_at,
            a.mentor.user_id if signed else None,
            last_decision_at if signed else None,
            feedback,
            SupervisionStatement.for_mode(values["mode"]).value if signed else "",
            self.canonical.signed_hash(final, public_id, n_rounds) if signed else "",
            created,
            max(created, last_decision_at, submitted_at or created),
        )

    def sequences(self) -> list[Any]:
        return [
            MentorProfile,
            MentorProfile.condition_areas.through,
            MentorAssignment,
            MentorAssignment.focus_areas.through,
            SupervisedSession,
            SessionRound,
        ]
