"""The compliance dashboard's evaluation-based counts: computed in chunks, stored, read back.

Every trainer is evaluated for every condition area (`programme.eligibility.selectors.
eligibility_for`, the same answers a clinic gets), `CHUNK` trainers a call, so memory and each
call's queries stay bounded at any programme size. The result, a `SnapshotData`, is kept as the
newest `programme.models.ComplianceSnapshot` row; the Celery task `programme.tasks.
refresh_compliance_snapshot` recomputes it from the beat schedule and when staff ask.

What it counts, per condition area: trainers by eligibility status; trainers by the highest
stage reached (0: none yet); and, programme-wide, the trainers in supervised practice without
an active mentor (the stage `supervised_from` reached, not recognised, no mentor assignment in
force that covers the area), who cannot work even under supervision until staff assign one.
Suspended trainers are counted (as not eligible) but never listed as needing a mentor.
"""

import datetime as dt
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from itertools import batched
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentorship.models import MentorAssignment
from programme.models import ComplianceSnapshot
from programme.pathway.results import Status
from qualifications.models import ConditionArea
from trainers.models import TrainerProfile

CHUNK = 1000  # trainers a call of eligibility_for: ~1 s of work, bounded memory
# With no snapshot yet, a programme this small is evaluated in the request (well under a
# second); a larger one waits for the worker.
SYNC_LIMIT = 300
KEEP = 5  # snapshots kept: the newest is read, the others say how long computing took
FIRST_SHOWN = 10  # trainers without a mentor listed on the page (the CSV has every one)
STATUSES = tuple(Status)


@dataclass(frozen=True)
class AreaCounts:
    area_id: int
    name: str
    statuses: dict[str, int]  # Status value -> trainers
    stages: list[int]  # [reached none, reached stage 1, ...]: trainers by highest stage

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def count(self, status: Status) -> int:
        return self.statuses.get(status.value, 0)


@dataclass(frozen=True)
class Unmentored:
    """A trainer in supervised practice with no mentor for some of those areas."""

    public_id: uuid.UUID
    name: str
    email: str
    areas: list[str]  # the areas' names, in the areas' order


@dataclass(frozen=True)
class SnapshotData:
    on: dt.date
    rules_version: int
    trainers: int
    stage_names: list[str]  # the pathway's stages, in order
    supervised_from: str  # the name of the stage supervised practice starts from
    areas: list[AreaCounts]
    # Every one when computed or read with `full`; else the first FIRST_SHOWN (the page's).
    unmentored: list[Unmentored] = field(default_factory=list)
    unmentored_total: int = 0

    def to_json(self) -> dict[str, Any]:
        """The counts, and the first few trainers without a mentor; `unmentored_json` has
        them all (kept apart: thousands at programme size, which the page never reads)."""
        data = asdict(self)
        data["on"] = self.on.isoformat()
        data["unmentored"] = _people_json(self.unmentored[:FIRST_SHOWN])
        return data

    def unmentored_json(self) -> list[dict[str, Any]]:
        return _people_json(self.unmentored)

    @classmethod
    def from_json(
        cls, data: dict[str, Any], unmentored: list[dict[str, Any]] | None = None
    ) -> "SnapshotData":
        people = data["unmentored"] if unmentored is None else unmentored
        return cls(
            on=dt.date.fromisoformat(data["on"]),
            rules_version=int(data["rules_version"]),
            trainers=int(data["trainers"]),
            stage_names=list(data["stage_names"]),
            supervised_from=str(data["supervised_from"]),
            areas=[AreaCounts(**a) for a in data["areas"]],
            unmentored=[
                Unmentored(**{**u, "public_id": uuid.UUID(u["public_id"])}) for u in people
            ],
            unmentored_total=int(data["unmentored_total"]),
        )


def _people_json(people: list[Unmentored]) -> list[dict[str, Any]]:
    return [{**asdict(p), "public_id": str(p.public_id)} for p in people]


@dataclass(frozen=True)
class Snapshot:
    """A stored snapshot as the page shows it."""

    computed_at: dt.datetime
    seconds: float
    data: SnapshotData


