"""The pathway evaluator: a pure function from a trainer's facts and the rules to explanations.

`evaluate(facts, rules, areas, on=..., cpd_rules=...)` returns, for each condition area, every
stage's requirements and the compliance requirements as `RequirementResult` values (met /
expiring / unmet, what is true, the next step addressed to the trainer, a third-person reason
for clinics, the evidence, and the last day it holds), and the stage reached. It reads no
database, no settings and no clock: everything comes in as arguments, so every rule is tested
with values made by hand (tests/programme/test_pathway_evaluate.py).

What counts (DESIGN.md "Verification"): only verified records, and only while unexpired on the
day (insurance also started by then; a qualification awarded by then). Pending, rejected and
expired records count for nothing, and the explanation says which of these it is.
When several records qualify, the evidence is the one lasting longest, and the requirement
holds until its expiry.

"Holds until" is the last day a requirement stays met on what is known now (no new records,
nothing renewed); None when it is unmet, or met with no end in sight. "Expiring" is met with
`holds_until` within `Definition.expiring_within_days` days of the day evaluated.

Decisions where the issue and the design are silent:
- Supervision meetings are asked for while a trainer is *in* supervised practice for an area:
  once the area's supervised sessions are all signed off, the meetings requirement reads met
  ("supervised practice complete"), with no end, whether or not a mentor is still assigned.
  Until then it needs a current assignment (any focus: supervision belongs to the trainer);
  each calendar month the assignment covered entirely, among the `months` months before this
  one, needs `per_month` confirmed meetings (with any mentor); this month counts as met until
  it ends. With this month's meetings held it is met until the end of next month (or the
  assignment's end); without them yet it is "expiring" until this month's last day. A missed
  month stays unmet until it leaves the look-back: it cannot be made up later.
- CPD_CURRENT when the current CPD year has already met its target holds until the end of the
  following CPD year (that year will then be the last complete one, and met); otherwise until
  the end of the current one. A trainer in their first CPD year (the year containing
  `cpd_year_start`, or before it) has nothing due.
- CPD_AREA_HOURS counts activities dated in (on - months, on]; an activity tagged with several
  areas counts its full hours for each (as qualifications.scoring does).
- Area-independent requirements (everything but the qualifications that cover the area or
  accept a mentor, CPD hours, sessions and scope covering the area) are evaluated once per
  trainer and shared by every area.
"""

import calendar
import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta

from mentorship.progress import AreaProgress, Requirements, supervised_progress
from programme.pathway.facts import (
    Area,
    AssignmentFact,
    CPDFact,
    MeetingFact,
    QualificationFact,
    TrainerFacts,
)
from programme.pathway.results import (
    AreaPathway,
    Evidence,
    EvidenceKind,
    Outcome,
    PathwayResult,
    RequirementResult,
    StageResult,
)
from programme.pathway.rules import Definition, Kind, Requirement, RuleSet
from qualifications.scoring import CPDYear, Rules, cpd_year_containing, fmt_number
from rehabpath.formats import day_label

__all__ = ["evaluate", "last_counting_day", "month_end"]

VERIFIED = "verified"
PENDING = "pending"
REJECTED = "rejected"
ZERO = Decimal("0")
MAX_NEXT_STEPS = 5

# How a qualification kind reads in a sentence ("Upload your first aid certificate").
KIND_WORDS = {
    "personal_training": "Personal Training qualification",
    "exercise_referral": "Exercise Referral qualification",
    "long_term_conditions": "Long-Term Conditions qualification",
    "neuro_specialist": "neuro specialist qualification",
    "first_aid": "first aid certificate",
    "cpd_course": "CPD course certificate",
}


# --- Dates and numbers in words (cached: a roster writes the same few thousand) -------------

# The project writes one language; day_label's own cache asks for the active one every call.
_day = lru_cache(maxsize=8192)(day_label)
_num = lru_cache(maxsize=4096)(fmt_number)


def _amount(value: Decimal, unit: str) -> str:
    """ "1 hour", "1.5 hours", "10 points"."""
    return f"{_num(value)} {unit}" if value == 1 else f"{_num(value)} {unit}s"


