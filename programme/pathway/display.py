"""The rules as a reader reads them: each stage with its requirements and their figures."""

from dataclasses import dataclass

from django.utils.text import capfirst

from programme.pathway.changes import field_name, field_value
from programme.pathway.rules import Definition, Kind, Requirement, Stage

# The figures that matter for each kind of requirement, in the order they read best.
FIGURES: dict[Kind, tuple[str, ...]] = {
    Kind.QUALIFICATION: ("kinds", "min_level", "covers_area", "or_mentor_assignment"),
    Kind.CPD_AREA_HOURS: ("hours", "months"),
    Kind.SUPERVISED_SESSIONS: ("per_level",),
    Kind.SUPERVISION_MEETINGS: ("per_month", "months"),
    Kind.SCOPE_DECLARATION: ("covers_area",),
    Kind.INSURANCE: (),
    Kind.DBS: ("dbs_levels",),
    Kind.CPD_CURRENT: (),
}


@dataclass(frozen=True)
class ShownRequirement:
    requirement: Requirement
    figures: list[tuple[str, str]]


@dataclass(frozen=True)
class ShownSection:
    title: str
    stage: Stage | None
    index: int | None
    requirements: list[ShownRequirement]


def _shown(requirement: Requirement, *, compliance: bool) -> ShownRequirement:
    names = FIGURES.get(requirement.kind, ())
    if compliance:
        names = (*names, "for_supervised")
    figures = [
        (capfirst(field_name(requirement, n)), field_value(requirement, n))
        for n in names
        # "Must cover the area: no" says nothing a reader misses; "under supervision: no" does.
        if getattr(requirement, n) is not False or n == "for_supervised"
    ]
    return ShownRequirement(requirement, figures)


def sections_of(definition: Definition) -> list[ShownSection]:
    shown = [
        ShownSection(
            stage.name,
            stage,
            index,
            [_shown(r, compliance=False) for r in stage.requirements],
        )
        for index, stage in enumerate(definition.stages, start=1)
    ]
    shown.append(
        ShownSection(
            "Compliance (asked for eligibility)",
            None,
            None,
            [_shown(r, compliance=True) for r in definition.compliance],
        )
    )
    return shown
