"""Roles are not stored as flags: a person holds a role by holding what the role needs.

- trainer: a TrainerProfile
- mentor: a MentorProfile
- clinic admin: at least one ClinicMembership
- programme staff: User.is_staff
"""

from enum import StrEnum

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


def roles_of(user: User | AnonymousUser) -> frozenset[Role]:
    """The roles a user holds, computed once per user object (one query)."""
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
