"""Writes to the CPD log: create, update and delete an activity, edit the practice summary,
set when the CPD year starts and explain a gap (the portfolio export is in portfolio.py).
Each runs in one transaction and writes an audit event (an update that changes nothing writes
neither).

Reflections and gap explanations are never copied into the audit log (programme staff read the
log; the record itself keeps the text): the audit event only says that the text changed.
"""

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qualifications.models import ConditionArea, CPDActivity, CPDGapExplanation
from qualifications.selectors import active_rules
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
from trainers.records import check_not_stale, content_fingerprint


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


def cpd_activity_fingerprint(activity: CPDActivity) -> str:
    """The activity as a page showed it: fields, condition areas, evidence (trainers.records)."""
    return content_fingerprint(activity, kind="cpd_activity")


def cpd_activity_update(
    *,
    actor: Actor,
    activity: CPDActivity,
    data: CPDActivityData,
    add_evidence: list[CheckedUpload] | None = None,
    remove_evidence: list[EvidenceFile] | None = None,
    expected_fingerprint: str | None = None,
) -> bool:
    """Change an activity; False (nothing saved, nothing audited) when nothing changed.

    `expected_fingerprint` is `cpd_activity_fingerprint` of the activity as the edit form
    showed it: a save from a page older than the activity is refused (DomainError with
    field "fingerprint") instead of silently undoing the change made since.
    """
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
        check_not_stale(cpd_activity_fingerprint(activity), expected_fingerprint)
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


def _anchor_for(day: int, month: int, near: dt.date) -> dt.date:
    """A date with this day and month, in the CPD year that holds `near` under the new start.

    Only the day and month set the CPD year; the year keeps the list of past CPD years as long
    as before. 29 February needs a leap year (in common years the year starts on 28 February).
    """
    year = near.year if (month, day) <= (near.month, near.day) else near.year - 1
    if (month, day) == (2, 29):
        while not calendar.isleap(year):
            year -= 1
    return dt.date(year, month, day)


def cpd_year_start_update(
    *, actor: Actor, profile: TrainerProfile, day: int, month: int
) -> TrainerProfile:
    """Set the day and month the trainer's CPD year starts (their membership anniversary)."""
    if not is_owner(actor.user, profile):
        raise DomainError("Only the trainer can change when their CPD year starts.")
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2024, month)[1]:
        raise DomainError("Enter a real day of that month.", field="day")
    with transaction.atomic():
        profile = TrainerProfile.objects.select_for_update().get(pk=profile.pk)
        old = profile.cpd_year_start
        if (old.day, old.month) == (day, month):
            return profile
        profile.cpd_year_start = _anchor_for(day, month, min(old, timezone.localdate()))
        profile.save(update_fields=["cpd_year_start"])
        record_event(
            actor=actor,
            action="cpd_year_start.update",
            target=profile,
            target_label=f"CPD year of {profile}",
            before={"cpd_year_start": old.isoformat()},
            after={"cpd_year_start": profile.cpd_year_start.isoformat()},
        )
    return profile


def _check_gap(profile: TrainerProfile, start: dt.date, end: dt.date) -> None:
    gap_months = active_rules().gap_months
    if start > end or end > timezone.localdate():
        raise DomainError("That is not a gap in your CPD log: open it from your progress page.")
    if start + relativedelta(months=gap_months) > end + dt.timedelta(days=1):
        raise DomainError(
            f"Only gaps of {gap_months} months or more need an explanation: open the gap from "
            "your progress page."
        )
    inside = CPDActivity.objects.filter(trainer=profile, date__gte=start, date__lte=end)
    if inside.exists():
        raise DomainError(
            "You have logged CPD inside these dates since the page was shown, so this is no "
            "longer a gap. Look at your progress page again."
        )


def cpd_gap_explain(
    *,
    actor: Actor,
    profile: TrainerProfile,
    start: dt.date,
    end: dt.date,
    text: str,
    existing: CPDGapExplanation | None = None,
) -> CPDGapExplanation | None:
    """Save (or, with empty text, remove) the explanation of a gap; None when removed.

    `existing` is the stored explanation the trainer edited (one overlapping this gap): it
    moves to the gap's days as now shown, so an explanation follows a gap that grew.
    The text is never copied into the audit log (it may say why someone was ill).
    """
    if not is_owner(actor.user, profile):
        raise DomainError("Only the trainer can explain gaps in their own CPD.")
    if existing is not None and existing.trainer_id != profile.pk:
        raise DomainError("That explanation belongs to someone else.")
    text = text.strip()
    span = {"start": start.isoformat(), "end": end.isoformat()}
    with transaction.atomic():
        if not text:
            if existing is None:
                raise DomainError("Type the explanation of the gap.", field="text")
            record_event(
                actor=actor,
                action="cpd_gap_explanation.delete",
                target=existing,
                before={"start": existing.start.isoformat(), "end": existing.end.isoformat()},
            )
            existing.delete()
            return None
        _check_gap(profile, start, end)
        if existing is None:
            explanation = CPDGapExplanation.objects.create(
                trainer=profile, start=start, end=end, text=text
            )
            record_event(
                actor=actor,
                action="cpd_gap_explanation.create",
                target=explanation,
                after={**span, "explanation": "written"},
            )
            return explanation
        explanation = CPDGapExplanation.objects.select_for_update().get(pk=existing.pk)
        before = {"start": explanation.start.isoformat(), "end": explanation.end.isoformat()}
        if (explanation.start, explanation.end, explanation.text) == (start, end, text):
            return explanation
        # Another explanation may already hold these exact days (two overlapped the gap).
        CPDGapExplanation.objects.filter(trainer=profile, start=start, end=end).exclude(
            pk=explanation.pk
        ).delete()
        changed_text = explanation.text != text
        explanation.start, explanation.end, explanation.text = start, end, text
        explanation.save()
        record_event(
            actor=actor,
            action="cpd_gap_explanation.update",
            target=explanation,
            before=before,
            after={**span, **({"explanation": "changed"} if changed_text else {})},
        )
    return explanation
