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