def _mentored_areas(trainer_ids: Sequence[int], on: dt.date) -> dict[int, set[int] | None]:
    """Per trainer with a mentor assignment in force on `on`: the areas it covers (None: an
    assignment naming no area covers every one). One query."""
    rows = (
        MentorAssignment.objects.filter(
            trainer_id__in=trainer_ids, ended_at__isnull=True, starts_on__lte=on
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .values_list("id", "trainer_id", "focus_areas")
    )
    by_assignment: dict[tuple[int, int], set[int]] = defaultdict(set)
    for assignment_id, trainer_id, area_id in rows:
        areas = by_assignment[(assignment_id, trainer_id)]
        if area_id is not None:
            areas.add(area_id)
    covered: dict[int, set[int] | None] = {}
    for (_assignment, trainer_id), areas in by_assignment.items():
        if not areas or covered.get(trainer_id, set()) is None:
            covered[trainer_id] = None
        else:
            covered.setdefault(trainer_id, set()).update(areas)  # type: ignore[union-attr]
    return covered


def compute(*, on: dt.date | None = None, chunk: int = CHUNK) -> SnapshotData:
    """Evaluate every trainer for every area, `chunk` trainers at a time, under one version
    of the rules (read once, so a change of the rules mid-way cannot mix two versions)."""
    from programme.eligibility.selectors import eligibility_for
    from programme.pathway.selectors import current_rules

    on = on or timezone.localdate()
    as_at = timezone.now()
    rules = current_rules()
    definition = rules.definition
    supervised_from = definition.stage_index(definition.supervised_from)
    areas = list(ConditionArea.objects.order_by("position", "name").values_list("id", "name"))
    trainer_ids = list(TrainerProfile.objects.order_by("id").values_list("id", flat=True))
    suspended = set(
        TrainerProfile.objects.filter(status=TrainerProfile.Status.SUSPENDED).values_list(
            "id", flat=True
        )
    )
    statuses: dict[int, Counter[str]] = {area_id: Counter() for area_id, _ in areas}
    stages: dict[int, Counter[int]] = {area_id: Counter() for area_id, _ in areas}
    unmentored: dict[int, list[int]] = {}  # trainer -> area ids
    for ids in batched(trainer_ids, chunk, strict=False):
        answers = eligibility_for(list(ids), on=on, as_at=as_at, rules=rules)
        mentored = _mentored_areas(ids, on)
        for trainer_id, by_area in answers.items():
            for area_id, answer in by_area.items():
                if area_id not in statuses:
                    continue
                statuses[area_id][answer.status.value] += 1
                pathway = answer.pathway
                reached = pathway.reached if pathway is not None else 0
                stages[area_id][reached] += 1
                if pathway is None or pathway.recognised or reached < supervised_from:
                    continue
                if trainer_id in suspended:
                    continue
                covered = mentored.get(trainer_id, set())
                if covered is None or area_id in covered:
                    continue
                unmentored.setdefault(trainer_id, []).append(area_id)
    stage_names = [s.name for s in definition.stages]
    people = _unmentored_rows(unmentored, dict(areas), [a for a, _ in areas])
    return SnapshotData(
        on=on,
        rules_version=rules.version,
        trainers=len(trainer_ids),
        stage_names=stage_names,
        supervised_from=definition.stage(definition.supervised_from).name,
        areas=[
            AreaCounts(
                area_id=area_id,
                name=name,
                statuses={s.value: statuses[area_id][s.value] for s in STATUSES},
                stages=[stages[area_id][n] for n in range(len(stage_names) + 1)],
            )
            for area_id, name in areas
        ],
        unmentored=people,
        unmentored_total=len(people),
    )


def _unmentored_rows(
    unmentored: dict[int, list[int]], area_names: dict[int, str], order: Iterable[int]
) -> list[Unmentored]:
    if not unmentored:
        return []
    position = {area_id: n for n, area_id in enumerate(order)}
    people = TrainerProfile.objects.filter(id__in=list(unmentored)).values_list(
        "id", "public_id", "user__name", "user__email"
    )
    rows = [
        Unmentored(
            public_id=public_id,
            name=name or email,
            email=email,
            areas=[area_names[a] for a in sorted(unmentored[pk], key=position.__getitem__)],
        )
        for pk, public_id, name, email in people
    ]
    return sorted(rows, key=lambda r: (r.name.lower(), r.email))


def snapshot_refresh(*, on: dt.date | None = None, chunk: int = CHUNK) -> ComplianceSnapshot:
    """Compute and store a snapshot; keep the last few. Not audited: it changes no record,
    only the dashboard's copy of what the records already say."""
    started = time.perf_counter()
    data = compute(on=on, chunk=chunk)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        row = ComplianceSnapshot.objects.create(
            on_date=data.on,
            rules_version=data.rules_version,
            trainers=data.trainers,
            seconds=round(seconds, 3),
            data=data.to_json(),
            unmentored=data.unmentored_json(),
        )
        old = ComplianceSnapshot.objects.order_by("-computed_at", "-id").values_list(
            "id", flat=True
        )[KEEP:]
        ComplianceSnapshot.objects.filter(id__in=list(old)).delete()
    return row


def latest_snapshot(*, full: bool = False) -> Snapshot | None:
    """The newest stored snapshot (one query), or None; with `full`, every trainer without a
    mentor (the CSV), else the first few (the page)."""
    rows = ComplianceSnapshot.objects.order_by("-computed_at", "-id")
    row = (rows if full else rows.defer("unmentored")).first()
    if row is None:
        return None
    data = SnapshotData.from_json(row.data, row.unmentored if full else None)
    return Snapshot(row.computed_at, row.seconds, data)


def snapshot_for_page() -> tuple[Snapshot | None, bool]:
    """The snapshot to show and whether one is being computed in the background.

    With none stored: a small programme is computed now; a large one is queued for the worker
    (once, whoever asks first) and the page says so."""
    found = latest_snapshot()
    if found is not None:
        return found, False
    if TrainerProfile.objects.count() <= SYNC_LIMIT:
        snapshot_refresh()
        return latest_snapshot(), False
    request_refresh()
    return None, True


def request_refresh() -> bool:
    """Queue a recomputation unless one was queued in the last few minutes; True if queued."""
    from django.core.cache import cache

    from programme.tasks import refresh_compliance_snapshot

    if not cache.add("compliance-snapshot-queued", "1", timeout=5 * 60):
        return False
    refresh_compliance_snapshot.delay()
    return True
