"""Reads for the CPD log: lists with their related rows, and the scored CPD year.

Every function runs a fixed number of queries whatever the number of activities.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Min, Prefetch, QuerySet
from django.utils import timezone

from qualifications.models import ConditionArea, CPDActivity, CPDGapExplanation, CPDPolicy
from qualifications.scoring import (
    Area,
    CPDSummary,
    CPDYear,
    Entry,
    ExplainedGap,
    Gap,
    GapNote,
    Rules,
    cpd_year_containing,
    cpd_years_between,
    explain_gaps,
    score_cpd_year,
)
from trainers.models import EvidenceFile, TrainerProfile
from trainers.rules import EARLIEST_RECORD_DATE


def active_rules() -> Rules:
    """The active CPD policy's terms (one query); the defaults when none is active."""
    return Rules.from_policy(CPDPolicy.objects.filter(is_active=True).first())


def cpd_activities(profile: TrainerProfile) -> QuerySet[CPDActivity]:
    """A trainer's activities, newest first, with condition areas and evidence (3 queries)."""
    return CPDActivity.objects.filter(trainer=profile).prefetch_related(
        Prefetch("condition_areas", queryset=ConditionArea.objects.order_by("position", "name")),
        Prefetch("evidence", queryset=EvidenceFile.objects.order_by("uploaded_at", "id")),
    )


def cpd_log(profile: TrainerProfile) -> QuerySet[CPDActivity]:
    """The CPD log's rows, newest first, with `area_list` and `evidence_list` (3 queries).

    Plain lists (`to_attr`): a prefetch into the related managers builds a queryset for every
    row, and every `.all` in the template another manager; on a page of 25 that is most of
    the page's own work.
    """
    return CPDActivity.objects.filter(trainer=profile).prefetch_related(
        Prefetch(
            "condition_areas",
            queryset=ConditionArea.objects.order_by("position", "name"),
            to_attr="area_list",
        ),
        Prefetch(
            "evidence",
            queryset=EvidenceFile.objects.order_by("uploaded_at", "id"),
            to_attr="evidence_list",
        ),
    )


def entry_of(activity: CPDActivity) -> Entry:
    """Scoring's view of an activity; its condition areas must be prefetched."""
    return Entry(
        date=activity.date,
        hours=activity.hours,
        endorsed=activity.endorsed,
        area_slugs=frozenset(a.slug for a in activity.condition_areas.all()),
        title=activity.title,
    )


def current_cpd_year(profile: TrainerProfile, today: dt.date | None = None) -> CPDYear:
    return cpd_year_containing(profile.cpd_year_start, today or timezone.localdate())


def cpd_year_choices(profile: TrainerProfile, today: dt.date | None = None) -> list[CPDYear]:
    """The CPD years a trainer can look back on, newest first (one query)."""
    today = today or timezone.localdate()
    first = CPDActivity.objects.filter(trainer=profile).aggregate(first=Min("date"))["first"]
    earliest = min(d for d in (first, profile.cpd_year_start, today) if d is not None)
    # An activity saved before the earliest-date rule existed is not a year to look back on.
    earliest = max(earliest, EARLIEST_RECORD_DATE)
    return list(reversed(cpd_years_between(profile.cpd_year_start, earliest, today)))


def cpd_summary_for(
    profile: TrainerProfile, *, year_start: dt.date | None = None, today: dt.date | None = None
) -> CPDSummary:
    """The scored CPD year (default: the current one) of a trainer, in 4 queries."""
    today = today or timezone.localdate()
    year = cpd_year_containing(profile.cpd_year_start, year_start or today)
    # Plain values, not model instances with prefetched managers: the dashboard, the log and
    # the progress page all score the year, and only these five columns and the area slugs
    # are read.
    rows = list(
        CPDActivity.objects.filter(
            trainer=profile, date__gte=year.start, date__lte=year.end
        ).values_list("id", "date", "hours", "endorsed", "title")
    )
    slugs: dict[int, set[str]] = defaultdict(set)
    through = CPDActivity.condition_areas.through
    # Filtered like the activities (not by their ids): one query even for an empty year.
    for activity_id, slug in through.objects.filter(
        cpdactivity__trainer=profile,
        cpdactivity__date__gte=year.start,
        cpdactivity__date__lte=year.end,
    ).values_list("cpdactivity_id", "conditionarea__slug"):
        slugs[activity_id].add(slug)
    entries = [
        Entry(
            date=day,
            hours=hours,
            endorsed=endorsed,
            area_slugs=frozenset(slugs[pk]),
            title=title,
        )
        for pk, day, hours, endorsed, title in rows
    ]
    return score_cpd_year(
        rules=active_rules(),
        anchor=profile.cpd_year_start,
        entries=entries,
        areas=[Area(slug=a.slug, name=a.name) for a in ConditionArea.objects.all()],
        as_of=today,
        year_start=year.start,
    )


def cpd_year_of(profile: TrainerProfile, day: dt.date) -> CPDYear:
    """The CPD year an activity of `day` counts in (no query).

    A day before the earliest-date rule (saved before the rule existed) is shown in the first
    CPD year there is: year 1 has no CPD year before it, and the trainer's next edit must fix
    the date anyway.
    """
    day = max(day, EARLIEST_RECORD_DATE)
    return cpd_year_containing(profile.cpd_year_start, day)


def gap_explanations(profile: TrainerProfile, gaps: tuple[Gap, ...]) -> tuple[ExplainedGap, ...]:
    """The gaps with the trainer's explanations overlapping them (one query, none without
    gaps)."""
    if not gaps:
        return ()
    first, last = min(g.start for g in gaps), max(g.end for g in gaps)
    rows = CPDGapExplanation.objects.filter(trainer=profile, start__lte=last, end__gte=first)
    notes = [GapNote(start=r.start, end=r.end, text=r.text) for r in rows]
    return explain_gaps(gaps, notes)


def gap_explanation_for(
    profile: TrainerProfile, start: dt.date, end: dt.date
) -> CPDGapExplanation | None:
    """The stored explanation that a gap's form edits: the one overlapping it the most."""
    rows = CPDGapExplanation.objects.filter(trainer=profile, start__lte=end, end__gte=start)

    def overlap(row: CPDGapExplanation) -> int:
        return (min(row.end, end) - max(row.start, start)).days

    return max(rows, key=lambda r: (overlap(r), r.updated_at), default=None)


def reflection_candidates(
    profile: TrainerProfile,
    start: dt.date,
    end: dt.date,
    *,
    search: str = "",
    exclude: tuple[CPDActivity, ...] = (),
) -> QuerySet[CPDActivity]:
    """Activities of a period whose reflections can go into a portfolio, newest first."""
    activities = CPDActivity.objects.filter(trainer=profile, date__gte=start, date__lte=end)
    if search:
        activities = activities.filter(title__icontains=search)
    if exclude:
        activities = activities.exclude(pk__in=[a.pk for a in exclude])
    return activities.order_by("-date", "-id")