def _more_hours(value: Decimal) -> str:
    """ "1 more hour", "1.5 more hours"."""
    return f"{_num(value)} more hour" + ("" if value == 1 else "s")


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def month_end(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


@lru_cache(maxsize=8192)
def months_before(day: dt.date, months: int) -> dt.date:
    return day - relativedelta(months=months)


@lru_cache(maxsize=8192)
def last_counting_day(activity_date: dt.date, months: int) -> dt.date:
    """The last day D on which an activity dated `activity_date` lies in (D - months, D].

    relativedelta's month arithmetic is not invertible at month ends (31 March - 1 month is
    28 February), so the first guess is corrected a day at a time: exact, in two steps at most.
    """
    span = relativedelta(months=months)
    day = activity_date + span - dt.timedelta(days=1)
    while day - span >= activity_date:
        day -= dt.timedelta(days=1)
    while (day + dt.timedelta(days=1)) - span < activity_date:
        day += dt.timedelta(days=1)
    return day


def _longest(expiry: dt.date | None) -> dt.date:
    return dt.date.max if expiry is None else expiry


# Results that depend on nothing of the trainer's (nothing on record for it) are the same for
# every trainer without it: made once per rules definition and shared (they are immutable).
# Most of a roster's area-by-area answers are of this kind. Keyed by requirement key and area
# id: cheap to hash, unlike the frozen dataclasses themselves.
type Memo = dict[tuple[object, ...], Any]
_MEMOS: dict[int, tuple[Definition, Memo]] = {}


def _memo_for(definition: Definition) -> Memo:
    found = _MEMOS.get(id(definition))
    if found is None or found[0] is not definition:
        if len(_MEMOS) > 16:  # each request reads its own copy of the rules
            _MEMOS.clear()
        found = _MEMOS[id(definition)] = (definition, {})
    return found[1]


def _memo[T](memo: Memo, key: tuple[object, ...], make: Callable[..., T], *args: Any) -> T:
    found = memo.get(key)
    if found is None:
        found = memo[key] = make(*args)
    return found


# --- Building results ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    facts: TrainerFacts
    definition: Definition
    on: dt.date
    cpd_rules: Rules
    expiring_by: dt.date  # a holds_until on or before this day reads "expiring"
    cpd_by_area: dict[int, list[CPDFact]]  # activities dated by the day, by area tagged
    cpd_evidence: dict[int, Evidence]  # by id() of the activity, filled as areas ask
    # QUALIFICATION requirement key -> the trainer's records of its kinds (area aside)
    records: dict[str, list[tuple[QualificationFact, str]]]
    memo: Memo  # shared by every trainer evaluated under the same definition


def _met(
    ctx: _Context,
    requirement: Requirement,
    *,
    explanation: str,
    reason: str,
    evidence: tuple[Evidence, ...],
    holds_until: dt.date | None,
    renew: str = "",
    outcome: Outcome | None = None,
) -> RequirementResult:
    """A met requirement; "expiring" (with `renew` as the next step) when it lapses soon."""
    if outcome is None:
        expiring = holds_until is not None and holds_until <= ctx.expiring_by
        outcome = Outcome.EXPIRING if expiring else Outcome.MET
    return RequirementResult(
        requirement=requirement,
        outcome=outcome,
        explanation=explanation,
        next_step=renew if outcome == Outcome.EXPIRING else "",
        evidence=evidence,
        holds_until=holds_until,
        reason=reason,
    )


def _unmet(
    requirement: Requirement,
    *,
    explanation: str,
    next_step: str,
    reason: str,
    evidence: tuple[Evidence, ...] = (),
) -> RequirementResult:
    return RequirementResult(
        requirement=requirement,
        outcome=Outcome.UNMET,
        explanation=explanation,
        next_step=next_step,
        evidence=evidence,
        holds_until=None,
        reason=reason,
    )


@dataclass(frozen=True)
class _Record:
    """A qualification, insurance policy or DBS check, as the record rules read it."""

    public_id: uuid.UUID
    label: str
    status: str
    starts_on: dt.date
    expires_on: dt.date | None
    kind: EvidenceKind
    fits: bool = True  # of the level / area / DBS level asked for
    misfit: str = ""  # why not, when it does not fit ("is level 2", "does not cover Stroke")


def _evidence_of(record: _Record, start_word: str) -> Evidence:
    if record.expires_on is None:
        text = f"{start_word} {_day(record.starts_on)}, does not expire"
    else:
        text = f"expires {_day(record.expires_on)}"
    return Evidence(
        kind=record.kind,
        label=record.label,
        public_id=record.public_id,
        date=record.expires_on or record.starts_on,
        date_label=text,
    )


def _records_result(
    ctx: _Context,
    requirement: Requirement,
    records: Iterable[_Record],
    *,
    noun: str,
    start_word: str,
    stand_in: RequirementResult | None = None,
    missing_step: str = "",
) -> RequirementResult:
    """The record rules shared by qualifications, insurance and DBS.

    `noun` names what is asked for ("first aid certificate"); `stand_in` is what may take its
    place (a mentor assignment), already evaluated; it wins when it lasts longer.
    """
    on = ctx.on
    records = list(records)
    counting = [
        r
        for r in records
        if r.fits
        and r.status == VERIFIED
        and r.starts_on <= on
        and (r.expires_on is None or r.expires_on >= on)
    ]
    if counting:
        best = max(counting, key=lambda r: (_longest(r.expires_on), r.starts_on))
        if stand_in is None or _longest(best.expires_on) >= _longest(stand_in.holds_until):
            if best.expires_on is None:
                until = ", with no expiry"
            else:
                until = f" until {_day(best.expires_on)}"
            return _met(
                ctx,
                requirement,
                explanation=f"Your {best.label} is verified and current{until}.",
                reason=f"Verified {best.label}, current{until}",
                evidence=(_evidence_of(best, start_word),),
                holds_until=best.expires_on,
                renew=(
                    f"Upload your renewed {noun} before {_day(best.expires_on)}."
                    if best.expires_on is not None and best.expires_on <= ctx.expiring_by
                    else ""
                ),
            )
    if stand_in is not None:
        return stand_in
    return _why_not(
        requirement, records, noun=noun, on=on, missing_step=missing_step, memo=ctx.memo
    )


def _why_not(
    requirement: Requirement,
    records: list[_Record],
    *,
    noun: str,
    on: dt.date,
    missing_step: str,
    memo: Memo,
) -> RequirementResult:
    """Unmet: say what is on record and why it does not count (the most hopeful case first)."""
    fitting = [r for r in records if r.fits]

    def lapsed(r: _Record) -> bool:
        return r.expires_on is not None and r.expires_on < on

    pending = [r for r in fitting if r.status == PENDING and not lapsed(r)]
    if pending:
        r = pending[0]
        return _unmet(
            requirement,
            explanation=f"Your {r.label} is waiting for verification by programme staff.",
            next_step=f"Wait for programme staff to verify your {r.label}: nothing else to do.",
            reason=f"{r.label} waiting for verification",
        )
    future = [r for r in fitting if r.status == VERIFIED and r.starts_on > on and not lapsed(r)]
    if future:
        r = min(future, key=lambda r: r.starts_on)
        return _unmet(
            requirement,
            explanation=f"Your {r.label} only starts on {_day(r.starts_on)}.",
            next_step=f"Upload {_a(noun)} that covers {_day(on)}.",
            reason=f"{r.label} not in force until {_day(r.starts_on)}",
        )
    expired = [r for r in fitting if r.status != REJECTED and lapsed(r)]
    if expired:
        r = max(expired, key=lambda r: _longest(r.expires_on))
        assert r.expires_on is not None  # noqa: S101 - lapsed() says so
        return _unmet(
            requirement,
            explanation=f"Your {r.label} expired on {_day(r.expires_on)}.",
            next_step=f"Upload your renewed {noun}.",
            reason=f"{r.label} expired on {_day(r.expires_on)}",
        )
    rejected = [r for r in fitting if r.status == REJECTED]
    if rejected:
        r = rejected[0]
        return _unmet(
            requirement,
            explanation=f"Your {r.label} was rejected by programme staff.",
            next_step=f"Read why on the record, and upload a corrected {noun}.",
            reason=f"{r.label} rejected at verification",
        )
    misfits = [r for r in records if not r.fits]
    if misfits:
        r = misfits[0]
        return _unmet(
            requirement,
            explanation=f"Your {r.label} {r.misfit}: {_a(noun)} is needed.",
            next_step=missing_step or f"Upload your {noun}.",
            reason=f"No verified {noun}",
        )
    return _memo(
        memo,
        ("none", requirement.key, noun, missing_step),
        _none_on_record,
        requirement,
        noun,
        missing_step,
    )


def _none_on_record(requirement: Requirement, noun: str, missing_step: str) -> RequirementResult:
    return _unmet(
        requirement,
        explanation=f"There is no {noun} on your record.",
        next_step=missing_step or f"Upload your {noun}.",
        reason=f"No verified {noun}",
    )


# --- Qualifications ------------------------------------------------------------------------


def _qualification_noun(requirement: Requirement, area: Area | None) -> str:
    words = [KIND_WORDS.get(k, k.replace("_", " ")) for k in requirement.kinds]
    if len(words) > 1:
        # "Exercise Referral qualification or Long-Term Conditions qualification" reads badly.
        heads = [w.removesuffix(" qualification") for w in words]
        noun = f"{' or '.join(heads)} qualification"
    else:
        noun = words[0] if words else "qualification"
    if requirement.min_level:
        noun = f"Level {requirement.min_level} {noun}"
    if requirement.covers_area and area is not None:
        noun = f"{noun} covering {area.name}"
    return noun


def _level_misfit(requirement: Requirement, q: QualificationFact) -> str:
    if requirement.min_level and (q.level is None or q.level < requirement.min_level):
        return f"is not at level {requirement.min_level}"
    return ""


def _qualification(ctx: _Context, requirement: Requirement, area: Area | None) -> RequirementResult:
    noun = _memo(
        ctx.memo,
        ("noun", requirement.key, area.id if area else None),
        _qualification_noun,
        requirement,
        area,
    )
    of_kind = ctx.records.get(requirement.key)
    if of_kind is None:
        of_kind = ctx.records[requirement.key] = [
            (q, _level_misfit(requirement, q))
            for q in ctx.facts.qualifications
            if q.kind in requirement.kinds
        ]
    records = []
    for q, misfit in of_kind:
        if not misfit and requirement.covers_area and area is not None:
            if area.id not in q.area_ids:
                misfit = f"does not cover {area.name}"
        records.append(
            _Record(
                public_id=q.public_id,
                label=q.name,
                status=q.status,
                starts_on=q.awarded_on,
                expires_on=q.expires_on,
                kind=EvidenceKind.QUALIFICATION,
                fits=not misfit,
                misfit=misfit,
            )
        )
    stand_in = None
    missing_step = ""
    if requirement.or_mentor_assignment and area is not None:
        stand_in = _assignment_stand_in(ctx, requirement, area)
        missing_step = f"Upload your {noun}, or ask programme staff for a mentor for {area.name}."
    if not records and stand_in is None:
        return _memo(
            ctx.memo,
            ("none", requirement.key, noun, missing_step),
            _none_on_record,
            requirement,
            noun,
            missing_step,
        )
    return _records_result(
        ctx,
        requirement,
        records,
        noun=noun,
        start_word="awarded",
        stand_in=stand_in,
        missing_step=missing_step,
    )


def assignment_for(facts: TrainerFacts, area: Area | None, on: dt.date) -> AssignmentFact | None:
    """The current assignment covering `area` that lasts longest (eligibility uses it too)."""
    found = [
        a
        for a in facts.assignments
        if a.starts_on <= on
        and (a.ends_on is None or a.ends_on >= on)
        and (area is None or not a.focus_area_ids or area.id in a.focus_area_ids)
    ]
    return max(found, key=lambda a: _longest(a.ends_on)) if found else None


def _assignment_evidence(a: AssignmentFact) -> Evidence:
    return Evidence(
        kind=EvidenceKind.ASSIGNMENT,
        label=f"Mentor assignment with {a.mentor_name}",
        public_id=a.public_id,
        date=a.ends_on or a.starts_on,
        date_label=(f"ends {_day(a.ends_on)}" if a.ends_on else f"since {_day(a.starts_on)}"),
    )


def _assignment_stand_in(
    ctx: _Context, requirement: Requirement, area: Area
) -> RequirementResult | None:
    a = assignment_for(ctx.facts, area, ctx.on)
    if a is None:
        return None
    until = f" until {_day(a.ends_on)}" if a.ends_on else ""
    return _met(
        ctx,
        requirement,
        explanation=f"Enrolled with your mentor {a.mentor_name} for {area.name}{until}.",
        reason=f"Enrolled with mentor {a.mentor_name} for {area.name}{until}",
        evidence=(_assignment_evidence(a),),
        holds_until=a.ends_on,
        renew=(
            f"Your mentor assignment ends on {_day(a.ends_on)}: ask programme staff to "
            f"extend it, or upload a neuro specialist qualification covering {area.name}."
        ),
    )


# --- Compliance records --------------------------------------------------------------------


def _insurance(ctx: _Context, requirement: Requirement) -> RequirementResult:
    records = [
        _Record(r.public_id, r.label, r.status, r.starts_on, r.expires_on, EvidenceKind.INSURANCE)
        for r in ctx.facts.insurances
    ]
    return _records_result(
        ctx, requirement, records, noun="insurance certificate", start_word="from"
    )


def _dbs(ctx: _Context, requirement: Requirement) -> RequirementResult:
    levels = requirement.dbs_levels
    wanted = " or ".join(levels) if levels else ""
    records = [
        _Record(
            r.public_id,
            r.label,
            r.status,
            r.starts_on,
            r.expires_on,
            EvidenceKind.DBS,
            fits=not levels or r.level in levels,
            misfit=f"is not {wanted}" if levels and r.level not in levels else "",
        )
        for r in ctx.facts.dbs_checks
    ]
    noun = f"{wanted} DBS certificate" if wanted else "DBS certificate"
    result = _records_result(ctx, requirement, records, noun=noun, start_word="issued")
    if result.met and result.holds_until is None:
        # On the Update Service with consent to status checks: no recheck date.
        return RequirementResult(
            requirement=result.requirement,
            outcome=result.outcome,
            explanation=result.explanation.replace("with no expiry", "on the DBS Update Service"),
            reason=result.reason.replace("with no expiry", "on the DBS Update Service"),
            evidence=result.evidence,
            holds_until=None,
        )
    return result


# --- CPD -----------------------------------------------------------------------------------


def _year_points(
    facts: TrainerFacts, year: CPDYear, on: dt.date, rules: Rules
) -> tuple[Decimal, Decimal]:
    """(points, endorsed points) of the activities in `year` dated by `on`."""
    endorsed = other = ZERO
    if facts.cpd_years is not None:
        for total in facts.cpd_years:
            if total.start == year.start:
                endorsed, other = total.endorsed_hours, total.other_hours
    else:
        for a in facts.cpd:
            if year.start <= a.date <= year.end and a.date <= on:
                if a.endorsed:
                    endorsed += a.hours
                else:
                    other += a.hours
    endorsed_points = rules.points_for(endorsed, True)
    return endorsed_points + rules.points_for(other, False), endorsed_points


def _cpd_current(ctx: _Context, requirement: Requirement) -> RequirementResult:
    facts, on, rules = ctx.facts, ctx.on, ctx.cpd_rules
    anchor = facts.cpd_year_start
    current = cpd_year_containing(anchor, on)
    following_end = current.following(anchor).end
    points, endorsed = _year_points(facts, current, on, rules)
    current_met = points >= rules.points_target and endorsed >= rules.endorsed_points_min
    target = f"{_num(rules.points_target)} points ({_num(rules.endorsed_points_min)} endorsed)"
    so_far = f"{_amount(points, 'point')} so far, {_num(endorsed)} endorsed"
    holds_until = following_end if current_met else current.end
    renew = f"Reach {target} by {_day(current.end)}: you have {so_far}."
    first_year = cpd_year_containing(anchor, anchor)
    if current.start <= first_year.start:
        return _met(
            ctx,
            requirement,
            explanation=(
                f"Your first CPD year ({current.label}) has not ended: nothing is due yet "
                f"({so_far})."
            ),
            reason="First CPD year, not yet due",
            evidence=(),
            holds_until=holds_until,
            renew=renew,
        )
    last = cpd_year_containing(anchor, current.start - dt.timedelta(days=1))
    last_points, last_endorsed = _year_points(facts, last, on, rules)
    evidence = (
        Evidence(
            kind=EvidenceKind.CPD,
            label=f"CPD year {last.label}",
            date=last.end,
            date_label=f"{_amount(last_points, 'point')}, {_num(last_endorsed)} endorsed",
        ),
    )
    if last_points >= rules.points_target and last_endorsed >= rules.endorsed_points_min:
        return _met(
            ctx,
            requirement,
            explanation=(
                f"Your last CPD year ({last.label}) met the target: "
                f"{_amount(last_points, 'point')}, {_num(last_endorsed)} endorsed. "
                f"This year: {so_far}."
            ),
            reason=f"CPD target met in the CPD year {last.label}",
            evidence=evidence,
            holds_until=holds_until,
            renew=renew,
        )
    return _unmet(
        requirement,
        explanation=(
            f"Your last CPD year ({last.label}) ended with {_amount(last_points, 'point')}, "
            f"{_num(last_endorsed)} endorsed; the target is {target}."
        ),
        next_step=(f"Reach {target} in this CPD year, by {_day(current.end)}: you have {so_far}."),
        reason=f"CPD target not met in the CPD year {last.label}",
        evidence=evidence,
    )


def _cpd_area_hours(ctx: _Context, requirement: Requirement, area: Area) -> RequirementResult:
    on, months, target = ctx.on, requirement.months, requirement.hours
    start = months_before(on, months)  # exclusive
    counted = [a for a in ctx.cpd_by_area.get(area.id, ()) if start < a.date]
    if not counted and target > 0:
        return _memo(
            ctx.memo, ("hours", requirement.key, area.id), _no_cpd_hours, requirement, area
        )
    return _cpd_hours_result(ctx, requirement, area, counted)


def _by_date(activity: CPDFact) -> dt.date:
    return activity.date


def _cpd_evidence(ctx: _Context | None, activity: CPDFact) -> Evidence:
    """One Evidence per activity, shared by every area it is tagged with."""
    cache = ctx.cpd_evidence if ctx is not None else {}
    found = cache.get(id(activity))  # the facts hold the activity: its id is its own
    if found is None:
        found = cache[id(activity)] = Evidence(
            kind=EvidenceKind.CPD,
            label=f"{_amount(activity.hours, 'hour')} of CPD",
            public_id=activity.public_id,
            date=activity.date,
            date_label=_day(activity.date),
        )
    return found


def _no_cpd_hours(requirement: Requirement, area: Area) -> RequirementResult:
    return _cpd_hours_result(None, requirement, area, [])


def _cpd_hours_result(
    ctx: _Context | None, requirement: Requirement, area: Area, counted: list[CPDFact]
) -> RequirementResult:
    months, target = requirement.months, requirement.hours
    total = sum((a.hours for a in counted), ZERO)
    window = f"the last {months} months" if months != 1 else "the last month"
    newest_first = sorted(counted, key=_by_date, reverse=True)
    evidence = tuple(_cpd_evidence(ctx, a) for a in newest_first)
    have = f"{_num(total)} of {_num(target)} hours"
    if total < target:
        return _unmet(
            requirement,
            explanation=f"You have {have} of CPD about {area.name} in {window}.",
            next_step=f"Log {_more_hours(target - total)} of CPD about {area.name}.",
            reason=f"{have} of CPD about {area.name} in {window}",
            evidence=evidence,
        )
    # The window loses activities as they age: it holds until the day before the sum would
    # fall under the target (with nothing new logged).
    # An activity's last day in the window grows with its date: newest first, the running sum
    # reaches the target at the activity whose ageing out ends it.
    holds_until: dt.date | None = None
    running = ZERO
    for a in newest_first:
        running += a.hours
        if running >= target:
            holds_until = last_counting_day(a.date, months)
            break
    if target <= 0:
        holds_until = None
    assert ctx is not None  # noqa: S101 - only the unmet answer is shared without one
    renew = ""
    if holds_until is not None and holds_until <= ctx.expiring_by:  # only read when expiring
        left = sum(
            (a.hours for a in newest_first if last_counting_day(a.date, months) > holds_until),
            ZERO,
        )
        renew = f"Log {_more_hours(target - left)} of CPD about {area.name} by {_day(holds_until)}."
    return _met(
        ctx,
        requirement,
        explanation=f"You have {have} of CPD about {area.name} in {window}.",
        reason=f"{_amount(total, 'hour')} of CPD about {area.name} in {window}",
        evidence=evidence,
        holds_until=holds_until,
        renew=renew,
    )


# --- Supervised practice -------------------------------------------------------------------


def _no_sessions(requirement: Requirement, area: Area) -> RequirementResult:
    (progress,) = supervised_progress([area], (), Requirements(requirement.per_level))
    return _sessions(requirement, progress)


def _sessions(requirement: Requirement, progress: AreaProgress) -> RequirementResult:
    area = progress.area
    details = " ".join(level.explanation for level in progress.levels)
    evidence = (
        Evidence(
            kind=EvidenceKind.SESSIONS,
            label=f"{progress.signed_off} supervised sessions signed off in {area.name}",
        ),
    )
    if progress.met:
        # Signed-off sessions never lapse: met with no end (no context needed).
        return RequirementResult(
            requirement=requirement,
            outcome=Outcome.MET,
            explanation=f"Every level is signed off in {area.name}. {details}",
            reason=f"Supervised sessions in {area.name} signed off at every level",
            evidence=evidence,
        )
    missing = [f"{lv.remaining} at level {lv.level}" for lv in progress.levels if not lv.met]
    listed = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
    steps = [f"Log supervised sessions in {area.name} for sign-off: {listed} still needed."]
    if progress.returned:
        steps.append(f"Correct and resubmit the {progress.returned} returned to you.")
    if progress.waiting:
        steps.append(f"{progress.waiting} are waiting for your mentor's sign-off.")
    return _unmet(
        requirement,
        explanation=details,
        next_step=" ".join(steps),
        reason=f"Supervised sessions in {area.name}: {listed} still to be signed off",
        evidence=evidence,
    )


@lru_cache(maxsize=1024)
def _month_starts_back(on: dt.date, months: int) -> tuple[dt.date, ...]:
    """The first days of the `months` calendar months before the one containing `on`."""
    first = on.replace(day=1)
    return tuple(first - relativedelta(months=n) for n in range(months, 0, -1))


def _meetings(ctx: _Context, requirement: Requirement) -> RequirementResult:
    """Monthly supervision under the current assignment (area-independent)."""
    on = ctx.on
    a = assignment_for(ctx.facts, None, on)
    if a is None:
        return _unmet(
            requirement,
            explanation=(
                "You have no current mentor: supervision meetings are counted while you work "
                "under one."
            ),
            next_step="Ask programme staff to assign you a mentor.",
            reason="No current mentor for supervision",
        )
    per_month = requirement.per_month
    by_month: dict[dt.date, list[MeetingFact]] = {}
    for m in ctx.facts.meetings:
        if m.date <= on:
            by_month.setdefault(m.date.replace(day=1), []).append(m)
    asked = [start for start in _month_starts_back(on, requirement.months) if a.starts_on <= start]
    missed = [start for start in asked if len(by_month.get(start, ())) < per_month]
    this_month = on.replace(day=1)
    held_now = by_month.get(this_month, [])
    shown = sorted(
        (m for start in [*asked, this_month] for m in by_month.get(start, [])),
        key=lambda m: m.date,
        reverse=True,
    )
    evidence = tuple(
        Evidence(
            kind=EvidenceKind.MEETING,
            label="Supervision meeting",
            public_id=m.public_id,
            date=m.date,
            date_label=_day(m.date),
        )
        for m in shown
    )
    needed = (
        "a confirmed supervision meeting"
        if per_month == 1
        else (f"{per_month} confirmed supervision meetings")
    )
    if missed:
        names = ", ".join(f"{d:%B %Y}" for d in missed)
        clears = month_end(missed[-1] + relativedelta(months=requirement.months))
        return _unmet(
            requirement,
            explanation=f"No {needed.removeprefix('a ')} in {names}.",
            next_step=(
                f"Record the meetings you held with {a.mentor_name} in {names} and ask them to "
                f"confirm; a missed month stops counting against you after "
                f"{_day(clears)}. Keep meeting every month."
            ),
            reason=f"Supervision meetings missed in {names}",
            evidence=evidence,
        )
    end = a.ends_on
    if len(held_now) >= per_month:
        until = month_end(this_month + relativedelta(months=1))
        holds = min(until, end) if end else until
        return _met(
            ctx,
            requirement,
            explanation=f"You have {needed} every month with {a.mentor_name}, this one included.",
            reason=f"Supervision meetings monthly with mentor {a.mentor_name}",
            evidence=evidence,
            holds_until=holds,
            outcome=Outcome.MET,
        )
    until = month_end(on)
    holds = min(until, end) if end else until
    return _met(
        ctx,
        requirement,
        explanation=(
            f"You have had {needed} every month so far; this month's is still to be held."
        ),
        reason=f"Supervision meetings monthly with mentor {a.mentor_name}",
        evidence=evidence,
        holds_until=holds,
        renew=(f"Hold {needed} with {a.mentor_name} by {_day(until)} and ask them to confirm it."),
        outcome=Outcome.EXPIRING,
    )


def _meetings_done(requirement: Requirement, area: Area) -> RequirementResult:
    return RequirementResult(
        requirement=requirement,
        outcome=Outcome.MET,
        explanation=(
            f"Your supervised practice in {area.name} is complete: monthly supervision "
            "meetings are no longer asked for."
        ),
        reason=f"Supervised practice in {area.name} complete",
    )


# --- Scope of practice ---------------------------------------------------------------------


def _scope(ctx: _Context, requirement: Requirement, area: Area | None) -> RequirementResult:
    on = ctx.on
    holding = [d for d in ctx.facts.declarations if d.signed_on <= on <= d.valid_until]
    if not holding:
        return _memo(
            ctx.memo,
            ("scope", requirement.key, area.id if area else None),
            _no_scope,
            requirement,
            area,
        )
    covering = [
        d for d in holding if not requirement.covers_area or area is None or area.id in d.area_ids
    ]
    for_area = f" covering {area.name}" if requirement.covers_area and area else ""
    if covering:
        best = max(covering, key=lambda d: (d.valid_until, d.signed_on))
        until = _day(best.valid_until)
        return _met(
            ctx,
            requirement,
            explanation=(
                f"Your scope of practice declaration (version {best.statement_version}, signed "
                f"{_day(best.signed_on)}){for_area} holds until {until}."
            ),
            reason=f"Scope of practice declaration{for_area} holds until {until}",
            evidence=(
                Evidence(
                    kind=EvidenceKind.SCOPE,
                    label=f"Scope of practice declaration, version {best.statement_version}",
                    public_id=best.public_id,
                    date=best.valid_until,
                    date_label=f"holds until {until}",
                ),
            ),
            holds_until=best.valid_until,
            renew=f"Sign the scope of practice statement again before {until}.",
        )
    if holding and area is not None:
        return _unmet(
            requirement,
            explanation=f"Your scope of practice declaration does not include {area.name}.",
            next_step=(
                f"Sign the scope of practice statement again, including {area.name}, if it is "
                "within your practice."
            ),
            reason=f"Scope of practice declaration does not include {area.name}",
        )
    return _no_scope(requirement, area)  # pragma: no cover - holding and no area: covering


def _no_scope(requirement: Requirement, area: Area | None) -> RequirementResult:
    including = f", including {area.name}" if requirement.covers_area and area else ""
    return _unmet(
        requirement,
        explanation="You have no current scope of practice declaration.",
        next_step=f"Read and sign the scope of practice statement{including}.",
        reason="No current scope of practice declaration",
    )


# --- The evaluation ------------------------------------------------------------------------


def _area_dependent(requirement: Requirement) -> bool:
    if requirement.kind == Kind.QUALIFICATION:
        return requirement.covers_area or requirement.or_mentor_assignment
    if requirement.kind == Kind.SCOPE_DECLARATION:
        return requirement.covers_area
    return requirement.kind in (Kind.CPD_AREA_HOURS, Kind.SUPERVISED_SESSIONS)


def _once(ctx: _Context, requirement: Requirement) -> RequirementResult:
    """An area-independent requirement."""
    kind = requirement.kind
    if kind == Kind.QUALIFICATION:
        return _qualification(ctx, requirement, None)
    if kind == Kind.SCOPE_DECLARATION:
        return _scope(ctx, requirement, None)
    if kind == Kind.INSURANCE:
        return _insurance(ctx, requirement)
    if kind == Kind.DBS:
        return _dbs(ctx, requirement)
    if kind == Kind.CPD_CURRENT:
        return _cpd_current(ctx, requirement)
    if kind == Kind.SUPERVISION_MEETINGS:
        return _meetings(ctx, requirement)
    raise ValueError(f"{kind} depends on the area")  # pragma: no cover - _area_dependent


def evaluate(
    facts: TrainerFacts,
    rules: RuleSet,
    areas: Sequence[Area],
    *,
    on: dt.date,
    cpd_rules: Rules,
) -> PathwayResult:
    """The trainer's pathway in every area given (in that order) on the day `on`."""
    definition = rules.definition
    cpd_by_area: dict[int, list[CPDFact]] = {}
    for activity in facts.cpd:
        if activity.date <= on:
            for area_id in activity.area_ids:
                cpd_by_area.setdefault(area_id, []).append(activity)
    ctx = _Context(
        facts=facts,
        definition=definition,
        on=on,
        cpd_rules=cpd_rules,
        expiring_by=on + dt.timedelta(days=definition.expiring_within_days),
        cpd_by_area=cpd_by_area,
        cpd_evidence={},
        records={},
        memo=_memo_for(definition),
    )
    shared = {r.key: _once(ctx, r) for r in definition.all_requirements() if not _area_dependent(r)}
    sessions_rules = [
        r for r in definition.all_requirements() if r.kind == Kind.SUPERVISED_SESSIONS
    ]
    # Progress only where there are sessions: an area without any shares one answer with every
    # trainer without any (`_no_sessions`).
    session_areas = {c.area_id for c in facts.sessions}
    with_sessions = [a for a in areas if a.id in session_areas]
    progress = {
        r.key: {
            p.area.id: p
            for p in supervised_progress(with_sessions, facts.sessions, Requirements(r.per_level))
        }
        for r in sessions_rules
    }
    session_results: dict[tuple[str, int], RequirementResult] = {}

    def sessions_result(requirement: Requirement, area: Area) -> RequirementResult:
        key = (requirement.key, area.id)
        if key not in session_results:
            found = progress[requirement.key].get(area.id)
            session_results[key] = (
                _sessions(requirement, found)
                if found is not None
                else _memo(
                    ctx.memo,
                    ("sessions", requirement.key, area.id),
                    _no_sessions,
                    requirement,
                    area,
                )
            )
        return session_results[key]

    def practice_done(area: Area) -> bool:
        """Supervised practice is over for an area once every sessions requirement is met."""
        return bool(sessions_rules) and all(sessions_result(r, area).met for r in sessions_rules)

    evaluators: dict[Kind, Callable[[Requirement, Area], RequirementResult]] = {
        Kind.QUALIFICATION: lambda r, area: _qualification(ctx, r, area),
        Kind.SCOPE_DECLARATION: lambda r, area: _scope(ctx, r, area),
        Kind.CPD_AREA_HOURS: lambda r, area: _cpd_area_hours(ctx, r, area),
        Kind.SUPERVISED_SESSIONS: sessions_result,
    }

    def result(requirement: Requirement, area: Area) -> RequirementResult:
        if requirement.kind == Kind.SUPERVISION_MEETINGS and practice_done(area):
            return _memo(
                ctx.memo, ("done", requirement.key, area.id), _meetings_done, requirement, area
            )
        if requirement.key in shared:
            return shared[requirement.key]
        return evaluators[requirement.kind](requirement, area)

    compliance = tuple([shared[r.key] for r in definition.compliance if r.key in shared])
    area_compliance = len(compliance) != len(definition.compliance)
    # A stage asking only area-independent questions has one result for every area.
    shared_stages = {
        stage.key: StageResult(
            stage=stage,
            index=index,
            requirements=tuple([shared[r.key] for r in stage.requirements]),
        )
        for index, stage in enumerate(definition.stages, start=1)
        if all(r.key in shared and r.kind != Kind.SUPERVISION_MEETINGS for r in stage.requirements)
    }
    pathways = []
    for area in areas:
        stages = tuple(
            [
                shared_stages.get(stage.key)
                or StageResult(
                    stage=stage,
                    index=index,
                    requirements=tuple([result(r, area) for r in stage.requirements]),
                )
                for index, stage in enumerate(definition.stages, start=1)
            ]
        )
        pathways.append(
            _area_pathway(
                area,
                stages,
                tuple([result(r, area) for r in definition.compliance])
                if area_compliance
                else compliance,
            )
        )
    return PathwayResult(
        trainer_id=facts.trainer_id,
        on=on,
        rules_version=rules.version,
        areas=tuple(pathways),
        suspended=facts.suspended,
    )


def _area_pathway(
    area: Area, stages: tuple[StageResult, ...], compliance: tuple[RequirementResult, ...]
) -> AreaPathway:
    reached = 0
    for stage in stages:
        if not stage.complete:
            break
        reached = stage.index
    holds = [
        r.holds_until for s in stages[:reached] for r in s.requirements if r.holds_until is not None
    ]
    steps: list[str] = []
    if reached < len(stages):
        steps += [r.next_step for r in stages[reached].requirements if not r.met and r.next_step]
    steps += [r.next_step for r in compliance if not r.met and r.next_step]
    expiring = [
        r
        for r in (*[q for s in stages for q in s.requirements], *compliance)
        if r.outcome == Outcome.EXPIRING and r.next_step
    ]
    expiring.sort(key=lambda r: _longest(r.holds_until))
    steps += [r.next_step for r in expiring]
    unique = list(dict.fromkeys(steps))[:MAX_NEXT_STEPS]
    return AreaPathway(
        area=area,
        stages=stages,
        compliance=compliance,
        reached=reached,
        next_steps=tuple(unique),
        holds_until=min(holds) if holds else None,
    )
