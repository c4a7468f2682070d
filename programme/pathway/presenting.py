"""The trainer's pathway as their page and their dashboard panel show it.

The evaluator decides (programme.pathway.evaluate); this module only arranges its result for
reading: which condition areas come first, the links to the records behind each requirement
and to the page where the next step is taken, the "what to do next" list across areas, and
what expires soon. It reads no database (links are reversed URLs).

Which areas show (the issue is silent): the areas the trainer works towards, open, most
advanced first; the others folded away under one heading, each still with its whole
checklist. An area counts as "worked towards" when something in it goes beyond the stages
every area shares (the first two: qualifications that cover no particular area): a
requirement asking about the area is met, or has a record of the area behind it (CPD about
it, a qualification covering it), or the area has reached further than the others. A trainer
who has started none yet sees the first area open (catalogue order), since every area then
reads the same up to the point where they choose one.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse

from programme.pathway.results import (
    AreaPathway,
    Evidence,
    EvidenceKind,
    Outcome,
    PathwayResult,
    RequirementResult,
    StageResult,
)
from programme.pathway.rules import Kind, Requirement

MAX_STEPS = 6  # "what to do next": the first few, across areas

# Where each kind of evidence lives for its trainer (None: no page of its own).
_EVIDENCE_PAGES: dict[EvidenceKind, tuple[str, bool]] = {
    EvidenceKind.QUALIFICATION: ("qualifications:qualification_detail", True),
    EvidenceKind.INSURANCE: ("trainers:insurance_detail", True),
    EvidenceKind.DBS: ("trainers:dbs_detail", True),
    EvidenceKind.CPD: ("qualifications:cpd_detail", True),
    EvidenceKind.MEETING: ("mentorship:meeting", True),
    EvidenceKind.SESSIONS: ("mentorship:sessions", False),
    EvidenceKind.SCOPE: ("mentorship:scope", False),
}
_LISTS: dict[EvidenceKind, str] = {
    EvidenceKind.CPD: "qualifications:cpd_list",
    EvidenceKind.MEETING: "mentorship:meetings",
    EvidenceKind.QUALIFICATION: "trainers:records",
    EvidenceKind.INSURANCE: "trainers:records",
    EvidenceKind.DBS: "trainers:records",
}

# Where the trainer acts on a requirement of each kind: the page with the button they need.
_ACTIONS: dict[Kind, tuple[str, str]] = {
    Kind.QUALIFICATION: ("trainers:records", "Open my records"),
    Kind.INSURANCE: ("trainers:records", "Open my records"),
    Kind.DBS: ("trainers:records", "Open my records"),
    Kind.CPD_AREA_HOURS: ("qualifications:cpd_add", "Log CPD"),
    Kind.CPD_CURRENT: ("qualifications:cpd_progress", "See your CPD year"),
    Kind.SUPERVISED_SESSIONS: ("mentorship:sessions", "Open my sessions"),
    Kind.SUPERVISION_MEETINGS: ("mentorship:meetings", "Open my meetings"),
    Kind.SCOPE_DECLARATION: ("mentorship:scope", "Open my scope of practice"),
}
# A requirement that is met but expiring is renewed on the record itself.
_RENEW = "Open the record"


@dataclass(frozen=True)
class Link:
    url: str
    label: str


@dataclass(frozen=True)
class EvidenceItem:
    evidence: Evidence
    url: str | None


@dataclass(frozen=True)
class Item:
    """One requirement as the checklist shows it."""

    result: RequirementResult
    evidence: tuple[EvidenceItem, ...]
    action: Link | None

    @property
    def outcome(self) -> Outcome:
        return self.result.outcome


@dataclass(frozen=True)
class StageView:
    stage: StageResult
    state: str  # "reached", "current" or "to_come"
    items: tuple[Item, ...]

    @property
    def state_label(self) -> str:
        return {"reached": "Reached", "current": "Current stage", "to_come": "To come"}[self.state]


@dataclass(frozen=True)
class AreaView:
    pathway: AreaPathway
    stages: tuple[StageView, ...]
    started: bool

    @property
    def current(self) -> StageView | None:
        return next((s for s in self.stages if s.state == "current"), None)

    @property
    def summary(self) -> str:
        """ "Stage 2 of 5 reached: Referral-ready" / "Recognised" / "No stage reached yet"."""
        p = self.pathway
        if p.recognised:
            return f"Recognised: all {len(p.stages)} stages reached"
        stage = p.reached_stage
        if stage is None:
            return "No stage reached yet"
        return f"Stage {stage.index} of {len(p.stages)} reached: {stage.stage.name}"


@dataclass(frozen=True)
class Step:
    text: str
    action: Link | None
    areas: tuple[str, ...] = ()  # the areas it is for; empty when it is for all of them


@dataclass(frozen=True)
class Expiring:
    result: RequirementResult
    evidence: tuple[EvidenceItem, ...]
    action: Link | None


@dataclass(frozen=True)
class PathwayPage:
    result: PathwayResult
    open_areas: tuple[AreaView, ...]
    other_areas: tuple[AreaView, ...]
    steps: tuple[Step, ...]
    expiring: tuple[Expiring, ...]
    compliance: tuple[Item, ...]
    expiring_days: int
    all_areas: tuple[AreaView, ...] = field(default=())


def evidence_url(evidence: Evidence) -> str | None:
    page = _EVIDENCE_PAGES.get(evidence.kind)
    if page is None:
        return None
    name, by_id = page
    if by_id:
        if evidence.public_id is None:
            return reverse(_LISTS[evidence.kind]) if evidence.kind in _LISTS else None
        return reverse(name, kwargs={"public_id": evidence.public_id})
    return reverse(name)


def action_for(result: RequirementResult) -> Link | None:
    """Where to take the next step: the record to renew when expiring, else the page of the
    kind; nothing when it is met and not expiring."""
    if result.outcome == Outcome.MET:
        return None
    if result.outcome == Outcome.EXPIRING:
        for evidence in result.evidence:
            if evidence.public_id is not None:
                url = evidence_url(evidence)
                if url is not None:
                    return Link(url, _RENEW)
    name, label = _ACTIONS.get(result.requirement.kind, ("trainers:records", "Open my records"))
    return Link(reverse(name), label)


def item_for(result: RequirementResult) -> Item:
    return Item(
        result=result,
        evidence=tuple(EvidenceItem(e, evidence_url(e)) for e in result.evidence),
        action=action_for(result),
    )


def _area_specific(requirement: Requirement) -> bool:
    return (
        requirement.covers_area
        or requirement.or_mentor_assignment
        or requirement.kind in (Kind.CPD_AREA_HOURS, Kind.SUPERVISED_SESSIONS)
    )


def _started(pathway: AreaPathway, baseline: int) -> bool:
    if pathway.reached > baseline:
        return True
    for stage in pathway.stages:
        for result in stage.requirements:
            if not _area_specific(result.requirement):
                continue
            if result.met or any(e.public_id is not None for e in result.evidence):
                return True
    return False


def area_view(pathway: AreaPathway, *, started: bool) -> AreaView:
    stages = []
    for stage in pathway.stages:
        if stage.index <= pathway.reached:
            state = "reached"
        elif stage.index == pathway.reached + 1:
            state = "current"
        else:
            state = "to_come"
        stages.append(StageView(stage, state, tuple(item_for(r) for r in stage.requirements)))
    return AreaView(pathway, tuple(stages), started)


def _steps_of(view: AreaView) -> list[RequirementResult]:
    """The area's next steps with their requirements, in the evaluator's order: the current
    stage's unmet requirements, the unmet compliance ones, then what expires soonest."""
    p = view.pathway
    found: list[RequirementResult] = []
    if p.current_stage is not None:
        found += [r for r in p.current_stage.requirements if not r.met and r.next_step]
    found += [r for r in p.compliance if not r.met and r.next_step]
    expiring = [
        r for s in p.stages for r in s.requirements if r.outcome == Outcome.EXPIRING and r.next_step
    ]
    expiring += [r for r in p.compliance if r.outcome == Outcome.EXPIRING and r.next_step]
    found += sorted(expiring, key=_soonest)
    return found


