"""Who may see what. Every view goes through these helpers; no view filters by owner itself.

Conventions:
- anonymous users are sent to the login page (``login_required`` / ``role_required``);
- a user without the role a page needs gets 403;
- an object the user has no relation to is a 404, so its existence is not revealed;
- a user who may see an object but not change it gets 403 when asking to write.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from rehabpath.roles import Role, has_role


def role_required(*roles: Role) -> Callable:
    """Allow a view to users holding any of `roles`; anonymous users go to the login page."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any):
            if not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied("Your account does not have the role this page needs.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def trainer_profile_of(user):
    """The user's own trainer profile, or 403 when they are not a trainer."""
    if not has_role(user, Role.TRAINER):
        raise PermissionDenied("Only trainers keep these records.")
    return user.trainer_profile


def _trainer_owned(user, obj, *, write: bool, what: str):
    """The rule for anything a trainer owns: owner reads and writes, staff read, others 404."""
    if has_role(user, Role.TRAINER) and obj.trainer_id == user.trainer_profile.id:
        return obj
    if has_role(user, Role.STAFF):
        if write:
            raise PermissionDenied(f"Only the trainer can change their own {what}.")
        return obj
    raise Http404(f"No such {what}.")


def get_trainer_record_for_user(user, queryset, public_id, *, write: bool = False):
    """One of a trainer's records (qualification, insurance, DBS check, CPD activity).

    The owning trainer may read and write; programme staff may read (to verify).
    Anyone else: 404 — they have no business knowing the record exists.
    """
    try:
        record = queryset.select_related("trainer__user").get(public_id=public_id)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record.") from None
    return _trainer_owned(user, record, write=write, what="record")


def get_evidence_for_user(user, public_id, *, write: bool = False):
    """One evidence file, on the same terms as the record it backs.

    The owning trainer may download and remove it; programme staff may download it (to
    verify). Anyone else, clinic admins and mentors included, gets 404.
    """
    from trainers.models import EvidenceFile

    try:
        evidence = EvidenceFile.objects.select_related("trainer__user").get(public_id=public_id)
    except (EvidenceFile.DoesNotExist, ValueError, TypeError):
        raise Http404("No such file.") from None
    return _trainer_owned(user, evidence, write=write, what="evidence")
