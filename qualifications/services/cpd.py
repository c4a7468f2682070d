"""Writes to the CPD log: create, update and delete an activity, edit the practice summary,
export the portfolio. Each runs in one transaction and writes an audit event (an update that
changes nothing writes neither).

Reflections are never copied into the audit log (programme staff read the log; the record
itself keeps the text): the audit event only says that the reflection changed.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qualifications.models import ConditionArea, CPDActivity
from rehabpath.audit import Actor, record_event
from rehabpath.errors import DomainError
from trainers.access import is_owner
from trainers.evidence import (
    CheckedUpload,
    atomic_with_evidence,
    evidence_attach,
    evidence_detach,
)
from trainers.models import EvidenceFile, TrainerProfile


@dataclass(frozen=True)
class CPDActivityData:
    date: dt.date
    title: str
    activity_type: str
    hours: Decimal
    what_i_did: str
    what_i_learnt: str
    how_it_benefits: str
    provider: str = ""
    endorsed: bool = False
    condition_areas: tuple[ConditionArea, ...] = field(default=())


def _snapshot(
    activity: CPDActivity,
    areas: Iterable[ConditionArea] | None = None,
    evidence_count: int | None = None,
) -> dict[str, Any]:
    if areas is None:
        areas = activity.condition_areas.all()
    snap = {
        "date": activity.date.isoformat(),
        "title": activity.title,
        "provider": activity.provider,
        "type": activity.activity_type,
        "hours": str(activity.hours),
        "endorsed": activity.endorsed,
        "condition_areas": sorted(a.slug for a in areas),
    }
    if evidence_count is not None:
        snap["evidence_files"] = evidence_count
    return snap


def _reflection(activity: CPDActivity) -> tuple[str, str, str]:
    return (activity.what_i_did, activity.what_i_learnt, activity.how_it_benefits)


def _check(*, actor: Actor, trainer: TrainerProfile, data: CPDActivityData) -> None:
    if not is_owner(actor.user, trainer):
        raise DomainError("Only the trainer can change their own CPD log.")
    if data.date > timezone.localdate():
        raise DomainError(
            "The date cannot be in the future: log an activity once you have done it.",
            field="date",
        )
    if data.hours <= 0:
        raise DomainError("Enter the hours the activity took, more than 0.", field="hours")


def _apply(activity: CPDActivity, data: CPDActivityData) -> None:
    activity.date = data.date
    activity.title = data.title.strip()
    activity.provider = data.provider.strip()
    activity.activity_type = data.activity_type
    activity.hours = data.hours
    activity.endorsed = data.endorsed
    activity.what_i_did = data.what_i_did.strip()
    activity.what_i_learnt = data.what_i_learnt.strip()
    activity.how_it_benefits = data.how_it_benefits.strip()


def _validate(activity: CPDActivity) -> None:
    try:
        activity.full_clean(exclude=["trainer"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(
            " ".join(messages), field=None if field == "__all__" else field
        ) from error


def _attach(
    activity: CPDActivity, files: list[CheckedUpload], actor: Actor, written: list[str]
) -> int:
    if not files:
        return 0
    try:
        stored = evidence_attach(
            record=activity,
            trainer=activity.trainer,
            files=files,
            uploaded_by=actor.person(),
            written=written,
        )
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="evidence") from error
    return len(stored)


def cpd_activity_create(
    *,
    actor: Actor,
    trainer: TrainerProfile,
    data: CPDActivityData,
    evidence: list[CheckedUpload] | None = None,
) -> CPDActivity:
    _check(actor=actor, trainer=trainer, data=data)
    # A failure anywhere rolls back the row and deletes any file already written.
    with atomic_with_evidence() as written:
        activity = CPDActivity(trainer=trainer)
        _apply(activity, data)
        _validate(activity)
        activity.save()
        activity.condition_areas.set(data.condition_areas)
        stored = _attach(activity, evidence or [], actor, written)
        record_event(
            actor=actor,
            action="cpd_activity.create",
            target=activity,
            after=_snapshot(activity, data.condition_areas, stored),
        )
    return activity


def _changed_keys(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The snapshot keys whose value changed; hours compare as numbers ("3.00" == "3")."""

    def same(key: str) -> bool:
        if key == "hours" and key in before:
            return Decimal(before[key]) == Decimal(after[key])
        return bool(before.get(key) == after[key])

    return sorted(k for k in after if not same(k))


