"""Watching the eligibility of trainers who share: a change is told to their clinics, once.

`eligibility_watch(trainer_ids)` computes today's answers (Europe/London) of those trainers
who share with a clinic, in every condition area, in the fixed number of queries of
`eligibility_for`, and compares them with the answers last seen (`EligibilityState`). An
answer whose status or "holds until" differs is a change: its state is saved with `version`
one up, each admin of every clinic the trainer shares with gets an `eligibility.changed`
notification, and the clinics' webhook endpoints a `trainer.eligibility_changed` delivery,
both keyed by (trainer, area, "v<version>") in the ledger, so a change is told exactly once
whoever computes it again. The first answer seen for a trainer and area is recorded silently:
a deploy, or a trainer who starts sharing, floods nobody. States of a trainer who shares with
nobody any more are dropped (sharing again starts silently).

It runs
- after a change that can move eligibility commits (a record verified, rejected or reopened,
  a session signed off, a meeting confirmed, a declaration signed, an assignment started or
  ended, a suspension, sharing started or stopped): the services publish "trainer.changed"
  (rehabpath.events) and `eligibility_watch_task` takes the trainers' primary keys;
- once a London day (`eligibility_watch_daily`, beat's "eligibility-watch" on the reminder
  sweep's interval), over every trainer who shares and was not computed today, in keyset
  batches: what dates alone change (an expiry passing at midnight), and whatever a lost task
  missed. Its own beat entry, not a source of the reminder sweep: it recomputes eligibility,
  which costs as much as all the reminders together, and the sweep's time should not wait
  for it (docs/PERFORMANCE.md).

The state rows are locked while a batch is computed and saved (SELECT ... FOR UPDATE), so two
watches of one trainer at once compute one after the other and the second finds no change.

Also here: the webhooks of suspension, reinstatement and sharing stopped, recorded in the
transaction of the change itself (rehabpath.events.publish).
"""

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from programme.eligibility.selectors import eligibility_for
from programme.models import EligibilityState
from programme.pathway.results import Eligibility, Status
from programme.webhooks.events import (
    ELIGIBILITY_CHANGED,
    SHARING_STOPPED,
    TRAINER_REINSTATED,
    TRAINER_SUSPENDED,
)
from programme.webhooks.services import webhook_emit
from rehabpath.audit import Actor, record_event, register_audit_action
from rehabpath.events import subscribe
from rehabpath.formats import day_label
from rehabpath.notifications import Item, Kind, notify_many, register_kind
from rehabpath.reminders import local_today
from rehabpath.roles import Role
from rehabpath.tasks import BaseTask
from trainers.models import ClinicMembership, ClinicShare, TrainerProfile

logger = logging.getLogger(__name__)

KIND = "eligibility.changed"
WATCH_ACTOR = "eligibility watch"

register_kind(
    Kind(
        KIND,
        "A shared trainer's eligibility changed",
        "When a trainer who shares with your clinic becomes eligible, supervised only or not "
        "eligible in a condition area, or the date their answer holds until moves.",
        frozenset({Role.CLINIC_ADMIN}),
        template="eligibility_changed",
    )
)
register_audit_action(
    "eligibility.changed", "Eligibility of a shared trainer changed", target=TrainerProfile
)


@dataclass(frozen=True)
class Change:
    trainer_id: int
    area_id: int
    area_slug: str
    area_name: str
    status: Status
    previous: Status
    reasons: tuple[str, ...]
    holds_until: dt.date | None
    version: int
    as_at: dt.datetime


@dataclass
class WatchReport:
    trainers: int = 0  # trainers computed (those who share)
    first: int = 0  # states recorded for the first time (silently)
    dropped: int = 0  # states removed: their trainer shares with nobody now
    changes: list[Change] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)  # the clinic admins' notifications
    new: int = 0  # of which new ledger rows
    webhooks: int = 0  # webhook ledger rows recorded


def reasons_sha256(reasons: Sequence[str]) -> str:
    return hashlib.sha256(json.dumps(list(reasons)).encode()).hexdigest()


