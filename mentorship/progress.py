"""Supervised-practice progress: signed-off sessions per condition area and complexity level.

The pathway asks, in each condition area, for signed-off supervised sessions at every
complexity level (DESIGN.md defaults: 6 at level 1, 4 at level 2, 2 at level 3). The counts
are the pathway's rule data, which programme staff edit: the pathway (a higher layer, which
this module must not import) registers where to read them with `register_requirements_source`
in its AppConfig.ready(), and `current_requirements()` asks it; with nothing registered the
built-in defaults hold. `supervised_progress` is a pure function over frozen values, like
qualifications.scoring; `progress_for_trainer` / `progress_for_trainers` load those values
in a fixed number of queries (three, whatever the number of trainers or sessions).

Decisions where the pathway is silent:
- A session counts at its own level only: a level 3 sign-off does not stand in for a missing
  level 1 one (the defaults ask for progressive complexity, i.e. some of each).
- Drafts are the trainer's own business and are not counted; "waiting" is submitted (first
  round or a resubmission), "returned" is back with the trainer.
- The areas shown for a trainer are their current assignment's focus areas plus every area
  they have a non-draft session in, in catalogue order: a trainer working towards stroke
  alone is not shown seven empty areas.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count

from mentorship.access import current_assignments
from mentorship.models import ComplexityLevel, MentorAssignment, SessionStatus, SupervisedSession
from qualifications.models import ConditionArea
from trainers.models import TrainerProfile

LEVELS = tuple(ComplexityLevel)


@dataclass(frozen=True)
class Requirements:
    """Signed-off sessions asked for at each level, in level order (1, 2, 3)."""

    per_level: tuple[int, ...] = (6, 4, 2)

    def __post_init__(self) -> None:
        if len(self.per_level) != len(LEVELS) or any(n < 0 for n in self.per_level):
            raise ValueError(
                f"Give {len(LEVELS)} non-negative session counts, one per complexity level."
            )

    def required_at(self, level: int) -> int:
        return self.per_level[level - 1]


# --- Where the counts come from: the pathway's rules, registered from above -----------------

RequirementsSource = Callable[[], Requirements]
_source: RequirementsSource | None = None


def register_requirements_source(source: RequirementsSource | None) -> None:
    """Read the session counts from `source` from now on (None: back to the defaults)."""
    global _source
    _source = source


def current_requirements() -> Requirements:
    """The counts in force: the registered source's (the pathway rules), else 6 / 4 / 2."""
    return _source() if _source is not None else Requirements()


@dataclass(frozen=True)
class Area:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class SessionCount:
    """How many of a trainer's sessions share an area, a level and a status."""

    area_id: int
    level: int
    status: str
    count: int = 1


@dataclass(frozen=True)
class LevelProgress:
    level: int
    signed_off: int
    required: int
    waiting: int
    returned: int

    @property
    def meaning(self) -> str:
        return ComplexityLevel(self.level).meaning

    @property
    def met(self) -> bool:
        return self.signed_off >= self.required

    @property
    def remaining(self) -> int:
        return max(0, self.required - self.signed_off)

    @property
    def explanation(self) -> str:
        head = f"Level {self.level}: {self.signed_off} of {self.required} signed off"
        if self.met:
            head += " (met)"
        else:
            head += f", {self.remaining} more needed"
        extra = []
        if self.waiting:
            extra.append(f"{self.waiting} waiting for sign-off")
        if self.returned:
            extra.append(f"{self.returned} returned to the trainer")
        return head + (f"; {', '.join(extra)}." if extra else ".")


@dataclass(frozen=True)
class AreaProgress:
    area: Area
    levels: tuple[LevelProgress, ...]

    @property
    def met(self) -> bool:
        return all(level.met for level in self.levels)

    @property
    def signed_off(self) -> int:
        return sum(level.signed_off for level in self.levels)

    @property
    def required(self) -> int:
        return sum(level.required for level in self.levels)

    @property
    def waiting(self) -> int:
        return sum(level.waiting for level in self.levels)

    @property
    def returned(self) -> int:
        return sum(level.returned for level in self.levels)

    @property
    def explanation(self) -> str:
        if self.met:
            return f"{self.area.name}: every level met ({self.signed_off} sessions signed off)."
        missing = [
            f"{level.remaining} at level {level.level}" for level in self.levels if not level.met
        ]
        listed = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
        return f"{self.area.name}: {listed} still to be signed off."


def supervised_progress(
    areas: Sequence[Area], counts: Iterable[SessionCount], requirements: Requirements
) -> list[AreaProgress]:
    """Per area (in the order given), per level: signed off / required / waiting / returned.

    Counts for areas not in `areas`, for drafts, or for unknown levels are ignored.
    """
    tally: dict[tuple[int, int, str], int] = defaultdict(int)
    for row in counts:
        tally[row.area_id, row.level, row.status] += row.count
    return [
        AreaProgress(
            area=area,
            levels=tuple(
                LevelProgress(
                    level=int(level),
                    signed_off=tally[area.id, level, SessionStatus.SIGNED_OFF],
                    required=requirements.required_at(level),
                    waiting=tally[area.id, level, SessionStatus.SUBMITTED],
                    returned=tally[area.id, level, SessionStatus.RETURNED],
                )
                for level in LEVELS
            ),
        )
        for area in areas
    ]


# --- Loading (three queries for one trainer or many) ----------------------------------------


def progress_for_trainers(
    trainers: Sequence[TrainerProfile],
    *,
    requirements: Requirements | None = None,
    on: dt.date | None = None,
) -> dict[int, list[AreaProgress]]:
    """Progress of each trainer, by trainer id; three queries whatever their number."""
    rules = requirements or current_requirements()
    ids = [trainer.pk for trainer in trainers]
    if not ids:
        return {}
    counts: dict[int, list[SessionCount]] = defaultdict(list)
    shown: dict[int, set[int]] = defaultdict(set)
    rows = (
        SupervisedSession.objects.filter(trainer_id__in=ids)
        .exclude(status=SessionStatus.DRAFT)
        .values_list("trainer_id", "condition_area_id", "complexity", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for trainer_id, area_id, level, status, n in rows:
        counts[trainer_id].append(SessionCount(area_id, level, status, n))
        shown[trainer_id].add(area_id)
    focus = (
        MentorAssignment.focus_areas.through.objects.filter(
            mentorassignment__in=current_assignments(on).filter(trainer_id__in=ids)
        )
        .values_list("mentorassignment__trainer_id", "conditionarea_id")
        .order_by()
    )
    for trainer_id, area_id in focus:
        shown[trainer_id].add(area_id)
    wanted = set().union(*shown.values()) if shown else set()
    catalogue = [
        Area(row.pk, row.slug, row.name) for row in ConditionArea.objects.filter(pk__in=wanted)
    ]
    return {
        trainer_id: supervised_progress(
            [area for area in catalogue if area.id in shown[trainer_id]],
            counts[trainer_id],
            rules,
        )
        for trainer_id in ids
    }


def progress_for_trainer(
    trainer: TrainerProfile,
    *,
    requirements: Requirements | None = None,
    on: dt.date | None = None,
) -> list[AreaProgress]:
    """One trainer's progress by condition area; three queries."""
    return progress_for_trainers([trainer], requirements=requirements, on=on)[trainer.pk]
