"""CPD scoring: a pure function over the active policy and a trainer's activities.

Nothing here touches the database. `qualifications.selectors` loads the data in a fixed
number of queries, turns it into `Entry` values and calls `score_cpd_year`.

Decisions where the rules are silent:
- The CPD year runs from the anniversary (day and month) of ``TrainerProfile.cpd_year_start``
  to the day before the next one. For a 29 February anchor the anniversary falls on
  28 February in common years (dateutil's convention, used for every expiry in the project).
- An activity tagged with several condition areas counts its full hours for each area.
- Points are exact decimals; templates round them for display.
- A gap is a run of days without CPD, inside the year and up to today, of at least
  ``gap_months`` months: measured from its first day without CPD to the day CPD resumed
  (or to tomorrow while it is still going on).
"""

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from rehabpath.formats import period_label

if TYPE_CHECKING:
    from qualifications.models import CPDPolicy

ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Rules:
    """The scoring terms of a CPD policy (a plain copy, so scoring stays pure)."""

    name: str = "CIMSPA default"
    points_target: Decimal = Decimal("10")
    endorsed_points_min: Decimal = Decimal("5")
    endorsed_points_per_hour: Decimal = Decimal("1")
    other_points_per_hour: Decimal = Decimal("0.5")
    neuro_hours_target: Decimal = Decimal("3")
    gap_months: int = 3

    @classmethod
    def from_policy(cls, policy: "CPDPolicy | None") -> "Rules":
        """From a CPDPolicy row; None (no active policy) gives the defaults."""
        if policy is None:
            return cls()
        return cls(
            name=policy.name,
            points_target=Decimal(policy.points_target),
            endorsed_points_min=Decimal(policy.endorsed_points_min),
            endorsed_points_per_hour=Decimal(policy.endorsed_points_per_hour),
            other_points_per_hour=Decimal(policy.other_points_per_hour),
            neuro_hours_target=Decimal(policy.neuro_hours_target),
            gap_months=int(policy.gap_months),
        )

    def points_for(self, hours: Decimal, endorsed: bool) -> Decimal:
        rate = self.endorsed_points_per_hour if endorsed else self.other_points_per_hour
        return max(ZERO, Decimal(hours) * rate)


@dataclass(frozen=True)
class Area:
    slug: str
    name: str


@dataclass(frozen=True)
class Entry:
    """One CPD activity as scoring sees it."""

    date: dt.date
    hours: Decimal
    endorsed: bool
    area_slugs: frozenset[str] = frozenset()
    title: str = ""


# --- The CPD year ---------------------------------------------------------------------------


def anniversary(anchor: dt.date, year: int) -> dt.date:
    """The anchor's day and month in `year`; 29 February becomes 28 February in common years."""
    day = min(anchor.day, calendar.monthrange(year, anchor.month)[1])
    return dt.date(year, anchor.month, day)


@dataclass(frozen=True)
class CPDYear:
    start: dt.date
    end: dt.date  # inclusive

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)

    def following(self, anchor: dt.date) -> "CPDYear":
        return cpd_year_containing(anchor, self.end + dt.timedelta(days=1))


def cpd_year_containing(anchor: dt.date, day: dt.date) -> CPDYear:
    """The CPD year (anniversary to the day before the next one) that contains `day`."""
    start = anniversary(anchor, day.year)
    if start > day:
        start = anniversary(anchor, day.year - 1)
    end = anniversary(anchor, start.year + 1) - dt.timedelta(days=1)
    return CPDYear(start=start, end=end)


def cpd_years_between(anchor: dt.date, first: dt.date, last: dt.date) -> list[CPDYear]:
    """Every CPD year touching [first, last], oldest first."""
    years = []
    year = cpd_year_containing(anchor, first)
    while year.start <= last:
        years.append(year)
        year = year.following(anchor)
    return years


# --- Results (explanations, not booleans) ---------------------------------------------------


