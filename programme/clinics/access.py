"""Who sees a clinic, and which trainers a clinic sees (the one place that decides it).

- A clinic is seen by its admins (a ClinicMembership) only: a signed-in user who is not a
  member gets 404, so a clinic's existence is not revealed; a user who is no clinic admin at
  all gets 403 from `role_required` before this.
- A clinic sees a trainer only while the trainer shares their record with it (an open
  ClinicShare): once they stop, the trainer is a 404 for the clinic, whatever it saw before.
"""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from rehabpath.models import User
from trainers.models import Clinic, ClinicShare, TrainerProfile


def clinics_of(user: User) -> QuerySet[Clinic]:
    return Clinic.objects.filter(memberships__user=user).order_by("name")


def get_clinic_for_user(user: User, public_id: uuid.UUID) -> Clinic:
    """The clinic `public_id` if `user` is one of its admins; 404 otherwise."""
    clinic = clinics_of(user).filter(public_id=public_id).first()
    if clinic is None:
        raise Http404("No such clinic.")
    return clinic


def open_shares(clinic: Clinic) -> QuerySet[ClinicShare]:
    return ClinicShare.objects.filter(clinic=clinic, ended_at__isnull=True)


def shared_trainers(clinic: Clinic) -> QuerySet[TrainerProfile]:
    """The trainers sharing their record with `clinic` now."""
    return TrainerProfile.objects.filter(
        clinic_shares__clinic=clinic, clinic_shares__ended_at__isnull=True
    )


def get_shared_trainer(clinic: Clinic, public_id: uuid.UUID) -> TrainerProfile:
    """The trainer `public_id` while they share with `clinic`; 404 otherwise."""
    trainer = shared_trainers(clinic).select_related("user").filter(public_id=public_id).first()
    if trainer is None:
        raise Http404("No such trainer.")
    return trainer


def get_own_share(trainer: TrainerProfile, public_id: uuid.UUID) -> ClinicShare:
    """One of `trainer`'s own shares (open or stopped); anyone else's is a 404."""
    share = (
        ClinicShare.objects.select_related("clinic", "trainer__user")
        .filter(trainer=trainer, public_id=public_id)
        .first()
    )
    if share is None:
        raise Http404("No such share.")
    return share
