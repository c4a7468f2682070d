"""A clinic's roster: every trainer sharing with it, their eligibility per condition area today.

Computed for every shared trainer and every area in a fixed number of queries (the rules, the
trainers, the areas, and `eligibility_for`'s own), kept in the cache for a few minutes (see
`compute_roster`), then filtered and sorted in memory, so a filter or a page of the display
asks the database for the trainers sharing now and nothing more.

Sorted by what needs attention (`attention`), most urgent first:

0. not eligible in any area shown (suspended trainers among them): the clinic cannot deploy
   them at all;
1. eligible or supervised only somewhere, but an answer lapses within `LAPSING_WITHIN_DAYS`
   days: the rota needs a plan, or the trainer a nudge;
2. supervised only at best (under their current mentor);
3. eligible in at least one area shown.

Within a group, the soonest lapse first (answers with no end last), then by name.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.utils import timezone

from mentorship.progress import Area
from programme.clinics.access import shared_trainers
from programme.eligibility.selectors import eligibility_for
from programme.pathway.loading import condition_areas
from programme.pathway.results import Status
from programme.pathway.selectors import current_rules
from trainers.models import Clinic, TrainerProfile

LAPSING_WITHIN_DAYS = 30
_BEST = {Status.ELIGIBLE: 3, Status.SUPERVISED_ONLY: 2, Status.NOT_ELIGIBLE: 0}


@dataclass(frozen=True)
class RosterCell:
    area_id: int
    area_name: str
    status: Status
    holds_until: dt.date | None
    mentor_name: str = ""


@dataclass(frozen=True)
class RosterTrainer:
    public_id: str
    name: str
    suspended: bool
    cells: dict[int, RosterCell]  # by area id


@dataclass(frozen=True)
class RosterRow:
    trainer: RosterTrainer
    cells: tuple[RosterCell, ...]  # the areas shown, in their order
    attention: int
    lapses_on: dt.date | None  # the soonest end of an eligible or supervised answer shown

    @property
    def lapsing(self) -> bool:
        return self.attention == 1


@dataclass(frozen=True)
class Roster:
    """Every shared trainer in every area, as computed at `as_at` for the day `on`."""

    clinic_id: int
    on: dt.date
    as_at: dt.datetime
    rules_version: int
    areas: tuple[Area, ...]
    trainers: tuple[RosterTrainer, ...]


@dataclass(frozen=True)
class RosterView:
    """The roster as shown: some areas, some statuses, sorted by attention."""

    roster: Roster
    areas: tuple[Area, ...]
    status: Status | None
    rows: list[RosterRow]
    # {area id: {status: count}} over every shared trainer (before the status filter).
    counts: dict[int, dict[Status, int]] = field(default_factory=dict)

    def summary(self) -> list[tuple[Area, dict[str, int]]]:
        """Each area shown with its counts by status value (for templates)."""
        return [(a, {str(s): n for s, n in self.counts[a.id].items()}) for a in self.areas]


# How long a computed roster is reused (seconds). Computing a roster costs the evaluation of
# every shared trainer; within this time the roster is read from the cache, its "as at" time
# shown as it was computed. The check page never uses it: a stored check is always computed.
ROSTER_CACHE_SECONDS = 300


def _cache_key(clinic: Clinic, rules_version: int, on: dt.date) -> str:
    # Public ids, not primary keys: a database restored or re-created under the same cache
    # must not read another clinic's answers.
    return f"eligibility:roster:v1:{clinic.public_id}:{rules_version}:{on.isoformat()}"


@dataclass(frozen=True)
class _Cached:
    as_at: dt.datetime
    trainers: dict[int, RosterTrainer]  # by trainer pk


def compute_roster(clinic: Clinic, *, on: dt.date | None = None, fresh: bool = False) -> Roster:
    """Every trainer sharing with `clinic` now, in every area, for the day `on` (today).

    The answers are cached for ROSTER_CACHE_SECONDS per clinic, rules version and day; who
    shares, their names and whether they are suspended are read fresh every time, so a trainer
    who stopped sharing is gone at once, one who started is computed and added, and one
    suspended since is computed again (a suspended trainer is never shown as eligible).
    """
    on = on or timezone.localdate()
    rules = current_rules()
    sharing = list(
        shared_trainers(clinic)
        .order_by("user__name", "pk")
        .values_list("pk", "public_id", "user__name", "user__email", "status")
    )
    areas = tuple(condition_areas())
    key = _cache_key(clinic, rules.version, on)
    cached: _Cached | None = None if fresh else cache.get(key)
    known = cached.trainers if cached is not None else {}
    current = {
        pk: RosterTrainer(
            public_id=str(public_id),
            name=name or email,
            suspended=status == TrainerProfile.Status.SUSPENDED,
            cells={},
        )
        for pk, public_id, name, email, status in sharing
    }
    missing = [
        pk
        for pk, trainer in current.items()
        if pk not in known
        or known[pk].public_id != trainer.public_id  # the same key, someone else: recompute
        or known[pk].suspended != trainer.suspended
    ]
    as_at = cached.as_at if cached is not None and known else timezone.now()
    if missing:
        answers = eligibility_for(missing, on=on, rules=rules)
        found = [e for by_area in answers.values() for e in by_area.values()]
        as_at = min([as_at, *(e.as_at for e in found)])
        known = {pk: t for pk, t in known.items() if pk in current}
        for pk in missing:
            known[pk] = replace(
                current[pk],
                cells={
                    area_id: RosterCell(
                        area_id, e.area.name, e.status, e.holds_until, e.mentor_name
                    )
                    for area_id, e in answers.get(pk, {}).items()
                },
            )
        cache.set(key, _Cached(as_at, known), ROSTER_CACHE_SECONDS)
    return Roster(
        clinic_id=clinic.pk,
        on=on,
        as_at=as_at,
        rules_version=rules.version,
        areas=areas,
        # Names as they are now; answers as computed at `as_at`.
        trainers=tuple(replace(t, cells=known[pk].cells) for pk, t in current.items()),
    )


def _row(trainer: RosterTrainer, areas: Sequence[Area], on: dt.date) -> RosterRow:
    cells = tuple(
        trainer.cells.get(a.id) or RosterCell(a.id, a.name, Status.NOT_ELIGIBLE, None)
        for a in areas
    )
    positive = [c for c in cells if c.status != Status.NOT_ELIGIBLE]
    ends = [c.holds_until for c in positive if c.holds_until is not None]
    lapses_on = min(ends, default=None)
    best = max((_BEST[c.status] for c in cells), default=0)
    lapsing = lapses_on is not None and lapses_on <= on + dt.timedelta(days=LAPSING_WITHIN_DAYS)
    attention = 1 if best and lapsing else best
    return RosterRow(trainer, cells, attention, lapses_on)


def _sort_key(row: RosterRow) -> tuple[int, dt.date, str, str]:
    return (
        row.attention,
        row.lapses_on or dt.date.max,
        row.trainer.name.casefold(),
        row.trainer.public_id,
    )


def roster_view(
    roster: Roster, *, area_id: int | None = None, status: Status | None = None
) -> RosterView:
    """The rows to show: one area or all, trainers with an answer of `status` (None: all)."""
    areas = tuple(a for a in roster.areas if area_id is None or a.id == area_id)
    counts: dict[int, dict[Status, int]] = {a.id: dict.fromkeys(Status, 0) for a in areas}
    rows = []
    for trainer in roster.trainers:
        row = _row(trainer, areas, roster.on)
        for cell in row.cells:
            counts[cell.area_id][cell.status] += 1
        if status is None or any(c.status == status for c in row.cells):
            rows.append(row)
    rows.sort(key=_sort_key)
    return RosterView(roster=roster, areas=areas, status=status, rows=rows, counts=counts)
