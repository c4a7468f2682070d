"""The pathway as data: stages, their requirements, and what eligibility asks for.

A `Definition` is what one `programme.models.PathwayRules` version holds (as JSON, through
`to_json` / `from_json`). The evaluator (`programme.pathway.evaluate`) knows how to evaluate
each `Kind` of requirement; staff change the numbers, the wording, and which requirements a
stage asks for, never the code. The defaults follow DESIGN.md ("Pathway", "Eligibility").

Every definition is evaluated per trainer *and condition area*: a requirement with
`covers_area` asks for evidence about the area being evaluated.
"""

import dataclasses
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    # A verified, unexpired qualification of one of `kinds` (at `min_level` or above; covering
    # the area when `covers_area`). With `or_mentor_assignment`, a current mentor assignment
    # for the area stands in for it ("enrolment with an active mentor assignment").
    QUALIFICATION = "qualification"
    # At least `hours` of CPD tagged with the area in the `months` months up to the day.
    CPD_AREA_HOURS = "cpd_area_hours"
    # Signed-off supervised sessions in the area, `per_level` at complexity levels 1, 2, 3.
    SUPERVISED_SESSIONS = "supervised_sessions"
    # At least `per_month` confirmed supervision meetings in each calendar month of the current
    # mentor assignment, looking back at most `months` complete months, and in this month by
    # its end (met while it has not ended; expiring until one is held).
    SUPERVISION_MEETINGS = "supervision_meetings"
    # A scope of practice declaration that holds on the day and covers the area.
    SCOPE_DECLARATION = "scope_declaration"
    # Verified insurance (public liability and professional indemnity) in force on the day.
    INSURANCE = "insurance"
    # A verified DBS check of one of `dbs_levels`, not due for its recheck.
    DBS = "dbs"
    # The last complete CPD year met the active CPD policy (points and endorsed points); a
    # trainer still in their first CPD year has none due yet.
    CPD_CURRENT = "cpd_current"


@dataclass(frozen=True)
class Requirement:
    key: str  # unique in the definition, e.g. "foundation.personal_training"
    kind: Kind
    label: str  # what it asks for, in plain words
    kinds: tuple[str, ...] = ()  # QUALIFICATION: QualificationType.Kind values
    min_level: int | None = None  # QUALIFICATION
    covers_area: bool = False  # QUALIFICATION, SCOPE_DECLARATION
    or_mentor_assignment: bool = False  # QUALIFICATION
    hours: Decimal = Decimal("0")  # CPD_AREA_HOURS
    months: int = 12  # CPD_AREA_HOURS (window), SUPERVISION_MEETINGS (look-back)
    per_level: tuple[int, ...] = (6, 4, 2)  # SUPERVISED_SESSIONS
    per_month: int = 1  # SUPERVISION_MEETINGS
    dbs_levels: tuple[str, ...] = ()  # DBS: DBSCheck.Level values accepted (empty: any)
    # Compliance requirements only: also asked of a trainer working under supervision.
    for_supervised: bool = True


@dataclass(frozen=True)
class Stage:
    key: str  # foundation, referral_ready, specialist_in_training, supervised_practice, recognised
    name: str
    description: str
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class Definition:
    stages: tuple[Stage, ...]  # in order; reaching a stage needs every stage before it
    # Asked for eligibility on top of the stages (insurance, first aid, DBS, CPD).
    compliance: tuple[Requirement, ...]
    # `supervised_only` needs this stage reached (and the last one not), a current mentor
    # assignment for the area, and the compliance requirements marked `for_supervised`.
    supervised_from: str = "referral_ready"
    # A met requirement whose evidence lapses within this many days reads "expiring".
    expiring_within_days: int = 90

    def __post_init__(self) -> None:
        keys = [r.key for r in self.all_requirements()]
        if len(keys) != len(set(keys)):
            raise ValueError("Every requirement needs its own key.")
        if not self.stages:
            raise ValueError("The pathway needs at least one stage.")
        stage_keys = [s.key for s in self.stages]
        if len(stage_keys) != len(set(stage_keys)):
            raise ValueError("Every stage needs its own key.")
        if self.supervised_from not in stage_keys:
            raise ValueError(f"Unknown stage {self.supervised_from!r} for supervised practice.")
        if self.expiring_within_days < 0:
            raise ValueError("The expiring window cannot be negative.")

    def all_requirements(self) -> list[Requirement]:
        return [r for s in self.stages for r in s.requirements] + list(self.compliance)

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(key)

    def stage_index(self, key: str) -> int:
        """1 for the first stage."""
        return [s.key for s in self.stages].index(key) + 1


