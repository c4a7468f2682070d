"""Reads of the clinic pages, each in a fixed number of queries whatever the rows."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from rehabpath.models import User
from trainers.models import Clinic, ClinicInvitation, ClinicMembership, ClinicShare, TrainerProfile

OPEN_SHARES = Q(shares__ended_at__isnull=True)


def clinics_with_counts() -> QuerySet[Clinic]:
    """Every clinic with its number of admins and of trainers sharing now (one query)."""
    return Clinic.objects.annotate(
        admin_count=Count("memberships", distinct=True),
        shared_count=Count("shares", filter=OPEN_SHARES, distinct=True),
    ).order_by("name")


def administered_clinics(user: User) -> QuerySet[Clinic]:
    """The clinics `user` administers, each with its number of trainers sharing now."""
    return (
        Clinic.objects.filter(memberships__user=user)
        .annotate(shared_count=Count("shares", filter=OPEN_SHARES, distinct=True))
        .order_by("name")
    )


@dataclass(frozen=True)
class ClinicOverview:
    clinic: Clinic
    memberships: list[ClinicMembership]
    open_invitations: list[ClinicInvitation]
    shared_count: int


def clinic_overview(clinic: Clinic) -> ClinicOverview:
    """The staff's page of a clinic: its admins, its open invitations, how many share."""
    memberships = list(
        ClinicMembership.objects.filter(clinic=clinic)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    invitations = list(
        ClinicInvitation.objects.filter(
            clinic=clinic, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("email")
    )
    shared = ClinicShare.objects.filter(clinic=clinic, ended_at__isnull=True).count()
    return ClinicOverview(clinic, memberships, invitations, shared)


def is_expired(invitation: ClinicInvitation) -> bool:
    return invitation.expires_at <= timezone.now()


@dataclass(frozen=True)
class Sharing:
    open_shares: list[ClinicShare]
    history: list[ClinicShare]  # every share, open or stopped, newest first
    clinics: list[Clinic]  # every clinic, by name
    # Clinics the trainer may share with: every clinic they do not share with now.
    available: list[Clinic]


def sharing_of(trainer: TrainerProfile) -> Sharing:
    """The trainer's shares and the clinics to choose from (two queries)."""
    shares = list(ClinicShare.objects.filter(trainer=trainer).select_related("clinic"))
    open_shares = [share for share in shares if share.is_open]
    shared_with = {share.clinic_id for share in open_shares}
    clinics = list(Clinic.objects.order_by("name"))
    available = [clinic for clinic in clinics if clinic.pk not in shared_with]
    return Sharing(open_shares, shares, clinics, available)
