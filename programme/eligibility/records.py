"""Reading stored checks: one check's answers by trainer, and a clinic's check history.

A stored answer is read as it was stored (names, areas, reasons as at the check), never
recomputed: it is the record of what the clinic was told.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from programme.clinics.access import shared_trainers
from programme.models import EligibilityAnswer, EligibilityCheck, EligibilityStatus
from rehabpath.paging import KeysetPage, keyset_page

HISTORY_PAGE_SIZE = 25


@dataclass(frozen=True)
class TrainerAnswers:
    trainer_id: int
    trainer_name: str
    answers: list[EligibilityAnswer]
    # The trainer's public id while they still share with the clinic (the check page can ask
    # again); None once they stopped.
    shared_public_id: uuid.UUID | None

    @property
    def still_shared(self) -> bool:
        return self.shared_public_id is not None

    @property
    def holds_until(self) -> dt.date | None:
        ends = [a.holds_until for a in self.answers if a.holds_until]
        return min(ends, default=None)


def answers_by_trainer(check: EligibilityCheck) -> list[TrainerAnswers]:
    """Every answer of `check`, grouped by trainer (by name), areas in catalogue order."""
    answers = list(
        EligibilityAnswer.objects.filter(check_run=check)
        .select_related("condition_area")
        .order_by("trainer_name", "trainer_id", "condition_area__position", "area_name")
    )
    trainer_ids = {a.trainer_id for a in answers}
    shared = dict(
        shared_trainers(check.clinic).filter(pk__in=trainer_ids).values_list("pk", "public_id")
    )
    groups: dict[int, TrainerAnswers] = {}
    for answer in answers:
        group = groups.get(answer.trainer_id)
        if group is None:
            group = groups[answer.trainer_id] = TrainerAnswers(
                answer.trainer_id,
                answer.trainer_name,
                [],
                shared_public_id=shared.get(answer.trainer_id),
            )
        group.answers.append(answer)
    return list(groups.values())


def check_history(
    clinic_checks: QuerySet[EligibilityCheck], *, older: str | None, newer: str | None
) -> KeysetPage[EligibilityCheck]:
    """A page of checks, newest first, each with its counts and (for one trainer) the name.

    Counting in the database keeps the page one query whatever the size of the checks (an API
    roster check holds an answer per trainer and area).
    """
    first_name = (
        EligibilityAnswer.objects.filter(check_run=OuterRef("pk"))
        .order_by("trainer_name")
        .values("trainer_name")[:1]
    )
    first_area = (
        EligibilityAnswer.objects.filter(check_run=OuterRef("pk"))
        .order_by("area_name")
        .values("area_name")[:1]
    )
    rows = clinic_checks.annotate(
        trainer_count=Count("answers__trainer", distinct=True),
        area_count=Count("answers__condition_area", distinct=True),
        first_trainer=Subquery(first_name),
        first_area=Subquery(first_area),
        eligible=Count("answers", filter=Q(answers__status=EligibilityStatus.ELIGIBLE)),
        supervised=Count("answers", filter=Q(answers__status=EligibilityStatus.SUPERVISED_ONLY)),
        not_eligible=Count("answers", filter=Q(answers__status=EligibilityStatus.NOT_ELIGIBLE)),
    )
    return keyset_page(
        rows, field="checked_at", size=HISTORY_PAGE_SIZE, older_than=older, newer_than=newer
    )