@dataclass(frozen=True)
class RuleSet:
    """A definition with the version it was stored as (0: the built-in defaults, unsaved)."""

    version: int
    definition: Definition
    pk: int | None = None  # the PathwayRules row


# --- JSON --------------------------------------------------------------------------------


def _requirement_json(r: Requirement) -> dict[str, Any]:
    data = dataclasses.asdict(r)
    data["kind"] = str(r.kind)
    data["hours"] = str(r.hours)
    data["kinds"] = list(r.kinds)
    data["per_level"] = list(r.per_level)
    data["dbs_levels"] = list(r.dbs_levels)
    return data


def to_json(definition: Definition) -> dict[str, Any]:
    return {
        "stages": [
            {
                "key": s.key,
                "name": s.name,
                "description": s.description,
                "requirements": [_requirement_json(r) for r in s.requirements],
            }
            for s in definition.stages
        ],
        "compliance": [_requirement_json(r) for r in definition.compliance],
        "supervised_from": definition.supervised_from,
        "expiring_within_days": definition.expiring_within_days,
    }


def _requirement(data: dict[str, Any]) -> Requirement:
    try:
        kind = Kind(data["kind"])
        hours = Decimal(str(data.get("hours", "0")))
    except (KeyError, ValueError, InvalidOperation) as error:
        raise ValueError(f"A requirement is not readable: {data!r}") from error
    return Requirement(
        key=str(data["key"]),
        kind=kind,
        label=str(data["label"]),
        kinds=tuple(data.get("kinds", ())),
        min_level=data.get("min_level"),
        covers_area=bool(data.get("covers_area", False)),
        or_mentor_assignment=bool(data.get("or_mentor_assignment", False)),
        hours=hours,
        months=int(data.get("months", 12)),
        per_level=tuple(int(n) for n in data.get("per_level", (6, 4, 2))),
        per_month=int(data.get("per_month", 1)),
        dbs_levels=tuple(data.get("dbs_levels", ())),
        for_supervised=bool(data.get("for_supervised", True)),
    )


def from_json(data: dict[str, Any]) -> Definition:
    """The definition stored as JSON; ValueError when it does not make a pathway."""
    try:
        stages = tuple(
            Stage(
                key=str(s["key"]),
                name=str(s["name"]),
                description=str(s.get("description", "")),
                requirements=tuple(_requirement(r) for r in s["requirements"]),
            )
            for s in data["stages"]
        )
        compliance = tuple(_requirement(r) for r in data.get("compliance", ()))
        return Definition(
            stages=stages,
            compliance=compliance,
            supervised_from=str(data.get("supervised_from", "referral_ready")),
            expiring_within_days=int(data.get("expiring_within_days", 90)),
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"The pathway rules are not readable: {error}") from error


# --- The defaults of DESIGN.md -----------------------------------------------------------