@dataclass(frozen=True)
class Progress:
    label: str
    achieved: Decimal
    target: Decimal
    unit: str  # "points" or "hours"

    @property
    def met(self) -> bool:
        return self.achieved >= self.target

    @property
    def remaining(self) -> Decimal:
        return max(ZERO, self.target - self.achieved)

    @property
    def remaining_label(self) -> str:
        """ "1 hour", "2.5 points": what is still to go, in words."""
        unit = self.unit[:-1] if self.remaining == 1 and self.unit.endswith("s") else self.unit
        return f"{fmt_number(self.remaining)} {unit}"

    @property
    def percent(self) -> int:
        """For the width of a bar: 0..100."""
        if self.target <= 0:
            return 100
        return int(min(HUNDRED, self.achieved * HUNDRED / self.target))

    @property
    def bar_max(self) -> Decimal:
        """The <progress> max, which must be positive (a zero target is met at once)."""
        return self.target if self.target > 0 else Decimal(1)

    @property
    def bar_value(self) -> Decimal:
        """The <progress> value: the achievement capped at the target."""
        return min(self.achieved, self.target) if self.target > 0 else Decimal(1)

    @property
    def explanation(self) -> str:
        achieved, target = fmt_number(self.achieved), fmt_number(self.target)
        if self.met:
            return f"{self.label}: {achieved} of {target} {self.unit}. Target met."
        return (
            f"{self.label}: {achieved} of {target} {self.unit}. {self.remaining_label} still to go."
        )


@dataclass(frozen=True)
class AreaHours:
    area: Area
    progress: Progress


@dataclass(frozen=True)
class Gap:
    """A run of days without CPD (both ends inclusive)."""

    start: dt.date
    end: dt.date
    ongoing: bool  # still running today
    after: str = ""  # title of the activity before the gap ("" when it opens the year)
    before: str = ""  # title of the activity that ended it ("" when ongoing / year end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def explanation(self) -> str:
        period = period_label(self.start, self.end)
        if self.ongoing:
            return f"No CPD logged from {period} ({self.days} days, still going on)."
        return f"No CPD logged from {period} ({self.days} days)."


@dataclass(frozen=True)
class GapNote:
    """A trainer's explanation, stored for the days of a gap as they saw it."""

    start: dt.date
    end: dt.date
    text: str

    def overlaps(self, gap: Gap) -> bool:
        return self.start <= gap.end and gap.start <= self.end


@dataclass(frozen=True)
class ExplainedGap:
    """A gap with the explanations whose days overlap it (usually one, or none yet)."""

    gap: Gap
    notes: tuple[GapNote, ...] = ()

    @property
    def explained(self) -> bool:
        return bool(self.notes)

    @property
    def text(self) -> str:
        return "\n\n".join(note.text for note in self.notes)


def explain_gaps(gaps: Iterable[Gap], notes: Iterable[GapNote]) -> tuple[ExplainedGap, ...]:
    """Pair each gap with the notes overlapping it: a gap still going on grows every day and a
    portfolio period may cut a gap shorter than the CPD year does, so days decide, not keys."""
    notes = sorted(notes, key=lambda n: (n.start, n.end))
    return tuple(ExplainedGap(gap, tuple(n for n in notes if n.overlaps(gap))) for gap in gaps)


@dataclass(frozen=True)
class MonthHours:
    start: dt.date
    end: dt.date
    endorsed_hours: Decimal
    other_hours: Decimal

    @property
    def total(self) -> Decimal:
        return self.endorsed_hours + self.other_hours

    @property
    def label(self) -> str:
        return f"{self.start:%b}"

    @property
    def period(self) -> str:
        return period_label(self.start, self.end)


