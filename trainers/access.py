"""Who may see a trainer's records and evidence (the conventions are in rehabpath/access.py)."""

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from rehabpath.models import User
from rehabpath.roles import Role, has_role
from trainers.models import EvidenceFile, TrainerOwned, TrainerProfile


def trainer_profile_of(user: User) -> TrainerProfile:
    """The user's own trainer profile, or 403 when they are not a trainer."""
    if not has_role(user, Role.TRAINER):
        raise PermissionDenied("Only trainers keep these records.")
    return user.trainer_profile


def _trainer_owned[T: TrainerOwned](user: User, obj: T, *, write: bool, what: str) -> T:
    """The rule for anything a trainer owns: owner reads and writes, staff read, others 404."""
    if has_role(user, Role.TRAINER) and obj.trainer_id == user.trainer_profile.id:
        return obj
    if has_role(user, Role.STAFF):
        if write:
            raise PermissionDenied(f"Only the trainer can change their own {what}.")
        return obj
    raise Http404(f"No such {what}.")


def get_trainer_record_for_user[T: TrainerOwned](
    user: User, queryset: QuerySet[T], public_id: uuid.UUID | str, *, write: bool = False
) -> T:
    """One of a trainer's records (qualification, insurance, DBS check, CPD activity).

    The owning trainer may read and write; programme staff may read (to verify).
    Anyone else: 404 — they have no business knowing the record exists.
    """
    try:
        record = queryset.select_related("trainer__user").get(public_id=public_id)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record.") from None
    return _trainer_owned(user, record, write=write, what="record")


def get_evidence_for_user(
    user: User, public_id: uuid.UUID | str, *, write: bool = False
) -> EvidenceFile:
    """One evidence file, on the same terms as the record it backs.

    The owning trainer may download and remove it; programme staff may download it (to
    verify). Anyone else, clinic admins and mentors included, gets 404.
    """
    try:
        evidence = EvidenceFile.objects.select_related("trainer__user").get(public_id=public_id)
    except (EvidenceFile.DoesNotExist, ValueError, TypeError):
        raise Http404("No such file.") from None
    return _trainer_owned(user, evidence, write=write, what="evidence")