def _soonest(result: RequirementResult) -> dt.date:
    return result.holds_until or dt.date.max


def next_steps(views: list[AreaView]) -> tuple[Step, ...]:
    """What to do next across the areas shown: each step once, with the areas it is for."""
    order: list[str] = []
    areas: dict[str, list[str]] = {}
    actions: dict[str, Link | None] = {}
    for view in views:
        for result in _steps_of(view):
            text = result.next_step
            if text not in areas:
                order.append(text)
                areas[text] = []
                actions[text] = action_for(result)
            areas[text].append(view.pathway.area.name)
    steps = []
    for text in order[:MAX_STEPS]:
        # A step every shown area shares needs no area named; one that names its area in its
        # own words does not either.
        named = areas[text] if len(areas[text]) < len(views) else []
        named = [a for a in named if a not in text]
        steps.append(Step(text, actions[text], tuple(named)))
    return tuple(steps)


def _expiring(views: list[AreaView]) -> tuple[Expiring, ...]:
    """Everything expiring, each record once (a shared requirement reads alike in every area),
    soonest first."""
    seen: set[tuple[str, tuple[object, ...]]] = set()
    found: list[RequirementResult] = []
    for view in views:
        results = [r for s in view.pathway.stages for r in s.requirements]
        results += list(view.pathway.compliance)
        for result in results:
            if result.outcome != Outcome.EXPIRING:
                continue
            key = (result.requirement.key, tuple(e.public_id or e.label for e in result.evidence))
            if key not in seen:
                seen.add(key)
                found.append(result)
    found.sort(key=_soonest)
    return tuple(
        Expiring(r, tuple(EvidenceItem(e, evidence_url(e)) for e in r.evidence), action_for(r))
        for r in found
    )


def pathway_page(result: PathwayResult, *, expiring_days: int) -> PathwayPage:
    baseline = min((p.reached for p in result.areas), default=0)
    views = [area_view(p, started=_started(p, baseline)) for p in result.areas]
    started = [v for v in views if v.started]
    # Most advanced first; the catalogue's order among equals (sorted() keeps it).
    started.sort(key=lambda v: -v.pathway.reached)
    if not started and views:
        open_areas, others = [views[0]], views[1:]
    else:
        open_areas, others = started, [v for v in views if not v.started]
    compliance = tuple(item_for(r) for r in result.areas[0].compliance) if result.areas else ()
    return PathwayPage(
        result=result,
        open_areas=tuple(open_areas),
        other_areas=tuple(others),
        steps=next_steps(open_areas),
        expiring=_expiring(views),
        compliance=compliance,
        expiring_days=expiring_days,
        all_areas=tuple(views),
    )


@dataclass(frozen=True)
class AreaLine:
    """One line of the dashboard's summary: an area, the stage reached, the next step."""

    name: str
    summary: str
    next_step: str
    recognised: bool


def dashboard_lines(result: PathwayResult) -> list[AreaLine]:
    """The areas the trainer works towards (as the pathway page opens them), one line each."""
    page = pathway_page(result, expiring_days=0)
    lines = []
    for view in page.open_areas:
        steps = _steps_of(view)
        lines.append(
            AreaLine(
                name=view.pathway.area.name,
                summary=view.summary,
                next_step=steps[0].next_step if steps else "",
                recognised=view.pathway.recognised,
            )
        )
    return lines
