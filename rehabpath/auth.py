"""The signed-in user, loaded once a request together with what their roles depend on.

Django loads the user of a session through the backend that signed them in (`get_user`).
Here that one query also brings the trainer profile, whether the user is a mentor or a clinic
admin, and whether they have a second factor, so that the navigation, the MFA requirement and
the views ask the database nothing more about who the user is. The same query counts their
unread notifications for the header (rehabpath.inbox), so no page pays a query for it. The
core names no app: the relations are reached by name, as `rehabpath.roles` describes them.
"""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Exists, F, OuterRef, QuerySet

from rehabpath.inbox.selectors import unread_count_subquery
from rehabpath.models import User
from rehabpath.roles import SECOND_FACTORS, remember_roles


def users_with_roles() -> QuerySet[User]:
    memberships: Any = User._meta.get_field("clinic_memberships").related_model
    return User._default_manager.select_related("trainer_profile").annotate(
        trainer_profile_pk=F("trainer_profile__id"),
        mentor_profile_pk=F("mentor_profile__id"),
        is_clinic_admin=Exists(memberships._default_manager.filter(user=OuterRef("pk"))),
        has_second_factor=Exists(
            Authenticator.objects.filter(user=OuterRef("pk"), type__in=SECOND_FACTORS)
        ),
        unread_notifications=unread_count_subquery(),
    )


class RolesLoadingMixin:
    def get_user(self, user_id: Any) -> User | None:
        user = users_with_roles().filter(pk=user_id).first()
        if user is None or not user.is_active:
            return None
        remember_roles(
            user,
            trainer=getattr(user, "trainer_profile_pk", None) is not None,
            mentor=getattr(user, "mentor_profile_pk", None) is not None,
            clinic_admin=bool(getattr(user, "is_clinic_admin", False)),
            second_factor=bool(getattr(user, "has_second_factor", False)),
        )
        return user


class ModelBackend(RolesLoadingMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(RolesLoadingMixin, AllauthBackend):  # type: ignore[misc]
    """allauth's backend (e-mail login, rate limits) with the same loading of the user."""
