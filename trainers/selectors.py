"""Reads across a trainer's compliance records."""

from itertools import chain

from trainers.models import TrainerProfile


def trainer_records(profile: TrainerProfile) -> list:
    """Every verifiable record of one trainer (qualifications, insurance, DBS), in 3 queries."""
    from qualifications.models import TrainerQualification

    qualifications = TrainerQualification.objects.filter(trainer=profile).select_related(
        "qualification_type", "awarding_body"
    )
    return list(chain(qualifications, profile.insurances.all(), profile.dbs_checks.all()))


def trainer_records_by_kind(profile: TrainerProfile) -> dict:
    """One trainer's records grouped by kind, each with its evidence, in a fixed query count."""
    from qualifications.prerequisites import warnings_for_qualifications
    from trainers.records import KINDS, QUALIFICATION

    grouped = {
        slug: list(
            kind.queryset().filter(trainer=profile).order_by(*kind.model._meta.ordering, "id")
        )
        for slug, kind in KINDS.items()
    }
    qualifications = grouped[QUALIFICATION.slug]
    warnings = warnings_for_qualifications(qualifications, held=qualifications)
    return {"records": grouped, "warnings": warnings}


def verification_queue() -> list[dict]:
    """Every pending record of every kind, oldest submission first.

    Three record queries and three evidence queries, plus two for the prerequisite warnings,
    however many records wait.
    """
    from qualifications.prerequisites import warnings_for_qualifications
    from trainers.models import VerificationStatus
    from trainers.records import KINDS, QUALIFICATION

    rows = []
    for kind in KINDS.values():
        records = list(kind.queryset().filter(status=VerificationStatus.PENDING))
        warnings = warnings_for_qualifications(records) if kind is QUALIFICATION else {}
        rows += [{"kind": kind, "record": r, "warnings": warnings.get(r.pk, [])} for r in records]
    rows.sort(key=lambda row: (row["record"].submitted_at, row["kind"].slug, row["record"].pk))
    return rows