@dataclass(frozen=True)
class CPDSummary:
    rules: Rules
    year: CPDYear
    as_of: dt.date
    activity_count: int
    endorsed_hours: Decimal
    other_hours: Decimal
    points: Progress
    endorsed_points: Progress
    neuro: tuple[AreaHours, ...]
    gaps: tuple[Gap, ...]
    months: tuple[MonthHours, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def total_hours(self) -> Decimal:
        return self.endorsed_hours + self.other_hours

    @property
    def is_current(self) -> bool:
        return self.as_of in self.year

    @property
    def days_left(self) -> int:
        return max(0, (self.year.end - self.as_of).days) if self.is_current else 0

    @property
    def on_track(self) -> bool:
        return self.points.met and self.endorsed_points.met

    @property
    def explanations(self) -> list[str]:
        """Everything a trainer needs to read, in plain words."""
        lines = [self.points.explanation, self.endorsed_points.explanation]
        lines += [a.progress.explanation for a in self.neuro]
        lines += [g.explanation for g in self.gaps]
        lines += list(self.notes)
        return lines


# --- Scoring --------------------------------------------------------------------------------


def find_gaps(
    entries: Iterable[Entry],
    *,
    start: dt.date,
    end: dt.date,
    gap_months: int,
    today: dt.date | None = None,
) -> tuple[Gap, ...]:
    """Every run of >= gap_months months without CPD inside [start, end] (both inclusive).

    `end` is the last day that can be judged (today, or the end of a past period); a gap
    that reaches it on `today` is still going on.
    """
    if end < start or gap_months <= 0:
        return ()
    dated = sorted((e for e in entries if start <= e.date <= end), key=lambda e: e.date)
    gaps = []
    previous: Entry | None = None
    for entry in [*dated, None]:
        first_free = start if previous is None else previous.date + dt.timedelta(days=1)
        resumed = end + dt.timedelta(days=1) if entry is None else entry.date
        if first_free < resumed and first_free + relativedelta(months=gap_months) <= resumed:
            gaps.append(
                Gap(
                    start=first_free,
                    end=resumed - dt.timedelta(days=1),
                    ongoing=entry is None and end == today,
                    after=previous.title if previous else "",
                    before=entry.title if entry else "",
                )
            )
        if entry is not None:
            previous = entry
    return tuple(gaps)


def _month_buckets(year: CPDYear) -> list[tuple[dt.date, dt.date]]:
    starts = [year.start + relativedelta(months=i) for i in range(12)]
    ends = [s - dt.timedelta(days=1) for s in starts[1:]] + [year.end]
    return list(zip(starts, ends, strict=True))


def score_cpd_year(
    *,
    rules: Rules,
    anchor: dt.date,
    entries: Sequence[Entry],
    areas: Sequence[Area],
    as_of: dt.date,
    year_start: dt.date | None = None,
) -> CPDSummary:
    """Score the CPD year containing `year_start` (default: the year containing `as_of`).

    Activities outside the year are ignored: there is no carry-over.
    """
    year = cpd_year_containing(anchor, year_start or as_of)
    counted = [e for e in entries if e.date in year]
    endorsed_hours = sum((Decimal(e.hours) for e in counted if e.endorsed), ZERO)
    other_hours = sum((Decimal(e.hours) for e in counted if not e.endorsed), ZERO)
    endorsed_points = rules.points_for(endorsed_hours, True)
    total_points = endorsed_points + rules.points_for(other_hours, False)

    neuro = tuple(
        AreaHours(
            area=area,
            progress=Progress(
                label=f"{area.name} hours",
                achieved=sum(
                    (Decimal(e.hours) for e in counted if area.slug in e.area_slugs), ZERO
                ),
                target=rules.neuro_hours_target,
                unit="hours",
            ),
        )
        for area in areas
    )

    months = []
    for start, end in _month_buckets(year):
        in_month = [e for e in counted if start <= e.date <= end]
        months.append(
            MonthHours(
                start=start,
                end=end,
                endorsed_hours=sum((Decimal(e.hours) for e in in_month if e.endorsed), ZERO),
                other_hours=sum((Decimal(e.hours) for e in in_month if not e.endorsed), ZERO),
            )
        )

    judged_until = min(year.end, as_of)
    gaps = find_gaps(
        counted, start=year.start, end=judged_until, gap_months=rules.gap_months, today=as_of
    )

    notes = []
    if as_of < year.start:
        notes.append("This CPD year has not started yet.")
    elif as_of > year.end:
        notes.append("This CPD year has ended; its points do not carry over.")
    return CPDSummary(
        rules=rules,
        year=year,
        as_of=as_of,
        activity_count=len(counted),
        endorsed_hours=endorsed_hours,
        other_hours=other_hours,
        points=Progress("Points", total_points, rules.points_target, "points"),
        endorsed_points=Progress(
            "Endorsed points", endorsed_points, rules.endorsed_points_min, "points"
        ),
        neuro=neuro,
        gaps=gaps,
        months=tuple(months),
        notes=tuple(notes),
    )


def fmt_number(value: Decimal) -> str:
    """2.50 -> "2.5", 3.00 -> "3", 0.25 -> "0.25"."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
