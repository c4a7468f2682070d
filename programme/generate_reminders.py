"""A lean programme in bulk for the reminder sweep's benchmark (scripts/bench/sweep.py).

The sweep needs many trainers (100,000) with the records reminders are about, not the web
benchmark's history: so this is `programme.generate.Generator` with the steps the sweep reads
(accounts, profiles, mentors, their assignments and supervision meetings, clinics and rosters,
qualifications (first aid included, awarded over its whole validity), insurance, DBS checks,
the scope declarations, CPD activities) and without the
audit log, the evidence files and the CPD condition areas, at smaller per-trainer volumes
where the web benchmark's would only cost generation time (CPD activities, sessions).

What is due follows from the web generator's spread, which is uniform over the year: an
insurance policy expires 35 to 355 days after the generation day, a DBS check was issued 30
to 1,400 days before, a scope declaration signed 0 to 360 days before (valid 12 months), a
CPD year started 0 to 364 days before; so about 1/12 of the annual renewals fall in any
30-day window, and on a given day about 4/365 of the records cross one of the four expiry
milestones. CPD activities here fall in the last 400 days (not five years), 2 to 14 a
trainer, so that about half the trainers are behind their year's target, as a programme's
would be a few weeks before the year ends. Seeded: the same trainers and dates every run.
"""

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

from django.db import connection

from mentorship.models import MeetingKind, MeetingMode, MeetingStatus, SupervisionMeeting
from programme.bulk import Copier
from programme.generate import (
    PENDING_PER_TRAINER,
    TRAINERS_PER_CLINIC,
    TRAINERS_PER_STAFF,
    Generator,
    Report,
    Sizes,
)
from programme.generate_mentoring import MENTORS_PER_TRAINER

# Per trainer, where the web benchmark's volumes would only slow the generation down.
SWEEP_CPD_PER_TRAINER = (2, 14)
SWEEP_CPD_HISTORY_DAYS = 400
SWEEP_SESSIONS_PER_TRAINER = 2
SWEEP_SEED = 9
# First aid certificates last 36 months (the catalogue's validity); the web generator awards
# them within 900 days, so none would expire within 90: here awards spread over the whole
# validity, so expiries spread over the next three years.
FIRST_AID_SLUGS = ("emergency-first-aid-at-work", "first-aid-at-work")
FIRST_AID_AGE_DAYS = (30, 36 * 30)
# Supervision meetings of the current assignments, every 14 to 35 days; for 1 assignment in
# 8 they stopped 32 to 120 days ago (the supervision.overdue reminder's share).
MEETING_GAP_DAYS = (14, 35)
LAPSED_MEETINGS = (0.125, 32, 120)
MEETING_TOPICS = (
    "Reviewed two client sessions and the home exercise plans.",
    "Talked through a client's falls risk and the escalation route.",
    "Progression of seated balance work; agreed to add dual-task drills.",
)


