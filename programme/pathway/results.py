"""What the pathway evaluator and eligibility return: explanations, not booleans.

Every requirement comes back with its outcome (met / unmet / expiring), the evidence behind it
(which record, which date), a sentence saying what is true, the next step in plain words, and
the last day it holds. Pages, the PDF record and the API render these; none of them decides.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from programme.pathway.facts import Area
from programme.pathway.rules import Requirement, Stage


class Outcome(StrEnum):
    MET = "met"
    EXPIRING = "expiring"  # met today, but its evidence lapses within the expiring window
    UNMET = "unmet"

    @property
    def label(self) -> str:
        return {"met": "Met", "expiring": "Expiring", "unmet": "Not met"}[self.value]


class EvidenceKind(StrEnum):
    QUALIFICATION = "qualification"
    INSURANCE = "insurance"
    DBS = "dbs"
    CPD = "cpd"
    SESSIONS = "sessions"  # the signed-off sessions of an area (no single record)
    MEETING = "meeting"
    SCOPE = "scope"
    ASSIGNMENT = "assignment"


@dataclass(frozen=True)
class Evidence:
    kind: EvidenceKind
    label: str  # "Level 3 Diploma in Exercise Referral"
    public_id: uuid.UUID | None = None  # the record, for a link; None for counts
    date: dt.date | None = None  # the date that matters for it
    date_label: str = ""  # "awarded 3 March 2024", "expires 1 June 2027"


@dataclass(frozen=True)
class RequirementResult:
    requirement: Requirement
    outcome: Outcome
    explanation: str  # what is true, in plain words
    next_step: str = ""  # what to do; empty when met and not expiring
    evidence: tuple[Evidence, ...] = ()
    # The last day this stays met on what is known now; None when unmet, or met with no end.
    holds_until: dt.date | None = None
    # The same fact for a clinic, in the third person ("No verified first aid certificate",
    # "Verified first aid certificate, current until 3 May 2027"): eligibility's reasons.
    reason: str = ""

    @property
    def met(self) -> bool:
        return self.outcome != Outcome.UNMET


@dataclass(frozen=True)
class StageResult:
    stage: Stage
    index: int  # 1 for the first stage
    requirements: tuple[RequirementResult, ...]

    @property
    def complete(self) -> bool:
        return all(r.met for r in self.requirements)


@dataclass(frozen=True)
class AreaPathway:
    """One condition area: every stage with its requirements, and the compliance ones."""

    area: Area
    stages: tuple[StageResult, ...]
    compliance: tuple[RequirementResult, ...]
    # The highest stage reached (every stage up to it complete); 0 when none.
    reached: int
    next_steps: tuple[str, ...] = ()  # the first few things to do, in order
    holds_until: dt.date | None = None  # the stage reached holds until (earliest lapse)

    @property
    def reached_stage(self) -> StageResult | None:
        return self.stages[self.reached - 1] if self.reached else None

    @property
    def recognised(self) -> bool:
        return self.reached == len(self.stages)

    @property
    def current_stage(self) -> StageResult | None:
        """The stage being worked on: the first incomplete one (None when recognised)."""
        return None if self.recognised else self.stages[self.reached]

    def expiring(self) -> list[RequirementResult]:
        return [
            r
            for r in (*[q for s in self.stages for q in s.requirements], *self.compliance)
            if r.outcome == Outcome.EXPIRING
        ]


@dataclass(frozen=True)
class PathwayResult:
    trainer_id: int
    on: dt.date  # the day evaluated
    rules_version: int
    areas: tuple[AreaPathway, ...]
    suspended: bool = False

    def area(self, area_id: int) -> AreaPathway:
        for pathway in self.areas:
            if pathway.area.id == area_id:
                return pathway
        raise KeyError(area_id)


class Status(StrEnum):
    """The values of programme.models.EligibilityStatus."""

    ELIGIBLE = "eligible"
    SUPERVISED_ONLY = "supervised_only"
    NOT_ELIGIBLE = "not_eligible"

    @property
    def label(self) -> str:
        return {
            "eligible": "Eligible",
            "supervised_only": "Supervised only",
            "not_eligible": "Not eligible",
        }[self.value]


@dataclass(frozen=True)
class Eligibility:
    trainer_id: int
    area: Area
    status: Status
    reasons: tuple[str, ...]  # every reason, in plain words (why, or why not)
    on: dt.date  # the day asked about
    as_at: dt.datetime  # when it was computed
    holds_until: dt.date | None  # the last day the answer holds on what is known now
    rules_version: int
    mentor_name: str = ""  # supervised_only: under whom
    pathway: AreaPathway | None = field(default=None, compare=False)
