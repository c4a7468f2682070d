"""Helpers of the eligibility tests: a clinic's trainers sharing with it, API tokens."""

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from programme.models import ApiToken
from tests import factories
from trainers.models import Clinic, ClinicShare, TrainerProfile


def clinic_of(user) -> Clinic:
    return user.clinic_memberships.get().clinic


def share(trainer: TrainerProfile, clinic: Clinic, *, started: dt.datetime | None = None):
    return ClinicShare.objects.create(
        trainer=trainer, clinic=clinic, started_at=started or timezone.now()
    )


def stop_sharing(trainer: TrainerProfile, clinic: Clinic) -> None:
    ClinicShare.objects.filter(trainer=trainer, clinic=clinic, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


def shared_trainers(clinic: Clinic, count: int) -> list[TrainerProfile]:
    trainers = factories.TrainerProfileFactory.create_batch(count)
    ClinicShare.objects.bulk_create([ClinicShare(trainer=t, clinic=clinic) for t in trainers])
    return trainers


def api_token(clinic: Clinic, *, name: str = "Rota system", revoked: bool = False) -> ApiToken:
    secret = secrets.token_urlsafe(24)
    return ApiToken.objects.create(
        clinic=clinic,
        name=name,
        prefix=f"rp_{secret[:8]}",
        token_sha256=hashlib.sha256(secret.encode()).hexdigest(),
        revoked_at=timezone.now() if revoked else None,
    )
