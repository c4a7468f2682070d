"""The one way to write an audit event, and who it says acted.

An `Actor` is who changed something and how they acted: a signed-in person, a clinic's API
token, or the system (a scheduled job, a worker). Services take one and hand it to
`record_event`; nothing here reads a request after the view has built the actor.
"""

from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import HttpRequest

from rehabpath.errors import DomainError
from rehabpath.models import ActorKind, AuditEvent, User


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user: User | None = None
    label: str = ""  # the API token's name, or the job acting as the system
    ip_address: str | None = None

    @classmethod
    def from_request(cls, request: HttpRequest, *, user: User | None = None) -> "Actor":
        """The signed-in person making this request, with their address as allauth sees it.

        Or `user`, who is not signed in but has proved in this request who they are (with the
        link of an account claim mailed to them).
        """
        user = user or request.user  # type: ignore[assignment]  # request.user: User | Anonymous
        if not isinstance(user, User) or not user.is_authenticated:
            raise PermissionDenied("Sign in to make changes.")
        return cls(ActorKind.USER, user=user, ip_address=client_ip(request))

    @classmethod
    def for_user(cls, user: User, *, ip_address: str | None = None) -> "Actor":
        """A person acting outside a request (the demo seed, a management command, tests)."""
        return cls(ActorKind.USER, user=user, ip_address=ip_address)

    @classmethod
    def system(cls, job: str) -> "Actor":
        return cls(ActorKind.SYSTEM, label=job)

    @classmethod
    def api_token(cls, *, token_label: str, user: User | None, ip_address: str | None) -> "Actor":
        """A clinic's API token; `user` is the clinic admin it belongs to, when there is one."""
        return cls(ActorKind.API_TOKEN, user=user, label=token_label, ip_address=ip_address)

    def person(self) -> User:
        """The person behind this actor, for a change only a person may make."""
        if self.user is None:
            raise DomainError("Only a signed-in person can make this change.")
        return self.user

    @property
    def audit_label(self) -> str:
        if self.kind == ActorKind.SYSTEM:
            return f"system: {self.label}" if self.label else "system"
        email = self.user.email if self.user is not None else ""
        if self.kind == ActorKind.API_TOKEN:
            return f"API token {self.label}" + (f" ({email})" if email else "")
        return email


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as allauth's rate limits see it (TRUSTED_PROXY_COUNT aware)."""
    if request is None:
        return None
    try:
        address: str = get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None  # no usable address: record the event without one
    return address


def record_event(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit event. Call it inside the service's transaction."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(getattr(target, "public_id", "") or target.pk)
        target_label = target_label or str(target)[:255]
    return AuditEvent.objects.create(
        actor=actor.user,
        actor_kind=actor.kind,
        actor_label=actor.audit_label[:254],
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        before=before or {},
        after=after or {},
        reason=reason,
        ip_address=actor.ip_address,
    )


# --- The kinds of event, registered by the apps that write them ----------------------------
# The audit log's filters offer these as choices with plain labels (no free-text search over
# the whole table). An event whose action nobody registered is still listed, by its code.


@dataclass(frozen=True)
class AuditAction:
    code: str  # "<subject>.<verb>", as record_event writes it
    label: str  # plain words: "Qualification verified"
    target_type: str = ""  # the target model's label_lower ("qualifications.cpdactivity")


_ACTIONS: dict[str, AuditAction] = {}


def register_audit_action(
    code: str, label: str, *, target: type[models.Model] | None = None
) -> None:
    """Make an action a choice of the audit log's filters (apps call it in ready())."""
    target_type = target._meta.label_lower if target is not None else ""
    _ACTIONS[code] = AuditAction(code, label, target_type)


def audit_actions() -> list[AuditAction]:
    return sorted(_ACTIONS.values(), key=lambda action: (action.label.lower(), action.code))


def audit_action_label(code: str) -> str:
    action = _ACTIONS.get(code)
    return action.label if action is not None else code


def audit_target_types() -> list[tuple[str, str]]:
    """The target types of the registered actions, with their models' names."""
    from django.apps import apps

    types = {}
    for action in _ACTIONS.values():
        if action.target_type and action.target_type not in types:
            try:
                model = apps.get_model(action.target_type)
            except LookupError:
                continue
            types[action.target_type] = str(model._meta.verbose_name).capitalize()
    return sorted(types.items(), key=lambda item: item[1].lower())
