"""The dashboard panels the trainers base can build: clinic admins' and programme staff's."""

from typing import Any

from django.db.models import Count, Q

from rehabpath.models import User
from trainers.models import Clinic, TrainerProfile, VerificationStatus
from trainers.records import record_kinds


def clinic_admin_panel(user: User) -> dict[str, Any]:
    """The clinics the admin administers, each with the number of trainers sharing now."""
    clinics = (
        Clinic.objects.filter(memberships__user=user)
        .annotate(
            shared_count=Count("shares", filter=Q(shares__ended_at__isnull=True), distinct=True)
        )
        .order_by("name")
    )
    return {"clinics": list(clinics)}


def staff_panel(user: User) -> dict[str, Any]:
    pending = sum(
        kind.model._default_manager.filter(status=VerificationStatus.PENDING).count()
        for kind in record_kinds()
    )
    trainers = TrainerProfile.objects.aggregate(
        total=Count("id"), suspended=Count("id", filter=Q(status="suspended"))
    )
    return {"pending": pending, "trainers": trainers}
