"""A trainer's data as plain frozen values: what the pathway evaluator reads, and all it reads.

`programme.pathway.loading` fills these for one trainer or thousands in a fixed number of
queries; the evaluator never touches the database, so every rule is unit-tested with values
made by hand. Every record keeps its `public_id` so pages can link to the evidence.

Records are given whatever their state (pending, rejected, expired): the evaluator decides
what counts, and says why something does not ("waiting for verification").
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from mentorship.progress import Area, SessionCount

__all__ = [
    "Area",
    "AssignmentFact",
    "CPDFact",
    "CPDYearTotal",
    "DeclarationFact",
    "MeetingFact",
    "QualificationFact",
    "RecordFact",
    "SessionCount",
    "TrainerFacts",
]


@dataclass(frozen=True)
class QualificationFact:
    public_id: uuid.UUID
    name: str  # the qualification type as shown ("Level 3 Diploma in Exercise Referral")
    kind: str  # QualificationType.Kind
    level: int | None
    area_ids: frozenset[int]  # the condition areas its type covers
    status: str  # VerificationStatus
    awarded_on: dt.date
    expires_on: dt.date | None  # the effective expiry (stated, or from the type's validity)


@dataclass(frozen=True)
class RecordFact:
    """An insurance policy or a DBS check."""

    public_id: uuid.UUID
    label: str  # "Hiscox PL-1234" / "Enhanced DBS 001234567890"
    status: str  # VerificationStatus
    starts_on: dt.date  # insurance: cover starts; DBS: issued
    expires_on: dt.date | None  # insurance: cover ends; DBS: recheck due (None: Update Service)
    level: str = ""  # DBS: DBSCheck.Level


@dataclass(frozen=True)
class CPDFact:
    """A CPD activity, as far as the pathway reads it."""

    public_id: uuid.UUID
    date: dt.date
    hours: Decimal
    endorsed: bool
    area_ids: frozenset[int]


@dataclass(frozen=True)
class CPDYearTotal:
    """The hours of one CPD year up to the day evaluated, summed (by the loader)."""

    start: dt.date
    end: dt.date
    endorsed_hours: Decimal
    other_hours: Decimal


@dataclass(frozen=True)
class AssignmentFact:
    """A mentor assignment in force on the day evaluated."""

    public_id: uuid.UUID
    mentor_name: str
    starts_on: dt.date
    ends_on: dt.date | None
    focus_area_ids: frozenset[int]  # empty: the assignment names no area, so covers every one


@dataclass(frozen=True)
class MeetingFact:
    """A confirmed supervision meeting (any mentor: the supervision belongs to the trainer)."""

    public_id: uuid.UUID
    date: dt.date


@dataclass(frozen=True)
class DeclarationFact:
    """A scope of practice declaration that holds on the day evaluated."""

    public_id: uuid.UUID
    statement_version: int
    area_ids: frozenset[int]
    signed_on: dt.date
    valid_until: dt.date  # the last day it holds (expiry, or a later version's grace end)


@dataclass(frozen=True)
class TrainerFacts:
    trainer_id: int
    public_id: uuid.UUID
    name: str
    suspended: bool
    cpd_year_start: dt.date  # the anniversary the CPD year runs from
    qualifications: tuple[QualificationFact, ...] = ()
    insurances: tuple[RecordFact, ...] = ()
    dbs_checks: tuple[RecordFact, ...] = ()
    # CPD activities up to the day evaluated. Made by hand (tests): every activity from the
    # start of the last complete CPD year (or of the CPD-hours window, if earlier), and
    # `cpd_years` None. From the loader: only those tagged with a condition area in the
    # CPD-hours window, with `cpd_years` holding the sums of the current and last complete
    # CPD years (a roster would otherwise carry tens of thousands of activities to sum).
    cpd: tuple[CPDFact, ...] = ()
    cpd_years: tuple[CPDYearTotal, ...] | None = None
    # Supervised sessions by area, level and status (drafts left out).
    sessions: tuple[SessionCount, ...] = ()
    # Confirmed meetings from the start of the look-back up to the day evaluated.
    meetings: tuple[MeetingFact, ...] = ()
    assignments: tuple[AssignmentFact, ...] = ()  # in force on the day
    declarations: tuple[DeclarationFact, ...] = ()  # holding on the day, newest first
