"""Hand-made `TrainerFacts` for the evaluator's and eligibility's unit tests (no database).

`recognised_facts()` is a trainer recognised for STROKE on ON with every compliance record
current; tests take something away or change a date with `dataclasses.replace`.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from programme.pathway.evaluate import evaluate
from programme.pathway.facts import (
    Area,
    AssignmentFact,
    CPDFact,
    DeclarationFact,
    MeetingFact,
    QualificationFact,
    RecordFact,
    SessionCount,
    TrainerFacts,
)
from programme.pathway.results import PathwayResult
from programme.pathway.rules import DEFAULTS, RuleSet
from qualifications.scoring import Rules

ON = dt.date(2026, 12, 1)
STROKE = Area(1, "stroke", "Stroke")
PARKINSONS = Area(2, "parkinsons", "Parkinson's")
AREAS = (STROKE, PARKINSONS)
# The CPD year runs from 1 November: the last complete one is 1 Nov 2025 to 31 Oct 2026.
ANCHOR = dt.date(2023, 11, 1)
CPD_RULES = Rules()


def uid() -> uuid.UUID:
    return uuid.uuid4()


def qualification(
    kind: str,
    *,
    level: int | None = 3,
    areas: frozenset[int] = frozenset(),
    status: str = "verified",
    awarded_on: dt.date = dt.date(2024, 6, 1),
    expires_on: dt.date | None = None,
    name: str = "",
) -> QualificationFact:
    return QualificationFact(
        public_id=uid(),
        name=name or f"Level {level} {kind.replace('_', ' ')}",
        kind=kind,
        level=level,
        area_ids=areas,
        status=status,
        awarded_on=awarded_on,
        expires_on=expires_on,
    )


def insurance(
    *,
    status: str = "verified",
    starts_on: dt.date = ON - dt.timedelta(days=30),
    expires_on: dt.date | None = ON + dt.timedelta(days=300),
) -> RecordFact:
    return RecordFact(uid(), "insurance with Hiscox (PL-1)", status, starts_on, expires_on)


def dbs(
    *,
    level: str = "enhanced",
    status: str = "verified",
    issued_on: dt.date = dt.date(2026, 6, 1),
    expires_on: dt.date | None = dt.date(2029, 6, 1),
) -> RecordFact:
    return RecordFact(uid(), f"{level} DBS check (001)", status, issued_on, expires_on, level)


def cpd(
    day: dt.date, hours: str, *, endorsed: bool = True, areas: frozenset[int] = frozenset()
) -> CPDFact:
    return CPDFact(uid(), day, Decimal(hours), endorsed, areas)


def sessions(area: Area = STROKE, per_level=(6, 4, 2), status="signed_off") -> tuple:
    return tuple(
        SessionCount(area.id, level, status, n) for level, n in enumerate(per_level, start=1) if n
    )


def assignment(
    *,
    starts_on: dt.date = dt.date(2026, 8, 15),
    ends_on: dt.date | None = None,
    areas: frozenset[int] = frozenset({STROKE.id}),
    mentor: str = "Priya Shah",
) -> AssignmentFact:
    return AssignmentFact(uid(), mentor, starts_on, ends_on, areas)


def meeting(day: dt.date) -> MeetingFact:
    return MeetingFact(uid(), day)


def declaration(
    *,
    areas: frozenset[int] = frozenset({STROKE.id}),
    signed_on: dt.date = ON - dt.timedelta(days=30),
    valid_until: dt.date = ON + dt.timedelta(days=335),
    version: int = 1,
) -> DeclarationFact:
    return DeclarationFact(uid(), version, areas, signed_on, valid_until)


def compliance_records() -> dict:
    return {
        "insurances": (insurance(),),
        "dbs_checks": (dbs(),),
    }


def first_aid(**kwargs) -> QualificationFact:
    kwargs.setdefault("expires_on", ON + relativedelta(years=2))
    return qualification("first_aid", level=None, name="First Aid at Work", **kwargs)


def cpd_met_last_year(areas=frozenset({STROKE.id})) -> tuple[CPDFact, ...]:
    """10 points, 6 endorsed, on 1 October 2026 (last CPD year); 6 hours in `areas`."""
    return (
        cpd(dt.date(2026, 10, 1), "6", endorsed=True, areas=areas),
        cpd(dt.date(2026, 10, 1), "8", endorsed=False),
    )


def facts(**fields) -> TrainerFacts:
    values: dict[str, Any] = {
        "trainer_id": 1,
        "public_id": uuid.UUID(int=1),
        "name": "Sam Trainer",
        "suspended": False,
        "cpd_year_start": ANCHOR,
    }
    values.update(fields)
    return TrainerFacts(**values)


def recognised_facts(**fields) -> TrainerFacts:
    values = {
        "qualifications": (
            qualification("personal_training", name="Level 3 Personal Training"),
            qualification("exercise_referral", name="Level 3 Exercise Referral"),
            qualification(
                "neuro_specialist",
                level=4,
                areas=frozenset({STROKE.id}),
                name="Neuro specialist (stroke)",
            ),
            first_aid(),
        ),
        "insurances": (insurance(),),
        "dbs_checks": (dbs(),),
        "cpd": cpd_met_last_year(),
        "sessions": sessions(),
        "declarations": (declaration(),),
    }
    values.update(fields)
    return facts(**values)


def supervised_facts(**fields) -> TrainerFacts:
    """Referral-ready, a current mentor for stroke, CPD in stroke, half the sessions, a
    meeting every month of the assignment, compliance current, no scope declaration."""
    values = {
        "qualifications": (
            qualification("personal_training", name="Level 3 Personal Training"),
            qualification("exercise_referral", name="Level 3 Exercise Referral"),
            first_aid(),
        ),
        "insurances": (insurance(),),
        "dbs_checks": (dbs(),),
        "cpd": cpd_met_last_year(),
        "sessions": sessions(per_level=(3, 2, 0)),
        "assignments": (assignment(),),
        "meetings": tuple(
            meeting(d)
            for d in (
                dt.date(2026, 9, 10),
                dt.date(2026, 10, 10),
                dt.date(2026, 11, 10),
                dt.date(2026, 12, 1),
            )
        ),
    }
    values.update(fields)
    return facts(**values)


def run(
    trainer: TrainerFacts, *, on: dt.date = ON, rules: RuleSet = DEFAULTS, areas=AREAS
) -> PathwayResult:
    return evaluate(trainer, rules, areas, on=on, cpd_rules=CPD_RULES)


def requirement(result: PathwayResult, key: str, area: Area = STROKE):
    pathway = result.area(area.id)
    for r in (*[q for s in pathway.stages for q in s.requirements], *pathway.compliance):
        if r.requirement.key == key:
            return r
    raise KeyError(key)
