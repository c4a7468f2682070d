"""Roles are not stored as flags: a person holds a role by holding what the role needs.

- trainer: a TrainerProfile
- mentor: a MentorProfile
- clinic admin: at least one ClinicMembership
- programme staff: User.is_staff
"""

from enum import StrEnum

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser

from rehabpath.models import User


class Role(StrEnum):
    TRAINER = "trainer"
    MENTOR = "mentor"
    CLINIC_ADMIN = "clinic_admin"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.TRAINER: "Trainer",
    Role.MENTOR: "Mentor",
    Role.CLINIC_ADMIN: "Clinic admin",
    Role.STAFF: "Programme staff",
}

# Roles whose holders must have a second factor before they can use the app.
PRIVILEGED_ROLES = frozenset({Role.MENTOR, Role.CLINIC_ADMIN, Role.STAFF})
# What counts as a second factor. Recovery codes only back one of these up.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def remember_roles(
    user: User, *, trainer: bool, mentor: bool, clinic_admin: bool, second_factor: bool
) -> None:
    """Keep on the user object what the backend loaded with it (`rehabpath.auth`): roles_of
    and has_second_factor then ask the database nothing for the rest of the request."""
    roles = {
        role
        for role, held in (
            (Role.TRAINER, trainer),
            (Role.MENTOR, mentor),
            (Role.CLINIC_ADMIN, clinic_admin),
            (Role.STAFF, user.is_staff),
        )
        if held
    }
    setattr(user, "_rehabpath_roles", frozenset(roles))  # noqa: B010 - per request, not a field
    setattr(user, "_rehabpath_second_factor", second_factor)  # noqa: B010


def has_second_factor(user: User) -> bool:
    known: bool | None = getattr(user, "_rehabpath_second_factor", None)
    if known is None:
        known = Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()
        setattr(user, "_rehabpath_second_factor", known)  # noqa: B010
    return known


def roles_of(user: User | AnonymousUser) -> frozenset[Role]:
    """The roles a user holds: loaded with the signed-in user (`rehabpath.auth`), else
    computed once per user object (one query)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, "_rehabpath_roles", None)
    if cached is not None:
        return cached
    flags = (
        User.objects.filter(pk=user.pk)
        .values_list("trainer_profile__id", "mentor_profile__id", "clinic_memberships__id")
        .first()
    ) or (None, None, None)
    roles = set()
    if flags[0] is not None:
        roles.add(Role.TRAINER)
    if flags[1] is not None:
        roles.add(Role.MENTOR)
    if flags[2] is not None:
        roles.add(Role.CLINIC_ADMIN)
    if user.is_staff:
        roles.add(Role.STAFF)
    held = frozenset(roles)
    setattr(user, "_rehabpath_roles", held)  # noqa: B010 - a per-request cache, not a field
    return held


def has_role(user: User | AnonymousUser, role: Role) -> bool:
    return role in roles_of(user)