def eligibility_watch(
    trainer_ids: Iterable[int],
    *,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
) -> WatchReport:
    """Compute, compare and tell, in one transaction: the states, the admins' notifications,
    the webhooks and the audit events commit together or not at all."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _watch(trainer_ids, now=now, today=today or local_today(now))
        report.new = notify_many(report.items)
    return report


def _watch(trainer_ids: Iterable[int], *, now: dt.datetime, today: dt.date) -> WatchReport:
    """The watch of one batch, in the caller's transaction (the admins' items not recorded)."""
    ids = sorted(set(trainer_ids))
    report = WatchReport()
    if not ids:
        return report
    clinics: dict[int, set[int]] = defaultdict(set)
    for trainer_id, clinic_id in ClinicShare.objects.filter(
        trainer_id__in=ids, ended_at__isnull=True
    ).values_list("trainer_id", "clinic_id"):
        clinics[trainer_id].add(clinic_id)
    alone = [pk for pk in ids if pk not in clinics]
    if alone:
        report.dropped, _ = EligibilityState.objects.filter(trainer_id__in=alone).delete()
    watched = sorted(clinics)
    if not watched:
        return report
    stored = {
        (s.trainer_id, s.condition_area_id): s
        for s in EligibilityState.objects.select_for_update().filter(trainer_id__in=watched)
    }
    answers = eligibility_for(watched, on=today, as_at=now)
    report.trainers = len(answers)
    new: list[EligibilityState] = []
    updated: list[EligibilityState] = []
    for trainer_id, by_area in answers.items():
        for area_id, answer in by_area.items():
            digest = reasons_sha256(answer.reasons)
            state = stored.get((trainer_id, area_id))
            if state is None:
                new.append(_first_state(answer, digest, now=now, today=today))
                continue
            if state.status != answer.status or state.holds_until != answer.holds_until:
                report.changes.append(_change(state, answer, now=now))
                state.previous_status = state.status
                state.status = answer.status
                state.holds_until = answer.holds_until
                state.version += 1
                state.changed_at = now
            elif state.reasons_sha256 == digest:
                continue
            state.reasons_sha256 = digest
            updated.append(state)
    if new:
        # A watch of the same trainer at the same moment may have recorded it: either is right.
        EligibilityState.objects.bulk_create(new, ignore_conflicts=True)
        report.first = len(new)
    if updated:
        EligibilityState.objects.bulk_update(
            updated,
            ["status", "previous_status", "holds_until", "version", "changed_at", "reasons_sha256"],
        )
    EligibilityState.objects.filter(trainer_id__in=watched).update(checked_on=today)
    if report.changes:
        _tell(report, clinics)
    return report


def _first_state(
    answer: Eligibility, digest: str, *, now: dt.datetime, today: dt.date
) -> EligibilityState:
    return EligibilityState(
        trainer_id=answer.trainer_id,
        condition_area_id=answer.area.id,
        status=answer.status,
        reasons_sha256=digest,
        holds_until=answer.holds_until,
        version=1,
        changed_at=now,
        checked_on=today,
    )


def _change(state: EligibilityState, answer: Eligibility, *, now: dt.datetime) -> Change:
    return Change(
        trainer_id=answer.trainer_id,
        area_id=answer.area.id,
        area_slug=answer.area.slug,
        area_name=answer.area.name,
        status=Status(answer.status),
        previous=Status(state.status),
        reasons=answer.reasons,
        holds_until=answer.holds_until,
        version=state.version + 1,
        as_at=now,
    )


def _tell(report: WatchReport, clinics: dict[int, set[int]]) -> None:
    """The admins' items, the webhooks and the audit events of the batch's changes."""
    changed = {c.trainer_id for c in report.changes}
    people = {
        pk: (public_id, name or email)
        for pk, public_id, name, email in TrainerProfile.objects.filter(pk__in=changed).values_list(
            "pk", "public_id", "user__name", "user__email"
        )
    }
    wanted = {clinic for pk in changed for clinic in clinics[pk]}
    admins: dict[int, list[tuple[int, Any, str]]] = defaultdict(list)
    for clinic_id, user_id, clinic_public_id, clinic_name in (
        ClinicMembership.objects.filter(clinic_id__in=wanted)
        .order_by("clinic__name", "user_id")
        .values_list("clinic_id", "user_id", "clinic__public_id", "clinic__name")
    ):
        admins[clinic_id].append((user_id, clinic_public_id, clinic_name))
    actor = Actor.system(WATCH_ACTOR)
    for change in report.changes:
        public_id, name = people[change.trainer_id]
        subject_key = f"eligibility:{public_id}:{change.area_slug}"
        milestone = f"v{change.version}"
        context = {
            "trainer_name": name,
            "area_name": change.area_name,
            "status": change.status.value,
            "status_label": change.status.label,
            "previous_label": change.previous.label,
            "holds_until": day_label(change.holds_until) if change.holds_until else "",
            "reasons": list(change.reasons),
        }
        told: set[int] = set()  # an admin of two of the trainer's clinics is told once
        for clinic_id in sorted(clinics[change.trainer_id]):
            for user_id, clinic_public_id, clinic_name in admins[clinic_id]:
                if user_id in told:
                    continue
                told.add(user_id)
                path = reverse(
                    "programme:check",
                    kwargs={"clinic_id": clinic_public_id, "trainer_id": public_id},
                )
                report.items.append(
                    Item(
                        kind=KIND,
                        subject_key=subject_key,
                        milestone=milestone,
                        recipient_id=user_id,
                        context={**context, "clinic_name": clinic_name},
                        path=path,
                    )
                )
        report.webhooks += webhook_emit(
            clinic_ids=clinics[change.trainer_id],
            event=ELIGIBILITY_CHANGED,
            subject_key=subject_key,
            milestone=milestone,
            payload={
                "trainer": str(public_id),
                "name": name,
                "area": change.area_slug,
                "area_name": change.area_name,
                "status": change.status.value,
                "previous": change.previous.value,
                "reasons": list(change.reasons),
                "as_at": change.as_at.isoformat(),
                "holds_until": change.holds_until.isoformat() if change.holds_until else None,
                "version": change.version,
            },
        )
        record_event(
            actor=actor,
            action="eligibility.changed",
            target_type="trainers.trainerprofile",
            target_id=str(public_id),
            target_label=f"{name}, {change.area_name}"[:255],
            before={"status": change.previous.value},
            after={
                "status": change.status.value,
                "holds_until": change.holds_until.isoformat() if change.holds_until else None,
                "version": change.version,
            },
        )


# --- After a change: a task taking the trainers' primary keys --------------------------------


@shared_task(base=BaseTask)
def eligibility_watch_task(trainer_ids: list[int]) -> dict[str, int]:
    """Watch these trainers now (published by the services after their change commits)."""
    report = eligibility_watch(trainer_ids)
    return {"trainers": report.trainers, "changes": len(report.changes)}


@subscribe("trainer.changed")
def _on_trainer_changed(*, trainer_ids: list[int]) -> None:
    # After commit (rehabpath.events.publish_on_commit): the broker away is logged there, and
    # the daily run computes the trainer anyway.
    eligibility_watch_task.apply_async(args=(list(trainer_ids),), retry=False)


# --- Once a London day ---------------------------------------------------------------------


@dataclass
class DailyReport:
    today: dt.date
    batches: int = 0
    trainers: int = 0
    first: int = 0
    changes: int = 0
    notifications: int = 0
    webhooks: int = 0


def eligibility_watch_daily(
    *, now: dt.datetime | None = None, batch_size: int | None = None
) -> DailyReport:
    """Every trainer who shares and was not computed today (London), a keyset batch at a time.

    The first run of a London day does the work; later ones find nobody left (one query).
    Each batch is one transaction (`eligibility_watch`): its states and notifications commit
    together, so a run cut short resumes where it stopped.
    """
    now = now or timezone.now()
    report = DailyReport(today=local_today(now))
    size = batch_size or settings.REMINDER_BATCH_SIZE
    last = 0
    computed_today = EligibilityState.objects.filter(
        trainer=OuterRef("pk"), checked_on__gte=report.today
    )
    shares = ClinicShare.objects.filter(trainer=OuterRef("pk"), ended_at__isnull=True)
    while True:
        ids = list(
            TrainerProfile.objects.filter(Exists(shares), ~Exists(computed_today), pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            break
        last = ids[-1]
        batch = eligibility_watch(ids, now=now, today=report.today)
        report.batches += 1
        report.trainers += batch.trainers
        report.first += batch.first
        report.changes += len(batch.changes)
        report.notifications += batch.new
        report.webhooks += batch.webhooks
    logger.info(
        "eligibility watch for %s: %d batches, %d trainers, %d first states, %d changes, "
        "%d notifications, %d webhooks",
        report.today,
        report.batches,
        report.trainers,
        report.first,
        report.changes,
        report.notifications,
        report.webhooks,
    )
    return report


@shared_task(base=BaseTask)
def eligibility_watch_daily_task() -> dict[str, int]:
    """Beat's "eligibility-watch" (every REMINDER_SWEEP_SECONDS; the day's first run works)."""
    report = eligibility_watch_daily()
    return {"batches": report.batches, "trainers": report.trainers, "changes": report.changes}


# --- Suspension, reinstatement, sharing stopped: webhooks with the change --------------------


def _open_clinics(trainer_id: int) -> list[int]:
    return list(
        ClinicShare.objects.filter(trainer_id=trainer_id, ended_at__isnull=True).values_list(
            "clinic_id", flat=True
        )
    )


def _status_webhook(event: str, trainer_id: int) -> None:
    trainer = TrainerProfile.objects.select_related("user").get(pk=trainer_id)
    changed_at = trainer.status_changed_at or timezone.now()
    webhook_emit(
        clinic_ids=_open_clinics(trainer_id),
        event=event,
        subject_key=f"trainer:{trainer.public_id}",
        milestone=f"{trainer.status}:{changed_at:%Y%m%dT%H%M%S%f}",
        payload={
            "trainer": str(trainer.public_id),
            "name": trainer.user.name or trainer.user.email,
            "status": trainer.status,
            "at": changed_at.isoformat(),
        },
    )


@subscribe("trainer.suspended")
def _on_suspended(*, trainer_id: int, actor_id: int | None = None) -> None:
    _status_webhook(TRAINER_SUSPENDED, trainer_id)


@subscribe("trainer.reinstated")
def _on_reinstated(*, trainer_id: int, actor_id: int | None = None) -> None:
    _status_webhook(TRAINER_REINSTATED, trainer_id)


@subscribe("sharing.stopped")
def _on_sharing_stopped(*, share_id: int, trainer_id: int, clinic_id: int) -> None:
    share = ClinicShare.objects.select_related("trainer__user").get(pk=share_id)
    user = share.trainer.user
    webhook_emit(
        clinic_ids=[clinic_id],
        event=SHARING_STOPPED,
        subject_key=f"share:{share.public_id}",
        milestone="stopped",
        payload={
            "trainer": str(share.trainer.public_id),
            "name": user.name or user.email,
            "started_at": share.started_at.isoformat(),
            "stopped_at": (share.ended_at or timezone.now()).isoformat(),
        },
    )
