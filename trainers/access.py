"""Who may see a trainer's records and evidence (the conventions are in rehabpath/access.py).

The helpers return the object with what the user may do with it (`Access`), as healthchecks'
`_get_check_for_user` returns a check and whether the user may write: views and templates
read the rights from there and never work out ownership again. `is_owner` is the one owner
check, used by these helpers and by the services alike.
"""

import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from rehabpath.models import User
from rehabpath.roles import Role, has_role
from trainers.models import EvidenceFile, TrainerOwned, TrainerProfile


@dataclass(frozen=True)
class Access[T]:
    """An object a user asked for, and what they may do with it."""

    obj: T
    is_owner: bool  # it is the user's own (their record, file or activity)
    can_write: bool  # may change or remove it: its trainer only
    can_verify: bool  # may decide on it as programme staff: anyone's but their own


def is_owner(user: User | AnonymousUser | None, obj: TrainerOwned | TrainerProfile) -> bool:
    """Whether `user` is the trainer `obj` belongs to (a profile belongs to its own user).

    Reads `obj.trainer`: load it with the object (the helpers below select it).
    """
    if user is None or not user.is_authenticated:
        return False
    profile = obj if isinstance(obj, TrainerProfile) else obj.trainer
    return profile.user_id == user.pk


def access_for[T: TrainerOwned](user: User, obj: T) -> Access[T]:
    """The rights `user` has on `obj`, without refusing anything (lists; see below)."""
    owner = is_owner(user, obj)
    staff = has_role(user, Role.STAFF)
    return Access(obj, is_owner=owner, can_write=owner, can_verify=staff and not owner)


def trainer_profile_of(user: User) -> TrainerProfile:
    """The user's own trainer profile, or 403 when they are not a trainer."""
    if not has_role(user, Role.TRAINER):
        raise PermissionDenied("Only trainers keep these records.")
    return user.trainer_profile


def _checked[T: TrainerOwned](user: User, obj: T, *, write: bool, what: str) -> Access[T]:
    """The rule for anything a trainer owns: owner reads and writes, staff read, others 404."""
    access = access_for(user, obj)
    if not access.is_owner and not has_role(user, Role.STAFF):
        raise Http404(f"No such {what}.")
    if write and not access.can_write:
        raise PermissionDenied(f"Only the trainer can change their own {what}.")
    return access


def get_trainer_record_for_user[T: TrainerOwned](
    user: User, queryset: QuerySet[T], public_id: uuid.UUID | str, *, write: bool = False
) -> Access[T]:
    """One of a trainer's records (qualification, insurance, DBS check, CPD activity).

    The owning trainer may read and write; programme staff may read (to verify).
    Anyone else: 404 — they have no business knowing the record exists.
    """
    try:
        record = queryset.select_related("trainer__user").get(public_id=public_id)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record.") from None
    return _checked(user, record, write=write, what="record")


def get_evidence_for_user(
    user: User, public_id: uuid.UUID | str, *, write: bool = False
) -> Access[EvidenceFile]:
    """One evidence file, on the same terms as the record it backs.

    The owning trainer may download and remove it; programme staff may download it (to
    verify). Anyone else, clinic admins and mentors included, gets 404.
    """
    try:
        evidence = EvidenceFile.objects.select_related("trainer__user").get(public_id=public_id)
    except (EvidenceFile.DoesNotExist, ValueError, TypeError):
        raise Http404("No such file.") from None
    return _checked(user, evidence, write=write, what="evidence")
