"""Reads for the CPD log: lists with their related rows, and the scored CPD year.

Every function runs a fixed number of queries whatever the number of activities.
"""

import datetime as dt

from django.db.models import Min, Prefetch, QuerySet
from django.utils import timezone

from qualifications.models import ConditionArea, CPDActivity, CPDPolicy
from qualifications.scoring import (
    Area,
    CPDSummary,
    CPDYear,
    Entry,
    Rules,
    cpd_year_containing,
    cpd_years_between,
    score_cpd_year,
)
from trainers.models import EvidenceFile, TrainerProfile


def active_rules() -> Rules:
    """The active CPD policy's terms (one query); the defaults when none is active."""
    return Rules.from_policy(CPDPolicy.objects.filter(is_active=True).first())


def cpd_activities(profile: TrainerProfile) -> QuerySet[CPDActivity]:
    """A trainer's activities, newest first, with condition areas and evidence (3 queries)."""
    return CPDActivity.objects.filter(trainer=profile).prefetch_related(
        Prefetch("condition_areas", queryset=ConditionArea.objects.order_by("position", "name")),
        Prefetch("evidence", queryset=EvidenceFile.objects.order_by("uploaded_at", "id")),
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
    return list(reversed(cpd_years_between(profile.cpd_year_start, earliest, today)))


def cpd_summary_for(
    profile: TrainerProfile, *, year_start: dt.date | None = None, today: dt.date | None = None
) -> CPDSummary:
    """The scored CPD year (default: the current one) of a trainer, in 4 queries."""
    today = today or timezone.localdate()
    year = cpd_year_containing(profile.cpd_year_start, year_start or today)
    activities = CPDActivity.objects.filter(
        trainer=profile, date__gte=year.start, date__lte=year.end
    ).prefetch_related("condition_areas")
    return score_cpd_year(
        rules=active_rules(),
        anchor=profile.cpd_year_start,
        entries=[entry_of(a) for a in activities],
        areas=[Area(slug=a.slug, name=a.name) for a in ConditionArea.objects.all()],
        as_of=today,
        year_start=year.start,
    )