def cpd_activity_update(
    *,
    actor: Actor,
    activity: CPDActivity,
    data: CPDActivityData,
    add_evidence: list[CheckedUpload] | None = None,
    remove_evidence: list[EvidenceFile] | None = None,
) -> bool:
    """Change an activity; False (nothing saved, nothing audited) when nothing changed."""
    _check(actor=actor, trainer=activity.trainer, data=data)
    add_evidence = add_evidence or []
    remove_evidence = remove_evidence or []
    content_type = ContentType.objects.get_for_model(CPDActivity)
    if any(
        e.object_id != activity.pk or e.content_type_id != content_type.pk for e in remove_evidence
    ):
        raise DomainError("That evidence file does not belong to this activity.", field="evidence")
    with atomic_with_evidence() as written:
        # The lock keeps two edits at once from together passing the evidence limit.
        activity = CPDActivity.objects.select_for_update().get(pk=activity.pk)
        existing = activity.evidence.count()
        before = _snapshot(activity, evidence_count=existing)
        old_reflection = _reflection(activity)
        _apply(activity, data)
        _validate(activity)
        expected = _snapshot(activity, data.condition_areas, existing)
        reflection_changed = _reflection(activity) != old_reflection
        if not (
            _changed_keys(before, expected) or reflection_changed or add_evidence or remove_evidence
        ):
            return False
        activity.save()
        activity.condition_areas.set(data.condition_areas)
        for evidence in remove_evidence:
            evidence_detach(evidence)
        stored = _attach(activity, add_evidence, actor, written)
        after = _snapshot(activity, data.condition_areas, existing - len(remove_evidence) + stored)
        changed = _changed_keys(before, after)
        record_event(
            actor=actor,
            action="cpd_activity.update",
            target=activity,
            before={k: before[k] for k in changed},
            after={
                **{k: after[k] for k in changed},
                **({"reflection": "changed"} if reflection_changed else {}),
            },
        )
    return True


def cpd_activity_delete(*, actor: Actor, activity: CPDActivity) -> None:
    if not is_owner(actor.user, activity):
        raise DomainError("Only the trainer can delete their own CPD activities.")
    with transaction.atomic():
        evidence = list(activity.evidence.all())
        record_event(
            actor=actor,
            action="cpd_activity.delete",
            target=activity,
            before=_snapshot(activity, evidence_count=len(evidence)),
        )
        for file in evidence:
            evidence_detach(file)
        activity.delete()


def _save_practice_summary(*, actor: Actor, profile: TrainerProfile, text: str) -> TrainerProfile:
    """Inside the caller's transaction: save and audit the summary if it changed."""
    profile = TrainerProfile.objects.select_for_update().get(pk=profile.pk)
    text = text.strip()
    if profile.practice_summary == text:
        return profile
    profile.practice_summary = text
    profile.save(update_fields=["practice_summary"])
    record_event(
        actor=actor,
        action="practice_summary.update",
        target=profile,
        target_label=f"Practice summary of {profile}",
        after={"practice_summary": "changed"},
    )
    return profile


def cpd_practice_summary_update(
    *, actor: Actor, profile: TrainerProfile, text: str
) -> TrainerProfile:
    """Save the practice summary alone (no export)."""
    if not is_owner(actor.user, profile):
        raise DomainError("Only the trainer can change their practice summary.")
    with transaction.atomic():
        return _save_practice_summary(actor=actor, profile=profile, text=text)


def cpd_portfolio_export(
    *,
    actor: Actor,
    profile: TrainerProfile,
    practice_summary: str,
    start: dt.date,
    end: dt.date,
    fmt: str,
    reflections: int,
    activities: int,
) -> TrainerProfile:
    """Record that a portfolio left the system, saving the summary it opened with.

    The caller renders the portfolio first: a rendering failure leaves the profile as it was.
    """
    if not is_owner(actor.user, profile):
        raise DomainError("Only the trainer can export their CPD portfolio.")
    with transaction.atomic():
        profile = _save_practice_summary(actor=actor, profile=profile, text=practice_summary)
        record_event(
            actor=actor,
            action="cpd_portfolio.export",
            target=profile,
            target_label=f"CPD portfolio of {profile}",
            after={
                "format": fmt,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "activities": activities,
                "reflections": reflections,
            },
        )
    return profile
