"""The dashboard panels the trainers base can build: clinic admins' and programme staff's."""

from typing import Any

from django.db.models import Count, Q

from rehabpath.models import User
from trainers.models import TrainerProfile, VerificationStatus
from trainers.records import record_kinds


def clinic_admin_panel(user: User) -> dict[str, Any]:
    clinics = [m.clinic for m in user.clinic_memberships.select_related("clinic")]
    return {"clinics": clinics}


def staff_panel(user: User) -> dict[str, Any]:
    pending = sum(
        kind.model._default_manager.filter(status=VerificationStatus.PENDING).count()
        for kind in record_kinds()
    )
    trainers = TrainerProfile.objects.aggregate(
        total=Count("id"), suspended=Count("id", filter=Q(status="suspended"))
    )
    return {"pending": pending, "trainers": trainers}
