"""Eligibility of a trainer per condition area on a day: a pure function over the pathway.

DESIGN.md ("Eligibility"):
- `eligible`: recognised for the area (every stage complete), every compliance requirement
  met, and not suspended;
- `supervised_only`: not eligible, but the stage `Definition.supervised_from` reached, a
  mentor assignment in force on the day covering the area (naming it, or naming no area), the
  compliance requirements marked `for_supervised` met, and not suspended. A recognised trainer
  who misses a compliance requirement not asked under supervision (CPD) with a current mentor
  is supervised-only too: otherwise losing a stage (an expiry moved earlier) could turn their
  not-eligible answer into a better one, and answers must only get worse as evidence lapses;
- `not_eligible` otherwise, with every reason.

Reasons are written for a clinic, in the third person ("No verified first aid certificate",
"Suspended by programme staff"): the `reason` of each requirement result the answer rests on.
An eligible or supervised-only answer says why too.

`holds_until` is the earliest `holds_until` of the requirements the answer rests on (for
`supervised_only` also the assignment's end), so it is never later than any expiry behind the
answer. A `not_eligible` answer rests on what is missing; on what is known now nothing will
arrive, so it has no end (None). Missing or unverified data is never met (the evaluator),
so it never reads as eligible.
"""

import datetime as dt
from collections.abc import Iterable

from programme.pathway.evaluate import assignment_for
from programme.pathway.facts import TrainerFacts
from programme.pathway.results import (
    AreaPathway,
    Eligibility,
    PathwayResult,
    RequirementResult,
    Status,
)
from programme.pathway.rules import RuleSet
from rehabpath.formats import day_label

__all__ = ["STATUS_ORDER", "decide", "decide_area"]

SUSPENDED = "Suspended by programme staff"

# Better first: what "moving an expiry earlier never makes the answer better" compares.
STATUS_ORDER = {Status.ELIGIBLE: 2, Status.SUPERVISED_ONLY: 1, Status.NOT_ELIGIBLE: 0}


def _earliest(results: Iterable[RequirementResult], *more: dt.date | None) -> dt.date | None:
    days = [r.holds_until for r in results if r.holds_until is not None]
    days += [d for d in more if d is not None]
    return min(days) if days else None


def _reasons(results: Iterable[RequirementResult]) -> list[str]:
    return [r.reason or r.requirement.label for r in results]


def decide_area(
    facts: TrainerFacts,
    pathway: AreaPathway,
    *,
    rules: RuleSet,
    on: dt.date,
    as_at: dt.datetime,
) -> Eligibility:
    definition = rules.definition
    area = pathway.area
    stage_results = [r for s in pathway.stages for r in s.requirements]
    compliance = list(pathway.compliance)
    unmet_compliance = [r for r in compliance if not r.met]
    total = len(pathway.stages)

    def answer(
        status: Status, reasons: list[str], holds: dt.date | None, mentor: str = ""
    ) -> Eligibility:
        return Eligibility(
            trainer_id=facts.trainer_id,
            area=area,
            status=status,
            reasons=tuple(reasons),
            on=on,
            as_at=as_at,
            holds_until=holds,
            rules_version=rules.version,
            mentor_name=mentor,
            pathway=pathway,
        )

    if not facts.suspended and pathway.recognised and not unmet_compliance:
        return answer(
            Status.ELIGIBLE,
            [f"Recognised for {area.name}: every stage of the pathway complete"]
            + _reasons(compliance),
            _earliest([*stage_results, *compliance]),
        )

    supervised_index = definition.stage_index(definition.supervised_from)
    supervised_stage = definition.stage(definition.supervised_from)
    assignment = assignment_for(facts, area, on)
    for_supervised = [r for r in compliance if r.requirement.for_supervised]
    if (
        not facts.suspended
        and pathway.reached >= supervised_index
        and assignment is not None
        and all(r.met for r in for_supervised)
    ):
        rests_on = [r for s in pathway.stages[:supervised_index] for r in s.requirements]
        until = f" until {day_label(assignment.ends_on)}" if assignment.ends_on else ""
        reached = pathway.stages[pathway.reached - 1].stage.name
        if pathway.recognised:
            head = (
                f"Recognised for {area.name}, but not every compliance requirement is met: "
                "only under supervision"
            )
        else:
            head = (
                f"{supervised_stage.name} for {area.name}, not yet recognised (stage reached: "
                f"{reached}, {pathway.reached} of {total})"
            )
        not_yet = [r for r in (*stage_results, *compliance) if not r.met]
        reasons = [
            head,
            f"Works under the supervision of mentor {assignment.mentor_name}{until}",
            *_reasons(for_supervised),
            *(f"Not yet: {reason}" for reason in _reasons(not_yet)),
        ]
        return answer(
            Status.SUPERVISED_ONLY,
            reasons,
            _earliest([*rests_on, *for_supervised], assignment.ends_on),
            assignment.mentor_name,
        )

    reasons = [SUSPENDED] if facts.suspended else []
    reasons += _reasons(r for r in stage_results if not r.met)
    reasons += _reasons(unmet_compliance)
    if pathway.reached >= supervised_index and assignment is None and not facts.suspended:
        reasons.append(f"No current mentor for {area.name}, so not under supervision either")
    if not reasons:  # pragma: no cover - an unmet answer always has a reason above
        reasons.append(f"Not recognised for {area.name}")
    return answer(Status.NOT_ELIGIBLE, list(dict.fromkeys(reasons)), None)


def decide(
    facts: TrainerFacts, pathway: PathwayResult, *, rules: RuleSet, as_at: dt.datetime
) -> dict[int, Eligibility]:
    """Eligibility in every area the pathway was evaluated for, by area id."""
    return {
        area_pathway.area.id: decide_area(
            facts, area_pathway, rules=rules, on=pathway.on, as_at=as_at
        )
        for area_pathway in pathway.areas
    }
