"""Missing prerequisites: a warning on a qualification, never a refusal.

A trainer may hold a Level 4 before their Level 3 is verified (or even recorded): the record is
accepted, and the warning tells both the trainer and the verifying staff what is missing.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import prefetch_related_objects

from qualifications.models import QualificationType, TrainerQualification
from qualifications.rules import unmet_prerequisites
from trainers.models import VerificationStatus


def prerequisite_warnings(
    qualification: TrainerQualification, held: Iterable[TrainerQualification]
) -> list[str]:
    """What is missing for `qualification`, given every qualification the trainer holds.

    Pure: the caller loads `held` (with `qualification_type`) and the type's prerequisites
    (prefetch `qualification_type__prerequisites`), so a page of records costs no extra query.
    """
    states: dict[int, set[str]] = {}
    for other in held:
        if other.pk != qualification.pk:
            states.setdefault(other.qualification_type_id, set()).add(other.status)
    warnings = []
    for required, held_as in unmet_prerequisites(
        _prerequisites(qualification.qualification_type), states
    ):
        why = {
            str(VerificationStatus.PENDING): "the one on record is still waiting for verification",
            str(VerificationStatus.REJECTED): "the one on record was rejected",
        }.get(held_as, "none is on record yet")
        warnings.append(f"{qualification.qualification_type} normally requires {required}: {why}.")
    return warnings


def _prerequisites(qtype: QualificationType) -> list[QualificationType]:
    return list(qtype.prerequisites.all())


def warnings_for_qualifications(
    qualifications: list[TrainerQualification],
    *,
    held: list[TrainerQualification] | None = None,
) -> dict[int, list[str]]:
    """Warnings for each qualification (of one or many trainers), keyed by primary key.

    Two queries whatever the number of rows: the types' prerequisites, and everything the
    trainers concerned hold (skipped when the caller passes `held`, e.g. a trainer's full list).
    """
    if not qualifications:
        return {}
    prefetch_related_objects([q.qualification_type for q in qualifications], "prerequisites")
    if held is None:
        held = list(
            TrainerQualification.objects.filter(
                trainer_id__in={q.trainer_id for q in qualifications}
            ).only("id", "trainer_id", "qualification_type_id", "status")
        )
    by_trainer: dict[int, list[TrainerQualification]] = defaultdict(list)
    for other in held:
        by_trainer[other.trainer_id].append(other)
    return {q.pk: prerequisite_warnings(q, by_trainer[q.trainer_id]) for q in qualifications}
