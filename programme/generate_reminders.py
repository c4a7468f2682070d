"""A lean programme in bulk for the reminder sweep's benchmark (scripts/bench/sweep.py).

The sweep needs many trainers (100,000) with the records reminders are about, not the web
benchmark's history: so this is `programme.generate.Generator` with the steps the sweep reads
(accounts, profiles, mentors and their assignments, clinics and rosters, qualifications (first
aid included), insurance, DBS checks, the scope declarations, CPD activities) and without the
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


def generate_for_sweep(trainers: int, *, today: dt.date | None = None) -> Report:
    """Write the sweep's programme into an empty database (the caller empties it)."""
    return SweepGenerator(trainers, today=today).run()