def sweep_sizes(trainers: int) -> Sizes:
    return Sizes(
        trainers=trainers,
        cpd_per_trainer=SWEEP_CPD_PER_TRAINER,
        pending=round(trainers * PENDING_PER_TRAINER),
        audit_events=0,
        mentors=max(1, round(trainers * MENTORS_PER_TRAINER)),
        sessions=trainers * SWEEP_SESSIONS_PER_TRAINER,
        clinics=max(1, trainers // TRAINERS_PER_CLINIC),
        staff=max(1, trainers // TRAINERS_PER_STAFF),
    )


class SweepGenerator(Generator):
    """The web generator's rows for what reminders read, at the sweep's volumes."""

    def __init__(self, trainers: int, *, seed: int = SWEEP_SEED, today: dt.date | None = None):
        super().__init__(sweep_sizes(trainers), seed=seed, today=today)
        self.history_days: int | None = None  # None: the web generator's five years

    def day_in_history(self) -> dt.date:
        if self.history_days is None:
            return super().day_in_history()
        return self.today - dt.timedelta(days=self.rng.randrange(self.history_days))

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
        r.timed("supervision meetings", self.supervision_meetings)
        r.timed("clinics and admins", self.clinics)
        r.timed("clinic rosters", self.clinic_shares)
        r.timed("scope statement and declarations", self.scope)
        r.timed("planning records", self.plan_records)
        r.timed("qualifications, insurance, DBS", self.verifiable_records)
        self.history_days = SWEEP_CPD_HISTORY_DAYS
        r.timed("CPD activities", self.cpd_activities)
        self.history_days = None
        r.timed("personas' second factor", self.persona_authenticators)
        r.timed("sequences", self.reset_sequences)
        r.timed("vacuum analyze", self.analyze)
        return r

    def qualifications(self) -> None:
        """The web generator's, with first aid awarded over its whole validity."""
        super().qualifications()
        first_aid = {self.qtypes[slug].pk for slug in FIRST_AID_SLUGS if slug in self.qtypes}
        records = {r.id: r for r in self.records if r.kind == "qualification"}
        low, high = FIRST_AID_AGE_DAYS
        for n, row in enumerate(self.qualification_rows):
            # id, public_id, status, submitted_at, (5 decision columns), trainer,
            # qualification_type, awarding_body, certificate_number, awarded_on, expires_on
            if row[10] not in first_aid:
                continue
            awarded = self.today - dt.timedelta(days=self.rng.randrange(low, high))
            record = records[row[0]]
            record.submitted_at = self.moment(awarded)
            self.qualification_rows[n] = (
                *row[:3],
                record.submitted_at,
                *self._decision(record),
                *row[9:13],
                awarded,
                row[14],
            )

    def supervision_meetings(self) -> int:
        """Confirmed meetings of the current assignments (mentorship.SupervisionMeeting)."""
        copier = Copier(
            SupervisionMeeting,
            ["id", "public_id", "assignment", "meeting_date", "mode", "kind", "topics"]
            + ["agreed_actions", "mentor_notes", "status", "revision", "recorded_by"]
            + ["recorded_at", "confirmed_by", "confirmed_at", "dispute_reason"]
            + ["created_at", "updated_at"],
        )
        start = copier.next_id()
        rng = self.rng
        modes = list(MeetingMode.values)
        share, stop_low, stop_high = LAPSED_MEETINGS
        gap_low, gap_high = MEETING_GAP_DAYS

        def rows() -> Iterator[tuple[Any, ...]]:
            pk = start
            for a in self.mentoring.assignments:
                if a.ended_at is not None or a.starts_on > self.today:
                    continue
                last = self.today
                if rng.random() < share:
                    last = self.today - dt.timedelta(days=rng.randrange(stop_low, stop_high))
                day = a.starts_on + dt.timedelta(days=rng.randrange(3, gap_high))
                while day <= last:
                    recorded = self.moment(day)
                    confirmed = min(self.now, recorded + dt.timedelta(hours=rng.randrange(2, 72)))
                    yield (
                        pk,
                        uuid.uuid4(),
                        a.id,
                        day,
                        rng.choice(modes),
                        MeetingKind.SUPERVISION,
                        rng.choice(MEETING_TOPICS),
                        "",
                        "",
                        MeetingStatus.CONFIRMED,
                        1,
                        a.mentor.user_id,
                        recorded,
                        self.user_ids[a.trainer],
                        confirmed,
                        "",
                        recorded,
                        confirmed,
                    )
                    pk += 1
                    day += dt.timedelta(days=rng.randrange(gap_low, gap_high + 1))

        return copier.copy(rows())

    def reset_sequences(self) -> None:
        super().reset_sequences()
        Copier(SupervisionMeeting, ["id"]).reset_sequence()

    def analyze(self) -> None:
        super().analyze()
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SupervisionMeeting._meta.db_table}")


def generate_for_sweep(trainers: int, *, today: dt.date | None = None) -> Report:
    """Write the sweep's programme into an empty database (the caller empties it)."""
    return SweepGenerator(trainers, today=today).run()