DEFAULT_DEFINITION = Definition(
    stages=(
        Stage(
            key="foundation",
            name="Foundation",
            description="A verified Level 3 Personal Training qualification.",
            requirements=(
                Requirement(
                    key="foundation.personal_training",
                    kind=Kind.QUALIFICATION,
                    label="A verified Level 3 Personal Training qualification",
                    kinds=("personal_training",),
                    min_level=3,
                ),
            ),
        ),
        Stage(
            key="referral_ready",
            name="Referral-ready",
            description="A verified Level 3 Exercise Referral (or Long-Term Conditions) "
            "qualification: the baseline for clients with long-term conditions.",
            requirements=(
                Requirement(
                    key="referral_ready.exercise_referral",
                    kind=Kind.QUALIFICATION,
                    label="A verified Level 3 Exercise Referral or Long-Term Conditions "
                    "qualification",
                    kinds=("exercise_referral", "long_term_conditions"),
                    min_level=3,
                ),
            ),
        ),
        Stage(
            key="specialist_in_training",
            name="Neuro specialist in training",
            description="A verified neuro specialist qualification covering the area, or "
            "enrolment with a current mentor; CPD in the area.",
            requirements=(
                Requirement(
                    key="specialist_in_training.specialist",
                    kind=Kind.QUALIFICATION,
                    label="A verified neuro specialist qualification covering the area, or a "
                    "current mentor for the area",
                    kinds=("neuro_specialist",),
                    covers_area=True,
                    or_mentor_assignment=True,
                ),
                Requirement(
                    key="specialist_in_training.cpd_hours",
                    kind=Kind.CPD_AREA_HOURS,
                    label="3 hours of CPD in the area in the last 12 months",
                    hours=Decimal("3"),
                    months=12,
                ),
            ),
        ),
        Stage(
            key="supervised_practice",
            name="Supervised practice",
            description="Signed-off supervised sessions of rising complexity, and a "
            "supervision meeting every month.",
            requirements=(
                Requirement(
                    key="supervised_practice.sessions",
                    kind=Kind.SUPERVISED_SESSIONS,
                    label="Signed-off supervised sessions: 6 at level 1, 4 at level 2, 2 at "
                    "level 3",
                    per_level=(6, 4, 2),
                ),
                Requirement(
                    key="supervised_practice.meetings",
                    kind=Kind.SUPERVISION_MEETINGS,
                    label="At least one supervision meeting a month",
                    per_month=1,
                    months=3,
                ),
            ),
        ),
        Stage(
            key="recognised",
            name="Recognised",
            description="Everything above, and a current scope of practice declaration "
            "covering the area.",
            requirements=(
                Requirement(
                    key="recognised.scope",
                    kind=Kind.SCOPE_DECLARATION,
                    label="A current scope of practice declaration covering the area",
                    covers_area=True,
                ),
            ),
        ),
    ),
    compliance=(
        Requirement(
            key="compliance.insurance",
            kind=Kind.INSURANCE,
            label="Current verified insurance (public liability and professional indemnity)",
        ),
        Requirement(
            key="compliance.first_aid",
            kind=Kind.QUALIFICATION,
            label="A current verified first aid certificate",
            kinds=("first_aid",),
        ),
        Requirement(
            key="compliance.dbs",
            kind=Kind.DBS,
            label="A verified enhanced DBS check, current or on the Update Service",
            dbs_levels=("enhanced",),
        ),
        Requirement(
            key="compliance.cpd",
            kind=Kind.CPD_CURRENT,
            label="CPD target met in the last complete CPD year",
            for_supervised=False,
        ),
    ),
    supervised_from="referral_ready",
    expiring_within_days=90,
)

DEFAULTS = RuleSet(version=0, definition=DEFAULT_DEFINITION)


def rules_of(row: Any) -> RuleSet:
    """The RuleSet of a PathwayRules row."""
    return RuleSet(version=row.version, definition=from_json(row.definition), pk=row.pk)


__all__ = [
    "DEFAULTS",
    "DEFAULT_DEFINITION",
    "Definition",
    "Kind",
    "Requirement",
    "RuleSet",
    "Stage",
    "from_json",
    "rules_of",
    "to_json",
]
